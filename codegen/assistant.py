"""The facade every front end calls: runs the stages in order, emits events, owns no stage logic.

``Assistant(settings, interface=...).generate(request) -> Result``; ``stream(request, cancel)``
yields the events (``codegen.events``); ``generate`` is ``stream`` run to the end.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import threading
import time
import uuid
from collections.abc import Generator, Iterator
from dataclasses import dataclass, fields
from typing import Any

from codegen import events as ev
from codegen.backends.base import Backend
from codegen.backends.embedded import Progress
from codegen.backends.factory import POOL, BackendPool
from codegen.backends.streaming import generate_streaming
from codegen.config import Settings
from codegen.errors import Cancelled, CodegenError
from codegen.execution.toolrunner import tool_runner
from codegen.languages import LanguageSpec
from codegen.prompting.builder import PromptBuilder
from codegen.prompting.extract import extract
from codegen.ranking.base import Ranker
from codegen.ranking.duplicates import mark_duplicates
from codegen.ranking.scorer import ranker_from_settings
from codegen.repair.base import Fixer, Repairer
from codegen.repair.feedback import fixer_from_settings
from codegen.repair.guided import BackendGetter
from codegen.repair.pipeline import checking_stages
from codegen.store.audit import AuditLog
from codegen.store.cache import ResponseCache
from codegen.store.keeper import Keeper, Ticket
from codegen.types import (
    Candidate,
    Completion,
    Constraint,
    GenerationRequest,
    Interface,
    Message,
    Result,
    SamplingParams,
)
from codegen.validation import constraints
from codegen.validation.base import Validator, validate_all
from codegen.validation.compiling import Compiler, with_compilation
from codegen.validation.constraints import Decision
from codegen.validation.imports import lacks_imports

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Stages:
    """The swappable stages. ``Stages.default(settings, backend)`` is the real pipeline;
    ``.replace(repairer=...)`` swaps one stage and keeps the others. Every stage is given:
    there is no default that would quietly stand in a no-op for a stage left out."""

    validator: Validator
    compiler: Compiler
    repairer: Repairer
    ranker: Ranker
    fixer: Fixer

    @classmethod
    def default(cls, settings: Settings, backend: BackendGetter | None = None) -> Stages:
        """The best stages this installation has, wired to ``backend`` (the Assistant's model
        getter) where a stage uses the model: model-guided repair, model-written tests, the
        retry with the failed checks."""
        validator, compiler, repairer = checking_stages(settings, backend, tool_runner(settings))
        return cls(
            validator=validator,
            compiler=compiler,
            repairer=repairer,
            ranker=ranker_from_settings(settings, backend),
            fixer=fixer_from_settings(settings, validator, backend),
        )

    def replace(self, **stages: Any) -> Stages:
        """These stages with the named ones swapped (``validator=``, ``repairer=``, ...)."""
        unknown = sorted(set(stages) - {f.name for f in fields(self)})
        if unknown:
            raise TypeError(f"Stages.replace: no stage named {unknown[0]!r}")
        return dataclasses.replace(self, **stages)


class Assistant:
    def __init__(
        self,
        settings: Settings | None = None,
        *,
        backend: Backend | None = None,
        stages: Stages | None = None,
        pool: BackendPool = POOL,
        progress: Progress | None = None,
        interface: Interface,
        cache: ResponseCache | None = None,
        audit: AuditLog | None = None,
    ) -> None:
        """``interface`` is the front end asking (``cli``, ``repl``, ``server``, ``batch``,
        ``eval``; ``library`` for code calling codegen): the audit log records it."""
        self.settings = settings or Settings()
        self._backend = backend
        self.stages = stages or Stages.default(self.settings, self.backend)
        self._pool = pool
        self._progress = progress
        # Safety, response cache and audit log around the stages (an injected backend is
        # not what the spec names, so it uses the cache only when one is passed in).
        self.keeper = Keeper(
            self.settings, interface=interface, cache=cache, audit=audit, use_cache=backend is None
        )

    def backend(self, spec: str | None = None) -> Backend:
        """The backend for ``spec`` (default: the settings' model), loaded once per process."""
        if self._backend is not None:
            return self._backend
        return self._pool.get(spec or self.settings.model, self.settings, self._progress)

    def generate(
        self,
        request: GenerationRequest,
        cancel: threading.Event | None = None,
        *,
        client: str | None = None,
    ) -> Result:
        for event in self.stream(request, cancel, client=client):
            if isinstance(event, ev.Finished):
                return event.result
            if isinstance(event, ev.Failed):
                raise event.error
        raise CodegenError("generation ended without a result")  # pragma: no cover

    def stream(
        self,
        request: GenerationRequest,
        cancel: threading.Event | None = None,
        *,
        client: str | None = None,
        tokens: bool = False,
    ) -> Iterator[ev.Event]:
        """The request's events; ``client`` (an API key's id, never the key) goes to the audit
        log beside the interface, for front ends that serve several clients. With ``tokens``,
        also ``TokensGenerated`` as candidates decode (the backend then runs in a worker
        thread; closing the stream early cancels it)."""
        request_id = uuid.uuid4().hex[:12]
        run = _Run(self, request, request_id, cancel, client, tokens)
        try:
            yield from run.events()
        except CodegenError as exc:
            yield ev.Failed(request_id, exc)


class _Run:
    """One request going through the stages."""

    def __init__(
        self,
        assistant: Assistant,
        request: GenerationRequest,
        request_id: str,
        cancel: threading.Event | None,
        client: str | None = None,
        tokens: bool = False,
    ) -> None:
        self.a = assistant
        self.request = request
        self.id = request_id
        self.cancel = cancel
        self.client = client
        self.tokens = tokens
        self.timings: dict[str, float] = {}
        self.warnings: list[str] = []  # for the result, e.g. a grammar that did not convert

    def _add_time(self, name: str, started: float) -> None:
        self.timings[name] = self.timings.get(name, 0.0) + (time.perf_counter() - started) * 1000

    def _check_cancel(self) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise Cancelled("cancelled")

    def events(self) -> Iterator[ev.Event]:
        begun = time.perf_counter()
        spec = self.request.model or self.a.settings.model
        ticket = self.a.keeper.admit(self.request, self.id, spec, self.a.stages, client=self.client)
        self.request = ticket.request
        yield ev.Started(self.id, self.request, spec)
        started = time.perf_counter()
        hit = self.a.keeper.lookup(ticket)
        if hit is not None:
            self._add_time("cache_ms", started)
            yield from self._replay(ticket, hit, begun)
            return
        started = time.perf_counter()
        backend = self.a.backend(spec)
        self._add_time("load_ms", started)
        settings = self.a.settings
        builder = PromptBuilder(backend, settings.few_shot, settings.examples)
        candidates: list[Candidate] = []
        for lang_spec in self.request.languages:
            self._check_cancel()
            ranked = yield from self._language(backend, builder, lang_spec)
            candidates.extend(ranked)
        self._add_time("total_ms", begun)
        result = Result(
            request_id=self.id,
            request=self.request,
            model=backend.name,
            candidates=tuple(candidates),
            timings={k: round(v, 2) for k, v in self.timings.items()},
            created=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        )
        ticket.warnings.extend(dict.fromkeys(self.warnings))
        yield ev.Finished(self.a.keeper.close(ticket, result))

    def _replay(
        self, ticket: Ticket, hit: tuple[str, tuple[Candidate, ...]], begun: float
    ) -> Iterator[ev.Event]:
        """A cache hit: the stored candidates, ranked as they were; no model is loaded."""
        model, candidates = hit
        for name in self.request.language_names:
            yield ev.LanguageStarted(self.id, name, self.request.n)
            for cand in (c for c in candidates if c.language == name):
                yield ev.CandidateGenerated(self.id, cand)
                yield ev.CandidateValidated(self.id, cand)
            yield ev.Ranked(self.id, name, tuple(c for c in candidates if c.language == name))
        self._add_time("total_ms", begun)
        result = Result(
            request_id=self.id,
            request=self.request,
            model=model,
            candidates=candidates,
            timings={k: round(v, 2) for k, v in self.timings.items()},
            created=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            cached=True,
        )
        yield ev.Finished(self.a.keeper.close(ticket, result))

    def _language(
        self, backend: Backend, builder: PromptBuilder, lang_spec: LanguageSpec
    ) -> Generator[ev.Event, None, list[Candidate]]:
        lang, version = lang_spec.language, lang_spec.version
        yield ev.LanguageStarted(self.id, lang.name, self.request.n)
        started = time.perf_counter()
        prompt = builder.build(self.request, lang.name, version)
        self._add_time("prompt_ms", started)
        decision = constraints.decide(self.request, lang.name)
        started = time.perf_counter()
        params = self._params(decision.constraint)
        completions = yield from self._decode(backend, prompt.messages, params, lang.name)
        self._add_time("generate_ms", started)
        self._add_split(completions)
        self._check_cancel()
        self._note_constraint(decision, completions, backend.name, lang.name)
        candidates = []
        generated = [_candidate(lang.name, k, c) for k, c in enumerate(completions, 1)]
        for first, cand in zip(generated, self._validate_all(generated, version), strict=True):
            yield ev.CandidateGenerated(self.id, first)
            yield ev.CandidateValidated(self.id, cand)
            if not cand.valid or lacks_imports(cand.diagnostics):
                started = time.perf_counter()
                cand = self.a.stages.repairer.repair(cand, self.request, version, self.cancel)
                self._add_time("repair_ms", started)
                yield ev.CandidateRepaired(self.id, cand)
            cand = self.a.keeper.screen(cand, lambda c: self._validate(c, version))
            candidates.append(cand)
        candidates = yield from self._compile_and_repair(candidates, version)
        ranked = self._rank(candidates)
        started = time.perf_counter()
        fixed = self.a.stages.fixer.fix(ranked, self.request, version, self.cancel)
        self._add_time("fix_ms", started)
        changed = {new.id for new, old in zip(fixed, ranked, strict=True) if new is not old}
        if changed:
            fixed = self._compile(fixed, version, changed)
        for cand in (c for c in fixed if c.id in changed):
            yield ev.CandidateRepaired(self.id, cand)
        if changed:
            ranked = self._rank(fixed)
        ranked = mark_duplicates(ranked)
        yield ev.Ranked(self.id, lang.name, tuple(ranked))
        return ranked

    def _compile_and_repair(
        self, candidates: list[Candidate], version: str | None
    ) -> Generator[ev.Event, None, list[Candidate]]:
        """The compile verdicts of all candidates (one compiler run), then the compile
        repair of those that parse but do not compile."""
        compiled = self._compile(candidates, version)
        out = []
        for cand in compiled:
            yield ev.CandidateCompiled(self.id, cand)
        # The model's compile repair costs rounds of decoding per candidate: it goes to the
        # first ``repair.compile_candidates`` that do not compile, and to none once one does.
        budget = self.a.settings.repair_compile_candidates
        compiling = any(c.compiles for c in compiled)
        for cand in compiled:
            if cand.valid and cand.compiles is False:
                self._check_cancel()
                model = budget > 0 and not compiling
                budget -= model
                started = time.perf_counter()
                repaired = self.a.stages.repairer.repair(
                    cand, self.request, version, self.cancel, model=model
                )
                self._add_time("repair_ms", started)
                if repaired is not cand:
                    yield ev.CandidateRepaired(self.id, repaired)
                cand = repaired
                compiling = compiling or bool(cand.compiles)
            out.append(cand)
        return out

    def _compile(
        self, candidates: list[Candidate], version: str | None, only: set[str] | None = None
    ) -> list[Candidate]:
        """Candidates with their compile verdicts: those that parse (and are in ``only``, when
        given) compiled in one batch; the others keep theirs, or get one if they have none."""
        compiler = self.a.stages.compiler
        todo = [c for c in candidates if c.valid and (only is None or c.id in only)]
        started = time.perf_counter()
        language = candidates[0].language if candidates else ""
        verdicts = compiler.compile([c.code for c in todo], language, version) if todo else []
        self._add_time("compile_ms", started)
        by_id = dict(zip((c.id for c in todo), verdicts, strict=True))
        available = compiler.available(language) if candidates else False
        return [
            with_compilation(c, by_id.get(c.id), available)
            if c.id in by_id or only is None or c.id in only
            else c
            for c in candidates
        ]

    def _decode(
        self,
        backend: Backend,
        messages: tuple[Message, ...],
        params: SamplingParams,
        language: str,
    ) -> Generator[ev.Event, None, list[Completion]]:
        """The backend's completions; with ``tokens``, TokensGenerated events on the way."""
        n = self.request.n
        if not self.tokens:
            return backend.generate(messages, params, n, self.cancel)
        call = generate_streaming(backend, messages, params, n, self.cancel)
        try:
            while True:
                try:
                    pieces = next(call)
                except StopIteration as done:
                    completions: list[Completion] = done.value
                    return completions
                for index, text, count in pieces:
                    cand_id = f"{language}-{index + 1}"
                    yield ev.TokensGenerated(self.id, language, cand_id, text, count)
        finally:
            call.close()  # cancels and waits for the backend when the stream was left early

    def _add_split(self, completions: list[Completion]) -> None:
        """``prefill_ms``, ``decode_ms`` and ``prompt_tokens_reused``, where the backend tells
        them (one call: every completion carries the same figures)."""
        prefill = completions[0].prefill_ms if completions else None
        if prefill is None:
            return
        first = completions[0]
        for name, value in (
            ("prefill_ms", prefill),
            ("decode_ms", first.decode_ms),
            ("prompt_tokens_reused", float(first.prompt_tokens_reused)),
        ):
            self.timings[name] = self.timings.get(name, 0.0) + value
        log.debug(
            "%s: %d prompt tokens, %d of them reused; prefill %.0f ms, decode %.0f ms",
            self.id,
            first.prompt_tokens,
            first.prompt_tokens_reused,
            prefill,
            first.decode_ms,
        )

    def _rank(self, candidates: list[Candidate]) -> list[Candidate]:
        started = time.perf_counter()
        ranked = self.a.stages.ranker.rank(candidates, self.request)
        self._add_time("rank_ms", started)
        return ranked

    def _validate(self, cand: Candidate, version: str | None) -> Candidate:
        return self._validate_all([cand], version)[0]

    def _validate_all(self, cands: list[Candidate], version: str | None) -> list[Candidate]:
        """The candidates of one language validated in one batch (one javac JVM for all)."""
        if not cands:
            return []
        started = time.perf_counter()
        language = cands[0].language
        checks = validate_all(
            self.a.stages.validator,
            [c.code for c in cands],
            language,
            version,
            self.request.signature_for(language),
        )
        self._add_time("validate_ms", started)
        return [
            c.evolve(valid=v.valid, diagnostics=v.diagnostics, validators=v.validators)
            for c, v in zip(cands, checks, strict=True)
        ]

    def _params(self, constraint: Constraint | None = None) -> SamplingParams:
        r = self.request
        return SamplingParams(
            temperature=r.temperature,
            top_p=r.top_p,
            max_tokens=r.max_tokens,
            seed=r.seed,
            stop_after_code=True,
            greedy_first=self.a.settings.greedy_first,
            constraint=constraint,
        )

    def _note_constraint(
        self, decision: Decision, completions: list[Completion], model: str, language: str
    ) -> None:
        """Warnings for the result: why a language was not constrained (asked with ``on``,
        or its grammar did not convert), or that the model could not do it."""
        if decision.warning:
            self.warnings.append(decision.warning)
        held = all(c.constrained for c in completions)
        if decision.constraint is not None and not held and self.request.constrain == "on":
            self.warnings.append(
                f"{language}: {model} did not constrain decoding to the grammar (llama.cpp "
                "models do; for a server set openai.grammar_field)"
            )


def _candidate(language: str, k: int, completion: Completion) -> Candidate:
    code = extract(completion.text, language)
    return Candidate(
        id=f"{language}-{k}",
        language=language,
        code=code.code,
        raw_text=completion.text,
        finish_reason=completion.finish_reason,
        prompt_tokens=completion.prompt_tokens,
        completion_tokens=completion.completion_tokens,
        mean_logprob=completion.mean_logprob,
        constrained=completion.constrained,
    )
