"""Which prompt tokens a request may keep from the previous one (whole blocks, never the last)."""

from __future__ import annotations

from codegen.backends.llamacpp_prefix import BLOCK, common_prefix, reusable


def test_common_prefix() -> None:
    assert common_prefix([1, 2, 3], [1, 2, 4]) == 2
    assert common_prefix([], [1]) == 0
    assert common_prefix([1, 2], [1, 2, 3]) == 2


def test_only_whole_shared_blocks_are_reused() -> None:
    record = list(range(3 * BLOCK))
    prompt = record[: 2 * BLOCK + 5] + [-1] * (2 * BLOCK)
    assert reusable(record, prompt) == 2 * BLOCK
    prompt = record[: BLOCK - 1] + [-1] * (3 * BLOCK)
    assert reusable(record, prompt) == 0  # the first block differs at its end


def test_the_last_block_is_always_evaluated_again() -> None:
    prompt = list(range(3 * BLOCK + 10))
    assert reusable(prompt, prompt) == 3 * BLOCK  # the same prompt: its last, partial block
    exact = list(range(3 * BLOCK))
    assert reusable(exact, exact) == 2 * BLOCK  # a full last block too: its logits start decoding


def test_nothing_recorded_nothing_reused() -> None:
    assert reusable([], list(range(4 * BLOCK))) == 0
