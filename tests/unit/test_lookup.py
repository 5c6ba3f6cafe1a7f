"""Prompt-lookup drafting: the tokens the prompt has after a sequence's tail."""

from __future__ import annotations

from codegen.backends.lookup import PromptLookup

PROMPT = [10, 11, 12, 13, 14, 15, 16, 11, 12, 99]


def test_the_tokens_after_the_tails_last_occurrence_in_the_prompt() -> None:
    lookup = PromptLookup(PROMPT)
    assert lookup.draft([5, 12, 13, 14], limit=3) == [15, 16, 11]  # 3-gram (12, 13, 14)
    assert lookup.draft([7, 11, 12], limit=4) == [99]  # (11, 12) occurs last before 99
    assert lookup.draft([1, 2, 3]) == []


def test_a_short_sequence_continues_the_prompts_own_tail() -> None:
    lookup = PromptLookup([5, 6, 7, 8, 5, 6])
    assert lookup.draft([], limit=2) == [7, 8]  # its tail (8, 5, 6) only ends it; (5, 6) recurs
    assert lookup.draft([7], limit=2) == [8, 5]  # (5, 6) from the prompt, then 7


def test_no_draft_when_there_is_no_room() -> None:
    assert PromptLookup(PROMPT).draft([12, 13, 14], limit=0) == []
