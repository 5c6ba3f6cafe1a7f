"""Probe calls from the parameters when the description has no example: kinds, calls, ranking."""

from __future__ import annotations

import pytest

from codegen.execution.typed_probes import calls_for, kind_of, parameters, typed_calls
from codegen.ranking.scorer import EvidenceRanker, Weights
from codegen.types import Candidate, GenerationRequest


@pytest.mark.parametrize(
    ("name", "annotation", "kind"),
    [
        ("x", "List[str]", "list[str]"),
        ("x", "list[list[int]]", "list[list]"),
        ("x", "tuple[float, ...]", "list[float]"),
        ("x", "Dict[str, int]", "dict"),
        ("x", "string[]", "list[str]"),
        ("x", "number", "int"),
        ("x", "bool", "bool"),
        ("x", "Optional[str]", "str"),  # Optional and Union take their first non-None member
        ("x", "Union[None, List[str]]", "list[str]"),
        ("x", "typing.List[float]", "list[float]"),
        ("x", "int | None", "int"),
        ("s", "Optional[int]", "int"),
        ("n", "str", "str"),  # the annotation wins over the name
        ("text", None, "str"),
        ("s", None, "str"),
        ("nums", None, "list[int]"),
        ("lst", None, "list[int]"),
        ("words", None, "list[str]"),
        ("grid", None, "list[list]"),
        ("n", None, "int"),
        ("mystery", "SomeClass", "int"),  # unknown: numbers are the commonest argument
    ],
)
def test_a_parameter_takes_its_kind_from_the_annotation_else_the_name(
    name: str, annotation: str | None, kind: str
) -> None:
    assert kind_of(name, annotation) == kind


def test_parameters_are_read_from_python_and_javascript_definitions() -> None:
    signature = "def f(self, a: int, b) -> str:"
    assert parameters("python", signature, "f") == [("a", "int"), ("b", None)]
    code = "def helper(z):\n    return z\n\ndef main(xs: list[int]):\n    return helper(xs)\n"
    assert parameters("python", code, "main") == [("xs", "list[int]")]
    assert parameters("python", "def broken(:", None) == []
    assert parameters("javascript", "function add(a, b = 2) { return a + b; }", "add") == [
        ("a", None),
        ("b", None),
    ]
    assert parameters("javascript", "const f = (s: string) => s.length;", "f") == [("s", "string")]


def test_typed_calls_vary_every_argument_stay_distinct_and_stop_at_the_limit() -> None:
    calls = typed_calls([("s", None), ("k", "int")], limit=6)
    assert len(calls) == 6 == len(set(calls))
    assert calls[0] == "__entry__('', 3)"  # the second parameter starts three values later
    assert typed_calls([("flag", "bool")], limit=10) == ["__entry__(True)", "__entry__(False)"]
    assert typed_calls([], limit=5) == []


def test_calls_come_from_the_signature_else_the_code_and_only_where_probes_run() -> None:
    assert calls_for("python", "def f(n: int) -> int:", [], 2) == ["__entry__(0)", "__entry__(1)"]
    from_code = calls_for("python", None, ["x = 1\n", "def g(text):\n    return text\n"], 1)
    assert from_code == ["__entry__('')"]
    assert calls_for("python", None, ["def g():\n    return 1\n"], 4) == []  # nothing to vary
    assert calls_for("go", "func f(n int) int", [], 4) == []


def cand(k: int, code: str) -> Candidate:
    return Candidate(f"python-{k}", "python", code, code, "stop", 10, 20, -0.5, valid=True)


def test_without_examples_the_candidate_that_behaves_differently_ranks_last() -> None:
    request = GenerationRequest(
        "Count the vowels in a string.", exec=True, signature="def vowels(s: str) -> int:"
    )
    right = [
        cand(1, "def vowels(s):\n    return sum(c in 'aeiouAEIOU' for c in s)\n"),
        cand(2, "def vowels(s):\n    return len([c for c in s.lower() if c in 'aeiou'])\n"),
    ]
    wrong = cand(3, "def vowels(s):\n    return sum(c in 'aeiou' for c in s)\n")  # lower only
    only_agreement = Weights(logprob=0, consensus=0, agreement=1, tests=0, repair=0, gen_tests=0)
    without = EvidenceRanker(only_agreement, probes=0).rank([wrong, *right], request)
    assert all("agreement" not in c.score_parts for c in without)  # nothing ran before
    ranked = EvidenceRanker(only_agreement).rank([wrong, *right], request)
    assert ranked[-1].id == "python-3"
    assert ranked[-1].score_parts["agreement"] < ranked[0].score_parts["agreement"]
    assert "tests" not in ranked[0].score_parts  # probes carry no expected value
