"""`codegen batch` in-process with a scripted model: exit codes, bad input, report, JUnit."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

import pytest

from codegen.backends import factory
from codegen.backends.base import ScriptedBackend
from codegen.batch.state import OutDir
from codegen.cli.main import main
from codegen.types import Message, SamplingParams

GOOD = "```python\ndef f(x):\n    return x\n```"
BAD = "```python\ndef f(a b c):\n    return a +* b\n```"


def _reply(messages: Sequence[Message], params: SamplingParams, n: int) -> list[str]:
    bad = any("[bad]" in m.content or "def f(a b c)" in m.content for m in messages)  # repairs too
    return [BAD if bad else GOOD] * n


@pytest.fixture(autouse=True)
def scripted(monkeypatch: pytest.MonkeyPatch) -> ScriptedBackend:
    backend = ScriptedBackend(_reply)
    monkeypatch.setitem(factory.LOADERS, "scripted", lambda spec, settings, progress: backend)
    monkeypatch.setattr(factory, "POOL", factory.BackendPool())
    return backend


def spec(tmp_path: Path, text: str, name: str = "spec.yaml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


TWO = (
    "defaults: {model: scripted, n: 1}\n"
    "tasks:\n  - {id: a, description: x}\n  - {id: b, description: y}\n"
)


def test_all_ok_exits_0_with_summary_report_and_junit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, junit = tmp_path / "out", tmp_path / "junit.xml"
    code = main(["batch", spec(tmp_path, TWO), "--out", str(out), "--junit", str(junit)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "2 tasks: 2 ok, 0 failed, 0 error" in captured.out
    assert "[1/2]" in captured.err and "[2/2]" in captured.err  # plain lines off a terminal
    report = json.loads((out / "report.json").read_text())
    assert [t["id"] for t in report["tasks"]] == ["a", "b"]
    assert ET.parse(junit).getroot().find("testsuite").get("tests") == "2"  # type: ignore[union-attr]
    audit = Path(os.environ["CODEGEN_AUDIT_PATH"]).read_text().splitlines()
    assert [json.loads(line)["interface"] for line in audit] == ["batch", "batch"]


def test_quiet_prints_no_progress(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["batch", spec(tmp_path, TWO), "--out", str(tmp_path / "o"), "--quiet"])
    captured = capsys.readouterr()
    assert code == 0
    assert captured.err == ""
    assert "2 tasks: 2 ok" in captured.out


def test_a_task_without_a_valid_candidate_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = TWO.replace("description: y", "description: '[bad] y'")
    assert main(["batch", spec(tmp_path, text), "--out", str(tmp_path / "o"), "-q"]) == 1
    assert "1 ok, 1 failed" in capsys.readouterr().out


def test_resume_flag_skips_finished_tasks(
    tmp_path: Path, scripted: ScriptedBackend, capsys: pytest.CaptureFixture[str]
) -> None:
    path, out = spec(tmp_path, TWO), str(tmp_path / "o")
    assert main(["batch", path, "--out", out, "-q"]) == 0
    assert main(["batch", path, "--out", out, "-q", "--resume"]) == 0
    assert len(scripted.calls) == 2
    assert "2 resumed" in capsys.readouterr().out


def test_model_flag_overrides_the_spec(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = TWO.replace("model: scripted", "model: embedded")
    out = tmp_path / "o"
    assert (
        main(["batch", spec(tmp_path, text), "--out", str(out), "-q", "--model", "scripted"]) == 0
    )
    report = json.loads((out / "report.json").read_text())
    assert report["tasks"][0]["result"]["request"]["model"] == "scripted"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--jobs", "0"], "--jobs must be between 1 and 256"),
        (["--jobs", "x"], "--jobs expects an integer"),
        (["--model", "nosuch"], "unknown model 'nosuch'"),
        (["--out", "/sys/codegen-batch-out"], "cannot write there"),
        (["--junit", "/nonexistent-dir/j.xml"], "no such directory"),
    ],
)
def test_bad_flags_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    with pytest.raises(SystemExit) as info:
        raise SystemExit(main(["batch", spec(tmp_path, TWO), "--out", str(tmp_path / "o"), *argv]))
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_bad_specs_exit_2_before_any_generation(
    tmp_path: Path, scripted: ScriptedBackend, capsys: pytest.CaptureFixture[str]
) -> None:
    good = spec(tmp_path, TWO, "good.yaml")
    bad = spec(tmp_path, "tasks:\n  - {id: c, description: z, languages: [pyhton]}\n", "bad.yaml")
    out = tmp_path / "o"
    assert main(["batch", good, bad, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "bad.yaml:2:41: tasks[0].languages[0]: unknown language 'pyhton'" in err
    assert scripted.calls == []
    assert not out.exists()
    assert main(["batch", str(tmp_path / "missing.yaml"), "--out", str(out)]) == 2
    assert "missing.yaml: no such file" in capsys.readouterr().err


def test_an_out_dir_held_by_another_batch_is_refused(
    tmp_path: Path, scripted: ScriptedBackend, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "o"
    with OutDir(out):
        assert main(["batch", spec(tmp_path, TWO), "--out", str(out)]) == 2
    assert "another codegen batch (pid " in capsys.readouterr().err
    assert scripted.calls == []
