"""Probe inputs: calls made by varying one argument of each example call, with no expected value.

Examples in a description are few and usually the easy cases, so candidates that differ in
behaviour often agree on all of them. Running every candidate on nearby inputs (an empty list,
zero, a negative number, a reversed string, ...) and comparing what they return separates them:
behaviour most candidates share is more likely right (minimum Bayes risk over outputs rather
than text). A probe may be outside the function's domain; then all candidates tend to raise the
same error and agree on that, which costs nothing.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator, Sequence

from codegen.execution.testcases import Example
from codegen.parsing import python_expression

MAX_PROBES = 12


def _ints(v: int) -> list[object]:
    return [0, 1, -v if v else -1, v + 1, v * 3 + 2]


def _floats(v: float) -> list[object]:
    return [0.0, -v if v else -1.5, v + 0.5]


def _strs(s: str) -> list[object]:
    return ["", s[::-1], s.upper(), s + s[:1], s[: len(s) // 2], f" {s} "]


def _seqs(xs: list[object] | tuple[object, ...]) -> list[object]:
    kind = type(xs)
    items = list(xs)
    out: list[list[object]] = [[], items[:1], items[::-1], items + items[-1:]]
    out.append(items[1:] + items[:1])
    out.append([x for x in items for _ in (0, 1)])  # every item twice: runs of equal items
    return [kind(x) for x in out]


def _dicts(d: dict[object, object]) -> list[object]:
    first = list(d.items())[:1]
    return [{}, dict(first)]


_VARIANTS: dict[type, Callable[..., list[object]]] = {
    int: _ints,
    float: _floats,
    str: _strs,
    list: _seqs,
    tuple: _seqs,
    dict: _dicts,
}


def variants(value: object) -> list[object]:
    """Values near ``value`` of the same type ([] for a type without variants)."""
    if isinstance(value, bool):
        return [not value]
    make = _VARIANTS.get(type(value))
    out: list[object] = []
    for v in make(value) if make else []:
        if v != value and v not in out:
            out.append(v)
    return out


def _literal_call(call: str) -> tuple[str, list[object]] | None:
    """``f(1, 'a')`` -> ("f", [1, "a"]) when every argument is a plain literal."""
    try:
        node = python_expression(call).body
    except SyntaxError:
        return None
    if not isinstance(node, ast.Call) or node.keywords or not node.args:
        return None
    func = ast.unparse(node.func)
    try:
        return func, [ast.literal_eval(arg) for arg in node.args]
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None


def _calls(func: str, args: list[object]) -> Iterator[str]:
    for i, arg in enumerate(args):
        for value in variants(arg):
            new = [*args[:i], value, *args[i + 1 :]]
            yield f"{func}({', '.join(repr(a) for a in new)})"


def probe_calls(examples: Sequence[Example], limit: int = MAX_PROBES) -> list[str]:
    """Calls near the examples' calls, deduplicated, examples' own calls excluded."""
    seen = {ex.call for ex in examples}
    generators = [_calls(*parsed) for ex in examples if (parsed := _literal_call(ex.call))]
    out: list[str] = []
    # Round robin over the examples, so every example contributes before any gives twice.
    while generators and len(out) < limit:
        for gen in list(generators):
            call = next((c for c in gen if c not in seen), None)
            if call is None:
                generators.remove(gen)
                continue
            seen.add(call)
            out.append(call)
            if len(out) >= limit:
                break
    return out
