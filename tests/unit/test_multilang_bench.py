"""The multi-language benchmark (benchmarks/multilang*.py): its problems, the hidden-test harness
with the real toolchains in the sandbox, the request it sends, resuming and the figures.

Every reference solution runs against its hidden tests in every language (one javac and one
rustc for all 33 problems); the whole module takes about 30 s on 2 cores.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import multilang
import multilang_harness as harness
import multilang_report as report
import multilang_tasks as tasks

from codegen.errors import InputError, UsageError
from codegen.execution import runners
from codegen.execution.sandbox import Sandbox, isolation_problem

PROBLEMS = tasks.load()


def _runnable(language: str) -> Any:
    why = isolation_problem() or (
        None if runners.supported(language) else f"no {language} toolchain here"
    )
    return pytest.mark.skipif(why is not None, reason=why or "")


def _each_language() -> list[Any]:
    return [pytest.param(lang, marks=_runnable(lang)) for lang in tasks.LANGUAGES]


def test_problem_set_is_large_and_mixed() -> None:
    assert len(PROBLEMS) >= 30
    assert len({p.id for p in PROBLEMS}) == len(PROBLEMS)
    for topic in tasks.TOPICS:
        assert sum(p.topic == topic for p in PROBLEMS) >= 3, topic
    with_examples = sum(p.has_examples for p in PROBLEMS)
    assert 8 <= with_examples <= len(PROBLEMS) - 8  # some with examples, some without
    for p in PROBLEMS:
        assert "public class Solution" in p.signatures["java"], p.id
        assert p.signatures["rust"].startswith("pub fn "), p.id
        assert p.tests["python"].count("assert ") >= 4, p.id


@pytest.mark.parametrize("language", _each_language())
def test_every_reference_solution_passes_its_hidden_tests(language: str) -> None:
    items = [harness.Item(p.id, p.reference[language], p.tests[language]) for p in PROBLEMS]
    verdicts = harness.run_tests(Sandbox(harness.LIMITS), language, items)
    failing = [f"{i.key}: {v.reason}" for i, v in zip(items, verdicts, strict=True) if not v.passed]
    assert failing == []
    assert all(v.compiles for v in verdicts)


# Candidates for factorial_zeros: (kind, code). Kinds: "ok" passes; "wrong" compiles and fails;
# "broken" does not compile; "misfit" compiles but does not fit the signature the tests call;
# "exits" ends the program with status 0 before the tests have run.
_CANDIDATES: dict[str, list[tuple[str, str]]] = {
    "python": [
        (
            "ok",
            "def factorial_zeros(n):\n    return n // 5 + factorial_zeros(n // 5) if n else 0\n",
        ),
        ("wrong", "def factorial_zeros(n):\n    return n // 5\n"),
        ("broken", "def factorial_zeros(n)\n    return n\n"),
        ("exits", "import sys\ndef factorial_zeros(n):\n    return 0\nsys.exit(0)\n"),
    ],
    "javascript": [
        (
            "ok",
            "function factorialZeros(n) {\n  const q = Math.floor(n / 5);\n"
            "  return q === 0 ? 0 : q + factorialZeros(q);\n}\n",
        ),
        ("wrong", "function factorialZeros(n) { return Math.floor(n / 5); }\n"),
        ("broken", "function factorialZeros(n) { return n / ; }\n"),
        ("exits", "function factorialZeros(n) { return 0; }\nprocess.exit(0);\n"),
    ],
    "c": [
        (
            "ok",
            "int factorial_zeros(int n) { return n < 5 ? 0 : n / 5 + factorial_zeros(n / 5); }\n"
            "int main(void) { return 3; }\n",
        ),
        ("wrong", "int factorial_zeros(int n) { return n / 5; }\n"),
        ("broken", "int factorial_zeros(int n) { return n / ; }\n"),
        ("misfit", "int factorial_zeroes(int n) { return 0; }\n"),
    ],
    "java": [
        (
            "ok",
            "public class Solution {\n    public static int factorialZeros(int n) {\n"
            "        return n < 5 ? 0 : n / 5 + factorialZeros(n / 5);\n    }\n"
            "    public static void main(String[] args) { System.exit(0); }\n}\n",
        ),
        (
            "wrong",
            "public class Solution {\n    static int factorialZeros(int n) { return n / 5; }\n}\n",
        ),
        (
            "broken",
            "public class Solution {\n    static int factorialZeros(int n) { return n / ; }\n}\n",
        ),
        (
            "misfit",
            "public class Zeros {\n    public static int factorialZeros(int n) { return 0; }\n}\n",
        ),
        (
            "exits",
            "public class Solution {\n"
            "    static int factorialZeros(int n) { System.exit(0); return 0; }\n}\n",
        ),
    ],
    "rust": [
        (
            "ok",
            "pub fn factorial_zeros(n: u32) -> u32 {\n"
            "    if n < 5 { 0 } else { n / 5 + factorial_zeros(n / 5) }\n}\n"
            "fn main() {}\n",
        ),
        ("wrong", "fn factorial_zeros(n: u32) -> u32 { n / 5 }\n"),
        ("broken", "pub fn factorial_zeros(n: u32) -> u32 { n / }\n"),
        ("misfit", "pub fn factorial_zeros(n: &str) -> u32 { 0 }\n"),
        ("exits", "pub fn factorial_zeros(n: u32) -> u32 { std::process::exit(0) }\n"),
    ],
}


@pytest.mark.parametrize("language", _each_language())
def test_harness_tells_passing_failing_and_non_compiling_candidates(language: str) -> None:
    problem = next(p for p in PROBLEMS if p.id == "factorial_zeros")
    cases = _CANDIDATES[language]
    items = [harness.Item(kind, code, problem.tests[language]) for kind, code in cases]
    verdicts = harness.run_tests(Sandbox(harness.LIMITS), language, items)
    for (kind, _), verdict in zip(cases, verdicts, strict=True):
        assert verdict.passed is (kind == "ok"), (kind, verdict)
        assert verdict.compiles is (kind != "broken"), (kind, verdict)
        assert (verdict.reason == "") is (kind == "ok"), (kind, verdict)
    broken = verdicts[[k for k, _ in cases].index("broken")]
    assert broken.reason.startswith("does not compile")


@pytest.mark.skipif(
    isolation_problem() is not None or not runners.supported("rust"),
    reason=isolation_problem() or "no rust toolchain here",
)
def test_a_hanging_candidate_in_a_batch_does_not_fail_its_neighbours(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(harness, "ITEM_TIMEOUT_S", 1)
    problem = next(p for p in PROBLEMS if p.id == "factorial_zeros")
    hang = "pub fn factorial_zeros(n: u32) -> u32 { loop {} }\n"
    codes = [hang, problem.reference["rust"], hang, problem.reference["rust"]]
    items = [harness.Item(str(k), code, problem.tests["rust"]) for k, code in enumerate(codes)]
    verdicts = harness.run_tests(Sandbox(harness.LIMITS), "rust", items)
    assert [v.passed for v in verdicts] == [False, True, False, True]
    assert "timed out" in verdicts[0].reason


def test_the_request_carries_the_description_and_that_language_s_signature_only() -> None:
    problem = next(p for p in PROBLEMS if p.id == "rle_encode")
    runner = multilang.Runner(None, multilang.config.Settings(), Sandbox(), "embedded", 4)  # type: ignore[arg-type]
    request = runner.request(problem, "java")
    assert request.description == problem.description
    assert request.signature == {"java": problem.signatures["java"]}
    assert request.n == 4 and request.exec and request.language_names == ("java",)
    shown = json.dumps(request.to_dict()) + multilang.raw_prompt(problem, "java")
    for tests in problem.tests.values():
        assert all(line.strip() not in shown for line in tests.splitlines())
    assert all(code.strip() not in shown for code in problem.reference.values())
    assert problem.signatures["java"] in multilang.raw_prompt(problem, "java")
    assert "def rle_encode" not in shown


def test_choosing_problems_and_languages() -> None:
    assert [p.id for p in tasks.choose(PROBLEMS, "3")] == [p.id for p in PROBLEMS[:3]]
    chosen = tasks.choose(PROBLEMS, "rle_encode, binary_gap")
    assert sorted(p.id for p in chosen) == ["binary_gap", "rle_encode"]
    with pytest.raises(UsageError, match=r"unknown problem 'rle_encod'.*did you mean 'rle_encode'"):
        tasks.choose(PROBLEMS, "rle_encod")
    assert tasks.choose_languages("java, rust") == ("java", "rust")
    with pytest.raises(UsageError, match=r"unknown language 'jaav'.*did you mean 'java'"):
        tasks.choose_languages("jaav")


def test_a_malformed_problem_file_is_an_error_naming_file_and_field(tmp_path: Path) -> None:
    source = (tasks.PROBLEMS_DIR / "binary_gap.yaml").read_text(encoding="utf-8")
    (tmp_path / "binary_gap.yaml").write_text(source.replace("  rust: |", "  rast: |"))
    with pytest.raises(InputError, match=r"binary_gap.yaml: tests.rast: unknown language"):
        tasks.load(tmp_path)
    (tmp_path / "binary_gap.yaml").write_text(source.replace("id: binary_gap", "id: gap"))
    with pytest.raises(InputError, match="id: 'gap' differs from the file name"):
        tasks.load(tmp_path)


def _pipeline(problem: str, passed: bool, top: bool | None, others: list[bool | None]) -> Any:
    cands = (
        [{"id": "c-1", "compiles": top, "valid": True, "passed": passed}] if top is not None else []
    )
    cands += [
        {"id": f"c-{k + 2}", "compiles": c, "valid": c is not None, "passed": False}
        for k, c in enumerate(others)
    ]
    row = cands[0] if top is not None else None
    return {
        "problem": problem,
        "language": "java",
        "mode": "pipeline",
        "passed": passed,
        "top_id": row["id"] if row else None,
        "top_compiles": top,
        "any_passed": passed,
        **multilang.violations(
            [{**c, "compiles_reported": None} for c in cands],
            {**row, "compiles_reported": None} if row else None,
        ),
        "latency_s": 10.0,
        "compile_ms": 800.0,
        "candidates": cands,
    }


def _raw(problem: str, passed: bool) -> dict[str, Any]:
    return {
        "problem": problem,
        "language": "java",
        "mode": "raw",
        "passed": passed,
        "compiles": True,
        "valid": True,
        "latency_s": 2.0,
    }


def test_figures_and_targets_from_records() -> None:
    records = [
        _raw("a", False),
        _pipeline("a", True, True, [False]),
        _raw("b", False),
        _pipeline("b", False, False, [True]),  # a violation
        _raw("c", True),
        _pipeline("c", False, None, [None]),  # nothing ranked
        {"problem": "d", "language": "java", "mode": "raw", "error": "BackendError: x"},
    ]
    summary = report.summarize(records, ["java"], {"a": True, "b": False, "c": False})
    java = summary["languages"]["java"]
    assert java["raw_top1_pass"] == 33.3 and java["pipeline_top1_pass"] == 33.3
    assert java["gain_points"] == 0.0
    assert java["compile_violations"] == 1 and java["no_choice"] == 1 and java["errors"] == 1
    assert java["share_compiling"] == 40.0  # 2 of 5 candidates
    assert java["pipeline_top1_pass_with_examples"] == 100.0
    assert java["pipeline_top1_pass_without_examples"] == 0.0
    assert java["compile_tier_median_ms"] == 800.0
    assert summary["targets"]["no_compile_violations"] is False
    assert summary["targets"]["pipeline_gain_10"] == {"java": False}
    assert summary["targets"]["compile_tier_median_le_1500_ms"] == {"java": True}
    assert summary["targets"]["within_10_of_python"] == {"java": None}  # python not measured


class _Crashing:
    """Stands in for the Runner: its pipeline crashes, its raw answers."""

    def key(self, problem: tasks.Problem, language: str, mode: str) -> dict[str, Any]:
        return {"problem": problem.id, "language": language, "mode": mode, "model": "m"}

    def raw(self, problem: tasks.Problem, language: str) -> dict[str, Any]:
        return {**self.key(problem, language, "raw"), "passed": True}

    def pipeline(self, problem: tasks.Problem, language: str) -> dict[str, Any]:
        raise RuntimeError("stage blew up")


def test_a_crash_is_recorded_and_tried_again_on_resume(tmp_path: Path) -> None:
    out = tmp_path / "run.jsonl"
    todo = [(PROBLEMS[0], "java", "pipeline"), (PROBLEMS[0], "java", "raw")]
    records = multilang.run(_Crashing(), todo, out)  # type: ignore[arg-type]
    assert records[0]["error"] == "RuntimeError: stage blew up"
    assert records[1]["passed"] is True
    assert len(out.read_text().splitlines()) == 2
    done = multilang.done_records(out, "m", 4)
    assert list(done) == [(PROBLEMS[0].id, "java", "raw")]  # the crash is not done
    assert multilang.done_records(out, "other-model", 4) == {}


def test_command_line_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert multilang.main(["--n", "0"]) == 2
    assert "--n: must be between 1 and 64" in capsys.readouterr().err
    assert multilang.main(["--languages", "pyhton", "--check-references"]) == 2
    assert "did you mean 'python'" in capsys.readouterr().err


@pytest.mark.skipif(isolation_problem() is not None, reason=isolation_problem() or "")
def test_check_references_prints_one_json_object(capsys: pytest.CaptureFixture[str]) -> None:
    assert multilang.main(["--check-references", "--problems", "2", "--languages", "python"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["languages"]["python"]["passed"] == 2


def test_report_gives_the_figures_of_a_partial_run_without_a_model(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "run.jsonl"
    rows = [
        {**_raw("rle_encode", True), "model": "m"},
        {**_pipeline("rle_encode", True, True, [False]), "model": "m", "n": 4},
        {**_pipeline("binary_gap", False, True, []), "model": "m", "n": 8},  # another n
    ]
    out.write_text("".join(json.dumps(row) + "\n" for row in rows))
    args = ["--model", "embedded-small", "--out", str(out), "--report", "--languages", "java"]
    assert multilang.main(args) == 0  # other model: nothing to report, nothing run
    java = json.loads(capsys.readouterr().out)["languages"]["java"]
    assert java["raw_problems"] == 0 and java["pipeline_problems"] == 0
    assert multilang.main(["--model", "m", *args[2:]]) == 2  # 'm' is no model spec
    args[1] = "embedded"
    rows = [{**row, "model": "embedded"} for row in rows]
    out.write_text("".join(json.dumps(row) + "\n" for row in rows))
    capsys.readouterr()
    assert multilang.main(args) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["run_now"] == 0
    java = summary["languages"]["java"]
    assert (java["raw_problems"], java["pipeline_problems"]) == (1, 1)
    assert java["raw_top1_pass"] == 100.0 and java["pipeline_top1_pass"] == 100.0
    assert multilang.main(["--report"]) == 2
    assert "--report: needs --out" in capsys.readouterr().err
