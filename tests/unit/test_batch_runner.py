"""The batch runner with ScriptedBackend: outputs, manifest, resume, lock, report, JUnit."""

from __future__ import annotations

import json
import threading
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

import jsonschema
import pytest

from codegen import resources
from codegen.assistant import Assistant
from codegen.backends import factory
from codegen.backends.base import ScriptedBackend
from codegen.batch import report
from codegen.batch.runner import RunOptions, run_batch
from codegen.batch.spec import Task, load_tasks
from codegen.batch.state import OutDir, OutDirBusy
from codegen.config import Settings
from codegen.errors import EXIT_NEGATIVE, EXIT_OK, EXIT_TOOL, BackendError, Cancelled
from codegen.execution.sandbox import isolation_problem
from codegen.types import Message, SamplingParams

SETTINGS = Settings(model="scripted", n=2, temperature=0.0, max_tokens=64, cache_enabled=False)

SPEC = """\
defaults: {languages: [python], n: 2}
tasks:
  - id: add
    description: Add two integers.
    signature: "def add(a: int, b: int) -> int"
  - id: greet
    description: Greet someone by name.
    languages: [python, javascript]
    output: "src/{id}.{ext}"
  - id: shout
    description: Upper-case a text.
"""

PY = {
    "add": "def add(a: int, b: int) -> int:\n    return a + b\n",
    "greet": "def greet(name):\n    return f'Hello, {name}!'\n",
    "shout": "def shout(text):\n    return text.upper()\n",
    "broken": "def broken(a b c d):\n    return a +* b\n",
    "wrong": "def add(a, b):\n    return a - b\n",
}


def reply(messages: Sequence[Message], params: SamplingParams, n: int) -> list[str]:
    task = messages[-1].content
    if any("[broken]" in m.content or "def broken(a b" in m.content for m in messages):
        return [f"```python\n{PY['broken']}```"] * n  # repair prompts get no fix either
    if "javascript" in messages[0].content.lower():
        return ["```javascript\nconst greet = (name) => `Hello, ${name}!`;\n```"] * n
    for key, code in PY.items():
        if f"[{key}]" in task:
            return [f"```python\n{code}```"] * n
    words = {"Add": "add", "Greet": "greet", "Upper": "shout"}
    key = next((k for w, k in words.items() if w in task), "broken")  # repair prompts too
    return [f"```python\n{PY[key]}```"] * n


class Harness:
    def __init__(self, tmp_path: Path) -> None:
        self.tmp = tmp_path
        self.out = tmp_path / "out"
        self.backend = ScriptedBackend(reply)
        self.assistant = Assistant(SETTINGS, backend=self.backend, interface="library")

    def tasks(self, text: str = SPEC) -> list[Task]:
        spec = self.tmp / "spec.yaml"
        spec.write_text(text, encoding="utf-8")
        return load_tasks([spec], SETTINGS)

    def run(self, tasks: list[Task], resume: bool = False, jobs: int = 2) -> report.BatchRun:
        with OutDir(self.out) as out:
            return run_batch(tasks, self.assistant, out, RunOptions(jobs, resume))

    def manifest(self) -> dict[str, dict[str, object]]:
        data = json.loads((self.out / "manifest.json").read_text())
        tasks: dict[str, dict[str, object]] = data["tasks"]
        return tasks


