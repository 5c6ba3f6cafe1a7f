"""Run a task's tests against its best candidate, in the sandbox (``codegen.ranking``).

Imported lazily: where the sandbox is missing, isolation is unavailable, or the language cannot
be executed here, the outcome is ``not_run`` with the reason, never a failure. Python and
JavaScript tests run statement by statement (a pass count); Java, C, C++, Rust and Go tests run
as one case of the native harness (their ``main``, or their statements) and pass when it returns
without a failed assertion, exception or panic.
"""

from __future__ import annotations

import time
from typing import Any

Outcome = dict[str, Any]


def not_run(reason: str) -> Outcome:
    return {"status": "not_run", "reason": reason, "duration_ms": 0.0}


def run_tests(language: str, code: str, tests: str) -> Outcome:
    """``{"status": "passed"|"failed"|"not_run", "passed", "total", "reason", "duration_ms"}``."""
    try:
        from codegen.execution import harness, runners, sandbox
    except ImportError:
        return not_run("this installation has no sandbox")
    problem = sandbox.isolation_problem()
    if problem:
        return not_run(f"sandbox unavailable: {problem}")
    if not runners.supported(language):
        return not_run(f"{language} code cannot be executed on this machine")
    started = time.perf_counter()
    outcome = harness.run_candidate(sandbox.Sandbox(), language, code, (), tests, None)
    duration = round((time.perf_counter() - started) * 1000, 2)
    if outcome.tests_total == 0:
        return {**not_run("no test statements found"), "duration_ms": duration}
    passed = outcome.tests_passed == outcome.tests_total
    return {
        "status": "passed" if passed else "failed",
        "passed": outcome.tests_passed,
        "total": outcome.tests_total,
        "reason": outcome.reason or ("" if passed else "a test failed"),
        "duration_ms": duration,
    }
