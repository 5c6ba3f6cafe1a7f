"""`codegen gen` as a real process: JSON output, Ctrl-C, and a closed pipe."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import jsonschema

from codegen import resources

CODEGEN = [sys.executable, "-m", "codegen"]


def _env() -> dict[str, str]:
    return {**os.environ, "NO_COLOR": "1", "PYTHONUNBUFFERED": "1"}


def test_gen_json_from_a_real_process(tmp_path: Path) -> None:
    """Also issue 30's bug: with a version (``python@3.8``) valid candidates mean exit 0."""
    proc = subprocess.run(
        [
            *CODEGEN,
            "gen",
            "Add two numbers",
            "-l",
            "python@3.8",
            "-n",
            "2",
            "--max-tokens",
            "96",
            "--model",
            "embedded-small",
            "--seed",
            "3",
            "--json",
            "--out",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=300,
    )
    data = json.loads(proc.stdout)
    jsonschema.validate(data, resources.schema("result"))
    assert data["request"]["languages"] == ["python@3.8"]
    assert any(c["valid"] for c in data["candidates"]), data["candidates"]
    assert proc.returncode == 0, proc.stderr
    assert [c["id"] for c in data["candidates"]] == ["python-1", "python-2"] or sorted(
        c["id"] for c in data["candidates"]
    ) == ["python-1", "python-2"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["python-1.py", "python-2.py"]


def test_ctrl_c_exits_130_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [
            *CODEGEN,
            "gen",
            "Write a long Python module with many classes",
            "-n",
            "2",
            "--max-tokens",
            "2000",
            "--model",
            "embedded-small",
            "--out",
            str(out),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
    )
    time.sleep(6)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    assert not out.exists() or not any(out.iterdir())


def test_output_piped_into_head_ends_quietly() -> None:
    shell = (
        f"{sys.executable} -m codegen gen 'Add two numbers' -n 1 --max-tokens 64 "
        f"--model embedded-small | head -1"
    )
    proc = subprocess.run(
        ["bash", "-c", "set -o pipefail; " + shell],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=300,
    )
    assert proc.stdout.count("\n") == 1
    assert "Error" not in proc.stderr and "Traceback" not in proc.stderr
