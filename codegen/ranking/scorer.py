"""The evidence ranker: log-probability, consensus, execution agreement, tests, repair penalty.

score = w_logprob * exp(mean token logprob)          (length-normalised, in (0, 1])
      + w_consensus * text consensus                 (MBR over normalised token streams)
      + w_agreement * output agreement               (same outputs on the same inputs; exec only:
                                                      the examples' calls and probe calls near them,
                                                      else calls typed by the parameters)
      + w_tests * pass rate                          (request tests + description examples; exec)
      + w_gen_tests * dual agreement                 (CodeT on model-written tests; --gen-tests)
      + w_robust * robustness                        (share of contested probe calls run without
                                                      an error: some candidate failed, another not)
      - w_repair * repair penalty                    (sum of the repairs' penalties, >= 0.1 each)
Each candidate's ``score_parts`` holds the unweighted parts; ties break on the candidate id.
"""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

from codegen.config import Settings
from codegen.execution import domain, runners, typed_probes
from codegen.execution.harness import Executor, Outcome, run_candidate
from codegen.execution.probes import MAX_PROBES, probe_calls
from codegen.execution.sandbox import Sandbox
from codegen.execution.testcases import Example, entry_name, examples_for
from codegen.ranking import consensus, gentests
from codegen.ranking.base import assign_ranks
from codegen.types import Candidate, GenerationRequest

TestWriter = Callable[[GenerationRequest, str], str]


@dataclass(frozen=True)
class Weights:
    logprob: float = 1.0
    consensus: float = 1.0
    agreement: float = 2.0
    tests: float = 4.0
    repair: float = 1.0
    gen_tests: float = 1.0
    robust: float = 1.0


MIN_REPAIR_PENALTY = 0.1
# Candidates run at once while ranking: one per core (a run is confined to one CPU).
RUN_WORKERS = max(1, min(4, os.cpu_count() or 1))
MEMO_SIZE = 256  # runs a ranker remembers; ranking again after a fix reruns only changed code
RunKey = tuple[str, str, tuple[Example, ...], str, str | None]


class EvidenceRanker:
    """Scores every valid candidate of one language and returns them best first."""

    def __init__(
        self,
        weights: Weights | None = None,
        *,
        sandbox: Sandbox | None = None,
        execute: Executor = run_candidate,
        test_writer: TestWriter | None = None,
        probes: int = MAX_PROBES,
        workers: int = RUN_WORKERS,
    ) -> None:
        self.weights = weights or Weights()
        self.workers = workers
        self.probes = probes
        self.sandbox = sandbox or Sandbox()
        self.execute = execute
        self.test_writer = test_writer
        self._memo: dict[RunKey, Outcome] = {}
        self._memo_lock = threading.Lock()

    def rank(self, candidates: Sequence[Candidate], request: GenerationRequest) -> list[Candidate]:
        valid = [c for c in candidates if c.valid]
        parts: dict[str, dict[str, float]] = {c.id: {} for c in candidates}
        for cand in valid:
            parts[cand.id]["logprob"] = _logprob(cand)
            parts[cand.id]["repair_penalty"] = _penalty(cand)
        if valid:
            streams = [consensus.tokens(c.language, c.code) for c in valid]
            for cand, value in zip(valid, consensus.text_consensus(streams), strict=True):
                parts[cand.id]["consensus"] = value
        if valid and request.exec and runners.supported(valid[0].language):
            self._execution(valid, request, parts)
        scored = [(c, self._score(parts[c.id]), parts[c.id]) for c in candidates]
        return assign_ranks([(c, s, {k: round(v, 6) for k, v in p.items()}) for c, s, p in scored])

    def _execution(
        self, valid: list[Candidate], request: GenerationRequest, parts: dict[str, dict[str, float]]
    ) -> None:
        self.sandbox.check()
        language = valid[0].language
        tests = request.tests.get(language, "")
        codes = [c.code for c in valid]
        signature = request.signature_for(language)
        examples = examples_for(language, request.description, codes)
        calls = probe_calls(examples, self.probes) if self.probes else []
        params = typed_probes.entry_parameters(language, signature, codes)
        if self.probes and not calls:  # no example to vary: values of the parameters' kinds
            calls = typed_probes.typed_calls(params, self.probes)
        calls = domain.keep(calls, request.description, params)  # inside the stated bounds
        examples += [Example(call, "", probe=True) for call in calls]
        outcomes = self._run_each(language, valid, examples, tests, signature)
        outputs = [o.outputs + o.probe_outputs for o in outcomes]
        agreement = consensus.output_agreement(outputs)
        robust = consensus.robustness([o.probe_outputs for o in outcomes])  # examples: tests
        outcomes = _without_unwritable(outcomes)
        for cand, outcome, agree, sturdy in zip(valid, outcomes, agreement, robust, strict=True):
            if any(outputs):
                parts[cand.id]["agreement"] = agree
            if sturdy is not None:
                parts[cand.id]["robust"] = sturdy
            if outcome.total:
                parts[cand.id]["tests"] = outcome.passed / outcome.total
                parts[cand.id]["tests_passed"] = float(outcome.passed)
                parts[cand.id]["tests_total"] = float(outcome.total)
        if self.test_writer is not None:
            self._generated_tests(valid, request, parts)

    def _generated_tests(
        self, valid: list[Candidate], request: GenerationRequest, parts: dict[str, dict[str, float]]
    ) -> None:
        """CodeT-style dual agreement on the tests the model wrote (``--gen-tests``)."""
        language = valid[0].language
        tests = self.test_writer(request, language) if self.test_writer else ""
        if not tests.strip():
            return
        outcomes = self._run_each(language, valid, [], tests, None)
        scores = gentests.dual_agreement([o.test_results for o in outcomes])
        for cand, score in zip(valid, scores, strict=True):
            parts[cand.id]["gen_tests"] = score

    def _run_each(
        self,
        language: str,
        valid: list[Candidate],
        examples: list[Example],
        tests: str,
        signature: str | None,
    ) -> list[Outcome]:
        """Every candidate's run, in order: each distinct code once, up to ``workers`` at a
        time (a run has one CPU in the sandbox; Java's and Rust's builds are most of a
        request's ranking time)."""
        jobs = [(c.code, entry_name(language, c.code, signature)) for c in valid]
        distinct = list(dict.fromkeys(jobs))

        def one(job: tuple[str, str | None]) -> Outcome:
            return self._run(language, job[0], examples, tests, job[1])

        if self.workers <= 1 or len(distinct) <= 1:
            outcomes = [one(job) for job in distinct]
        else:
            with ThreadPoolExecutor(max_workers=min(self.workers, len(distinct))) as pool:
                outcomes = list(pool.map(one, distinct))
        by_job = dict(zip(distinct, outcomes, strict=True))
        return [by_job[job] for job in jobs]

    def _run(
        self, language: str, code: str, examples: list[Example], tests: str, entry: str | None
    ) -> Outcome:
        """One run, remembered by everything it depends on (the sandbox is the ranker's own)."""
        key: RunKey = (language, code, tuple(examples), tests, entry)
        with self._memo_lock:
            known = self._memo.get(key)
        if known is not None:
            return known
        outcome = self.execute(self.sandbox, language, code, examples, tests, entry)
        with self._memo_lock:
            if len(self._memo) >= MEMO_SIZE:
                del self._memo[next(iter(self._memo))]
            self._memo[key] = outcome
        return outcome

    def _score(self, part: dict[str, float]) -> float:
        w = self.weights
        return (
            w.logprob * part.get("logprob", 0.0)
            + w.consensus * part.get("consensus", 0.0)
            + w.agreement * part.get("agreement", 0.0)
            + w.tests * part.get("tests", 0.0)
            + w.gen_tests * part.get("gen_tests", 0.0)
            + w.robust * part.get("robust", 0.0)
            - w.repair * part.get("repair_penalty", 0.0)
        )

    def explain_weights(self) -> dict[str, float]:
        w = self.weights
        return {
            "logprob": w.logprob,
            "consensus": w.consensus,
            "agreement": w.agreement,
            "tests": w.tests,
            "gen_tests": w.gen_tests,
            "robust": w.robust,
            "repair_penalty": -w.repair,
        }


