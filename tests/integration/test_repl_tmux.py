"""End to end in a real terminal: ``codegen repl`` in tmux with the real small embedded model."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

CODEGEN = Path(sys.executable).with_name("codegen")


class Tmux:
    """One private tmux server (its own socket) running one pane."""

    def __init__(self, socket: str) -> None:
        self.socket = socket

    def __call__(self, *args: str) -> str:
        proc = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, timeout=20
        )
        if proc.returncode != 0:
            raise AssertionError(f"tmux {' '.join(args)}: {proc.stderr.strip()}")
        return proc.stdout

    def screen(self) -> str:
        return self("capture-pane", "-p", "-J", "-S", "-3000", "-t", "repl")

    def type(self, text: str) -> None:
        self("send-keys", "-t", "repl", "-l", text)
        self("send-keys", "-t", "repl", "Enter")

    def wait_for(self, pattern: str, timeout: float, count: int = 1) -> str:
        """The screen once ``pattern`` (a regex) occurs ``count`` times; fails after timeout."""
        deadline = time.monotonic() + timeout
        while True:
            text = self.screen()
            if len(re.findall(pattern, text)) >= count:
                return text
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"no {pattern!r} (x{count}) after {timeout} s; screen:\n{text}"
                )
            time.sleep(0.2)


@pytest.fixture
def repl(tmp_path: Path) -> Iterator[Tmux]:
    if shutil.which("tmux") is None:
        pytest.fail("tmux is missing: run scripts/system-deps.sh (make test does)")
    tmux = Tmux(f"codegen-test-{uuid.uuid4().hex[:8]}")
    # The server runs in the foreground (-D) as our child: no daemon(), no user tmux.conf.
    server = subprocess.Popen(
        ["tmux", "-L", tmux.socket, "-D", "-f", os.devnull],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    (tmp_path / "config.toml").touch()
    env = {
        "CODEGEN_CONFIG": str(tmp_path / "config.toml"),
        "CODEGEN_DATA_DIR": str(tmp_path / "data"),
        "CODEGEN_AUDIT_PATH": str(tmp_path / "data" / "audit.jsonl"),
        "NO_COLOR": "1",
        "TERM": "xterm-256color",
        "PAGER": "cat",
        "CODEGEN_FEW_SHOT": "0",  # a shorter prompt: the test is about the terminal
    }
    argv = [str(CODEGEN), "repl", "--model", "embedded-small", "-n", "2", "--max-tokens", "96"]
    argv += ["--temperature", "0.2"]
    command = shlex.join(["env", *(f"{k}={v}" for k, v in env.items()), *argv])
    socket_path = ""
    try:
        # Any tmux client command that finds no server starts one of its own: wait until our
        # foreground server listens, or new-session could race it and land in a second server.
        _wait_for_socket(tmux.socket)
        _retry(
            lambda: tmux(
                "new-session",
                "-d",
                "-s",
                "repl",
                "-x",
                "120",
                "-y",
                "40",
                "-c",
                str(tmp_path),
                command,
            )
        )
        tmux("set-option", "-t", "repl", "remain-on-exit", "on")
        socket_path = tmux("display-message", "-p", "#{socket_path}").strip()
        yield tmux
    finally:
        subprocess.run(["tmux", "-L", tmux.socket, "kill-server"], capture_output=True, timeout=20)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=20)
        if socket_path:
            Path(socket_path).unlink(missing_ok=True)


def _wait_for_socket(name: str, timeout: float = 30) -> None:
    import socket as socket_mod

    base = Path(os.environ.get("TMUX_TMPDIR") or "/tmp") / f"tmux-{os.getuid()}" / name
    deadline = time.monotonic() + timeout
    while True:
        with socket_mod.socket(socket_mod.AF_UNIX, socket_mod.SOCK_STREAM) as probe:
            try:
                probe.connect(str(base))
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise AssertionError(f"tmux server did not listen on {base}") from None
        time.sleep(0.05)


def _retry(action: Callable[[], object], timeout: float = 10) -> None:
    """Run ``action`` until it stops failing (the server needs a moment to listen)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            action()
            return
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def test_describe_save_cancel_and_continue(repl: Tmux, tmp_path: Path) -> None:
    repl.wait_for(r"(?m)^codegen>", 60)
    repl.type("Write a Python function add(a, b) that returns the sum of a and b.")
    screen = repl.wait_for(r"done: python \d/2 valid", 420)
    assert re.search(r"#1 python-\d ✓ valid", screen), screen

    repl.type("/save 1 out.py")
    repl.wait_for(r"saved python-\d to out.py", 30)
    code = (tmp_path / "out.py").read_text()
    compile(code, "out.py", "exec")
    assert "def add" in code

    # Ctrl-C during a generation: cancelled, back at the prompt, model still loaded.
    repl.type(
        "Write a Python class for a binary search tree with insert, delete, search and "
        "in-order traversal methods, each with a docstring."
    )
    repl.wait_for(r"generating python", 120)
    repl("send-keys", "-t", "repl", "C-c")
    screen = repl.wait_for(r"(?m)^cancelled", 15)
    assert len(re.findall(r"done: python", screen)) == 1, screen

    repl.type("Write a Python function is_even(n) that tells whether n is even.")
    screen = repl.wait_for(r"done: python \d/2 valid", 420, count=2)
    assert "Traceback" not in screen
    repl.type("/quit")
    repl.wait_for(r"(?m)^bye", 30)
