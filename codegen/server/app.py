"""Running the server: stdio (one client) or TCP (many, each with the token)."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import secrets
import socket
import sys
import tempfile
import threading
from pathlib import Path

from codegen.config import Settings
from codegen.errors import UsageError
from codegen.netaddr import parse_address
from codegen.server.dispatch import Connection, Pools
from codegen.server.framing import FrameReader, FrameWriter
from codegen.server.handlers import State

log = logging.getLogger(__name__)


def _quiet_pygls() -> None:
    """pygls logs whole tracebacks for bad client input; keep them for --debug only."""
    if not logging.getLogger().isEnabledFor(logging.DEBUG):
        logging.getLogger("pygls").setLevel(logging.CRITICAL)


def serve_stdio(settings: Settings) -> int:
    """Serve one client on stdin/stdout; stray writes to fd 1 are sent to stderr instead."""
    _quiet_pygls()
    protocol_out = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    state, pools = State(settings), Pools()
    conn = Connection(state, pools, FrameReader(sys.stdin.buffer), FrameWriter(protocol_out))
    try:
        return conn.serve()
    finally:
        pools.close()


def runtime_dir() -> Path:
    """The user's runtime dir for codegen (0700), falling back to a private temp dir."""
    import platformdirs

    for candidate in (
        Path(platformdirs.user_runtime_dir("codegen")),
        Path(tempfile.gettempdir()) / f"codegen-{os.getuid()}",
    ):
        try:
            candidate.mkdir(mode=0o700, parents=True, exist_ok=True)
            if os.access(candidate, os.W_OK):
                return candidate
        except OSError:
            continue
    raise UsageError("serve: no writable runtime directory for the token file")


def write_token(port: int) -> tuple[Path, str]:
    token = secrets.token_urlsafe(32)
    path = runtime_dir() / f"serve-{port}.token"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, token.encode("ascii"))
    finally:
        os.close(fd)
    return path, token


def serve_tcp(settings: Settings, address: str) -> int:
    """Accept connections until interrupted; each must initialize with the token."""
    host, port = parse_address(address)
    _quiet_pygls()
    try:
        listener = socket.create_server((host, port), reuse_port=False)
    except OSError as exc:
        raise UsageError(f"--tcp {address}: cannot listen: {exc.strerror or exc}") from None
    port = listener.getsockname()[1]
    token_file, token = write_token(port)
    state, pools = State(settings), Pools()
    info = {"host": host, "port": port, "token_file": str(token_file)}
    sys.stdout.write(json.dumps(info) + "\n")
    sys.stdout.flush()
    try:
        while True:
            sock, _ = listener.accept()
            args = (state, pools, sock, token)
            threading.Thread(target=_serve_socket, args=args, daemon=True).start()
    finally:
        listener.close()
        pools.close()
        token_file.unlink(missing_ok=True)


def _serve_socket(state: State, pools: Pools, sock: socket.socket, token: str) -> None:
    with sock:
        reader = FrameReader(sock.makefile("rb"))
        writer = FrameWriter(sock.makefile("wb"))
        try:
            Connection(state, pools, reader, writer, token=token).serve()
        except OSError as exc:
            log.info("connection ended: %s", exc)
        finally:
            writer.close()
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
