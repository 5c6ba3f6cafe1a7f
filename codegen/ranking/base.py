"""The ``Ranker`` seam and the first ranker: mean token log-probability among valid candidates."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from codegen.types import Candidate, GenerationRequest


class Ranker(Protocol):
    def rank(self, candidates: Sequence[Candidate], request: GenerationRequest) -> list[Candidate]:
        """All candidates of one language, best first, with ``rank`` set on the valid ones."""
        ...


def assign_ranks(scored: Sequence[tuple[Candidate, float, dict[str, float]]]) -> list[Candidate]:
    """Rank the valid ones 1..k: compiling before unknown (``compiles`` None) before not
    compiling, then by score (ties: id); invalid ones last with rank None. The verdict is the
    ``compiles`` score part (1 or 0; absent when unknown): an order, not a weight."""
    valid = sorted(
        (s for s in scored if s[0].valid),
        key=lambda s: (compile_order(s[0]), -s[1], _id_key(s[0])),
    )
    invalid = sorted((s for s in scored if not s[0].valid), key=lambda s: _id_key(s[0]))
    ranked = [
        c.evolve(rank=i, score=round(sc, 6), score_parts=_with_compiles(c, parts))
        for i, (c, sc, parts) in enumerate(valid, 1)
    ]
    return ranked + [c.evolve(rank=None, score=None, score_parts=parts) for c, _, parts in invalid]


def compile_order(candidate: Candidate) -> int:
    """0 compiles, 1 unknown, 2 does not compile."""
    return {True: 0, None: 1, False: 2}[candidate.compiles]


def _with_compiles(candidate: Candidate, parts: dict[str, float]) -> dict[str, float]:
    if candidate.compiles is None:
        return {k: v for k, v in parts.items() if k != "compiles"}
    return {**parts, "compiles": 1.0 if candidate.compiles else 0.0}


def _id_key(candidate: Candidate) -> tuple[str, int]:
    lang, _, k = candidate.id.rpartition("-")
    return (lang, int(k) if k.isdigit() else 0)


class LogprobRanker:
    def rank(self, candidates: Sequence[Candidate], request: GenerationRequest) -> list[Candidate]:
        scored = []
        for cand in candidates:
            lp = cand.mean_logprob if cand.mean_logprob is not None else -10.0
            penalty = sum(step.penalty for step in cand.repairs)
            scored.append((cand, lp - penalty, {"logprob": lp, "repair_penalty": -penalty}))
        return assign_ranks(scored)
