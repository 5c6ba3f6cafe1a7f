"""HumanEval runner with a scripted model: scoring, pass@k, resume, summary and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from codegen.backends.base import ScriptedBackend
from codegen.cli.main import main
from codegen.config import Settings
from codegen.errors import InputError
from codegen.evaluation import humaneval as he
from codegen.execution.sandbox import Sandbox

PROBLEM = he.load_problems(1)[0]
GOOD = f"```python\n{PROBLEM['prompt']}{PROBLEM['canonical_solution']}```"
BAD = f"```python\n{PROBLEM['prompt']}    return False\n```"


def runner(replies: list[str], modes: tuple[str, ...], n: int = 2) -> he.Runner:
    opts = he.EvalOptions(modes=modes, n=n, ks=(1, 2), limit=1, max_tokens=64)
    backend = ScriptedBackend(replies)
    return he.Runner(backend, Settings(exec=True), Sandbox(he.TEST_LIMITS), opts, "scripted")


def test_pass_at_k_is_the_unbiased_estimator() -> None:
    assert he.pass_at_k(10, 0, 1) == 0.0
    assert he.pass_at_k(10, 10, 5) == 1.0
    assert he.pass_at_k(4, 1, 1) == pytest.approx(0.25)
    assert he.pass_at_k(4, 1, 2) == pytest.approx(0.5)


def test_raw_mode_scores_one_greedy_sample(tmp_path: Path) -> None:
    good = he.run(runner([GOOD], ("raw",)), [PROBLEM], None)
    bad = he.run(runner([BAD], ("raw",)), [PROBLEM], None)
    assert good[0]["passed_top"] is True and good[0]["n"] == 1
    assert good[0]["samples"][0]["passed"] is True and "def " in good[0]["samples"][0]["code"]
    assert bad[0]["passed_top"] is False and bad[0]["n_parsing"] == 1


def test_pipeline_scores_the_top_ranked_candidate_and_resumes(tmp_path: Path) -> None:
    out = tmp_path / "run.jsonl"
    first = runner([BAD, GOOD], ("pipeline",))
    records = he.run(first, [PROBLEM], out)
    assert records[0]["passed_top"] is True  # the docstring examples pick the right one
    assert records[0]["n_correct"] == 1 and records[0]["n_valid"] == 2
    samples = records[0]["samples"]  # kept, so the samples can be ranked again offline
    assert [s["passed"] for s in samples if s["rank"] == 1] == [True]
    assert len({s["code"] for s in samples}) == 2 and all("def " in s["code"] for s in samples)
    assert all("tests" in s["score_parts"] for s in samples)
    again = runner([BAD, GOOD], ("pipeline",))
    assert he.run(again, [PROBLEM], out) == records
    assert isinstance(again.backend, ScriptedBackend) and again.backend.calls == []
    summary = he.summarize(records, again.opts)["pipeline"]
    assert summary["pass@1_top"] == 100.0
    assert summary["pass@1"] == 50.0 and summary["pass@2"] == 100.0
    assert len(out.read_text().splitlines()) == 1


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--mode", "fast"], "--mode: unknown mode 'fast'"),
        (["-n", "0"], "n: must be in [1, 64], got 0"),
        (["-n", "2", "--k", "1,10"], "--k: each k must be between 1 and -n (2)"),
        (["--out", "/nonexistent-dir/x.jsonl"], "directory /nonexistent-dir does not exist"),
        (["--k", "one"], "--k: expected numbers like 1,10"),
        (["--problems", " , "], "--problems: expected ids like 108,HumanEval/116"),
        (
            ["--problems", "3,999"],
            "--problems: unknown problem 'HumanEval/999' (there are HumanEval/0 to",
        ),
    ],
)
def test_bad_input_exits_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert main(["eval", "humaneval", *argv]) == 2
    assert message in capsys.readouterr().err


def test_chosen_problems_come_in_benchmark_order_by_number_or_id() -> None:
    chosen = he.load_problems(chosen=["HumanEval/7", "2", " 5 "])
    assert [p["task_id"] for p in chosen] == ["HumanEval/2", "HumanEval/5", "HumanEval/7"]
    assert [p["task_id"] for p in he.load_problems(2, ["7", "2", "5"])] == [
        "HumanEval/2",
        "HumanEval/5",
    ]


def test_a_corrupt_out_file_is_named(tmp_path: Path) -> None:
    out = tmp_path / "bad.jsonl"
    out.write_text('{"task_id": "x"\n')
    with pytest.raises(InputError, match=r"bad.jsonl:1: not a JSON line"):
        he.read_records(out)


def test_signature_comes_from_the_prompt() -> None:
    sig = he.signature_of(PROBLEM)
    assert sig is not None and sig.startswith("def has_close_elements(")
    assert json.dumps(sig)


def test_the_hidden_test_sees_the_helpers_the_prompt_defines() -> None:
    # HumanEval/38's test calls encode_cyclic, which only the prompt defines; a candidate that
    # writes decode_cyclic alone is scored as HumanEval's harness does, with the prompt first.
    problem = he.choose(he.load_problems(), ["HumanEval/38"])[0]
    body = problem["canonical_solution"]
    alone = "def decode_cyclic(s: str):\n" + body
    sandbox = Sandbox(he.TEST_LIMITS)
    assert "def encode_cyclic" not in alone
    assert he.hidden_test(sandbox, problem, alone)
    assert not he.hidden_test(sandbox, problem, "def decode_cyclic(s: str):\n    return s\n")
