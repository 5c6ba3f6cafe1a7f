"""The TCP server against a hostile local user (issue 31): its runtime dir and token file, and
floods of idle connections under a low descriptor limit. Real server processes."""

from __future__ import annotations

import json
import os
import resource
import signal
import socket
import stat
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from tests.integration.test_server_process import CODEGEN, RpcClient

NOBODY = 65534
as_root = pytest.mark.skipif(os.geteuid() != 0, reason="planting another uid's files needs root")


def start(env: dict[str, str], nofile: int | None = None) -> subprocess.Popen[str]:
    def limit() -> None:
        if nofile is not None:
            resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))

    return subprocess.Popen(
        [*CODEGEN, "serve", "--tcp", "0", "--model", "embedded-small"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1", **env},
        preexec_fn=limit,
    )


def info_of(proc: subprocess.Popen[str]) -> dict[str, Any]:
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line, proc.stderr.read() if proc.stderr else ""
    return dict(json.loads(line))


def authorized_client(info: dict[str, Any]) -> tuple[socket.socket, RpcClient]:
    """A client that has initialized with the token; while the server is full it is refused
    ("server busy", then closed), and tries again, as a real client would."""
    token = Path(info["token_file"]).read_text()
    init = {"capabilities": {}, "initializationOptions": {"token": token}}
    for _ in range(50):
        sock = socket.create_connection((info["host"], info["port"]), timeout=30)
        client = RpcClient(sock.makefile("rb"), sock.makefile("wb"))
        try:
            reply = client.call("initialize", init, timeout=60)
        except EOFError:
            reply = {}
        if "result" in reply:
            return sock, client
        assert reply.get("error", {}).get("code", -32000) == -32000, reply
        sock.close()
        time.sleep(0.2)
    raise AssertionError("the server never let the client in")


def stop(proc: subprocess.Popen[str]) -> str:
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=30)
    return err


@as_root
def test_a_runtime_dir_planted_by_another_user_is_refused(tmp_path: Path) -> None:
    planted = tmp_path / "codegen"
    planted.mkdir(mode=0o777)
    os.chmod(planted, 0o777)
    victim = tmp_path / "root-owned.conf"
    victim.write_text("precious\n")
    os.symlink(victim, planted / "serve-0.token")
    os.chown(planted, NOBODY, NOBODY)
    proc = start({"XDG_RUNTIME_DIR": str(tmp_path)})
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert f"serve: {planted} belongs to uid {NOBODY}, not to you; refusing it" in err
    assert victim.read_text() == "precious\n"


def test_an_open_runtime_dir_is_refused_and_a_private_one_is_used(tmp_path: Path) -> None:
    (tmp_path / "codegen").mkdir()
    os.chmod(tmp_path / "codegen", 0o755)
    proc = start({"XDG_RUNTIME_DIR": str(tmp_path)})
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2 and "is open to others (mode 0o755); it must be 0700" in err


def test_without_a_runtime_dir_a_fresh_private_one_is_made_and_removed(tmp_path: Path) -> None:
    env = {"XDG_RUNTIME_DIR": str(tmp_path / "missing"), "TMPDIR": str(tmp_path)}
    # A predictable fallback name planted in advance must not be used or touched.
    decoy = tmp_path / f"codegen-{os.getuid()}"
    decoy.mkdir()
    proc = start(env)
    info = info_of(proc)
    token_file = Path(info["token_file"])
    directory = token_file.parent
    assert directory.parent == tmp_path and directory != decoy
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    assert stop(proc).count("Traceback") == 0 and proc.returncode == 0
    assert not token_file.exists() and not directory.exists()  # SIGTERM cleans up
    assert decoy.is_dir() and not any(decoy.iterdir())


def test_idle_connection_floods_under_a_low_descriptor_limit(tmp_path: Path) -> None:
    """300 connections that never initialize, against a server allowed 64 descriptors and caps
    above that (so accept hits EMFILE): it backs off, closes them at the initialize deadline,
    and serves a real client after; with the default caps it refuses the excess at once."""
    for caps, nofile in (
        ({"SERVER_MAX_CONNECTIONS": "500", "SERVER_MAX_UNAUTHENTICATED": "500"}, 64),
        ({}, 256),
    ):
        env = {"XDG_RUNTIME_DIR": str(tmp_path), "CODEGEN_SERVER_INIT_TIMEOUT": "1"}
        env.update({f"CODEGEN_{k}": v for k, v in caps.items()})
        proc = start(env, nofile=nofile)
        info = info_of(proc)
        idle = []
        for _ in range(300):
            sock = socket.socket()
            sock.setblocking(False)
            sock.connect_ex((info["host"], info["port"]))
            idle.append(sock)
        time.sleep(2.5)  # past the initialize deadline
        for sock in idle:
            sock.close()
        sock, client = authorized_client(info)
        langs = client.call("codegen/languages", timeout=60)["result"]
        assert any(lang["name"] == "python" for lang in langs)
        sock.close()
        assert proc.poll() is None
        err = stop(proc)
        assert "Traceback" not in err
        # With caps above the descriptor limit, accept ran out of descriptors and backed off;
        # with the default caps the excess was refused before that could happen.
        assert ("accept: Too many open files; backing off" in err) == bool(caps), err
