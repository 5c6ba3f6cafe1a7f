"""The codegen/* methods as plain functions: checked params in, JSON-ready results out.

Each raises ``UsageError`` naming the bad field (mapped to -32602 by the dispatcher) and
otherwise only calls the Assistant and its stages, so every front end behaves the same.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from codegen import events as ev
from codegen import languages, signatures
from codegen.assistant import Assistant, Stages
from codegen.backends.base import Backend
from codegen.config import Settings
from codegen.errors import UsageError
from codegen.server.positions import lsp_diagnostics
from codegen.store.audit import record_accept
from codegen.types import Candidate, GenerationRequest, Interface

log = logging.getLogger(__name__)

# Params a codegen/generate call may carry besides GenerationRequest's fields.
PROTOCOL_KEYS = ("workDoneToken", "partialResultToken", "uri")

Progress = Callable[[ev.Event], None]


@dataclass
class State:
    """What every connection shares: settings, the Assistant (one model) and its stages."""

    settings: Settings
    backend: Backend | None = None  # tests pass a scripted one; else the settings' model
    interface: Interface = "server"  # what the audit log records for these requests
    assistant: Assistant = field(init=False)
    stages: Stages = field(init=False)

    def __post_init__(self) -> None:
        # The Assistant picks the installation's best stages (Stages.default), wired to its model.
        self.assistant = Assistant(self.settings, backend=self.backend, interface=self.interface)
        self.stages = self.assistant.stages


def _text(params: Mapping[str, Any], name: str, required: bool = True) -> str:
    value = params.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise UsageError(f"{name}: expected a string, got {type(value).__name__}")
    return value


def _language(params: Mapping[str, Any]) -> tuple[str, str | None]:
    spec = languages.parse_language_spec(_text(params, "language"))
    return spec.name, spec.version


def generate(
    state: State,
    params: Mapping[str, Any],
    cancel: threading.Event,
    progress: Progress,
    document_text: str | None = None,
) -> dict[str, Any]:
    """codegen/generate: the Result as ``codegen gen --json`` prints it."""
    from codegen.backends.factory import check_spec
    from codegen.requests import build_request

    raw = {k: v for k, v in params.items() if k not in PROTOCOL_KEYS}
    if document_text:
        context = raw.get("context") or []
        context = [context] if isinstance(context, str) else list(context)
        raw["context"] = [document_text, *context]  # first: ``focus`` lines refer to it
    request: GenerationRequest = build_request(raw, state.settings)
    if state.backend is None:
        check_spec(request.model or state.settings.model)
    for event in state.assistant.stream(request, cancel):
        if isinstance(event, ev.Failed):
            raise event.error
        progress(event)
        if isinstance(event, ev.Finished):
            return event.result.to_dict()
    raise UsageError("generation ended without a result")  # pragma: no cover


def validate(state: State, params: Mapping[str, Any]) -> dict[str, Any]:
    """codegen/validate {language, code[, signature][, compile]}: LSP-style diagnostics
    (``signature`` one text, or a mapping language -> signature of which the language's is
    used) and, unless ``compile`` is false, the compile verdict of valid code with the
    compiler's errors (``data.stage`` "compile")."""
    language, version = _language(params)
    code = _text(params, "code")
    given = signatures.checked(params.get("signature"))
    signature = given if given is None or isinstance(given, str) else given.get(language)
    use_compiler = params.get("compile", True)
    if not isinstance(use_compiler, bool):
        raise UsageError("compile: expected true or false")
    check = state.stages.validator.validate(code, language, version, signature)
    diagnostics, compiles = check.diagnostics, None
    if check.valid and use_compiler:
        [verdict] = state.stages.compiler.compile([code], language, version)
        diagnostics, compiles = (*diagnostics, *verdict.diagnostics), verdict.compiles
    return {
        "valid": check.valid,
        "compiles": compiles,
        "diagnostics": lsp_diagnostics(diagnostics, code),
        "validators": list(check.validators),
        "undecided": list(check.undecided),
    }


def repair(state: State, params: Mapping[str, Any], cancel: threading.Event) -> dict[str, Any]:
    """codegen/repair {language, code, use_model}: {code, valid, steps, diagnostics}."""
    language, version = _language(params)
    code = _text(params, "code")
    use_model = params.get("use_model", False)
    if not isinstance(use_model, bool):
        raise UsageError("use_model: expected true or false")
    repair_code = getattr(state.stages.repairer, "repair_code", None)
    if callable(repair_code):  # the pipeline repairer: deterministic steps, then the model
        from codegen.repair.guided import GuidedOptions

        rounds = state.settings.repair_rounds if use_model else 0
        options = GuidedOptions(rounds=rounds, model=state.settings.model)
        report = repair_code(code, language, version, None, options, cancel)
        out = report.outcome
        return {
            "code": out.code,
            "valid": out.valid,
            "steps": [step.to_dict() for step in out.steps],
            "diagnostics": lsp_diagnostics(out.validation.diagnostics, out.code),
            "used_model": bool(report.used_model),
        }
    return _repair_candidate(state, language, version, code, cancel)


def _repair_candidate(
    state: State, language: str, version: str | None, code: str, cancel: threading.Event
) -> dict[str, Any]:
    """Any other Repairer, through its candidate interface."""
    check = state.stages.validator.validate(code, language, version, None)
    cand = Candidate(
        id=f"{language}-1",
        language=language,
        code=code,
        raw_text=code,
        finish_reason="stop",
        prompt_tokens=0,
        completion_tokens=0,
        valid=check.valid,
        diagnostics=check.diagnostics,
        validators=check.validators,
    )
    if not check.valid:
        spec = languages.LanguageSpec(language, version)
        request = GenerationRequest(description="repair this code", languages=(spec,))
        cand = state.stages.repairer.repair(cand, request, version, cancel)
    return {
        "code": cand.code,
        "valid": bool(cand.valid),
        "steps": [step.to_dict() for step in cand.repairs],
        "diagnostics": lsp_diagnostics(cand.diagnostics, cand.code),
        "used_model": False,
    }


def list_languages(state: State, params: Mapping[str, Any]) -> list[dict[str, Any]]:
    """codegen/languages: every registered language."""
    return [
        {
            "name": lang.name,
            "display": lang.display,
            "extension": lang.extension,
            "aliases": list(lang.aliases),
            "line_comment": lang.line_comment,
        }
        for lang in languages.all_languages()
    ]


def accept(state: State, params: Mapping[str, Any]) -> dict[str, Any]:
    """codegen/accept {request_id, candidate_id}: record the user's choice."""
    request_id = _text(params, "request_id")
    candidate_id = _text(params, "candidate_id")
    if not request_id.strip():
        raise UsageError("request_id: must be a non-empty string")
    if not candidate_id.strip():
        raise UsageError("candidate_id: must be a non-empty string")
    code = params.get("code")
    if code is not None and not isinstance(code, str):
        raise UsageError("code: expected the inserted code as a string")
    record_accept(request_id, candidate_id, state.interface, settings=state.settings, code=code)
    return {"accepted": True, "recorded": True}
