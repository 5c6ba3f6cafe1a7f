"""``codegen gen`` on a terminal (a pty) with the real small model: the code shows while it
decodes, under a status line, and the result is printed as it is without a terminal."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

ARGV = [sys.executable, "-m", "codegen", "gen", "Return the larger of two integers"]
FLAGS = ["--model", "embedded-small", "-n", "2", "--max-tokens", "96", "--seed", "5"]


def _run_on_pty(tmp_path: Path) -> tuple[bytes, int]:
    """Everything the command wrote to its terminal (80×24), and its exit code."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    (tmp_path / "config.toml").touch()
    env = dict(os.environ) | {
        "CODEGEN_CONFIG": str(tmp_path / "config.toml"),
        "TERM": "xterm-256color",
        "NO_COLOR": "1",
        "CODEGEN_FEW_SHOT": "0",  # a shorter prompt: the test is about the terminal
    }
    proc = subprocess.Popen(
        [*ARGV, *FLAGS], stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True
    )
    os.close(slave)
    out = bytearray()
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            out += chunk
        elif proc.poll() is not None:
            break
    os.close(master)
    return bytes(out), proc.wait(timeout=30)


def test_the_code_shows_while_it_decodes_then_the_result_as_without_a_terminal(
    tmp_path: Path,
) -> None:
    out, code = _run_on_pty(tmp_path)
    text = out.decode("utf-8", "replace")
    assert code == 0, text
    result_at = text.find("── Python")
    assert result_at > 0, text
    live = text[:result_at]
    assert "python-1:" in live  # the first (greedy) candidate's code on show
    assert "tokens/s" in live and "candidates" in live  # the status line
    assert "def " in live  # its code, before the result was printed
    piped = subprocess.run(
        [*ARGV, *FLAGS],
        capture_output=True,
        text=True,
        env=dict(os.environ)
        | {"CODEGEN_CONFIG": str(tmp_path / "config.toml")}
        | {"CODEGEN_FEW_SHOT": "0"},
        timeout=240,
    )
    assert piped.returncode == 0, piped.stderr
    assert "tokens/s" not in piped.stdout and "\x1b[" not in piped.stdout  # unchanged when piped
    assert piped.stdout.startswith("── Python")
    # The same seed: the terminal shows the same result the pipe gets.
    shown = text[result_at:].replace("\r\n", "\n")
    assert piped.stdout.strip().splitlines()[:3] == shown.strip().splitlines()[:3]
