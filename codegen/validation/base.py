"""The ``Validator`` seam: code in, diagnostics out (an empty tuple of errors means valid)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from codegen.types import Diagnostic


@dataclass(frozen=True)
class Validation:
    diagnostics: tuple[Diagnostic, ...] = ()
    validators: tuple[str, ...] = ()
    # Tiers that could not decide (timed out, crashed): never reported as invalid code.
    undecided: tuple[str, ...] = ()

    @property
    def valid(self) -> bool:
        return not any(d.severity == "error" for d in self.diagnostics)

    def to_dict(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "diagnostics": [d.to_dict() for d in self.diagnostics],
            "validators": list(self.validators),
            "undecided": list(self.undecided),
        }


class Validator(Protocol):
    def validate(
        self,
        code: str,
        language: str,
        version: str | None = None,
        signature: str | None = None,
    ) -> Validation: ...
