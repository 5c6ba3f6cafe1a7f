"""The compile verdict as every front end words it: "✓ compiles" / "✗ does not compile: …"."""

from __future__ import annotations

from collections.abc import Sequence

from codegen.types import Candidate, Diagnostic

COMPILES = "✓ compiles"
DOES_NOT_COMPILE = "✗ does not compile"


def first_compile_error(diagnostics: Sequence[Diagnostic]) -> Diagnostic | None:
    return next((d for d in diagnostics if d.stage == "compile" and d.severity == "error"), None)


def compile_verdict(compiles: bool | None, diagnostics: Sequence[Diagnostic]) -> str | None:
    """The verdict with the first compiler error; None when unknown (no compiler here)."""
    if compiles is None:
        return None
    if compiles:
        return COMPILES
    first = first_compile_error(diagnostics)
    return f"{DOES_NOT_COMPILE}: {first.message}" if first else DOES_NOT_COMPILE


def compile_badge(cand: Candidate, limit: int = 80) -> str | None:
    """A valid candidate's compile verdict, its first error cut to ``limit`` characters (an
    invalid one says "invalid" already)."""
    if not cand.valid:
        return None
    verdict = compile_verdict(cand.compiles, cand.diagnostics)
    if verdict is not None and len(verdict) > limit:
        verdict = verdict[: limit - 1].rstrip() + "…"
    return verdict