@pytest.fixture
def h(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Harness:
    harness = Harness(tmp_path)
    # Specs name the model 'scripted'; the spec check asks the loader table about it.
    monkeypatch.setitem(factory.LOADERS, "scripted", lambda *_: harness.backend)
    return harness


def test_a_batch_writes_best_candidates_manifest_and_records(h: Harness) -> None:
    tasks = h.tasks()
    batch = h.run(tasks)
    assert [r["id"] for r in batch.records] == ["add", "greet", "shout"]
    assert all(r["status"] == "ok" for r in batch.records)
    assert (h.out / "add" / "python.py").read_text() == PY["add"]
    assert (h.out / "src" / "greet.py").read_text() == PY["greet"]
    assert (h.out / "src" / "greet.js").read_text().startswith("const greet")
    manifest = h.manifest()
    assert sorted(manifest) == ["add", "greet", "shout"]
    for task in tasks:
        entry = manifest[task.id]
        assert entry["hash"] == task.digest
        assert entry["status"] == "ok"
        assert entry["files"] == dict(task.outputs)
        assert entry["run_id"] == batch.run_id
    schema = resources.schema("result")
    for record in batch.records:
        jsonschema.validate(record["result"], schema)
        assert record["timings"]["total_ms"] >= 0 and "queued_ms" in record["timings"]
        stored = json.loads(
            (h.out / ".codegen-batch" / "tasks" / f"{record['id']}.json").read_text()
        )
        assert stored == record
    assert report.exit_code(batch) == EXIT_OK
    assert not list(h.out.rglob("*.tmp"))


def test_resume_skips_unchanged_tasks_and_redoes_changed_ones(h: Harness) -> None:
    first = h.run(h.tasks())
    calls = len(h.backend.calls)
    assert calls == 4  # add, greet (2 languages), shout
    changed = h.tasks(SPEC.replace("Upper-case a text.", "Upper-case a text, loudly."))
    second = h.run(changed, resume=True)
    assert len(h.backend.calls) == calls + 1  # only 'shout' ran again
    by_id = {r["id"]: r for r in second.records}
    assert by_id["add"]["resumed"] and by_id["greet"]["resumed"]
    assert not by_id["shout"]["resumed"]
    assert second.resumed == 2 and second.ran == 1
    manifest = h.manifest()
    assert manifest["add"]["run_id"] == first.run_id
    assert manifest["shout"]["run_id"] == second.run_id
    assert manifest["shout"]["hash"] == changed[2].digest
    assert report.summary(second)["total"] == 3


def test_resume_redoes_a_task_whose_output_was_deleted(h: Harness) -> None:
    h.run(h.tasks())
    (h.out / "src" / "greet.js").unlink()
    batch = h.run(h.tasks(), resume=True)
    assert [r["id"] for r in batch.records if not r["resumed"]] == ["greet"]
    assert (h.out / "src" / "greet.js").is_file()


def test_without_resume_everything_runs_again(h: Harness) -> None:
    h.run(h.tasks())
    batch = h.run(h.tasks())
    assert batch.resumed == 0 and batch.ran == 3
    assert len(h.backend.calls) == 8


def test_no_valid_candidate_is_a_failed_task_with_no_file(h: Harness) -> None:
    text = (
        "tasks:\n  - {id: bad, description: '[broken] thing'}\n  - {id: add, description: Add.}\n"
    )
    batch = h.run(h.tasks(text))
    bad, ok = batch.records
    assert bad["status"] == "failed" and ok["status"] == "ok"
    assert not (h.out / "bad" / "python.py").exists()
    assert bad["files"] == {}
    assert h.manifest()["bad"]["status"] == "failed"
    assert report.exit_code(batch) == EXIT_NEGATIVE


def test_a_tool_failure_is_reported_not_recorded_and_retried_on_resume(h: Harness) -> None:
    state = {"fail": True}

    def flaky(messages: Sequence[Message], params: SamplingParams, n: int) -> list[str]:
        if "[boom]" in messages[-1].content and state["fail"]:
            raise BackendError("server went away")
        return reply(messages, params, n)

    h.backend = ScriptedBackend(flaky)
    h.assistant = Assistant(SETTINGS, backend=h.backend, interface="library")
    text = "tasks:\n  - {id: boom, description: '[add] [boom]'}\n  - {id: add, description: Add.}\n"
    batch = h.run(h.tasks(text))
    boom = batch.records[0]
    assert boom["status"] == "error" and "server went away" in boom["error"]
    assert report.exit_code(batch) == EXIT_TOOL
    assert "boom" not in h.manifest()
    state["fail"] = False
    again = h.run(h.tasks(text), resume=True)
    assert [(r["id"], r["status"], r["resumed"]) for r in again.records] == [
        ("boom", "ok", False),
        ("add", "ok", True),
    ]


def test_tests_run_in_the_sandbox_and_decide_the_status(h: Harness) -> None:
    text = """\
tasks:
  - id: good
    description: "[add] add"
    tests: "assert add(2, 3) == 5"
  - id: bad
    description: "[wrong] add"
    tests: {python: "assert add(2, 3) == 5"}
"""
    batch = h.run(h.tasks(text))
    good, bad = batch.records
    problem = isolation_problem()
    if problem is None:
        assert good["tests"]["python"]["status"] == "passed"
        assert bad["tests"]["python"]["status"] == "failed"
        assert (bad["tests"]["python"]["passed"], bad["tests"]["python"]["total"]) == (0, 1)
        assert (good["status"], bad["status"]) == ("ok", "failed")
        xml = ET.fromstring(report.junit(batch))
        suite = xml.find("testsuite")
        assert suite is not None and suite.get("failures") == "1"
        failure = xml.find(".//testcase[@name='bad']/failure")
        assert failure is not None and "tests failed: python" in failure.get("message", "")
    else:
        assert good["tests"]["python"]["status"] == "not_run"
        assert problem in good["tests"]["python"]["reason"]


def test_a_second_holder_of_the_out_dir_is_refused(tmp_path: Path) -> None:
    with OutDir(tmp_path / "out"), pytest.raises(OutDirBusy) as info:
        OutDir(tmp_path / "out").acquire()
    assert info.value.exit_code == 2
    assert "another codegen batch (pid " in str(info.value)
    with OutDir(tmp_path / "out"):  # released: free again
        pass


def test_cancel_stops_the_batch_and_records_nothing(h: Harness) -> None:
    cancel = threading.Event()
    cancel.set()
    with OutDir(h.out) as out, pytest.raises(Cancelled):
        run_batch(h.tasks(), h.assistant, out, RunOptions(2), cancel=cancel)
    assert h.manifest() == {}
    assert not (h.out / "add").exists()


def test_report_and_junit_cover_every_task(h: Harness) -> None:
    text = "tasks:\n  - {id: bad, description: '[broken] x'}\n  - {id: add, description: Add.}\n"
    batch = h.run(h.tasks(text))
    data = report.build(batch, ["spec.yaml"], h.out, 2)
    path = report.write(data, h.out)
    loaded = json.loads(path.read_text())
    assert loaded["summary"]["total"] == 2
    assert (loaded["summary"]["ok"], loaded["summary"]["failed"]) == (1, 1)
    assert [t["id"] for t in loaded["tasks"]] == ["bad", "add"]
    root = ET.fromstring(report.junit(batch))
    cases = root.findall(".//testcase")
    assert [c.get("name") for c in cases] == ["bad", "add"]
    assert cases[0].find("failure") is not None and cases[1].find("failure") is None
    rows = report.rows(batch)
    assert rows[0][1] == "failed" and "python none (0/2 valid)" in rows[0][2]


def test_ctrl_c_mid_run_keeps_finished_tasks_for_resume(h: Harness) -> None:
    cancel = threading.Event()

    def interrupting(messages: Sequence[Message], params: SamplingParams, n: int) -> list[str]:
        if "Greet" in messages[-1].content:
            cancel.set()  # as the CLI does on Ctrl-C
        return reply(messages, params, n)

    h.backend = ScriptedBackend(interrupting)
    h.assistant = Assistant(SETTINGS, backend=h.backend, interface="library")
    with OutDir(h.out) as out, pytest.raises(Cancelled):
        run_batch(h.tasks(), h.assistant, out, RunOptions(1), cancel=cancel)
    assert sorted(h.manifest()) == ["add"]
    assert not (h.out / "src").exists()  # the interrupted task wrote nothing
    batch = h.run(h.tasks(), resume=True)
    assert [(r["id"], r["resumed"]) for r in batch.records] == [
        ("add", True),
        ("greet", False),
        ("shout", False),
    ]
