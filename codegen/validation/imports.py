"""Python code that uses a well-known standard-library name it never imports.

Small models often write ``re.match(...)`` or ``Counter(s)`` and forget the import; the code
parses, and fails with NameError when it runs. Only the names in ``KNOWN`` are reported, and
only when the file binds them nowhere (no import, assignment, parameter, def or class of that
name, in any scope) and has no star import, so a report is a certain NameError once the line
runs. ``add_imports`` puts the missing import lines at the top.
"""

from __future__ import annotations

import ast
import builtins
import re
from collections.abc import Sequence
from dataclasses import dataclass

from codegen.parsing import python_module
from codegen.types import Diagnostic

SOURCE = "imports"  # the ``Diagnostic.source`` of missing-import warnings

_MODULES = (
    "bisect collections copy datetime decimal fractions functools hashlib heapq itertools json "
    "math operator random re statistics string sys time typing"
)
_FROM = {
    "collections": "Counter defaultdict deque OrderedDict namedtuple",
    "typing": "Any Callable Dict Iterable Iterator List Optional Sequence Set Tuple Union",
    "functools": "reduce lru_cache cache cmp_to_key partial",
    "itertools": (
        "accumulate chain combinations combinations_with_replacement count cycle groupby islice "
        "permutations product zip_longest"
    ),
    "math": "ceil comb factorial floor gcd inf isqrt lcm pi prod sqrt",
    "heapq": "heapify heappop heappush nlargest nsmallest",
    "bisect": "bisect_left bisect_right insort",
    "string": "ascii_letters ascii_lowercase ascii_uppercase digits punctuation",
    "fractions": "Fraction",
    "decimal": "Decimal",
}
KNOWN: dict[str, str] = {name: f"import {name}" for name in _MODULES.split()} | {
    name: f"from {module} import {name}"
    for module, names in _FROM.items()
    for name in names.split()
}


# Any known name as a word: code without one (the common case) needs no parse at all. Only
# for ASCII code: Python folds some other letters into ASCII names (NFKC).
_ANY_KNOWN = re.compile(r"\b(?:" + "|".join(sorted(KNOWN, key=len, reverse=True)) + r")\b")


@dataclass(frozen=True)
class Missing:
    name: str
    line: int  # 1-based, of the first use
    column: int  # 1-based
    statement: str  # the import that defines it


def missing_imports(code: str) -> list[Missing]:
    """Known names ``code`` uses but never binds, first use first; [] if it does not parse."""
    if code.isascii() and _ANY_KNOWN.search(code) is None:
        return []
    try:
        tree = python_module(code)
    except (SyntaxError, ValueError):
        return []
    bound, uses = _scan(tree)
    if bound is None:
        return []
    found: dict[str, Missing] = {}
    for node in uses:
        name = node.id
        if name not in bound and not hasattr(builtins, name):
            first = found.get(name)
            here = Missing(name, node.lineno, node.col_offset + 1, KNOWN[name])
            if first is None or (here.line, here.column) < (first.line, first.column):
                found[name] = here
    return sorted(found.values(), key=lambda m: (m.line, m.column))


def diagnostics(code: str) -> list[Diagnostic]:
    """One warning per missing name, at its first use; the code stays valid."""
    return [
        Diagnostic(
            m.line,
            m.column,
            m.line,
            m.column + len(m.name),
            f"'{m.name}' is used but never imported (add `{m.statement}`)",
            SOURCE,
            "warning",
        )
        for m in missing_imports(code)
    ]


def lacks_imports(found: Sequence[Diagnostic]) -> bool:
    """Whether a validation found well-known names used and never imported."""
    return any(d.source == SOURCE for d in found)


def _scan(tree: ast.AST) -> tuple[set[str] | None, list[ast.Name]]:
    """Every name the file binds anywhere (None when a star import makes that unknowable),
    and the loads of known names; one walk of the tree."""
    bound: set[str] = set()
    uses: list[ast.Name] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            if not isinstance(node.ctx, ast.Load):
                bound.add(node.id)
            elif node.id in KNOWN:
                uses.append(node)
        elif isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names):
            return None, []
        elif isinstance(node, ast.Import | ast.ImportFrom):
            bound.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.Global | ast.Nonlocal):
            bound.update(node.names)
        elif isinstance(node, ast.ExceptHandler | ast.MatchAs | ast.MatchStar) and node.name:
            bound.add(node.name)
    return bound, uses


def add_imports(code: str) -> str:
    """``code`` with the imports it is missing at the top (after a ``from __future__`` line)."""
    missing = missing_imports(code)
    if not missing:
        return code
    statements = sorted({m.statement for m in missing})
    lines = code.split("\n")
    at = 0
    for i, line in enumerate(lines):
        if line.startswith("from __future__ import") or line.startswith("#!"):
            at = i + 1
    return "\n".join([*lines[:at], *statements, *lines[at:]])
