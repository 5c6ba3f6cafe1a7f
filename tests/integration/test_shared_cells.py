"""Candidates with the same tokens so far are decoded once (one row of the batch for the
group) on the real small model, and splitting a group keeps each candidate's history."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from codegen.backends.llamacpp import LlamaCppBackend
from codegen.types import SamplingParams
from tests.integration.small_model import codegen_prompt, variant


@pytest.fixture(scope="module")
def unshared(small_backend: Any) -> Iterator[LlamaCppBackend]:
    """The same model decoding every sequence in its own row, whatever its tokens."""
    with variant(small_backend, share_cells=False) as backend:
        yield backend


def test_greedy_candidates_are_decoded_as_one_and_equal_the_single_answer(
    small_backend: Any,
) -> None:
    prompt = codegen_prompt(small_backend, "Return the larger of two integers")
    params = SamplingParams(temperature=0.0, max_tokens=48, seed=5)
    alone = small_backend.generate(prompt, params, 1)[0]
    three = small_backend.generate(prompt, params, 3)
    # One row per step, as for a single sequence: the numbers are the same bit for bit.
    assert [c.text for c in three] == [alone.text] * 3
    assert [c.logprobs for c in three] == [alone.logprobs] * 3


def test_sampled_candidates_that_split_keep_their_own_history(
    small_backend: Any, unshared: LlamaCppBackend
) -> None:
    prompt = codegen_prompt(
        small_backend, "Merge two sorted lists of integers into one sorted list"
    )
    params = SamplingParams(temperature=1.0, top_p=0.95, max_tokens=64, seed=3)
    shared = small_backend.generate(prompt, params, 4)
    apart = unshared.generate(prompt, params, 4)
    assert len({c.text for c in shared}) >= 2  # the group split at least once
    # Batch shapes differ, so a near tie may fall the other way now and then; a candidate
    # given the wrong cells after a split would differ at once and everywhere.
    same = [a for a, b in zip(shared, apart, strict=True) if a.text == b.text]
    assert len(same) >= 3
    for a, b in zip(shared, apart, strict=True):
        if a.text == b.text:
            assert max(abs(x - y) for x, y in zip(a.logprobs, b.logprobs, strict=True)) < 0.1
