"""A first validator: tree-sitter's ERROR/MISSING nodes, plus CPython's compile for python.

The validation issue replaces this with the full tiered validator; the seam stays the same.
"""

from __future__ import annotations

import warnings
from typing import Any

from codegen import parsing
from codegen.types import Diagnostic
from codegen.validation.base import Validation


def _ts_diagnostics(language: str, code: str) -> list[Diagnostic]:
    tree = parsing.parse(language, code)
    if tree is None or not tree.root_node.has_error:
        return []
    found: list[Diagnostic] = []
    stack: list[Any] = [tree.root_node]
    while stack and len(found) < 20:
        node = stack.pop()
        if node.is_missing or node.type == "ERROR":
            (sl, sc), (el, ec) = node.start_point, node.end_point
            what = f"missing '{node.type}'" if node.is_missing else "syntax error"
            found.append(Diagnostic(sl + 1, sc + 1, el + 1, ec + 1, what, "tree-sitter"))
            continue
        if node.has_error:
            stack.extend(reversed(node.children))
    return found


def _python_diagnostics(code: str) -> list[Diagnostic]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(code, "<candidate>", "exec", dont_inherit=True)
    except SyntaxError as exc:
        line = exc.lineno or 1
        col = exc.offset or 1
        return [
            Diagnostic(line, col, exc.end_lineno or line, exc.end_offset or col, exc.msg, "cpython")
        ]
    except ValueError as exc:  # e.g. null bytes
        return [Diagnostic(1, 1, 1, 1, str(exc), "cpython")]
    return []


class BasicValidator:
    def validate(
        self,
        code: str,
        language: str,
        version: str | None = None,
        signature: str | None = None,
    ) -> Validation:
        if not code.strip():
            return Validation((Diagnostic(1, 1, 1, 1, "no code", "codegen"),), ("codegen",))
        tiers = ["tree-sitter"] if parsing.ts_language(language) is not None else []
        diags = _ts_diagnostics(language, code)
        if language == "python":
            tiers.append("cpython")
            # CPython is the reference for python: it decides, tree-sitter only fills in.
            diags = _python_diagnostics(code)
        return Validation(tuple(diags), tuple(tiers))
