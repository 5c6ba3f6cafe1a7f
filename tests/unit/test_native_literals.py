"""Declarations, declared types and literal writers of the native harnesses (no compiler run)."""

from __future__ import annotations

import codecs
import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from codegen.execution import decls, literals, native
from codegen.execution.decltypes import parse
from codegen.execution.literals import Unwritable, call, explicit_params, writable
from codegen.execution.testcases import examples_for

TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)


@given(TEXT)
def test_java_and_go_strings_read_back_as_written(value: str) -> None:
    for language in ("java", "go"):
        literal = literals.java_value(value, parse("java", "String"))
        assert json.loads(literal) == value  # the same escapes as JSON
        assert "\n" not in literal and "\r" not in literal
        assert json.loads(literals.go_value(value, parse("go", "string"))) == value, language


@given(TEXT.filter(lambda s: "\0" not in s))
def test_c_strings_read_back_as_written(value: str) -> None:
    literal = literals.cpp_value(value, parse("cpp", "std::string"))
    inner = literal[1:-1].encode("utf-8")
    assert codecs.escape_decode(inner)[0].decode("utf-8") == value  # octal escapes, \n, \"
    assert not re.search(r"\\x|\\u", literal)  # C forbids \u for control characters


@given(TEXT)
def test_rust_strings_read_back_as_written(value: str) -> None:
    literal = literals.rust_value(value, parse("rust", "String"))
    assert literal.startswith("String::from(")
    inner = literal[len('String::from("') : -2]
    inner = re.sub(r"\\u\{([0-9a-f]+)\}", lambda m: chr(int(m.group(1), 16)), inner)
    decoded = re.sub(
        r'\\(["\\nrt])', lambda m: {"n": "\n", "t": "\t", "r": "\r"}.get(m[1], m[1]), inner
    )
    assert decoded == value


@given(st.integers(min_value=-(2**40), max_value=2**40))
def test_integers_respect_the_declared_range(value: int) -> None:
    fits = -(2**31) <= value < 2**31
    for language, text in (("java", "int"), ("rust", "i32"), ("go", "int32"), ("c", "int")):
        ty = parse(language, text)
        if fits:
            assert literals.cpp_value(value, ty) == str(value)
        else:
            with pytest.raises(Unwritable):
                literals.cpp_value(value, ty)
    assert literals.java_value(value, parse("java", "long")) == f"{value}L"
    if value < 0:
        with pytest.raises(Unwritable):
            literals.rust_value(value, parse("rust", "usize"))


@pytest.mark.parametrize(
    ("language", "text", "value", "expected"),
    [
        ("java", "int[][]", [[1], []], "new int[][]{new int[]{1}, new int[]{}}"),
        (
            "java",
            "List<List<Integer>>",
            [[1, 2]],
            "new java.util.ArrayList<List<Integer>>(java.util.Arrays.<List<Integer>>asList("
            "new java.util.ArrayList<Integer>(java.util.Arrays.<Integer>asList(1, 2))))",
        ),
        ("java", "double[]", [1, 2.5], "new double[]{1.0, 2.5}"),
        ("java", "char", "'", "'\\''"),
        ("java", "Integer", None, "null"),
        ("rust", "Vec<Vec<i64>>", [[1], []], "vec![vec![1], vec![]]"),
        ("rust", "Option<String>", "a", 'Some(String::from("a"))'),
        ("rust", "(i32, bool)", (1, True), "(1, true)"),
        ("go", "[][]string", [["a"]], '[][]string{[]string{"a"}}'),
        ("cpp", "const std::vector<std::pair<int, int>>&", [(1, 2)], "{{1, 2}}"),
    ],
)
def test_literals(language: str, text: str, value: object, expected: str) -> None:
    ty = parse(language, text)
    writer = {
        "java": literals.java_value,
        "rust": literals.rust_value,
        "go": literals.go_value,
        "cpp": literals.cpp_value,
    }[language]
    assert writer(value, ty) == expected


@pytest.mark.parametrize(
    ("language", "value", "ok"),
    [
        ("c", [[1, 2]], False),  # C takes flat arrays only
        ("c", ["a", "b"], True),
        ("java", [1, "a"], False),  # mixed types
        ("java", [1, 2.5], True),
        ("java", None, True),
        ("rust", None, True),
        ("go", None, False),
        ("cpp", {"a": 1}, False),
        ("rust", 2**70, False),
        ("go", float("inf"), False),
    ],
)
def test_what_a_language_can_write_at_all(language: str, value: object, ok: bool) -> None:
    assert writable(language, value) is ok


