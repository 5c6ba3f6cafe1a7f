"""The compiler's own suggested edits (``Diagnostic.fixes``: rustc's machine-applicable ones,
such as ``mut`` for a parameter the function assigns to), applied as one repair step.

Edits of every compile error are applied together, from the end of the code backwards, so
earlier positions stay right; an edit overlapping one already taken, or starting where it
starts, is left out (rustc can offer two ways to one fix).
"""

from __future__ import annotations

from collections.abc import Sequence

from codegen.types import Diagnostic, Fix

STEP_NAME = "compiler_fixes"


def has_fixes(diagnostics: Sequence[Diagnostic]) -> bool:
    return any(_compile_error(d) and d.fixes for d in diagnostics)


def apply_fixes(code: str, diagnostics: Sequence[Diagnostic]) -> str:
    """``code`` with the suggested edits of its compile errors applied."""
    lines = code.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)

    def offset(line: int, column: int) -> int | None:
        if not 1 <= line <= len(lines) or not 1 <= column <= len(lines[line - 1]) + 1:
            return None
        return starts[line - 1] + column - 1

    edits: list[tuple[int, int, str]] = []
    for fix in _fixes(diagnostics):
        start, end = offset(fix.line, fix.column), offset(fix.end_line, fix.end_column)
        if start is None or end is None or end < start:
            continue
        if any((start < e and s < end) or start == s for s, e, _ in edits):
            continue  # overlaps an edit already taken
        edits.append((start, end, fix.text))
    for start, end, text in sorted(edits, reverse=True):
        code = code[:start] + text + code[end:]
    return code


def _fixes(diagnostics: Sequence[Diagnostic]) -> list[Fix]:
    return [fix for d in diagnostics if _compile_error(d) for fix in d.fixes]


def _compile_error(d: Diagnostic) -> bool:
    return d.severity == "error" and d.stage == "compile"
