"""Model repair with the failed checks in hand: the ``Fixer`` the pipeline uses with execution.

After ranking, when even the top candidate fails some of its checks (the request's tests, the
description's examples), the best-ranked failing candidates are answered again, one at a time:
the task goes back to the model as one plain message (``prompts/fix_tests.j2``: no system
prompt, no few-shot examples) followed by what that candidate got wrong (the call, what it
should give, what it gave). The candidate's code itself is not shown: a small model shown wrong
code mostly copies it back, and with the few-shot prompt of the first answers it fixed none of
our study's problems, while the plain message with the failures fixed some
(benchmarks/RESULTS.md, "Repair with the failed checks in hand"). Each asks for several
attempts in one batch (the greedy one and the rest sampled). An attempt is kept only when it
is valid, still defines the function the checks call, and passes more checks than the
candidate did; of those, the one passing most wins, then the likelier one. The kept code
replaces the candidate's under the same id, with a ``test_repair`` step (its diff and the
checks before and after) in ``repairs``.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace

from codegen import languages
from codegen.backends.base import Backend
from codegen.config import Settings
from codegen.errors import Cancelled
from codegen.execution.harness import Executor, Outcome, checked_examples, run_candidate
from codegen.execution.sandbox import Sandbox
from codegen.execution.testcases import Example, entry_name, examples_for, split_python_tests
from codegen.prompting.builder import prompt_signature, render
from codegen.prompting.extract import extract
from codegen.repair import steps
from codegen.repair.base import Fixer, NoFix
from codegen.repair.deterministic import unified_diff
from codegen.repair.guided import BackendGetter, lines_changed
from codegen.types import Candidate, GenerationRequest, Message, RepairStep, SamplingParams
from codegen.validation.base import Validation, Validator
from codegen.validation.names import defined_names

STEP = "test_repair"
MAX_CHECKS = 6  # failed checks shown to the model


@dataclass(frozen=True)
class FixOptions:
    candidates: int = 2  # failing candidates sent back, best ranked first
    attempts: int = 4  # per candidate, decoded as one batch
    temperature: float = 0.8


@dataclass(frozen=True)
class Checks:
    """What a candidate is run against: the examples, the tests and their language."""

    language: str
    examples: tuple[Example, ...]
    tests: str
    signature: str | None

    def entry(self, code: str) -> str | None:
        return entry_name(self.language, code, self.signature)


@dataclass(frozen=True)
class _Attempt:
    code: str
    outcome: Outcome
    distance: int  # lines changed
    validation: Validation
    mean_logprob: float | None = None


def failing(cand: Candidate) -> bool:
    """Valid, ran against checks, and failed at least one."""
    parts = cand.score_parts
    total = parts.get("tests_total", 0.0)
    return bool(cand.valid) and total > 0 and parts.get("tests_passed", 0.0) < total


def describe_failures(checks: Checks, code: str, outcome: Outcome) -> list[str]:
    """One line per failed check, in order: what was called, expected and got."""
    lines = []
    examples = checked_examples(checks.language, checks.examples, checks.entry(code))
    results = outcome.example_results + (False,) * len(examples)
    outputs = outcome.outputs + ("",) * len(examples)
    for (call, expected), ok, got in zip(examples, results, outputs, strict=False):
        if not ok:
            lines.append(f"`{call}` should give `{expected}` but {_gave(got)}")
    for source, ok in zip(_test_sources(checks), outcome.test_results, strict=False):
        if not ok:
            lines.append(f"this test fails: `{source}`")
    if outcome.reason and not lines:
        lines.append(f"the run ended early: {outcome.reason}")
    return lines[:MAX_CHECKS]


_MARKERS = {
    "!signature": "its declaration cannot take these arguments or return this value",
    "!missing": "the function is not defined",
    "!panic": "it panicked",
    "!error": "it returned an error",
}


def _gave(got: str) -> str:
    if got in ("!TimeoutError", "!timeout"):
        return "it did not finish in time"
    if got == "!crash" or not got:
        return "the program stopped before it returned"
    if got in _MARKERS:
        return _MARKERS[got]
    if got.startswith("!"):
        return f"it raised {got[1:]}"
    return f"it gave `{got}`"


def _test_sources(checks: Checks) -> list[str]:
    if not checks.tests.strip():
        return []
    if checks.language != "python":
        return [checks.tests.strip()]
    return [
        " ".join(code.split()) for kind, code in split_python_tests(checks.tests) if kind == "test"
    ]


def retry_messages(
    request: GenerationRequest, language: str, failures: Sequence[str]
) -> list[Message]:
    """The task again, as one plain message, followed by what an earlier answer got wrong."""
    text = render(
        "fix_tests.j2",
        description=request.description.strip(),
        signature=prompt_signature(request.signature, language),
        checks=list(failures),
        language=languages.get(language),
    )
    return [Message("user", text)]


class TestFeedbackRepair:
    """Sends failing candidates back to the model with their failed checks (see the module)."""

    def __init__(
        self,
        validator: Validator,
        backend: BackendGetter,
        sandbox: Sandbox | None = None,
        options: FixOptions | None = None,
        execute: Executor = run_candidate,
    ) -> None:
        self.validator = validator
        self.backend = backend
        self.sandbox = sandbox or Sandbox()
        self.options = options or FixOptions()
        self.execute = execute

    def fix(
        self,
        ranked: Sequence[Candidate],
        request: GenerationRequest,
        version: str | None,
        cancel: threading.Event | None = None,
    ) -> list[Candidate]:
        if not request.exec or not ranked or not failing(ranked[0]):
            return list(ranked)
        language = ranked[0].language
        checks = Checks(
            language,
            tuple(examples_for(language, request.description, [c.code for c in ranked if c.valid])),
            request.tests.get(language, ""),
            request.signature_for(language),
        )
        fixed = {c.id: c for c in ranked}
        for cand in self._chosen(ranked):
            if cancel is not None and cancel.is_set():
                raise Cancelled("cancelled")
            better = self._fix_one(cand, checks, request, version, cancel)
            if better is not None:
                fixed[cand.id] = better
        return [fixed[c.id] for c in ranked]

    def _chosen(self, ranked: Sequence[Candidate]) -> list[Candidate]:
        """The best-ranked failing candidates, one per distinct code."""
        seen: set[str] = set()
        chosen = []
        for cand in ranked:
            key = "\n".join(line.rstrip() for line in cand.code.strip().splitlines())
            if failing(cand) and key not in seen:
                seen.add(key)
                chosen.append(cand)
        return chosen[: self.options.candidates]

    def _run(self, checks: Checks, code: str) -> Outcome:
        examples, tests = checks.examples, checks.tests
        return self.execute(
            self.sandbox, checks.language, code, examples, tests, checks.entry(code)
        )

    def _fix_one(
        self,
        cand: Candidate,
        checks: Checks,
        request: GenerationRequest,
        version: str | None,
        cancel: threading.Event | None,
    ) -> Candidate | None:
        before = self._run(checks, cand.code)
        failures = describe_failures(checks, cand.code, before)
        if before.passed >= before.total or not failures:
            return None
        backend: Backend = self.backend(request.model)
        messages = retry_messages(request, cand.language, failures)
        n = max(self.options.attempts, 1)
        completions = backend.generate(messages, self._params(request), n, cancel)
        entry = checks.entry(cand.code)
        wanted = {entry} if entry else set()
        attempts = []
        tried: set[str] = set()
        for completion in completions:
            code = steps.add_imports(extract(completion.text, cand.language).code, cand.language)
            if code in tried:  # the same answer again: its run would be the same
                continue
            tried.add(code)
            attempt = self._attempt(cand, code, checks, version, wanted, before)
            if attempt is not None:
                attempts.append(replace(attempt, mean_logprob=completion.mean_logprob))
        if not attempts:
            return None
        return _fixed(cand, max(attempts, key=_preference), before)

    def _attempt(
        self,
        cand: Candidate,
        code: str,
        checks: Checks,
        version: str | None,
        wanted: set[str],
        before: Outcome,
    ) -> _Attempt | None:
        """The attempt with its run, if it is valid, keeps the names and passes more."""
        if not code.strip() or code.strip() == cand.code.strip():
            return None
        validation = self.validator.validate(code, cand.language, version, checks.signature)
        if not validation.valid or not wanted <= defined_names(cand.language, code):
            return None
        outcome = self._run(checks, code)
        if outcome.passed <= before.passed:
            return None
        return _Attempt(code, outcome, lines_changed(cand.code, code), validation)

    def _params(self, request: GenerationRequest) -> SamplingParams:
        return SamplingParams(
            temperature=self.options.temperature,
            top_p=request.top_p,
            max_tokens=request.max_tokens,
            seed=request.seed,
            stop_after_code=True,
            greedy_first=True,
        )


def _preference(attempt: _Attempt) -> tuple[int, float, int]:
    """Most checks passed, then the likelier code, then the fewest lines changed."""
    logprob = attempt.mean_logprob if attempt.mean_logprob is not None else -math.inf
    return attempt.outcome.passed, logprob, -attempt.distance


def _fixed(cand: Candidate, best: _Attempt, before: Outcome) -> Candidate:
    """``cand`` with the attempt's code and a ``test_repair`` step saying what it passes now."""
    # No penalty for names gone: the attempt is a fresh answer, its locals are its own.
    note = f"passes {best.outcome.passed} of {best.outcome.total} checks (was {before.passed})"
    step = RepairStep(STEP, unified_diff(cand.code, best.code), 0.0, note)
    return cand.evolve(
        code=best.code,
        valid=True,
        diagnostics=best.validation.diagnostics,
        validators=best.validation.validators,
        mean_logprob=best.mean_logprob,
        repairs=(*cand.repairs, step),
    )


def fixer_from_settings(
    settings: Settings, validator: Validator, backend: BackendGetter | None
) -> Fixer:
    """The fixer ``Stages.default`` plugs in (none without a model, or when it is set to 0)."""
    if backend is None or settings.repair_test_fixes <= 0:
        return NoFix()
    options = FixOptions(candidates=settings.repair_test_fixes)
    return TestFeedbackRepair(validator, backend, Sandbox.from_settings(settings), options)
