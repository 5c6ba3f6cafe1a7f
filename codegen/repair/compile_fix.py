"""Repair of code that parses but does not compile: the compiler's own suggested edits first
(``fixits``: rustc's ``mut``, a borrow, ...), then the missing imports, uses and includes
(``missing``; each a named step with a diff), then the model with the compiler's messages
through the repair loop of ``guided`` (R rounds, attempts checked in one compiler batch).

A model attempt is kept only if it then parses AND compiles (a compiler that gives no verdict
does not count) and still defines every name the candidate defined. The declarations are
added in up to three passes (a compiler reports the next missing name once the first is
known: g++ names ``<vector>`` only after ``size_t`` is declared), each kept only if the code
still parses and none of the errors it answered is reported again. Code that compiles is never
given to it.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from codegen.repair.deterministic import Outcome, make_step
from codegen.repair.fixits import STEP_NAME as FIXES_STEP
from codegen.repair.fixits import apply_fixes, has_fixes
from codegen.repair.guided import BackendGetter, GuidedOptions, GuidedRepair
from codegen.repair.missing import STEP_NAMES, add_missing, asks_for_declaration
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
        fixed = self.compiler_fixes(start, language, version, signature)
        if not fixed.validation.valid:
            fixed = self.deterministic(fixed, language, version, signature)
        if fixed.validation.valid or self.guided is None or options.rounds <= 0:
            return fixed
        guided = self.guided.run(fixed, language, version, signature, options, cancel)
        return guided if guided is not None else fixed

    def compiler_fixes(
        self, start: Outcome, language: str, version: str | None, signature: str | None
    ) -> Outcome:
        """The compiler's suggested edits, in up to ``PASSES`` passes (an edit can uncover the
        next error), each kept only if the code still parses with fewer errors."""
        code, check = start.code, start.validation
        for _ in range(PASSES):
            if not has_fixes(check.diagnostics):
                break
            new = apply_fixes(code, check.diagnostics)
            after = self.check.validate(new, language, version, signature)
            if new == code or not after.parses or len(_errors(after)) >= len(_errors(check)):
                break
            code, check = new, after
        if code == start.code:
            return start
        step = make_step(FIXES_STEP, start.code, code, language, count_lines=False)
        return Outcome(code, (*start.steps, step), check)

    def deterministic(
        self, start: Outcome, language: str, version: str | None, signature: str | None
    ) -> Outcome:
        code, check = start.code, start.validation
        for _ in range(PASSES):
            new = add_missing(code, language, check.diagnostics)
            if new == code:
                break
            answered = {d.message for d in check.diagnostics if asks_for_declaration(language, d)}
            after = self.check.validate(new, language, version, signature)
            if not after.parses or answered & {d.message for d in _errors(after)}:
                break
            code, check = new, after
            if after.valid:
                break
        if code == start.code:
            return start
        step = make_step(STEP_NAMES[language], start.code, code, language, count_lines=False)
        return Outcome(code, (*start.steps, step), check)


PASSES = 3


def _errors(validation: Validation) -> list[Diagnostic]:
    return [d for d in validation.diagnostics if d.severity == "error"]