C_CODE = """
int *twice(const int *nums, int numsSize, int *returnSize) { return 0; }
long long total(int arr[], int n, int k) { return 0; }
int count(const char *s, size_t len) { return 0; }
"""


def test_c_calls_fill_in_lengths_and_the_returned_size() -> None:
    found = decls.functions("c", C_CODE)
    twice = call("c", decls.find(found, "twice"), [[1, 2, 3]], "twice")  # type: ignore[arg-type]
    assert twice.setup[0] == "int codegen_a0[] = {1, 2, 3};"
    assert twice.expr == "twice(codegen_a0, 3, &codegen_size)" and twice.size_var
    total = call("c", decls.find(found, "total"), [[], 4], "total")  # type: ignore[arg-type]
    assert total.setup == ("int codegen_a0[] = {0};",) and total.expr == "total(codegen_a0, 0, 4)"
    count = call("c", decls.find(found, "count"), ["héllo"], "count")  # type: ignore[arg-type]
    assert count.expr == "count(codegen_a0, 6)"  # the length in bytes
    with pytest.raises(Unwritable):
        call("c", decls.find(found, "total"), [[1], 2, 3, 4], "total")  # type: ignore[arg-type]
    assert [p.name for p in explicit_params("c", found[0])] == ["nums"]


def test_c_output_buffers_and_in_place_arrays_are_what_a_call_shows() -> None:
    code = (
        "void merge(const int *a, size_t a_len, const int *b, size_t b_len, int *out) {}\n"
        "size_t dedup(int *nums, size_t n, int *result) { return 0; }\n"
        "void rotate(int *nums, size_t len, size_t k) {}\n"
        "long dot(int *a, int *b, size_t n) { return 0; }\n"
    )
    merge, dedup, rotate, dot = decls.functions("c", code)
    written = call("c", merge, [[1, 3], [2]], "merge")
    assert written.shown == "codegen_out" and written.size_var == "codegen_n"
    assert "merge(codegen_a0, 2, codegen_a2, 1, codegen_out);" in written.expr
    assert "long long codegen_n = 3;" in written.setup  # void: as many as the inputs hold
    assert [p.name for p in explicit_params("c", merge)] == ["a", "b"]
    counted = call("c", dedup, [[1, 1]], "dedup")  # named like an output: the count returned
    assert counted.shown == "codegen_out" and "(long long)(dedup(" in counted.expr
    in_place = call("c", rotate, [[1, 2, 3], 1], "rotate")
    assert in_place.shown == "codegen_a0" and in_place.expr == "rotate(codegen_a0, 3, 1);"
    plain = call("c", dot, [[1], [2]], "dot")  # no const inputs, no output name: both given
    assert plain.shown is None and plain.expr == "dot(codegen_a0, codegen_a1, 1)"


def test_declarations_are_found_by_a_case_style_variant() -> None:
    java = "class Solution { int helper(int x) { return x; } int sortArray(int[] a) { return 0; } }"
    found = decls.functions("java", java)
    decl = decls.find(found, "sort_array")
    assert decl is not None and decl.owner == "Solution" and decl.instance
    rust = "struct S; impl S { pub fn two_sum(nums: Vec<i32>) -> Vec<i32> { nums } }"
    (two_sum,) = decls.functions("rust", rust)
    assert two_sum.owner == "S" and parse("rust", two_sum.params[0].type).kind == "list"


def test_results_compare_by_the_declared_kind() -> None:
    assert native.same(True, 1) and native.same([1, 2], [1.0, 2.0]) and native.same((1, 2), [1, 2])
    assert not native.same("1", 1) and not native.same(None, []) and not native.same([1], [1, 2])
    assert native.canonical("2.0") == "2" and native.canonical("!timeout") == "!timeout"
    rune = parse("go", "rune")
    assert native.matches("a", "97", (rune,)) and native.canonical("97", (rune,)) == '"a"'
    assert not native.runnable("c", "f([[1]])", "1") and native.runnable("c", "f([1])", "[2]")


def test_examples_reach_a_case_style_variant_but_not_in_python() -> None:
    task = "sortArray([2, 1]) -> [1, 2]"
    java = "class S { static int[] sort_array(int[] a) { return a; } }"
    assert [ex.call for ex in examples_for("java", task, [java])] == ["sortArray([2, 1])"]
    assert examples_for("python", task, ["def sort_array(a):\n    return a\n"]) == []
