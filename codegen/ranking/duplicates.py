"""Candidates that are the same code: marked in the JSON (``duplicate_of``), shown once.

Two candidates of a language are duplicates when they differ only in comments and layout
(``consensus.layout_free``). Names count: a candidate that calls its function something else
is shown on its own, since a user may want that name. Ranking is not touched: consensus still
counts every copy, which is what "three of three agree" means as evidence.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from codegen.ranking.consensus import layout_free
from codegen.types import Candidate


def _number(cand: Candidate) -> int:
    tail = cand.id.rpartition("-")[2]
    return int(tail) if tail.isdigit() else 0


def mark_duplicates(candidates: Sequence[Candidate]) -> list[Candidate]:
    """The candidates in the same order, each with ``duplicate_of`` set to the id of the first
    one (by id number, in its language) with the same code, else None."""
    first: dict[tuple[str, tuple[str, ...]], str] = {}
    marks: dict[str, str | None] = {}
    for cand in sorted(candidates, key=lambda c: (c.language, _number(c))):
        key = (cand.language, layout_free(cand.language, cand.code))
        original = first.setdefault(key, cand.id)
        marks[cand.id] = None if original == cand.id else original
    return [
        c if c.duplicate_of == marks[c.id] else c.evolve(duplicate_of=marks[c.id])
        for c in candidates
    ]


def distinct(candidates: Iterable[Candidate]) -> list[tuple[Candidate, list[Candidate]]]:
    """In the given order, each candidate that is the first of its group to appear, with the
    group's other members (its duplicates, or the original and its other copies)."""
    groups: dict[str, list[Candidate]] = {}
    order: list[str] = []
    for cand in candidates:
        group = cand.duplicate_of or cand.id
        if group not in groups:
            order.append(group)
            groups[group] = []
        groups[group].append(cand)
    return [(groups[g][0], groups[g][1:]) for g in order]


def agree_label(copies: Sequence[Candidate]) -> str:
    """'×3 agree' for a candidate shown with two copies; '' for one shown alone."""
    return f"×{len(copies) + 1} agree" if copies else ""
