"""`codegen eval humaneval --limit 2` on the real small model, tiny settings, then resumed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from codegen.cli.main import main


@pytest.mark.timeout(900)
def test_eval_limit_2_on_the_small_model_and_resume(
    small_backend: object,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Tiny settings: short answers, no model-guided repair rounds, no few-shot examples.
    monkeypatch.setenv("CODEGEN_REPAIR_ROUNDS", "0")
    monkeypatch.setenv("CODEGEN_FEW_SHOT", "0")
    out = tmp_path / "he.jsonl"
    argv = [
        "eval",
        "humaneval",
        "--model",
        "embedded-small",
        "--limit",
        "2",
        "-n",
        "2",
        "--k",
        "1,2",
        "--max-tokens",
        "64",
        "--json",
        "--out",
        str(out),
    ]
    assert main(argv) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["problems"] == 2 and summary["limit"] == 2
    assert set(summary["modes"]) == {"raw", "pipeline"}
    raw, pipe = summary["modes"]["raw"], summary["modes"]["pipeline"]
    assert raw["samples_per_problem"] == 1 and pipe["samples_per_problem"] == 2
    assert {
        "pass@1_top",
        "pass@1",
        "pass@2",
        "share_parsing",
        "share_with_valid",
        "median_latency_s",
        "tokens_per_s",
    } <= set(pipe)
    assert "pass@2" not in raw  # one greedy sample has no pass@2
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert sorted((r["task_id"], r["mode"]) for r in records) == [
        ("HumanEval/0", "pipeline"),
        ("HumanEval/0", "raw"),
        ("HumanEval/1", "pipeline"),
        ("HumanEval/1", "raw"),
    ]
    # Resuming does no new work and reports the same figures.
    assert main(argv) == 0
    assert json.loads(capsys.readouterr().out) == summary
    assert len(out.read_text().splitlines()) == 4
    # A chosen problem already in the file: nothing new, its id reported as the benchmark has it.
    chosen = [*argv[:4], "--problems", " 1", *argv[6:]]  # in place of --limit 2
    assert main(chosen) == 0
    resumed = json.loads(capsys.readouterr().out)
    assert resumed["chosen"] == ["HumanEval/1"] and resumed["problems"] == 1
    assert len(out.read_text().splitlines()) == 4
