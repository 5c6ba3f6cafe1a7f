"""Repair with the failed checks in hand: what the model is told, what is kept, when it runs."""

from __future__ import annotations

from collections.abc import Sequence

from codegen.assistant import Assistant
from codegen.backends.base import ScriptedBackend
from codegen.config import Settings
from codegen.execution.harness import run_candidate
from codegen.execution.sandbox import Sandbox
from codegen.execution.testcases import Example
from codegen.repair.base import NoFix
from codegen.repair.feedback import STEP, Checks, describe_failures, fixer_from_settings
from codegen.requests import build_request
from codegen.types import Message, Result, SamplingParams
from codegen.validation.tiered import TieredValidator

S = Settings(model="scripted", repair_rounds=0, cache_enabled=False)
TASK = "Add two numbers.\n>>> add(2, 3)\n5\n>>> add(0, 0)\n0"
WRONG = "def add(a, b):\n    return a - b\n"
RIGHT = "def add(a, b):\n    return a + b\n"
FIX_HEADING = "An earlier answer to this was wrong"


def fenced(code: str) -> str:
    return f"```python\n{code}```"


def model(first: str, fix: str) -> tuple[ScriptedBackend, list[str]]:
    """A scripted model answering ``first`` to the task and ``fix`` to a fix prompt; the fix
    prompts it was sent are collected."""
    prompts: list[str] = []

    def answer(messages: Sequence[Message], params: SamplingParams, n: int) -> list[str]:
        text = messages[-1].content
        if FIX_HEADING in text:
            prompts.append(text)
            return [fenced(fix)] * n
        return [fenced(first)] * n

    return ScriptedBackend(answer), prompts


def run(backend: ScriptedBackend, settings: Settings = S, tests: str = "") -> Result:
    spec = {"description": TASK, "n": 2, "exec": True}
    if tests:
        spec["tests"] = {"python": tests}
    request = build_request(spec, settings)
    return Assistant(settings, backend=backend, interface="library").generate(request)


def test_a_failing_candidate_is_fixed_in_place_with_what_it_got_wrong() -> None:
    backend, prompts = model(WRONG, RIGHT)
    result = run(backend)
    top = result.candidates[0]
    assert top.code.strip() == RIGHT.strip()
    assert top.id in ("python-1", "python-2") and top.rank == 1
    assert top.repairs[-1].name == STEP and "passes 2 of 2 checks (was 1)" in top.repairs[-1].note
    assert "-    return a - b" in top.repairs[-1].diff
    assert top.score_parts["tests"] == 1.0
    # Both candidates have the same code: it goes back once, and the model sees the failure.
    assert len(prompts) == 1
    assert "`add(2, 3)` should give `5` but it gave `-1`" in prompts[0]
    assert "`add(0, 0)` should" not in prompts[0]  # a passing example is not listed
    assert "a - b" not in prompts[0]  # nor the wrong code, which a small model would copy
    assert "fix_ms" in result.timings


def test_an_attempt_that_passes_no_more_is_not_kept() -> None:
    backend, prompts = model(WRONG, "def add(a, b):\n    return a * b\n")
    top = run(backend).candidates[0]
    assert prompts and top.code.strip() == WRONG.strip()
    assert not top.repairs


def test_an_attempt_that_drops_the_function_is_not_kept() -> None:
    backend, prompts = model(WRONG, "def plus(a, b):\n    return a + b\n")
    top = run(backend).candidates[0]
    assert prompts and top.code.strip() == WRONG.strip()


def test_nothing_goes_back_when_the_top_candidate_passes() -> None:
    backend, prompts = model(RIGHT, WRONG)
    result = run(backend)
    assert prompts == [] and not result.candidates[0].repairs


def test_examples_of_a_function_no_candidate_defines_send_nothing_back() -> None:
    backend, prompts = model("def plus(a, b):\n    return a + b\n", RIGHT)
    top = run(backend).candidates[0]
    assert prompts == [] and not top.repairs
    assert "tests" not in top.score_parts  # add(2, 3) could only fail, and fail them all


def test_failed_request_tests_are_shown_and_count() -> None:
    backend, prompts = model(WRONG, RIGHT)
    top = run(backend, tests="assert add(1, 1) == 2\nassert add(5,  0) == 5\n").candidates[0]
    assert "this test fails: `assert add(1, 1) == 2`" in prompts[0]
    assert "assert add(5, 0) == 5" not in prompts[0]  # it passes for a - b
    assert "passes 4 of 4 checks (was 2)" in top.repairs[-1].note


def test_zero_turns_it_off() -> None:
    backend, prompts = model(WRONG, RIGHT)
    off = S.with_overrides({"repair.test_fixes": 0}, "test")
    assert isinstance(fixer_from_settings(off, TieredValidator(), lambda _: backend), NoFix)
    assert run(backend, off).candidates[0].code.strip() == WRONG.strip() and prompts == []


def test_failures_say_what_was_raised_and_what_hung() -> None:
    code = "def f(n):\n    if n == 0:\n        raise ValueError\n    while n < 0:\n        pass\n"
    examples = (Example("f(0)", "1"), Example("f(-1)", "2"), Example("f(3)", "None"))
    checks = Checks("python", examples, "", None)
    outcome = run_candidate(Sandbox(), "python", code, examples, "", "f")
    lines = describe_failures(checks, code, outcome)
    assert lines == [
        "`f(0)` should give `1` but it raised ValueError",
        "`f(-1)` should give `2` but it did not finish in time",
    ]


def test_a_fresh_solution_with_other_local_names_is_kept() -> None:
    wrong = "def add(a, b):\n    result = a - b\n    return result\n"
    right = "def add(a, b):\n    total = a + b\n    return total\n"
    backend, prompts = model(wrong, right)
    top = run(backend).candidates[0]
    assert prompts and top.code.strip() == right.strip() and top.repairs[-1].name == STEP
    # Its own locals are no loss: no penalty, no "dropped result" note.
    assert top.repairs[-1].penalty == 0 and "dropped" not in top.repairs[-1].note


def test_an_attempt_gets_the_imports_it_forgot() -> None:
    backend, _ = model(WRONG, "def add(a, b):\n    return math.fsum([a, b])\n")
    top = run(backend).candidates[0]
    assert top.code.startswith("import math\n") and top.repairs[-1].name == STEP
