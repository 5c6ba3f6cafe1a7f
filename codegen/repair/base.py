"""The ``Repairer`` seam: an invalid candidate in, the best repair found out."""

from __future__ import annotations

import threading
from typing import Protocol

from codegen.types import Candidate, GenerationRequest


class Repairer(Protocol):
    def repair(
        self,
        candidate: Candidate,
        request: GenerationRequest,
        version: str | None,
        cancel: threading.Event | None = None,
    ) -> Candidate:
        """Return the candidate repaired (valid, with its steps) or unchanged."""
        ...


class NoRepair:
    def repair(
        self,
        candidate: Candidate,
        request: GenerationRequest,
        version: str | None,
        cancel: threading.Event | None = None,
    ) -> Candidate:
        return candidate
