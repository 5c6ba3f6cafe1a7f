"""The ``Validator`` seam: code in, diagnostics out (an empty tuple of errors means valid)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from codegen.types import Diagnostic


@dataclass(frozen=True)
class Validation:
    diagnostics: tuple[Diagnostic, ...] = ()
    validators: tuple[str, ...] = ()
    # Tiers that could not decide (timed out, crashed): never reported as invalid code.
    undecided: tuple[str, ...] = ()
    # Set by a validator that also compiles (``compiling.CompilingValidator``).
    compiles: bool | None = None

    @property
    def valid(self) -> bool:
        """No error at all (with a compiling validator: it parses and compiles)."""
        return not any(d.severity == "error" for d in self.diagnostics)

    @property
    def parses(self) -> bool:
        """No syntax error: what ``Candidate.valid`` means."""
        return not any(d.severity == "error" and d.stage == "syntax" for d in self.diagnostics)

    def to_dict(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "compiles": self.compiles,
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


@runtime_checkable
class BatchValidator(Validator, Protocol):
    """A validator that checks several codes at once (one compiler start for all)."""

    def validate_many(
        self,
        codes: Sequence[str],
        language: str,
        version: str | None = None,
        signature: str | None = None,
    ) -> list[Validation]: ...


def validate_all(
    validator: Validator,
    codes: Sequence[str],
    language: str,
    version: str | None = None,
    signature: str | None = None,
) -> list[Validation]:
    """Every code validated: in one batch when the validator can, else one by one."""
    if isinstance(validator, BatchValidator):
        return validator.validate_many(codes, language, version, signature)
    return [validator.validate(code, language, version, signature) for code in codes]
