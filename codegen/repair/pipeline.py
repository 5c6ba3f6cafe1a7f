"""The repairer the pipeline uses: deterministic steps first, then the model (R rounds).

Code that does not parse gets the syntax repairs (``deterministic``, ``guided``); code that
parses but does not compile (``Candidate.compiles`` False) the compile repairs
(``compile_fix``). Valid, compiling code is returned unchanged.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from codegen.config import Settings
from codegen.errors import Cancelled, CodegenError
from codegen.repair.compile_fix import CompileRepair
from codegen.repair.deterministic import DeterministicRepair, Outcome
from codegen.repair.guided import BackendGetter, GuidedOptions, GuidedRepair
from codegen.types import Candidate, GenerationRequest
from codegen.validation.base import Validator
from codegen.validation.compile_tier import ToolCompiler
from codegen.validation.compiling import Compiler, candidate_diagnostics
from codegen.validation.tiered import TieredValidator
from codegen.validation.toolrun import LOCAL, ToolRunner

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RepairReport:
    """What ``codegen repair --json`` prints: the code, whether it is valid, steps, diagnostics."""

    outcome: Outcome
    used_model: bool = False

    def to_dict(self) -> dict[str, object]:
        o = self.outcome
        return {
            "code": o.code,
            "valid": o.valid,
            "steps": [s.to_dict() for s in o.steps],
            "diagnostics": [d.to_dict() for d in o.validation.diagnostics],
            "validators": list(o.validation.validators),
        }


class PipelineRepairer:
    def __init__(
        self,
        validator: Validator,
        backend: BackendGetter | None = None,
        rounds: int = 2,
        compiler: Compiler | None = None,
    ) -> None:
        self.validator = validator
        self.deterministic = DeterministicRepair(validator)
        self.guided = GuidedRepair(validator, backend) if backend is not None else None
        self.rounds = rounds
        self.compile_fix = (
            CompileRepair(validator, compiler, backend) if compiler is not None else None
        )

    def repair_code(
        self,
        code: str,
        language: str,
        version: str | None = None,
        signature: str | None = None,
        options: GuidedOptions | None = None,
        cancel: threading.Event | None = None,
        truncated: bool | None = None,
    ) -> RepairReport:
        outcome = self.deterministic.run(code, language, version, signature, truncated)
        options = options or GuidedOptions(rounds=self.rounds)
        penalised = any(step.penalty > 0 for step in outcome.steps)
        if (outcome.valid and not penalised) or self.guided is None or options.rounds <= 0:
            return RepairReport(outcome)
        start = outcome
        if outcome.valid or not outcome.steps:
            first = self.validator.validate(code, language, version, signature)
            start = Outcome(code, (), first)
        try:
            guided = self.guided.run(start, language, version, signature, options, cancel)
        except Cancelled:
            raise
        except CodegenError as exc:
            log.warning("model-guided repair failed: %s", exc)
            return RepairReport(outcome)
        if guided is None:
            return RepairReport(outcome)
        return RepairReport(guided, used_model=True)

    def repair(
        self,
        candidate: Candidate,
        request: GenerationRequest,
        version: str | None,
        cancel: threading.Event | None = None,
        *,
        model: bool = True,
    ) -> Candidate:
        options = GuidedOptions(
            rounds=self.rounds if model else 0,
            max_tokens=max(256, min(2 * request.max_tokens, 2048)),
            model=request.model,
            seed=request.seed if request.seed is not None else 0,
        )
        if candidate.valid and candidate.compiles is False:
            signature = request.signature_for(candidate.language)
            return self._repair_compile(candidate, signature, version, options, cancel)
        report = self.repair_code(
            candidate.code,
            candidate.language,
            version,
            request.signature_for(candidate.language),
            options,
            cancel,
            truncated=candidate.finish_reason == "length",
        )
        o = report.outcome
        if not o.steps:
            return candidate
        return candidate.evolve(
            code=o.code,
            valid=o.valid,
            diagnostics=o.validation.diagnostics,
            validators=o.validation.validators,
            repairs=(*candidate.repairs, *o.steps),
        )

    def _repair_compile(
        self,
        candidate: Candidate,
        signature: str | None,
        version: str | None,
        options: GuidedOptions,
        cancel: threading.Event | None,
    ) -> Candidate:
        """A candidate that parses but does not compile: imports first, then the model."""
        if self.compile_fix is None:
            return candidate
        try:
            o = self.compile_fix.run(
                candidate.code,
                candidate.language,
                version,
                signature,
                candidate.diagnostics,
                options,
                cancel,
            )
        except Cancelled:
            raise
        except CodegenError as exc:
            log.warning("compile repair failed: %s", exc)
            return candidate
        if not o.steps:
            return candidate
        return candidate.evolve(
            code=o.code,
            valid=o.validation.parses,
            compiles=o.validation.compiles,
            diagnostics=candidate_diagnostics(o.validation),
            repairs=(*candidate.repairs, *o.steps),
        )


def checking_stages(
    settings: Settings, backend: BackendGetter | None = None, runner: ToolRunner = LOCAL
) -> tuple[TieredValidator, ToolCompiler, PipelineRepairer]:
    """The validator, compile tier and repairer ``Stages.default`` plugs in (their
    tools run through ``runner``)."""
    compiler = ToolCompiler(runner, timeout=compile_timeout(settings))
    validator = TieredValidator(
        timeout=settings.validation_timeout, runner=runner, compiler=compiler
    )
    repairer = PipelineRepairer(validator, backend, settings.repair_rounds, compiler)
    return validator, compiler, repairer


def compile_timeout(settings: Settings) -> float:
    """One batch of a language's candidates: twice the checkers' timeout (a JVM start and
    several compilations in it)."""
    return 2 * settings.validation_timeout
