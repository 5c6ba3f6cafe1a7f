"""Probe calls near the examples: which calls are made, how they run, and what they decide."""

from __future__ import annotations

from codegen.execution.harness import run_candidate
from codegen.execution.probes import probe_calls, variants
from codegen.execution.sandbox import Sandbox
from codegen.execution.testcases import Example
from codegen.ranking.scorer import EvidenceRanker, Weights
from codegen.types import Candidate, GenerationRequest


def cand(k: int, code: str, logprob: float = -0.5) -> Candidate:
    return Candidate(f"python-{k}", "python", code, code, "stop", 10, 20, logprob, valid=True)


def test_variants_keep_the_type_and_drop_the_value_itself() -> None:
    # rotation equals the reverse; the last doubles every item (runs of equal items)
    assert variants([3, 9]) == [[], [3], [9, 3], [3, 9, 9], [3, 3, 9, 9]]
    assert variants((1, 2))[-1] == (1, 1, 2, 2)
    assert 0 in variants(5) and -5 in variants(5) and 5 not in variants(5)
    assert "" in variants("ab") and "ba" in variants("ab") and "AB" in variants("ab")
    assert variants(True) == [False]
    assert variants(None) == [] and variants(3 + 4j) == []


def test_probe_calls_vary_one_argument_skip_the_examples_and_stop_at_the_limit() -> None:
    examples = [Example("f([1, 2], 3)", "x"), Example("f([], 3)", "y")]
    calls = probe_calls(examples, limit=40)
    assert "f([], 3)" not in calls  # an example's own call is not a probe
    assert "f([1, 2], 0)" in calls and "f([2, 1], 3)" in calls
    assert len(calls) == len(set(calls))
    assert calls[:2] == ["f([1], 3)", "f([], 0)"]  # round robin: each example gives in turn
    assert len(probe_calls(examples, limit=3)) == 3


def test_calls_that_are_not_plain_literals_give_no_probes() -> None:
    examples = [Example("f(x)", "1"), Example("f(key=2)", "1"), Example("g()", "1")]
    assert probe_calls(examples) == []
    assert probe_calls([Example("__entry__('ab')", "2")])[0] == "__entry__('')"


def test_a_candidate_hanging_on_a_probe_keeps_its_example_results() -> None:
    code = (
        "def f(n):\n    while n == 0:\n        pass\n"
        "    if n < 0:\n        raise ValueError\n    return n\n"
    )
    probes = [Example(c, "", probe=True) for c in ("f(0)", "f(-1)", "f(2)")]
    outcome = run_candidate(Sandbox(), "python", code, [Example("f(3)", "3"), *probes], "", "f")
    assert (outcome.examples_passed, outcome.examples_total) == (1, 1)
    assert outcome.outputs == ("3",)
    assert outcome.probe_outputs == ("!timeout", "raised", "2")


def test_probes_rank_the_candidate_that_behaves_differently_off_the_examples_last() -> None:
    description = "Return the largest element of a list.\n>>> largest([3, 9, 2])\n9"
    right = [
        cand(1, "def largest(xs):\n    return max(xs)\n"),
        cand(
            2,
            "def largest(xs):\n    best = xs[0]\n    for x in xs:\n"
            "        best = max(best, x)\n    return best\n",
        ),
    ]
    wrong = cand(3, "def largest(xs):\n    return sorted(xs)[-1] if len(xs) > 1 else 0\n")
    request = GenerationRequest(description, exec=True)
    only_agreement = Weights(
        logprob=0, consensus=0, agreement=1, tests=0, repair=0, gen_tests=0, robust=0
    )
    without = EvidenceRanker(only_agreement, probes=0).rank([wrong, *right], request)
    assert {c.score_parts["agreement"] for c in without} == {1.0}  # the example cannot tell
    ranked = EvidenceRanker(only_agreement).rank([wrong, *right], request)
    assert ranked[-1].id == "python-3"
    assert ranked[-1].score_parts["agreement"] < ranked[0].score_parts["agreement"]


def test_javascript_probes_report_values_and_errors() -> None:
    code = "function half(n) {\n  if (n < 0) throw new Error('negative');\n  return n / 2;\n}\n"
    probes = [Example(c, "", probe=True) for c in ("half(0)", "half(-4)", "half('x')")]
    outcome = run_candidate(
        Sandbox(), "javascript", code, [Example("half(4)", "2"), *probes], "", None
    )
    assert outcome.examples_passed == 1
    assert outcome.probe_outputs == ("0", "raised", "null")
