"""The compile tier: does code that parses also compile? (``Candidate.compiles``)

It runs once per language per request over all the candidates of that language (the
Assistant calls it after validating them), because a compiler's start is most of its cost:
one JVM compiles every Java candidate, one ``tsc`` every TypeScript one, ``go vet`` every Go
one; ``rustc`` and ``gcc``/``g++`` run per candidate, concurrently. Python gets pyflakes'
undefined-name check in-process: a name used but never bound would raise NameError.

Verdicts: ``True`` (compiles), ``False`` (the compiler rejected it; its errors come back as
``Diagnostic(stage="compile")``), ``None`` (no compiler for the language on this machine, or
it timed out or crashed: never ``False`` for those). A missing compiler is logged as one
warning per language per process; a timeout or crash is logged and the request goes on.
Every external tool runs through the ``ToolRunner`` seam (``toolrun``). This module holds
the seam's types; ``compilers`` the tools, ``compile_tier.ToolCompiler`` the implementation.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from codegen.types import Candidate, Diagnostic
from codegen.validation.base import Validation, Validator, validate_all
from codegen.validation.toolrun import ToolRunner


@dataclass(frozen=True)
class Compilation:
    """One candidate's compile verdict and the compiler's errors (``stage="compile"``)."""

    compiles: bool | None
    diagnostics: tuple[Diagnostic, ...] = ()
    tool: str = ""
    note: str = ""  # why the verdict is None
    # None because the compiler ran and gave no verdict (timed out, crashed); not because
    # there is none here.
    undecided: bool = False


def compile_error(line: int, column: int, message: str, tool: str) -> Diagnostic:
    line, column = max(line, 1), max(column, 1)
    return Diagnostic(line, column, line, column, message, tool, "error", "compile")


def tool_verdict(tool: str, diags: list[Diagnostic], failed: bool, output: str) -> Compilation:
    """Rejected when the tool failed: its located errors, else the first error line it gave."""
    if not failed and not diags:
        return Compilation(True, tool=tool)
    if not diags:
        first = next((ln for ln in output.splitlines() if "error" in ln.lower()), "")
        diags = [compile_error(1, 1, (first or output.strip() or "failed").strip()[:300], tool)]
    return Compilation(False, tuple(diags), tool)


class Compiler(Protocol):
    def available(self, language: str) -> bool:
        """Whether a compiler for ``language`` can run here."""
        ...

    def compile(
        self, codes: Sequence[str], language: str, version: str | None = None
    ) -> list[Compilation]:
        """One verdict per code, in order; the codes are candidates that parse."""
        ...


class NoCompiler:
    """Compiles nothing: every verdict is None (for unit tests of other stages)."""

    def available(self, language: str) -> bool:
        return False

    def compile(
        self, codes: Sequence[str], language: str, version: str | None = None
    ) -> list[Compilation]:
        return [Compilation(None, note="no compile tier") for _ in codes]


# A language's compile step: (codes, version, timeout, runner) -> one verdict per code. It
# may raise ToolUndecided for the whole batch (the tool timed out or crashed).
CompileRun = Callable[[Sequence[str], str | None, float, ToolRunner], list[Compilation]]


@dataclass(frozen=True)
class CompileTool:
    """How one language is compiled: the tool's name, the programs it needs, the step."""

    name: str
    programs: tuple[str, ...]
    run: CompileRun


def syntax_only(diagnostics: Sequence[Diagnostic]) -> tuple[Diagnostic, ...]:
    return tuple(d for d in diagnostics if d.stage != "compile")


def with_compilation(cand: Candidate, verdict: Compilation | None, available: bool) -> Candidate:
    """``cand`` with its compile verdict: the compiler's errors replace earlier ones. A
    candidate that does not parse (no verdict) does not compile, where a compiler exists."""
    if verdict is None:
        return cand.evolve(compiles=False if available and cand.valid is False else None)
    diagnostics = (*syntax_only(cand.diagnostics), *verdict.diagnostics)
    return cand.evolve(compiles=verdict.compiles, diagnostics=diagnostics)


class CompilingValidator:
    """A validator whose verdict is "parses and compiles" (``Validation.valid``); for repairs
    that must end in compiling code. Code the compiler gave no verdict on (timed out) is
    not accepted: an error says so."""

    def __init__(self, validator: Validator, compiler: Compiler) -> None:
        self.validator = validator
        self.compiler = compiler

    def validate(
        self,
        code: str,
        language: str,
        version: str | None = None,
        signature: str | None = None,
    ) -> Validation:
        return self.validate_many([code], language, version, signature)[0]

    def validate_many(
        self,
        codes: Sequence[str],
        language: str,
        version: str | None = None,
        signature: str | None = None,
    ) -> list[Validation]:
        """Each code validated, then all that parse compiled in one batch."""
        checks = validate_all(self.validator, codes, language, version, signature)
        todo = [i for i, check in enumerate(checks) if check.valid]
        verdicts = self.compiler.compile([codes[i] for i in todo], language, version)
        for i, verdict in zip(todo, verdicts, strict=True):
            checks[i] = _combined(checks[i], verdict)
        return checks


def candidate_diagnostics(validation: Validation) -> tuple[Diagnostic, ...]:
    """A compiling validation's diagnostics as a candidate keeps them: with no verdict from
    the compiler, its errors are warnings (a candidate that compiles is None has none)."""
    if validation.compiles is not None:
        return validation.diagnostics
    return tuple(
        replace(d, severity="warning") if d.stage == "compile" else d
        for d in validation.diagnostics
    )


def _combined(check: Validation, verdict: Compilation) -> Validation:
    diagnostics = (*check.diagnostics, *verdict.diagnostics)
    if verdict.compiles is None:
        note = f"{verdict.tool or 'the compiler'} gave no verdict: {verdict.note}"
        diagnostics += (Diagnostic(1, 1, 1, 1, note, verdict.tool, "error", "compile"),)
    tools = (*check.validators, verdict.tool) if verdict.tool else check.validators
    return Validation(diagnostics, tools, check.undecided, verdict.compiles)
