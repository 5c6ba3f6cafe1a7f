"""The tree-sitter tier: ERROR and MISSING nodes become diagnostics with exact positions.

Messages read like a compiler's: ``missing ')'``, ``unexpected 'else'``, ``unexpected end of
input``. Columns are converted from tree-sitter's byte offsets to Unicode code points.

Known gaps (tree-sitter-python accepts them, CPython does not): ``print "x"``, bad dedents,
``f(x for x in y, 1)``. That is why the reference checkers decide when they run.
"""

from __future__ import annotations

from typing import Any

from codegen import parsing
from codegen.types import Diagnostic

TIER = "tree-sitter"
_MAX_DIAGNOSTICS = 20


def available(language: str) -> bool:
    return parsing.ts_language(language) is not None


class _Positions:
    """Byte (row, column) -> 1-based (line, code-point column)."""

    def __init__(self, data: bytes) -> None:
        self.lines = data.split(b"\n")

    def convert(self, point: tuple[int, int]) -> tuple[int, int]:
        row, col = point
        if row >= len(self.lines):
            return row + 1, col + 1
        return row + 1, len(self.lines[row][:col].decode("utf-8", "replace")) + 1


def diagnostics(language: str, code: str) -> list[Diagnostic] | None:
    """The syntax errors tree-sitter finds, or None when ``language`` has no grammar."""
    tree = parsing.parse(language, code)
    if tree is None:
        return None
    if not tree.root_node.has_error:
        return []
    data = code.encode("utf-8")
    pos = _Positions(data)
    found: list[Diagnostic] = []
    stack: list[Any] = [tree.root_node]
    while stack and len(found) < _MAX_DIAGNOSTICS:
        node = stack.pop()
        nested = node.type == "ERROR" and any(
            c.type == "ERROR" or c.is_missing or c.has_error for c in node.children
        )
        if (node.is_missing or node.type == "ERROR") and not nested:
            found.append(_error(node, data, pos))
            continue
        if node.has_error:
            stack.extend(reversed(node.children))
    found.sort(key=lambda d: (d.line, d.column))
    return found


_OPEN = {"(": ")", "[": "]", "{": "}"}


def _error(node: Any, data: bytes, pos: _Positions) -> Diagnostic:
    """A diagnostic for one ERROR or MISSING node, pointing at the token that went wrong."""
    (sl, sc), (el, ec) = pos.convert(node.start_point), pos.convert(node.end_point)
    if node.is_missing:
        kind = node.type
        text = f"missing '{kind}'" if not node.is_named else f"missing {kind.replace('_', ' ')}"
        return Diagnostic(sl, sc, el, ec, text, TIER)
    leaves = parsing.leaves(node)
    at_end = node.end_byte >= len(data.rstrip())
    if at_end:
        unclosed = _unclosed(leaves, data)
        if unclosed is not None:
            line, col = pos.convert(unclosed.start_point)
            token = data[unclosed.start_byte : unclosed.end_byte].decode()
            return Diagnostic(line, col, line, col + 1, f"'{token}' was never closed", TIER)
    direct = [c for c in node.children if c.child_count == 0 and c.end_byte > c.start_byte]
    target = direct[0] if direct else (leaves[0] if leaves else None)
    if target is None or (at_end and not direct):
        return Diagnostic(el, ec, el, ec, "unexpected end of input", TIER)
    line, col = pos.convert(target.start_point)
    end_line, end_col = pos.convert(target.end_point)
    return Diagnostic(line, col, end_line, end_col, f"unexpected {_show(target, data)}", TIER)


def _unclosed(leaves: list[Any], data: bytes) -> Any | None:
    stack: list[Any] = []
    for leaf in leaves:
        text = data[leaf.start_byte : leaf.end_byte].decode("utf-8", "replace")
        if text in _OPEN:
            stack.append(leaf)
        elif text in _OPEN.values() and stack:
            stack.pop()
    return stack[0] if stack else None


def _show(leaf: Any, data: bytes) -> str:
    text = data[leaf.start_byte : leaf.end_byte].decode("utf-8", "replace").strip()
    first = text.splitlines()[0] if text else ""
    if not first:
        return "end of line"
    return f"'{first}'" if len(first) <= 30 else f"'{first[:27]}...'"
