"""What a description allows as input, read from its own words, to keep probe calls inside it.

Probes vary the examples' arguments (zero, a negative number, an empty list) or take ordinary
values of each parameter's kind, and some fall outside what the description allows: ``k = -2``
where it says "1 <= k <= the length of the list", negative items in "a list of non-negative
integers". On such a call a candidate that checks its input raises while a careless one returns
something, so robustness and agreement reward the careless one. The bounds read here:

- ``lo <= name <= hi``, "name is between lo and hi" and one-sided ``name >= lo``, ``name < hi``
  (also ``≤``, ``≥``), where ``name`` is a parameter or ``len(param)`` and the bounds are
  numbers (``2,000,000``, ``10^9``, ``1e5``) or, on the right, "the length of the list" /
  ``len(param)``;
- "counting k from 1", "k is numbered from 0" (also counted, indexed): a lower bound;
- "non-negative" / "positive" before "integer(s)" or "number(s)": a lower bound (0 or 1) for
  every integer parameter and the items of every integer-list parameter.

A call that breaks a bound is dropped; a call whose arguments cannot be read is kept. Dropping
probes only removes evidence, so a phrase misread (a filter, "the sum of the positive numbers")
costs probes, never invents a verdict; and when no call would be left, all are kept.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from codegen.execution.native import literal_call
from codegen.execution.typed_probes import kind_of

_NUMBER = r"-?\d[\d,_]*(?:\.\d+)?(?:\s*\^\s*\d+|e\d+)?"
_TARGET = r"len\(\s*\w+\s*\)|[A-Za-z_]\w*"
_LESS = r"<=|≤|<"
_CHAIN = re.compile(
    rf"(?P<lo>{_NUMBER})\s*(?P<op1>{_LESS})\s*(?P<name>{_TARGET})\s*(?P<op2>{_LESS})\s*"
    rf"(?P<hi>{_NUMBER}|len\(\s*\w+\s*\)|the (?:length|size) of the (?:list|array|string))"
)
_BETWEEN = re.compile(
    rf"\b(?P<name>{_TARGET})\s+is\s+between\s+(?P<lo>{_NUMBER})\s+and\s+(?P<hi>{_NUMBER})(?!\d)"
)
_ONE_SIDED = re.compile(rf"\b(?P<name>{_TARGET})\s*(?P<op>>=|≥|>|<=|≤|<)\s*(?P<bound>{_NUMBER})")
_ORDINAL = r"count(?:ing|ed)|number(?:ing|ed)|index(?:ing|ed)"
_FROM = re.compile(
    rf"\b(?:(?:{_ORDINAL})\s+(?P<a>[A-Za-z_]\w*)|(?P<b>[A-Za-z_]\w*)\s+(?:is\s+)?(?:{_ORDINAL}))"
    r"\s+from\s+(?P<lo>-?\d+)\b"
)
_SIGN = re.compile(r"\b(non-negative|nonnegative|positive)\s+(?:integers?|numbers?|ints?)\b", re.I)


@dataclass(frozen=True)
class Bound:
    target: str  # a parameter name, "len(name)", or "*" (every integer and integer item)
    low: float | None = None
    high: float | None = None
    high_len_of: str | None = None  # the upper bound is the length of this list parameter


def _number(text: str) -> float | None:
    text = text.replace(",", "").replace("_", "").replace(" ", "")
    try:
        if "^" in text:
            base, _, power = text.partition("^")
            return float(int(base) ** int(power))
        return float(text)
    except (ValueError, OverflowError):
        return None


def _len_of(text: str) -> str | None:
    """``len(xs)`` -> ``xs``; None for anything else."""
    inner = re.fullmatch(r"len\(\s*(\w+)\s*\)", text)
    return inner.group(1) if inner else None


def _len_target(text: str) -> str:
    name = _len_of(text)
    return f"len({name})" if name else text


def bounds(description: str, lists: Sequence[str]) -> list[Bound]:
    """The bounds ``description`` states; ``lists``: the list parameters (for "the length of
    the list", which names the one list parameter there is)."""
    found: list[Bound] = []
    for m in _CHAIN.finditer(description):
        low, high = _number(m["lo"]), _number(m["hi"])
        if low is not None and m["op1"] == "<":
            low += 1
        if high is not None and m["op2"] == "<":
            high -= 1
        len_of = None
        if high is None:
            len_of = _len_of(m["hi"]) or (lists[0] if len(lists) == 1 else None)
        found.append(Bound(_len_target(m["name"]), low, high, len_of))
    for m in _BETWEEN.finditer(description):
        found.append(Bound(_len_target(m["name"]), _number(m["lo"]), _number(m["hi"])))
    chained = {b.target for b in found}
    for m in _ONE_SIDED.finditer(description):
        target, value = _len_target(m["name"]), _number(m["bound"])
        if target in chained or value is None or target.isdigit():
            continue
        op = m["op"]
        if op in (">=", "≥", ">"):
            found.append(Bound(target, low=value + (1 if op == ">" else 0)))
        else:
            found.append(Bound(target, high=value - (1 if op == "<" else 0)))
    for m in _FROM.finditer(description):
        found.append(Bound(m["a"] or m["b"], low=float(m["lo"])))
    for m in _SIGN.finditer(description):
        found.append(Bound("*", low=1.0 if m.group(1).lower() == "positive" else 0.0))
    return found


def _ints(value: object) -> list[int]:
    if isinstance(value, bool):
        return []
    if isinstance(value, int):
        return [value]
    if isinstance(value, list | tuple):
        return [v for v in value if isinstance(v, int) and not isinstance(v, bool)]
    return []


def _within(value: float, bound: Bound, args: dict[str, object]) -> bool:
    high = bound.high
    if bound.high_len_of is not None:
        other = args.get(bound.high_len_of)
        high = float(len(other)) if isinstance(other, list | tuple | str) else None
    return (bound.low is None or value >= bound.low) and (high is None or value <= high)


def allows(bound: Bound, args: dict[str, object]) -> bool:
    """Whether the arguments (by parameter name) keep ``bound``."""
    if bound.target == "*":
        return all(_within(v, bound, args) for value in args.values() for v in _ints(value))
    if bound.target.startswith("len("):
        value = args.get(bound.target[4:-1])
        if not isinstance(value, list | tuple | str):
            return True
        return _within(float(len(value)), bound, args)
    value = args.get(bound.target)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return True
    return _within(float(value), bound, args)


def keep(
    calls: Sequence[str], description: str, params: Sequence[tuple[str, str | None]]
) -> list[str]:
    """The calls whose arguments keep every bound the description states (all of them when
    none would be left); ``params``: the entry function's (name, annotation), in order."""
    names = [name for name, _ in params]
    lists = [name for name, ann in params if kind_of(name, ann).startswith("list")]
    found = bounds(description, lists)
    if not found or not names:
        return list(calls)
    kept = []
    for call in calls:
        parsed = literal_call(call)
        if parsed is None or len(parsed[1]) != len(names):
            kept.append(call)
            continue
        args = dict(zip(names, parsed[1], strict=True))
        if all(allows(b, args) for b in found):
            kept.append(call)
    return kept or list(calls)
