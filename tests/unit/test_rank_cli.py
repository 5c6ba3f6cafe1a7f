"""`codegen gen --exec --test/--tests --explain` with a scripted model behind the factory seam."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from codegen import resources
from codegen.backends import factory
from codegen.backends.base import ScriptedBackend
from codegen.cli.main import main
from codegen.execution import sandbox

WRONG = "```python\ndef double(x):\n    return x + 2\n```"
RIGHT = "```python\ndef double(x):\n    return x * 2\n```"


@pytest.fixture(autouse=True)
def scripted_model(monkeypatch: pytest.MonkeyPatch) -> None:
    def load(spec: str, settings: Any, progress: Any) -> ScriptedBackend:
        return ScriptedBackend([WRONG, RIGHT])

    monkeypatch.setitem(factory.LOADERS, "scripted", load)
    factory.POOL.close()


def gen(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["gen", "double x", "--model", "scripted", "-n", "2", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_exec_with_a_test_ranks_the_passing_candidate_first(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = gen(capsys, "--exec", "--test", "assert double(3) == 6", "--json")
    assert code == 0
    data = json.loads(out)
    jsonschema.validate(data, resources.schema("result"))
    best = next(c for c in data["candidates"] if c["rank"] == 1)
    assert "x * 2" in best["code"]
    assert best["score_parts"]["tests"] == 1.0
    assert best["compiles"] is True and best["score_parts"]["compiles"] == 1.0
    assert data["request"]["exec"] is True


def test_tests_file_and_explain_print_the_breakdown(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    tests = tmp_path / "t.py"
    tests.write_text("assert double(2) == 4\nassert double(5) == 10\n")
    code, out, _ = gen(capsys, "--exec", "--tests", str(tests), "--explain")
    assert code == 0
    assert "score breakdown" in out
    assert "tests 4×1.000" in out and "tests 4×0.500" in out
    assert "(2/2 tests and examples passed)" in out
    assert "(1/2 tests and examples passed)" in out  # x + 2 happens to pass double(2) == 4
    assert out.count("; compiles (ranked before those that do not)") == 2


def test_tests_that_do_not_parse_exit_2_naming_the_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    tests = tmp_path / "bad.py"
    tests.write_text("assert double(2) == 4\nassert double(\n")
    code, _, err = gen(capsys, "--exec", "--tests", str(tests))
    assert code == 2
    assert f"--tests {tests}: python tests do not parse: line 2" in err


def test_exec_without_isolation_refuses(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sandbox, "isolation_problem", lambda: "no namespaces here")
    code, out, err = gen(capsys, "--exec")
    assert code == 3
    assert out == ""
    assert "no namespaces here; pass --unsafe-exec" in err
