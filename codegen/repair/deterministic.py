"""Deterministic repairs, tried in order before any model is asked.

1. ``strip_fences`` and ``strip_prose``: Markdown and English left around the code.
2. ``expand_tabs``: tabs in Python indentation, expanded to 8 columns as CPython does.
3. ``close_open``: close an unterminated string or comment, open brackets and blocks.
4. ``drop_example_usage``: drop broken or duplicated trailing "example usage" lines.
5. ``fix_at_error``: one small edit where the checker points (``codegen.repair.local``).
6. ``cut_truncated_tail``: cut a tail truncated by max_tokens back to the last complete
   top-level statement, closing what is open after the cut when that is enough.
7. ``add_imports``: once the code is valid, the imports of well-known names it uses and
   never imports (Python; the validator warns of them, ``codegen.validation.imports``).

Cleanup steps (1, 2) are kept whenever they change the code; the others only when the
result validates. Every kept step is a ``RepairStep`` with a unified diff. A step that drops
a top-level name, or more than 30% of the lines, carries a penalty and a note saying so.
Valid code is returned unchanged, but for ``add_imports`` when the validation warns of names
never imported: the repairer validates before touching anything.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from codegen.repair import local, rename, steps
from codegen.types import RepairStep
from codegen.validation import treesitter
from codegen.validation.base import Validation, Validator
from codegen.validation.imports import lacks_imports
from codegen.validation.names import defined_names

NAME_PENALTY = 0.5
LINES_PENALTY = 0.3
MAX_LINE_DROP = 0.3
GUESS_PENALTY = 0.1
_MAX_TRIES = 60
# Reference checkers can be slow (javac ~1 s): at most this many full checks per step.
_MAX_FULL_CHECKS = 10


@dataclass(frozen=True)
class Outcome:
    code: str
    steps: tuple[RepairStep, ...]
    validation: Validation

    @property
    def valid(self) -> bool:
        return self.validation.valid


def unified_diff(before: str, after: str, name: str = "candidate") -> str:
    return "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True),
            after.splitlines(keepends=True),
            fromfile=f"a/{name}",
            tofile=f"b/{name}",
        )
    )


def make_step(
    name: str, before: str, after: str, language: str, count_lines: bool = True
) -> RepairStep:
    """A RepairStep with its diff, penalised when it drops names or too many lines."""
    notes: list[str] = []
    penalty = 0.0
    lost = sorted(defined_names(language, before) - defined_names(language, after))
    if lost:
        penalty += NAME_PENALTY
        notes.append(f"dropped {', '.join(lost)}")
    old_lines = max(len(before.strip().splitlines()), 1)
    dropped = len(_dropped_lines(before, after)) / old_lines
    if count_lines and dropped > MAX_LINE_DROP:
        penalty += LINES_PENALTY
        notes.append(f"dropped {dropped:.0%} of the lines")
    return RepairStep(name, unified_diff(before, after), penalty, "; ".join(notes))


def _dropped_lines(before: str, after: str) -> list[str]:
    """Lines of ``before`` gone from ``after`` (a line that only gained a closer is kept)."""
    diff = list(difflib.ndiff(before.strip().splitlines(), after.strip().splitlines()))
    added = [line[2:].strip() for line in diff if line.startswith("+ ")]
    return [
        line
        for line in (d[2:].strip() for d in diff if d.startswith("- "))
        if line and not any(a.startswith(line) for a in added)
    ]


def _guessed(step: RepairStep) -> RepairStep:
    """A local edit is a guess: valid syntax, maybe not the intended code."""
    note = "; ".join(n for n in (step.note, "a guessed edit at the error") if n)
    return RepairStep(step.name, step.diff, step.penalty + GUESS_PENALTY, note)


_Check = Callable[[str], Validation]
_CLEANUPS: tuple[tuple[str, Callable[[str, str], str]], ...] = (
    ("strip_fences", steps.strip_fences),
    ("strip_prose", steps.strip_prose),
    ("expand_tabs", steps.expand_tabs),
)


class DeterministicRepair:
    def __init__(self, validator: Validator) -> None:
        self.validator = validator

    def run(
        self,
        code: str,
        language: str,
        version: str | None = None,
        signature: str | None = None,
        truncated: bool | None = None,
    ) -> Outcome:
        """Repair ``code``; ``truncated`` says whether generation stopped at max_tokens
        (None: unknown, guessed from where the first error is)."""
        renamed = rename.to_signature(code, language, signature)
        if renamed is not None:
            result = self._repair(renamed, language, version, signature, truncated)
            if result.valid:
                note = f"renamed to the signature's name ({signature})"
                step = RepairStep(rename.STEP, unified_diff(code, renamed), 0.0, note)
                return Outcome(result.code, (step, *result.steps), result.validation)
        return self._repair(code, language, version, signature, truncated)

    def _repair(
        self,
        code: str,
        language: str,
        version: str | None,
        signature: str | None,
        truncated: bool | None,
    ) -> Outcome:
        def check(text: str) -> Validation:
            return self.validator.validate(text, language, version, signature)

        validation = check(code)
        if validation.valid:
            return _with_imports(code, language, validation, check)
        current, done = code, []
        for name, cleanup in _CLEANUPS:
            new = cleanup(current, language)
            if new != current and new.strip():
                done.append(make_step(name, current, new, language, count_lines=False))
                current, validation = new, check(new)
                if validation.valid:
                    fixed = _with_imports(current, language, validation, check)
                    return Outcome(fixed.code, (*done, *fixed.steps), fixed.validation)
        for name, search in _searches(validation):
            if name == "cut_truncated_tail" and not (
                truncated if truncated is not None else looks_truncated(current, validation)
            ):
                continue
            # A checker that timed out will likely time out again: try fewer options.
            limit = 2 if validation.undecided else _MAX_FULL_CHECKS
            found = _first_valid(search(current, language), check, current, language, limit)
            if found is not None:
                new, validation = found
                step = make_step(name, current, new, language)
                done.append(_guessed(step) if name == "fix_at_error" else step)
                fixed = _with_imports(new, language, validation, check)
                return Outcome(fixed.code, (*done, *fixed.steps), fixed.validation)
        return Outcome(current, tuple(done), validation)


def _with_imports(code: str, language: str, validation: Validation, check: _Check) -> Outcome:
    """Valid ``code``, with the imports its validation says it lacks added (a step)."""
    if not lacks_imports(validation.diagnostics):
        return Outcome(code, (), validation)
    imported = steps.add_imports(code, language)
    if imported == code:
        return Outcome(code, (), validation)
    step = make_step("add_imports", code, imported, language, count_lines=False)
    return Outcome(imported, (step,), check(imported))


def _cut_and_close(code: str, language: str) -> Iterable[str]:
    for cut in steps.line_cuts(code):
        yield from steps.close_variants(cut, language)
    for cut in steps.cuts(code, language):
        yield cut
        yield from steps.close_variants(cut, language)


_AT_END = re.compile(r"end of (?:input|file)|EOF|never closed|premature|unterminated|unclosed")


def looks_truncated(code: str, validation: Validation) -> bool:
    """The first error sits in the last lines, or says the input ended too early."""
    errors = [d for d in validation.diagnostics if d.severity == "error"]
    if not errors:
        return False
    last = len(code.rstrip().split("\n"))
    return errors[0].line >= last - 2 or any(_AT_END.search(d.message) for d in errors)


_Search = Callable[[str, str], Iterable[str]]


def _searches(validation: Validation) -> list[tuple[str, _Search]]:
    """The searching steps in order; ``fix_at_error`` edits around the first errors."""
    errors = [d for d in validation.diagnostics if d.severity == "error"][:2]

    def at_errors(code: str, language: str) -> Iterator[str]:
        for diagnostic in errors:
            yield from local.edits(code, language, diagnostic)

    return [
        ("close_open", steps.close_variants),
        ("drop_example_usage", steps.example_tails),
        ("fix_at_error", at_errors),
        ("cut_truncated_tail", _cut_and_close),
    ]


def _first_valid(
    options: Iterable[str], check: _Check, original: str, language: str, limit: int
) -> tuple[str, Validation] | None:
    """The first option that validates; tree-sitter screens them first (it is cheap)."""
    seen = {original}
    full_checks = 0
    # Grammars lag real code (macros, new syntax): an option passes the screen when
    # tree-sitter finds no error in it, or fewer than in the original.
    base = len(treesitter.diagnostics(language, original) or [])
    for tries, option in enumerate(options):
        if tries >= _MAX_TRIES or full_checks >= limit:
            break
        if option in seen or not option.strip():
            continue
        seen.add(option)
        errors = len(treesitter.diagnostics(language, option) or [])
        if errors and errors >= base:
            continue
        full_checks += 1
        validation = check(option)
        if validation.valid:
            return option, validation
    return None
