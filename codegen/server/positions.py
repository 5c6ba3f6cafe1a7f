"""Positions at the server boundary: codegen's 1-based code-point columns <-> LSP's 0-based
UTF-16 ones (docs/architecture.md, "The result")."""

from __future__ import annotations

from typing import Any

from codegen.types import Diagnostic

SEVERITY = {"error": 1, "warning": 2}


def _units(ch: str) -> int:
    return 2 if ord(ch) > 0xFFFF else 1


def utf16_column(line_text: str, codepoint_column: int) -> int:
    """The 0-based UTF-16 offset of 1-based code-point ``codepoint_column`` in ``line_text``."""
    index = max(0, min(codepoint_column - 1, len(line_text)))
    return sum(_units(ch) for ch in line_text[:index])


def codepoint_index(line_text: str, utf16_offset: int) -> int:
    """The 0-based code-point index of a 0-based UTF-16 offset (clamped; mid-pair rounds up)."""
    units = 0
    for index, ch in enumerate(line_text):
        if units >= utf16_offset:
            return index
        units += _units(ch)
    return len(line_text)


def lsp_position(lines: list[str], line: int, column: int) -> dict[str, int]:
    """An LSP position for a 1-based (line, code-point column) pair in ``lines``."""
    if not lines:
        return {"line": 0, "character": 0}
    row = max(0, min(line - 1, len(lines) - 1))
    if line - 1 >= len(lines):
        return {"line": row, "character": utf16_column(lines[row], len(lines[row]) + 1)}
    return {"line": row, "character": utf16_column(lines[row], column)}


def lsp_diagnostic(diag: Diagnostic, lines: list[str]) -> dict[str, Any]:
    """A codegen Diagnostic as an LSP Diagnostic (0-based UTF-16 range)."""
    start = lsp_position(lines, diag.line, diag.column)
    end = lsp_position(lines, diag.end_line, diag.end_column)
    if (end["line"], end["character"]) < (start["line"], start["character"]):
        end = dict(start)
    return {
        "range": {"start": start, "end": end},
        "severity": SEVERITY.get(diag.severity, 1),
        "source": f"codegen/{diag.source}",
        "message": diag.message,
        # "syntax": the code does not parse; "compile": it parses but does not compile
        "data": {"stage": diag.stage},
    }


def lsp_diagnostics(diags: tuple[Diagnostic, ...], code: str) -> list[dict[str, Any]]:
    lines = code.split("\n")
    return [lsp_diagnostic(d, lines) for d in diags]
