"""Prompt-lookup drafting on the real small model: a repair round (the greedy answer and
seeded samples) gives the same answers with and without it."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from codegen.repair.guided import GuidedOptions, _params, build_prompt
from codegen.types import Diagnostic

BROKEN = """def mean(values: list[float]) -> float:
    total = 0.0
    for value in values:
        total += value
    return total / len(values if values else 1.0
"""


def test_a_repair_round_gives_the_same_answers_with_drafting(small_backend: Any) -> None:
    diagnostic = Diagnostic(5, 19, 5, 20, "'(' was never closed", "cpython")
    messages = build_prompt(BROKEN, "python", [diagnostic])
    plain = replace(_params(GuidedOptions(), 1), max_tokens=160)
    drafted = replace(plain, draft_from_prompt=True)
    without = small_backend.generate(messages, plain, 3)
    with_drafts = small_backend.generate(messages, drafted, 3)
    assert [c.text for c in with_drafts] == [c.text for c in without]
    assert "total += value" in with_drafts[0].text  # an answer that copies its prompt
