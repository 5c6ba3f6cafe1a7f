"""Odd files and failures at the top level, through a real `codegen` process: one line, the
documented exit code, no traceback, and never a hang (issue 31, item 6)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

CODEGEN = [sys.executable, "-m", "codegen"]


def run(argv: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "NO_COLOR": "1", **env}
    return subprocess.run(
        [*CODEGEN, *argv], capture_output=True, text=True, env=full_env, timeout=60, check=False
    )


def one_line(proc: subprocess.CompletedProcess[str]) -> str:
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    return lines[0]


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe.py"
    os.mkfifo(path)
    return path


def test_fifos_and_devices_are_usage_errors_naming_the_file(fifo: Path, tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    os.mkfifo(spec)
    cases = [
        (["check", "-l", "python", "/dev/zero"], "/dev/zero: is a device"),
        (["check", str(fifo)], f"{fifo}: is a named pipe (FIFO)"),
        (["repair", "-l", "python", str(fifo), "--no-model"], f"{fifo}: is a named pipe"),
        (["gen", "x", "--context", "/dev/zero"], "--context /dev/zero: is a device"),
        (["gen", "x", "--context", str(fifo)], f"--context {fifo}: is a named pipe"),
        (["gen", "x", "--tests", "/dev/zero"], "--tests /dev/zero: is a device"),
        (["batch", str(spec), "--out", str(tmp_path / "o")], f"{spec}: is a named pipe"),
    ]
    for argv, expected in cases:
        proc = run(argv)
        assert proc.returncode == 2, (argv, proc.stderr)
        assert expected in one_line(proc), argv
    proc = run(["config", "show"], CODEGEN_CONFIG=str(fifo))
    assert proc.returncode == 2 and f"config file {fifo}: is a named pipe" in one_line(proc)


def test_unwritable_places_are_one_line_errors(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory\n")
    proc = run(["audit", "export", "-o", str(blocker / "out.jsonl")])
    assert proc.returncode == 2
    assert f"-o {blocker}/out.jsonl: cannot write: {blocker} is not a directory" in one_line(proc)
    # The model cache cannot be created: exit 3 (the tool failed), one line with the remedy.
    proc = run(
        ["gen", "x", "--model", "embedded-small", "--no-cache"], CODEGEN_CACHE_DIR=str(blocker)
    )
    assert proc.returncode == 3
    assert "cannot assemble model 'embedded-small'" in one_line(proc)
    assert "CODEGEN_CACHE_DIR" in proc.stderr
