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
from collections.abc import Sequence
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Missing:
    name: str
    line: int  # 1-based, of the first use
    column: int  # 1-based
    statement: str  # the import that defines it


def missing_imports(code: str) -> list[Missing]:
    """Known names ``code`` uses but never binds, first use first; [] if it does not parse."""
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return []
    bound = _bound(tree)
    if bound is None:
        return []
    found: dict[str, Missing] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            name = node.id
            if name in KNOWN and name not in bound and not hasattr(builtins, name):
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


def _bound(tree: ast.AST) -> set[str] | None:
    """Every name the file binds anywhere; None when a star import makes that unknowable."""
    bound: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names):
            return None
        if isinstance(node, ast.Import | ast.ImportFrom):
            bound.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            bound.add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.Global | ast.Nonlocal):
            bound.update(node.names)
        elif isinstance(node, ast.ExceptHandler | ast.MatchAs | ast.MatchStar) and node.name:
            bound.add(node.name)
    return bound


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
