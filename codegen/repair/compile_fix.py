"""Repair of code that parses but does not compile: the missing imports, uses and includes
first (``missing``, a named step with a diff), then the model with the compiler's messages
through the repair loop of ``guided`` (R rounds, attempts checked in one compiler batch).

A model attempt is kept only if it then parses AND compiles (a compiler that gives no verdict
does not count) and still defines every name the candidate defined; a deterministic step only
if the compiler then reports fewer errors. Code that compiles is never given to it.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from codegen.repair.deterministic import Outcome, make_step
from codegen.repair.guided import BackendGetter, GuidedOptions, GuidedRepair
from codegen.repair.missing import STEP_NAMES, add_missing
from codegen.types import Diagnostic
from codegen.validation.base import Validation, Validator
from codegen.validation.compiling import Compiler, CompilingValidator

COMPILE_SYSTEM = "You are a careful programmer. You fix compile errors without changing behaviour."


class CompileRepair:
    def __init__(
        self, validator: Validator, compiler: Compiler, backend: BackendGetter | None = None
    ) -> None:
        self.check = CompilingValidator(validator, compiler)
        self.guided = None
        if backend is not None:
            self.guided = GuidedRepair(self.check, backend, system=COMPILE_SYSTEM)

    def run(
        self,
        code: str,
        language: str,
        version: str | None,
        signature: str | None,
        diagnostics: Sequence[Diagnostic],
        options: GuidedOptions,
        cancel: threading.Event | None = None,
    ) -> Outcome:
        """The repaired code (its steps; ``validation.compiles`` says whether it compiles now),
        or ``code`` with no steps when nothing helped."""
        start = Outcome(code, (), Validation(tuple(diagnostics), compiles=False))
        fixed = self.deterministic(start, language, version, signature)
        if fixed.validation.valid or self.guided is None or options.rounds <= 0:
            return fixed
        guided = self.guided.run(fixed, language, version, signature, options, cancel)
        return guided if guided is not None else fixed

    def deterministic(
        self, start: Outcome, language: str, version: str | None, signature: str | None
    ) -> Outcome:
        new = add_missing(start.code, language, start.validation.diagnostics)
        if new == start.code:
            return start
        check = self.check.validate(new, language, version, signature)
        if not check.parses or _errors(check) >= _errors(start.validation):
            return start
        step = make_step(STEP_NAMES[language], start.code, new, language, count_lines=False)
        return Outcome(new, (*start.steps, step), check)


def _errors(validation: Validation) -> int:
    return sum(d.severity == "error" for d in validation.diagnostics)
