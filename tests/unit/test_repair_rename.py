"""rename_to_signature: the candidate's one entry function gets the signature's name."""

from __future__ import annotations

import pytest

from codegen.repair.deterministic import DeterministicRepair
from codegen.repair.rename import STEP, chosen, to_signature
from codegen.validation.tiered import TieredValidator

JS = "function sortArray(a) {\n  return a.length < 2 ? a : sortArray(a.slice(1)); // sortArray\n}\n"


def test_javascript_candidates_named_in_camel_case_are_renamed_with_their_calls() -> None:
    """The issue's case: sortArray where the signature says sort_array was rejected."""
    outcome = DeterministicRepair(TieredValidator()).run(
        JS, "javascript", signature="function sort_array(arr)"
    )
    assert outcome.valid
    assert "function sort_array(a)" in outcome.code and "sort_array(a.slice(1))" in outcome.code
    assert "// sortArray" in outcome.code  # comments (and strings) are left alone
    (step,) = outcome.steps
    assert step.name == STEP and "-function sortArray(a) {" in step.diff


@pytest.mark.parametrize(
    ("language", "code", "signature", "old"),
    [
        (
            "python",
            "def helper(x):\n    return x\n\ndef sortArray(a):\n    return a\n",
            "def sort_array(a)",
            "sortArray",
        ),
        ("python", "def go(a):\n    return a\n", "def sort_array(a)", "go"),  # the only function
        (
            "python",
            "def a(x):\n    return x\n\ndef b(x):\n    return x\n",
            "def sort_array(a)",
            None,
        ),
        (
            "java",
            "class S { static int sortArr(int[] a) { return 0; }\n"
            "  public static void main(String[] x) {} }",
            "int sortArray(int[] a)",
            "sortArr",
        ),
        (
            "rust",
            "fn sort_it(v: Vec<i32>) -> Vec<i32> { v }\nfn main() {}",
            "fn sort_array(v: Vec<i32>) -> Vec<i32>",
            "sort_it",
        ),
        ("javascript", "const sortArray = (a) => a;", "sort_array(arr)", "sortArray"),
    ],
)
def test_the_one_plausible_entry_point(
    language: str, code: str, signature: str, old: str | None
) -> None:
    wanted = "sortArray" if language == "java" else "sort_array"
    assert chosen(language, code, wanted) == old
    renamed = to_signature(code, language, signature)
    assert (renamed is None) == (old is None)
    if renamed is not None:
        assert wanted in renamed and old not in renamed.replace(wanted, "")


def test_code_that_has_the_name_is_not_renamed() -> None:
    assert to_signature("def sort_array(a):\n    return a\n", "python", "def sort_array(a)") is None
