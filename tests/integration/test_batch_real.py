"""`codegen batch` with the real small model: a 2-task spec in-process, and a real
`codegen batch` process killed with SIGKILL mid-run, then resumed (every task done once)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import jsonschema

from codegen import resources
from codegen.assistant import Assistant
from codegen.batch.runner import RunOptions, run_batch
from codegen.batch.spec import load_tasks
from codegen.batch.state import OutDir
from codegen.config import Settings
from codegen.execution.sandbox import isolation_problem

CODEGEN = [sys.executable, "-m", "codegen"]
SETTINGS = Settings(
    model="embedded-small",
    n=1,
    temperature=0.0,
    max_tokens=96,
    cache_enabled=False,
    repair_rounds=0,
)

TWO_TASKS = """\
defaults: {languages: [python], n: 1, temperature: 0.0, max_tokens: 96, model: embedded-small}
tasks:
  - id: add
    description: Return the sum of two integers.
    signature: "def add(a: int, b: int) -> int"
    tests:
      python: "assert add(2, 3) == 5"
  - id: upper
    description: Return the given text in upper case.
    languages: [javascript]
    output: "js/{id}.{ext}"
"""


def test_a_two_task_batch_on_the_real_model(tmp_path: Path, small_backend: Any) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(TWO_TASKS, encoding="utf-8")
    tasks = load_tasks([spec], SETTINGS)
    assistant = Assistant(SETTINGS, backend=small_backend, interface="library")
    with OutDir(tmp_path / "out") as out:
        batch = run_batch(tasks, assistant, out, RunOptions(jobs=2))
    add, upper = batch.records
    schema = resources.schema("result")
    for record in batch.records:
        jsonschema.validate(record["result"], schema)
        assert record["result"]["model"]
    # Pinned greedy answers (temperature 0): both tasks get a valid candidate, the add task's
    # test runs in the sandbox and passes (not run, with the reason, where there is none).
    assert [add["status"], upper["status"]] == ["ok", "ok"]
    assert add["result"]["candidates"][0]["completion_tokens"] <= 96
    code = (tmp_path / "out" / "add" / "python.py").read_text()
    assert "def add(a: int, b: int) -> int:" in code and "return a + b" in code
    outcome = add["tests"]["python"]
    if isolation_problem() is None:
        assert (outcome["status"], outcome["passed"], outcome["total"]) == ("passed", 1, 1)
    else:
        assert outcome["status"] == "not_run" and "sandbox" in outcome["reason"]
    assert upper["files"] == {"javascript": "js/upper.js"}
    assert "toUpperCase()" in (tmp_path / "out" / "js" / "upper.js").read_text()
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert sorted(manifest["tasks"]) == ["add", "upper"]


KILL_IDS = [f"t{i}" for i in range(1, 5)]
KILL_SPEC = (
    "defaults: {languages: [python], n: 1, temperature: 0.0, max_tokens: 16, "
    "model: embedded-small}\ntasks:\n"
    + "".join(
        f"  - id: {task_id}\n    description: Multiply a given integer by {i}.\n"
        for i, task_id in enumerate(KILL_IDS, 1)
    )
)


def _env() -> dict[str, str]:
    # Resuming is the point, not code quality: short prompts (no few-shot examples), 16 tokens
    # and no repair rounds keep it cheap on 2 cores (a cut-off candidate is a 'failed' task,
    # which is finished all the same).
    return {
        **os.environ,
        "NO_COLOR": "1",
        "PYTHONUNBUFFERED": "1",
        "CODEGEN_FEW_SHOT": "0",
        "CODEGEN_REPAIR_ROUNDS": "0",
        "CODEGEN_CACHE_ENABLED": "0",
    }


def _manifest(out: Path) -> dict[str, Any]:
    try:
        tasks: dict[str, Any] = json.loads((out / "manifest.json").read_text())["tasks"]
        return tasks
    except (OSError, ValueError, KeyError):
        return {}


def _wait_for(check: Any, proc: subprocess.Popen[str], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert proc.poll() is None, f"batch ended early: {proc.communicate()}"
        assert time.monotonic() < deadline, "timed out waiting for the batch"
        time.sleep(0.05)


def test_sigkill_then_resume_does_every_task_exactly_once(tmp_path: Path) -> None:
    spec, out = tmp_path / "spec.yaml", tmp_path / "out"
    spec.write_text(KILL_SPEC, encoding="utf-8")
    argv = [*CODEGEN, "batch", str(spec), "--out", str(out), "--jobs", "1", "--quiet"]
    first = subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env()
    )
    try:
        lock = out / ".codegen-batch" / "lock"
        _wait_for(lambda: lock.is_file() and lock.read_text().strip() != "", first, 120)
        # A second batch into the same dir refuses while the first holds the lock.
        second = subprocess.run(argv, capture_output=True, text=True, env=_env(), timeout=120)
        assert second.returncode == 2, second.stderr
        assert "another codegen batch (pid " in second.stderr
        assert "Traceback" not in second.stderr
        _wait_for(lambda: len(_manifest(out)) >= 1, first, 300)
        first.send_signal(signal.SIGKILL)
        first.communicate(timeout=30)
    finally:
        if first.poll() is None:
            first.kill()
            first.communicate()
    before = _manifest(out)
    assert 1 <= len(before) < len(KILL_IDS), "the kill came too late to test resuming"
    resumed = subprocess.run(
        [*argv, "--resume"], capture_output=True, text=True, env=_env(), timeout=600
    )
    assert resumed.returncode in (0, 1), resumed.stderr
    after = _manifest(out)
    ids = KILL_IDS
    assert sorted(after) == ids
    for task_id, entry in before.items():
        assert after[task_id] == entry  # not redone
    second_runs = {after[t]["run_id"] for t in ids if t not in before}
    assert len(second_runs) == 1 and second_runs.isdisjoint({e["run_id"] for e in before.values()})
    report = json.loads((out / "report.json").read_text())
    assert [t["id"] for t in report["tasks"]] == ids
    assert [t["resumed"] for t in report["tasks"]] == [t in before for t in ids]
    assert report["summary"]["resumed"] == len(before)
    assert report["summary"]["ran"] == len(ids) - len(before)
    for task_id in ids:
        files = after[task_id]["files"]
        assert all((out / path).is_file() for path in files.values())
    assert not [p for p in out.rglob("*.tmp")], "a partial file was left behind"
