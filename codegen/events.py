"""Events ``Assistant.stream`` yields, in order: Started, then per language CandidateGenerated,
CandidateValidated and CandidateRepaired for each candidate, CandidateCompiled for each (after
all of the language are validated: one compiler run for them), CandidateRepaired for those
the compile repair changed, Ranked; then Finished or Failed."""

from __future__ import annotations

from dataclasses import dataclass

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
    | CandidateGenerated
    | CandidateValidated
    | CandidateRepaired
    | CandidateCompiled
    | Ranked
    | Finished
    | Failed
)
