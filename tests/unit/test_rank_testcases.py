"""Examples found in descriptions, entry names and test splitting."""

from __future__ import annotations

import pytest

from codegen.errors import InputError
from codegen.execution.testcases import (
    ENTRY,
    Example,
    check_tests,
    entry_name,
    examples_for,
    from_description,
    in_language,
    split_python_tests,
    without_examples,
)


def test_doctest_arrow_and_input_output_examples_are_found() -> None:
    text = """Sum a list.
    >>> total([1, 2])
    3
    >>> x = 1
    total([]) -> 0
    - total([5]) => 5.
    Input: nums = [1, 2, 3]
    Output: 6
    """
    assert from_description(text) == [
        Example("total([1, 2])", "3"),
        Example("total([])", "0"),
        Example("total([5])", "5"),
        Example(f"{ENTRY}([1, 2, 3])", "6"),
    ]


@pytest.mark.parametrize(
    "line",
    [
        "is_odd(3) ==> true",
        "is_odd(3) = True",
        "is_odd(3) --> True.",
        "is_odd(3)   # returns True",
        "is_odd(3) # => True",
        "for is_odd(3) == True",
        "- `is_odd(3)` => `true`",
    ],
)
def test_arrow_notations_and_javascript_words_are_read(line: str) -> None:
    assert from_description(f"Odd or not.\n{line}\n") == [Example("is_odd(3)", "True")]


@pytest.mark.parametrize(
    "line",
    [
        "f(n) = n * 2",  # defines: the argument is a name
        "f(3) = f(2) + f(1)",  # a recurrence, not a result
        "f(3) -> 'x' (a note after it)",
        "is_happy(aa) => False",  # unquoted text is a name here
    ],
)
def test_lines_that_define_rather_than_show_are_not_examples(line: str) -> None:
    assert from_description(f"Some function.\n{line}\n") == []


def test_a_call_shown_with_two_different_results_is_dropped() -> None:
    text = "Input: x = 1\nOutput: 2\nInput: y = 1\nOutput: 3\nsq(2) -> 4\n"
    assert from_description(text) == [Example("sq(2)", "4")]


def test_words_for_true_false_and_nothing_follow_the_language_outside_strings() -> None:
    assert in_language('[true, "true", null]', "python") == '[True, "true", None]'
    assert in_language("(True, 'None', None)", "javascript") == "(true, 'None', null)"
    assert in_language("True", "c") == "True"
    assert from_description("Input: s = 'ab'\nOutput: false\n") == [
        Example(f"{ENTRY}('ab')", "False")
    ]


def test_prose_without_examples_gives_none() -> None:
    assert from_description("Write a function that is fast -> really fast.") == []


def test_entry_name_prefers_the_signature_then_the_last_function() -> None:
    code = "def helper(x):\n    return x\n\ndef main_fn(y):\n    return helper(y)\n"
    assert entry_name("python", code, None) == "main_fn"
    assert entry_name("python", code, "def solve(a, b) -> int") == "solve"
    assert entry_name("javascript", "function go(a) { return a; }", None) == "go"


def test_tests_that_do_not_parse_are_named() -> None:
    with pytest.raises(InputError, match=r"--tests t.py: python tests do not parse: line 2"):
        check_tests("python", "assert f(1) == 1\nassert f(2) ==\n", where="--tests t.py")


def test_python_tests_split_into_setup_and_counted_tests() -> None:
    items = split_python_tests("import math\nassert f(1) == 1\ncheck(f)\n")
    assert [kind for kind, _ in items] == ["setup", "test", "test"]


def test_doctest_comparisons_without_output_are_examples() -> None:
    text = '''Count them.
    >>> count([]) == 0
    >>> count([1, 2]) == 2
    >>> count([1]) [1]
    """'''
    assert from_description(text) == [Example("count([])", "0"), Example("count([1, 2])", "2")]


def test_a_closing_docstring_quote_is_never_an_expected_output() -> None:
    text = 'Twice.\n    >>> double(2)\n    """\n    >>> double(3)\n    6\n'
    assert from_description(text) == [Example("double(3)", "6")]


def test_without_examples_keeps_the_prose_and_drops_every_example() -> None:
    text = """Sum a list.
    >>> total([1, 2])
    3
    >>> total([]) == 0

    Works on any iterable.
    total([5]) => 5.
    Input: nums = [1, 2, 3]
    Output: 6
    Empty input gives 0.
    """
    hidden = without_examples(text)
    assert from_description(hidden) == []
    assert hidden.splitlines() == [
        "Sum a list.",
        "",
        "    Works on any iterable.",
        "    Empty input gives 0.",
        "    ",
    ]


def test_examples_calling_a_function_no_candidate_has_are_dropped() -> None:
    description = (
        "Grade the scores.\n>>> grade_equation([4.0]) == ['A+']\n>>> grade([3.0])\n['B']\n"
        ">>> len(grade([2.0]))\n1\nInput: [1.0]\nOutput: ['D+']\n"
    )
    codes = ['def grade(scores):\n    """Not grade_equation."""\n    return []\n']
    kept = examples_for("python", description, codes)
    assert [ex.call for ex in kept] == ["grade([3.0])", "len(grade([2.0]))", "__entry__([1.0])"]
    assert len(examples_for("python", description, [*codes, "def grade_equation(x):\n"])) == 4
    js = ["function grade(xs) { return []; }"]
    assert len(examples_for("javascript", description, js)) == 3
