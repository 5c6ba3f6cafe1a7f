"""Events ``Assistant.stream`` yields, in order: Started, then per language LanguageStarted,
TokensGenerated while the candidates decode (only with ``stream(..., tokens=True)``, from
backends that stream), CandidateGenerated, CandidateValidated and CandidateRepaired for each
candidate, CandidateCompiled for each (after all of the language are validated: one compiler
run for them), CandidateRepaired for those the compile repair changed, Ranked; then Finished
or Failed."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields, is_dataclass
from typing import Any

from codegen.errors import CodegenError
from codegen.types import Candidate, GenerationRequest, Result


@dataclass(frozen=True)
class Started:
    request_id: str
    request: GenerationRequest
    model: str


@dataclass(frozen=True)
class LanguageStarted:
    """Generation for one language begins (useful for status lines)."""

    request_id: str
    language: str
    n: int


@dataclass(frozen=True)
class TokensGenerated:
    """Text a candidate's newest tokens added while it decodes (pieces, in order: joined they
    make its ``raw_text`` up to a stop string)."""

    request_id: str
    language: str
    candidate_id: str
    text: str
    tokens: int = 1  # how many tokens the text holds


@dataclass(frozen=True)
class CandidateGenerated:
    request_id: str
    candidate: Candidate


@dataclass(frozen=True)
class CandidateValidated:
    request_id: str
    candidate: Candidate


@dataclass(frozen=True)
class CandidateRepaired:
    request_id: str
    candidate: Candidate


@dataclass(frozen=True)
class CandidateCompiled:
    """The compile verdict is in: ``candidate.compiles`` (and its compile diagnostics)."""

    request_id: str
    candidate: Candidate


@dataclass(frozen=True)
class Ranked:
    request_id: str
    language: str
    candidates: tuple[Candidate, ...]


@dataclass(frozen=True)
class Finished:
    result: Result


@dataclass(frozen=True)
class Failed:
    request_id: str
    error: CodegenError


Event = (
    Started
    | LanguageStarted
    | TokensGenerated
    | CandidateGenerated
    | CandidateValidated
    | CandidateRepaired
    | CandidateCompiled
    | Ranked
    | Finished
    | Failed
)


def name(event: object) -> str:
    """The event's wire name: its class name in snake_case (``CandidateGenerated`` ->
    ``candidate_generated``), so events added later get a name without a table."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(event).__name__).lower()


def to_dict(event: object) -> dict[str, Any]:
    """The event as JSON-ready data, field by field (values with ``to_dict`` use it; an
    error becomes its type and message), so events added later serialise unchanged."""
    if not is_dataclass(event) or isinstance(event, type):
        raise TypeError(f"not an event: {event!r}")
    return {f.name: _jsonable(getattr(event, f.name)) for f in fields(event)}


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, BaseException):
        return {"type": type(value).__name__, "message": str(value)}
    to_dict_method = getattr(value, "to_dict", None)
    if callable(to_dict_method):
        return to_dict_method()
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _jsonable(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_jsonable(v) for v in value]
    return str(value)
