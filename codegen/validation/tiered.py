"""The validator the pipeline uses: tree-sitter, ANTLR and the reference checker, combined.

Combining rule (also in the README, "Validation"):

1. Empty code is never valid.
2. When the language's reference checker ran and decided, it decides: its syntax errors are
   the diagnostics (a diagnostic without a column borrows tree-sitter's on the same line).
3. When no reference checker could decide (none for the language, binary missing, timed out,
   crashed), the grammar tiers decide: tree-sitter and, when the language has one, ANTLR;
   an error from either makes the code invalid.
4. A checker that timed out or crashed is listed in ``undecided`` with a warning diagnostic;
   it never makes code invalid by itself.
5. With a signature, code that does not define the signature's name is invalid.
6. Python code that uses a well-known standard-library name it never imports or binds
   (``re``, ``Counter``, ``List``, ...; ``imports.py``) gets a warning from source
   ``imports``: it would fail with NameError, and the repairer adds the import. It stays valid
   (a snippet may be meant for a file that has the import).
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Sequence
from typing import Any

from codegen import languages
from codegen.types import Diagnostic
from codegen.validation import imports, javadriver, names, reference, treesitter
from codegen.validation.base import Validation
from codegen.validation.compile_tier import ToolCompiler
from codegen.validation.toolrun import LOCAL, ToolRunner

log = logging.getLogger(__name__)


def antlr_available() -> bool:
    try:
        importlib.import_module("codegen.validation.antlr")
    except ImportError:
        return False
    return True


def _antlr(code: str, grammar: str) -> list[Diagnostic] | None:
    try:
        module = importlib.import_module("codegen.validation.antlr")
    except ImportError:
        return None
    result: list[Diagnostic] = list(module.validate(code, grammar))
    return result


class TieredValidator:
    """tree-sitter + ANTLR + the reference checker, combined by the rule above."""

    def __init__(
        self,
        timeout: float = reference.DEFAULT_TIMEOUT,
        use_reference: bool = True,
        runner: ToolRunner = LOCAL,
        compiler: ToolCompiler | None = None,
    ):
        self.timeout = timeout
        self.use_reference = use_reference
        # Every external checker runs through this (``toolrun``: a confined one from above).
        self.runner = runner
        # Given, a batch check whose JVM can compile too hands it the verdicts (``_batch``).
        self.compiler = compiler

    def tiers(self, language: str) -> list[str]:
        """The tiers that would run for ``language`` on this machine."""
        lang = languages.get(language)
        active = [treesitter.TIER] if treesitter.available(lang.name) else []
        if lang.antlr_grammar and antlr_available():
            active.append("antlr")
        if self.use_reference:
            active += [n for n in lang.checkers if _checker_ready(n, self.runner)]
        return active

    def validate(
        self,
        code: str,
        language: str,
        version: str | None = None,
        signature: str | None = None,
    ) -> Validation:
        return self._validate(code, language, version, signature, None)

    def validate_many(
        self,
        codes: Sequence[str],
        language: str,
        version: str | None = None,
        signature: str | None = None,
    ) -> list[Validation]:
        """Each code validated as ``validate`` does it; a reference checker with a batch form
        (javac: ``javadriver``, one JVM for all) checks them all in one run."""
        first = self._batch(codes, language, version)
        return [
            self._validate(code, language, version, signature, pre)
            for code, pre in zip(codes, first, strict=True)
        ]

    def _validate(
        self,
        code: str,
        language: str,
        version: str | None,
        signature: str | None,
        pre: reference.CheckResult | None,
    ) -> Validation:
        if not code.strip():
            return Validation((Diagnostic(1, 1, 1, 1, "no code", "codegen"),), ("codegen",))
        lang = languages.get(language)
        ran: list[str] = []
        grammar: list[Diagnostic] = []
        ts = treesitter.diagnostics(lang.name, code)
        if ts is not None:
            ran.append(treesitter.TIER)
            grammar += ts
        if lang.antlr_grammar:
            found = _antlr(code, lang.antlr_grammar)
            if found is not None:
                ran.append("antlr")
                grammar += found
        decided, undecided = self._reference(lang.checkers, code, version, pre)
        ran += [r.tier for r in decided]
        diags = grammar if not decided else _refine(list(decided[0].diagnostics), ts or [])
        diags += [
            Diagnostic(1, 1, 1, 1, f"{r.tier}: {r.note} (undecided)", r.tier, "warning")
            for r in undecided
        ]
        diags += _signature(lang.name, code, signature)
        if lang.name == "python" and not any(d.severity == "error" for d in diags):
            diags += imports.diagnostics(code)
        return Validation(tuple(diags), tuple(ran), tuple(r.tier for r in undecided))

    def _batch(
        self, codes: Sequence[str], language: str, version: str | None
    ) -> list[reference.CheckResult | None]:
        """The first ready checker's verdicts on all non-empty ``codes`` in one run, where it
        has a batch form and there are two or more; else None for each. With a compile
        tier, the same run compiles them too and the tier is handed the verdicts."""
        none: list[reference.CheckResult | None] = [None] * len(codes)
        ready = [n for n in languages.get(language).checkers if _checker_ready(n, self.runner)]
        todo = [i for i, code in enumerate(codes) if code.strip()]
        if not self.use_reference or not ready or ready[0] not in _BATCH or len(todo) < 2:
            return none
        run, program = _BATCH[ready[0]]
        if not self.runner.available(program):
            return none
        compiler = self.compiler
        keep = (
            (lambda code, verdict: compiler.remember(language, version, code, verdict))
            if compiler is not None and compiler.available(language)
            else None
        )
        for start in range(0, len(todo), BATCH_SIZE):
            part = todo[start : start + BATCH_SIZE]
            # As the compile tier's batch: twice one check's time (a JVM start, several checks).
            results = run([codes[i] for i in part], version, 2 * self.timeout, self.runner, keep)
            for i, result in zip(part, results, strict=True):
                none[i] = result
        return none

    def _reference(
        self,
        checkers: Sequence[str],
        code: str,
        version: str | None,
        pre: reference.CheckResult | None = None,
    ) -> tuple[list[reference.CheckResult], list[reference.CheckResult]]:
        """The first checker that decides, and the ones that could not (``pre``: the first
        ready checker's verdict, already run in a batch)."""
        undecided: list[reference.CheckResult] = []
        if not self.use_reference:
            return [], undecided
        for name in checkers:
            checker = reference.checker(name)
            if checker is None or not checker.available(self.runner):
                continue
            if pre is not None:
                result, pre = pre, None
            else:
                result = checker.run(code, version, self.timeout, self.runner)
            if result.status == "undecided":
                log.info("%s undecided: %s", name, result.note)
                undecided.append(result)
                continue
            return [result], undecided
        return [], undecided


BATCH_SIZE = 8  # codes a batch checker takes in one run
# Reference checkers with a batch form: name -> (the run over many codes, the program it needs).
_BATCH: dict[str, tuple[javadriver.RunMany, str]] = {
    "javac": (javadriver.check_javac_many, "java"),
}


def language_rows(runner: ToolRunner = LOCAL) -> list[dict[str, Any]]:
    """Every language with its extension, aliases, the tiers that check it and its compile
    tier's tool, as they run through ``runner`` (``codegen languages --json``,
    ``GET /v1/languages``)."""
    compiler = ToolCompiler(runner)
    out = []
    for lang in languages.all_languages():
        checkers = {name: _checker_ready(name, runner) for name in lang.checkers}
        tiers = [treesitter.TIER] if treesitter.available(lang.name) else []
        if lang.antlr_grammar and antlr_available():
            tiers.append(f"antlr:{lang.antlr_grammar}")
        tiers += [name for name, ok in checkers.items() if ok]
        out.append(
            {
                "name": lang.name,
                "display": lang.display,
                "extension": lang.extension,
                "aliases": list(lang.aliases),
                "tiers": tiers,
                "checkers": checkers,
                "compiler": _compiler(compiler, lang.name),
            }
        )
    return out


def _compiler(compiler: ToolCompiler, language: str) -> dict[str, Any] | None:
    """The compile tier's tool for ``language`` and whether it can run here (None: none)."""
    tool = compiler.tool(language)
    if tool is None:
        return None
    return {"tool": tool.name, "available": compiler.available(language)}


def _checker_ready(name: str, runner: ToolRunner) -> bool:
    checker = reference.checker(name)
    return checker is not None and checker.available(runner)


def _refine(ref: list[Diagnostic], ts: list[Diagnostic]) -> list[Diagnostic]:
    """Reference diagnostics, with tree-sitter's column where the reference gave none."""
    out = []
    for d in ref:
        same_line = [t for t in ts if t.line == d.line]
        if d.column == 1 and same_line:
            t = same_line[0]
            d = Diagnostic(d.line, t.column, t.end_line, t.end_column, d.message, d.source)
        out.append(d)
    return out


def _signature(language: str, code: str, signature: str | None) -> list[Diagnostic]:
    if not signature:
        return []
    name = names.signature_name(signature)
    if name is None or names.defines(language, code, name):
        return []
    return [Diagnostic(1, 1, 1, 1, f"does not define '{name}' (from the signature)", "signature")]
