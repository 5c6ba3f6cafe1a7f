"""Probe calls kept inside the bounds a description states (``codegen/execution/domain.py``)."""

from __future__ import annotations

from codegen.execution import domain
from codegen.execution.domain import Bound

WINDOW = [("nums", "list[int]"), ("k", "int")]


def test_bounds_read_from_the_words() -> None:
    text = (
        "Return the largest sum of k consecutive elements, where 1 <= k <= the length of the list."
    )
    assert domain.bounds(text, ["nums"]) == [Bound("k", 1.0, None, "nums")]
    assert domain.bounds("for 0 <= n <= 2,000,000 it", []) == [Bound("n", 0.0, 2000000.0)]
    assert domain.bounds("n is between\n0 and 10^9, so", []) == [Bound("n", 0.0, 1e9)]
    assert domain.bounds("where 0 < n < 100", []) == [Bound("n", 1.0, 99.0)]
    assert domain.bounds("1 <= len(nums) <= 50", []) == [Bound("len(nums)", 1.0, 50.0)]
    assert domain.bounds("assume k >= 2 and x < 7", []) == [
        Bound("k", low=2.0),
        Bound("x", high=6.0),
    ]
    assert domain.bounds("a list of non-negative integers", []) == [Bound("*", low=0.0)]
    assert domain.bounds("a positive integer n", []) == [Bound("*", low=1.0)]
    assert domain.bounds("counting k from 1", []) == [Bound("k", low=1.0)]
    assert domain.bounds("where i is indexed from 0", []) == [Bound("i", low=0.0)]
    assert domain.bounds("subtract n from 100", []) == []
    assert domain.bounds("sum([1, -2]) -> -1 and f(x) > 3 for text", []) == []


def test_calls_outside_the_bounds_are_dropped() -> None:
    text = "where 1 <= k <= the length of the list"
    calls = ["f([1, 2, 3], 2)", "f([1, 2, 3], 0)", "f([1, 2, 3], 4)", "f([], 1)", "f(x, 1)"]
    assert domain.keep(calls, text, WINDOW) == ["f([1, 2, 3], 2)", "f(x, 1)"]
    signs = ["g([0, 3], 1)", "g([-1, 3], 1)", "g([2], -1)"]
    assert domain.keep(signs, "a list of non-negative integers", WINDOW) == ["g([0, 3], 1)"]
    empty = ["h([])", "h([1])"]
    assert domain.keep(empty, "1 <= len(xs) <= 9", [("xs", None)]) == ["h([1])"]


def test_nothing_is_dropped_without_bounds_or_when_nothing_would_be_left() -> None:
    calls = ["f([1], -1)", "f([2], -5)"]
    assert domain.keep(calls, "Sum the list.", WINDOW) == calls
    assert domain.keep(calls, "where k >= 1", WINDOW) == calls  # all outside: keep them all
    assert domain.keep(calls, "where k >= 1", []) == calls  # no parameter names to match
