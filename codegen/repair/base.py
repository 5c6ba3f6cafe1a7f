"""The ``Repairer`` seam (an invalid candidate in, the best repair found out) and the ``Fixer``
seam (ranked candidates in; those that fail their checks come back fixed where it worked)."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Protocol

from codegen.types import Candidate, GenerationRequest


class Repairer(Protocol):
    def repair(
        self,
        candidate: Candidate,
        request: GenerationRequest,
        version: str | None,
        cancel: threading.Event | None = None,
        *,
        model: bool = True,
    ) -> Candidate:
        """Return the candidate repaired (valid, with its steps) or unchanged; with
        ``model=False`` only the deterministic steps run (the caller's budget for the model
        is spent)."""
        ...


class NoRepair:
    def repair(
        self,
        candidate: Candidate,
        request: GenerationRequest,
        version: str | None,
        cancel: threading.Event | None = None,
        *,
        model: bool = True,
    ) -> Candidate:
        return candidate


class Fixer(Protocol):
    def fix(
        self,
        ranked: Sequence[Candidate],
        request: GenerationRequest,
        version: str | None,
        cancel: threading.Event | None = None,
    ) -> list[Candidate]:
        """The candidates in the same order, a fixed one in place of each that was fixed."""
        ...


class NoFix:
    def fix(
        self,
        ranked: Sequence[Candidate],
        request: GenerationRequest,
        version: str | None,
        cancel: threading.Event | None = None,
    ) -> list[Candidate]:
        return list(ranked)
