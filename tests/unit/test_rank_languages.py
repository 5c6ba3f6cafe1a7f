"""Execution evidence beyond Python: JavaScript examples and tests, C tests appended to the code."""

from __future__ import annotations

import shutil

from codegen.languages import LanguageSpec
from codegen.ranking.scorer import EvidenceRanker
from codegen.types import Candidate, GenerationRequest


def cand(lang: str, k: int, code: str, logprob: float) -> Candidate:
    return Candidate(
        id=f"{lang}-{k}",
        language=lang,
        code=code,
        raw_text=code,
        finish_reason="stop",
        prompt_tokens=1,
        completion_tokens=1,
        mean_logprob=logprob,
        valid=True,
    )


def test_javascript_examples_and_tests_rank_the_correct_candidate_first() -> None:
    wrong = cand("javascript", 1, "function add(a, b) { return a - b; }", -0.05)
    right = cand("javascript", 2, "function add(a, b) { return a + b; }", -1.0)
    request = GenerationRequest(
        "Add two numbers.\nadd(1, 2) -> 3\nadd(0, 0) -> 0",
        languages=(LanguageSpec("javascript"),),
        exec=True,
        tests={"javascript": "if (add(2, 2) !== 4) throw new Error('add');"},
    )
    ranked = EvidenceRanker().rank([wrong, right], request)
    assert ranked[0].id == "javascript-2"
    assert ranked[0].score_parts["tests"] == 1.0
    assert ranked[1].score_parts["tests"] == round(1 / 3, 6)  # add(0, 0) -> 0 holds for a - b too


def test_c_tests_are_appended_and_must_exit_zero() -> None:
    assert shutil.which("gcc"), "gcc is part of the system dependencies"
    wrong = cand("c", 1, "int sq(int x) { return x + x; }", -0.05)
    right = cand("c", 2, "int sq(int x) { return x * x; }", -1.0)
    tests = "int main(void) { return sq(3) == 9 ? 0 : 1; }"
    request = GenerationRequest(
        "square", languages=(LanguageSpec("c"),), exec=True, tests={"c": tests}
    )
    ranked = EvidenceRanker().rank([wrong, right], request)
    assert [c.id for c in ranked] == ["c-2", "c-1"]
    assert ranked[1].score_parts["tests"] == 0.0