def _without_unwritable(outcomes: list[Outcome]) -> list[Outcome]:
    """The outcomes with the examples that no candidate's declaration could take left out of
    the counts (``!signature`` for every one: the example does not fit the requested
    signature, so it checks nothing, and must not send every candidate to a repair round)."""
    shaped = [o for o in outcomes if len(o.outputs) == len(o.example_results) == o.examples_total]
    if not outcomes or len(shaped) != len(outcomes):
        return outcomes
    width = min(len(o.outputs) for o in outcomes)
    unfit = {j for j in range(width) if all(o.outputs[j] == "!signature" for o in outcomes)}
    if not unfit:
        return outcomes
    return [
        replace(
            o,
            examples_passed=sum(r for j, r in enumerate(o.example_results) if j not in unfit),
            examples_total=o.examples_total - len(unfit),
        )
        for o in outcomes
    ]


def _logprob(cand: Candidate) -> float:
    """exp of the mean token log-probability: a per-token probability in (0, 1]; 0 unknown."""
    if cand.mean_logprob is None:
        return 0.0
    return math.exp(max(cand.mean_logprob, -50.0))


def _penalty(cand: Candidate) -> float:
    return sum(max(step.penalty, MIN_REPAIR_PENALTY) for step in cand.repairs)


def ranker_from_settings(
    settings: Settings, backend: gentests.BackendGetter | None = None
) -> EvidenceRanker:
    """The ranker ``Stages.default`` plugs in: weights, unsafe-exec and gen-tests from config
    (model-written tests need ``backend``, the Assistant's model getter)."""
    weights = Weights(
        logprob=settings.rank_w_logprob,
        consensus=settings.rank_w_consensus,
        agreement=settings.rank_w_agreement,
        tests=settings.rank_w_tests,
        repair=settings.rank_w_repair,
        gen_tests=settings.rank_w_gen_tests,
        robust=settings.rank_w_robust,
    )
    writer = gentests.ModelTestWriter(backend) if settings.rank_gen_tests and backend else None
    sandbox = Sandbox.from_settings(settings)
    return EvidenceRanker(weights, sandbox=sandbox, test_writer=writer, probes=settings.rank_probes)
