"""Token sampling over a batch: each row at its own temperature, greedy rows take the argmax."""

from __future__ import annotations

import numpy as np

from codegen.backends.sampling import make_rngs, sample
from codegen.types import SamplingParams


def test_each_row_has_its_own_temperature_and_greedy_rows_take_the_argmax() -> None:
    flat = np.zeros((3, 50), dtype=np.float32)
    flat[:, 7] = 0.5  # the argmax, but barely: sampling at temperature 5 rarely picks it
    picks: list[list[int]] = [[], [], []]
    rngs = make_rngs(1, 3)
    for _ in range(40):
        tokens, logprobs = sample(flat, rngs, [0.0, 5.0, 5.0], 1.0)
        for row, token in enumerate(tokens):
            picks[row].append(token)
        assert all(lp < 0 for lp in logprobs)
    assert set(picks[0]) == {7}
    assert len(set(picks[1])) > 5 and picks[1] != picks[2]


def test_greedy_first_applies_to_candidate_zero_of_several_only() -> None:
    params = SamplingParams(temperature=0.8, greedy_first=True)
    assert [params.temperature_of(i, 3) for i in range(3)] == [0.0, 0.8, 0.8]
    assert params.temperature_of(0, 1) == 0.8  # a single candidate is sampled as asked
    plain = SamplingParams(temperature=0.8)
    assert plain.temperature_of(0, 3) == 0.8
