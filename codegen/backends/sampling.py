"""Token sampling over a batch of logit rows, in numpy: greedy, temperature, top-p.

Each sequence has its own random generator, seeded from (seed, sequence index), so the same
seed gives the same candidates whatever else runs. Log-probabilities are the model's own
(temperature 1, no truncation), the figure rankers compare across candidates.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

# Sampling looks at the TOP_K most likely tokens only; past them the tail is dropped.
TOP_K = 64


def make_rngs(seed: int | None, n: int) -> list[np.random.Generator]:
    if seed is None:
        root = np.random.SeedSequence()
        return [np.random.default_rng(s) for s in root.spawn(n)]
    return [np.random.default_rng([seed & 0xFFFFFFFF, i]) for i in range(n)]


def log_softmax_at(logits: Any, tokens: Any) -> Any:
    """log p(token) for each row of ``logits`` (shape m×V) at ``tokens`` (shape m)."""
    top = logits.max(axis=1, keepdims=True)
    lse = top[:, 0] + np.log(np.exp(logits - top).sum(axis=1))
    return logits[np.arange(len(tokens)), tokens] - lse


def sample(
    logits: Any,
    rngs: list[np.random.Generator],
    temperatures: Sequence[float],
    top_p: float,
) -> tuple[list[int], list[float]]:
    """One token per row of ``logits`` and its log-probability; each row has its own
    temperature (0: greedy)."""
    logits = np.asarray(logits, dtype=np.float32)
    tokens = logits.argmax(axis=1)
    if any(t > 0.0 for t in temperatures):
        k = min(TOP_K, logits.shape[1])
        top = np.argpartition(-logits, k - 1, axis=1)[:, :k]
        for row, (rng, temperature) in enumerate(zip(rngs, temperatures, strict=True)):
            if temperature > 0.0:
                tokens[row] = _pick(logits[row], top[row], rng, temperature, top_p)
    logprobs = log_softmax_at(logits, tokens)
    return [int(t) for t in tokens], [float(v) for v in logprobs]


def _pick(row: Any, top: Any, rng: np.random.Generator, temperature: float, top_p: float) -> int:
    scaled = row[top] / temperature
    order = np.argsort(-scaled, kind="stable")
    ids = top[order]
    scaled = scaled[order]
    probs = np.exp(scaled - scaled[0])
    probs /= probs.sum()
    keep = int(np.searchsorted(np.cumsum(probs), top_p) + 1)
    probs = probs[:keep] / probs[:keep].sum()
    return int(ids[rng.choice(keep, p=probs)])
