"""The loop guard: a sequence repeating a short cycle is ended; real code never trips it."""

from __future__ import annotations

import random
import re
from pathlib import Path

import torch

from codegen.backends.hf import _Stop
from codegen.backends.repetition import MAX_PERIOD, SPAN, looping


def test_a_repeated_token_or_short_cycle_is_a_loop() -> None:
    prefix = list(range(100, 140))
    assert looping(prefix + [5] * (SPAN + MAX_PERIOD))
    assert looping(prefix + [1, 2, 3, 4, 5, 6, 7] * 20)


def test_short_repeats_long_periods_and_noise_are_not_loops() -> None:
    assert not looping([5] * (SPAN + MAX_PERIOD - 1))  # too short to judge
    assert not looping(list(range(MAX_PERIOD + 1)) * 20)  # period 9 is longer than the limit
    rng = random.Random(3)
    noise = [rng.randrange(4) for _ in range(400)]
    assert not looping(noise)
    broken = [9] * 100
    broken[-10] = 8  # one different token inside the last span breaks the loop
    assert not looping(broken)


def test_real_source_text_never_trips_it() -> None:
    # Characters stand in for tokens. Tokenisers merge runs of one character (a "# ----" ruler
    # is a few tokens), so runs are shortened to three first, as a tokeniser would.
    for path in sorted(Path("codegen").rglob("*.py")):
        text = re.sub(r"(.)\1{3,}", r"\1\1\1", path.read_text(encoding="utf-8"))
        chars = [ord(c) for c in text]
        for end in range(SPAN + MAX_PERIOD, len(chars), 97):
            assert not looping(chars[:end]), f"{path}: offset {end}"


def test_the_transformers_criterion_stops_only_the_looping_row() -> None:
    prompt = [11, 12, 13]
    normal = prompt + [(i * 7) % 50 + 1 for i in range(SPAN + MAX_PERIOD)]
    loop = prompt + [42] * (SPAN + MAX_PERIOD)
    stop = _Stop(None, tokenizer=None, prompt_len=len(prompt), code=False)
    done = stop(torch.tensor([normal, loop]), scores=None)
    assert done.tolist() == [False, True]
    assert stop.looped == {1}
