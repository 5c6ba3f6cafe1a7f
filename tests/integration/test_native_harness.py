"""Examples, request tests, probes, agreement and test-fix repair for Java, C, C++, Rust, Go and
TypeScript candidates, built and run by the real toolchains in the sandbox."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import pytest

from codegen.assistant import Assistant
from codegen.backends.base import ScriptedBackend
from codegen.config import Settings
from codegen.execution import runners
from codegen.execution.harness import run_candidate
from codegen.execution.sandbox import Sandbox, isolation_problem
from codegen.execution.testcases import Example
from codegen.ranking.scorer import EvidenceRanker
from codegen.repair.feedback import STEP
from codegen.requests import build_request
from codegen.types import GenerationRequest, Message, SamplingParams
from tests.unit.test_rank_languages import cand

pytestmark = pytest.mark.skipif(
    isolation_problem() is not None, reason=f"no sandbox here: {isolation_problem()}"
)

TASK = "Return the sum of the squares of a list of integers.\nsum_squares([1, 2, 3]) -> 14\n"
TASK += "sum_squares([]) -> 0\n"

# language: (right, wrong, the request's tests)
CASES: dict[str, tuple[str, str, str]] = {
    "java": (
        "public class Solution {\n  public static long sumSquares(int[] nums) {\n"
        "    long s = 0;\n    for (int x : nums) s += (long) x * x;\n    return s;\n  }\n}\n",
        "public class Solution {\n  public static long sumSquares(int[] nums) {\n"
        "    long s = 0;\n    for (int x : nums) s += x;\n    return s;\n  }\n}\n",
        "class Tests {\n  public static void main(String[] a) {\n"
        "    assert Solution.sumSquares(new int[]{3}) == 9;\n  }\n}\n",
    ),
    "c": (
        "long long sum_squares(const int *nums, int n) {\n  long long s = 0;\n"
        "  for (int i = 0; i < n; i++) s += (long long)nums[i] * nums[i];\n  return s;\n}\n",
        "long long sum_squares(const int *nums, int n) {\n  long long s = 0;\n"
        "  for (int i = 0; i < n; i++) s += nums[i];\n  return s;\n}\n",
        "assert(sum_squares((int[]){3}, 1) == 9);",
    ),
    "cpp": (
        "#include <vector>\nclass Solution {\n public:\n"
        "  long long sumSquares(std::vector<int>& v) {\n"
        "    long long s = 0;\n    for (int x : v) s += 1LL * x * x;\n    return s;\n  }\n};\n",
        "#include <vector>\nclass Solution {\n public:\n"
        "  long long sumSquares(std::vector<int>& v) {\n"
        "    long long s = 0;\n    for (int x : v) s += x;\n    return s;\n  }\n};\n",
        "int main() { std::vector<int> v{3}; return Solution().sumSquares(v) == 9 ? 0 : 1; }",
    ),
    "rust": (
        "pub fn sum_squares(nums: &[i64]) -> i64 {\n    nums.iter().map(|x| x * x).sum()\n}\n",
        "pub fn sum_squares(nums: &[i64]) -> i64 {\n    nums.iter().sum()\n}\n",
        "fn main() { assert_eq!(sum_squares(&[3]), 9); }",
    ),
    "go": (
        "package main\n\nfunc SumSquares(nums []int) int {\n\ts := 0\n\tfor _, x := range nums {\n"
        "\t\ts += x * x\n\t}\n\treturn s\n}\n",
        "package main\n\nfunc SumSquares(nums []int) int {\n\ts := 0\n\tfor _, x := range nums {\n"
        "\t\ts += x\n\t}\n\treturn s\n}\n",
        'if SumSquares([]int{3}) != 9 {\n\tpanic("sum")\n}',
    ),
    "typescript": (
        "function sumSquares(nums: number[]): number {\n"
        "  return nums.reduce((a: number, x: number) => a + x * x, 0);\n}\n",
        "function sumSquares(nums: number[]): number {\n"
        "  return nums.reduce((a: number, x: number) => a + x, 0);\n}\n",
        'if (sumSquares([3]) !== 9) throw new Error("sum");',
    ),
}


@pytest.mark.parametrize("language", sorted(CASES))
def test_examples_tests_and_probes_rank_the_right_candidate_first(language: str) -> None:
    if not runners.supported(language):
        pytest.skip(f"no {language} toolchain here (scripts/system-deps.sh installs it)")
    right, wrong, tests = CASES[language]
    request = GenerationRequest(TASK, languages=(language,), exec=True, tests={language: tests})
    # The wrong one is the likelier: only execution can put the right one first.
    ranked = EvidenceRanker().rank(
        [cand(language, 1, wrong, -0.01), cand(language, 2, right, -2.0)], request
    )
    best, other = ranked
    assert best.id == f"{language}-2", [c.score_parts for c in ranked]
    # Two examples and one test case: all pass for the right code; the wrong one fails 14.
    assert best.score_parts["tests"] == 1.0 and best.score_parts["tests_total"] == 3.0
    assert other.score_parts["tests_passed"] == 1.0  # sum([]) == 0 holds for it too
    assert "agreement" in best.score_parts  # outputs (examples and probes) were compared


def test_a_crash_in_one_example_keeps_the_others_and_outputs_line_up() -> None:
    code = (
        "#include <stdlib.h>\nint first(const int *nums, int n) {\n"
        "  if (n == 0) abort();\n  return nums[0];\n}\n"
    )
    examples = [
        Example("first([7, 1])", "7"),
        Example("first([])", "0"),
        Example("first([2])", "2"),
        Example("first([[1]])", "1"),  # nested lists: not written for C, skipped
        Example("first([5, 6])", "", probe=True),
    ]
    outcome = run_candidate(Sandbox(), "c", code, examples, "", None)
    assert outcome.example_results == (True, False, True)
    assert outcome.outputs == ("7", "!crash", "2")
    assert outcome.probe_outputs == ("5",)


C_ARRAYS_OUT = """
#include <stddef.h>
void evens_first(const int *nums, size_t len, int *out) {
  size_t k = 0;
  for (size_t i = 0; i < len; i++) if (nums[i] % 2 == 0) out[k++] = nums[i];
  for (size_t i = 0; i < len; i++) if (nums[i] % 2 != 0) out[k++] = nums[i];
}
size_t uniq(const int *nums, size_t len, int *out) {
  size_t k = 0;
  for (size_t i = 0; i < len; i++) if (k == 0 || out[k - 1] != nums[i]) out[k++] = nums[i];
  return k;
}
void reverse(int *nums, size_t len) {
  for (size_t i = 0; i < len / 2; i++) {
    int t = nums[i]; nums[i] = nums[len - 1 - i]; nums[len - 1 - i] = t;
  }
}
"""


def test_c_output_buffers_and_arrays_changed_in_place_are_shown_after_the_call() -> None:
    examples = [
        Example("evens_first([3, 8, 5, 2])", "[8, 2, 3, 5]"),
        Example("uniq([1, 1, 2, 2, 2, 1])", "[1, 2, 1]"),
        Example("reverse([1, 2, 3])", "[3, 2, 1]"),
        Example("uniq([])", "[]"),
        Example("evens_first([7])", "", probe=True),
    ]
    outcome = run_candidate(Sandbox(), "c", C_ARRAYS_OUT, examples, "", None)
    assert outcome.outputs == ("[8,2,3,5]", "[1,2,1]", "[3,2,1]", "[]")
    assert outcome.example_results == (True, True, True, True)
    assert outcome.probe_outputs == ("[7]",)


def test_a_declaration_that_cannot_take_the_example_fails_it() -> None:
    code = "public class S {\n  public static int size(String s) { return s.length(); }\n}\n"
    examples = [Example("size('abc')", "3"), Example("size([1, 2])", "2")]
    outcome = run_candidate(Sandbox(), "java", code, examples, "", None)
    assert outcome.example_results == (True, False)
    assert outcome.outputs == ("3", "!signature")


def _model(first: str, fix: str, language: str) -> ScriptedBackend:
    def answer(messages: Sequence[Message], params: SamplingParams, n: int) -> list[str]:
        text = messages[-1].content
        code = fix if "An earlier answer to this was wrong" in text else first
        return [f"```{language}\n{code}```"] * n

    return ScriptedBackend(answer)


def test_the_failed_checks_repair_round_fixes_a_c_candidate() -> None:
    right, wrong, _ = CASES["c"]
    settings = Settings(model="scripted", repair_rounds=0, cache_enabled=False, few_shot=0)
    spec: dict[str, Any] = {"description": TASK, "n": 1, "exec": True, "languages": ["c"]}
    spec["signature"] = {"c": "long long sum_squares(const int *nums, int n)"}
    request = build_request(spec, settings)
    assistant = Assistant(settings, backend=_model(wrong, right, "c"), interface="library")
    result = assistant.generate(request)
    (top,) = result.candidates
    assert top.code.strip() == right.strip()
    assert top.repairs[-1].name == STEP and "passes 2 of 2 checks (was 1)" in top.repairs[-1].note


def test_the_small_model_end_to_end_in_c(small_backend: Any, small_settings: Settings) -> None:
    """The real model writes C; every valid candidate is run on the description's examples."""
    settings = replace(small_settings, repair_test_fixes=0)  # the fix round: tested above
    fields = {"description": TASK, "languages": ["c"], "n": 2, "exec": True, "max_tokens": 200}
    fields["signature"] = {"c": "long long sum_squares(const int *nums, int n)"}
    assistant = Assistant(settings, backend=small_backend, interface="library")
    result = assistant.generate(build_request(fields, settings))
    valid = [c for c in result.candidates if c.valid]
    assert valid, [c.diagnostics for c in result.candidates]
    for candidate in valid:
        assert candidate.score_parts["tests_total"] == 2.0  # both examples ran
        assert "agreement" in candidate.score_parts
