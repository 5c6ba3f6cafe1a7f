"""Frozen value types shared by every stage (docs/architecture.md, "Contracts").

Positions are 1-based; columns count Unicode code points. A candidate's ``id`` is
``"<language>-<k>"`` (k from 1) and never changes; ``rank`` is 1-based within its
language, best first, and ``None`` for an invalid candidate.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

from codegen.languages import LanguageSpec
from codegen.redact import redact

FinishReason = Literal["stop", "length", "cancelled", "error"]
ConstrainMode = Literal["auto", "on", "off"]
# Who asked, as the audit log records it: a front end, or ``library`` for code calling codegen.
Interface = Literal["cli", "repl", "server", "http", "batch", "eval", "library"]
Stage = Literal["syntax", "compile"]


@dataclass(frozen=True)
class Fix:
    """An edit a compiler suggests for its diagnostic: the text from (line, column) to
    (end_line, end_column) — 1-based, code points, end exclusive — becomes ``text``."""

    line: int
    column: int
    end_line: int
    end_column: int
    text: str


@dataclass(frozen=True)
class Diagnostic:
    """One problem found in a piece of code; an empty list of these means valid.

    ``stage`` says which verdict it belongs to: ``"syntax"`` (the code does not parse: it is
    invalid) or ``"compile"`` (it parses but the compiler rejects it: it does not compile).
    """

    line: int
    column: int
    end_line: int
    end_column: int
    message: str
    source: str
    severity: Literal["error", "warning"] = "error"
    stage: Stage = "syntax"
    fixes: tuple[Fix, ...] = ()  # edits the compiler suggests (rustc's machine-applicable ones)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        if not self.fixes:
            del data["fixes"]
        else:
            data["fixes"] = [asdict(f) for f in self.fixes]
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Diagnostic:
        fixes = tuple(Fix(**f) for f in data.get("fixes", ()))
        return cls(**{**data, "fixes": fixes})


@dataclass(frozen=True)
class RepairStep:
    """A named change made to a candidate, recorded with a unified diff."""

    name: str
    diff: str
    penalty: float = 0.0
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class SafetyFinding:
    """One content-safety rule that matched: in the description or in a candidate's code."""

    rule: str
    action: Literal["block", "warn", "redact"]
    message: str
    line: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class GenerationRequest:
    """What a user asks for. Field names are the CLI flags, JSON keys and spec keys."""

    description: str
    languages: tuple[LanguageSpec, ...] = (LanguageSpec("python"),)
    n: int = 1
    temperature: float = 0.2
    top_p: float = 0.95
    max_tokens: int = 512
    seed: int | None = None
    model: str | None = None
    # One signature for every language, or a mapping language -> signature (codegen.signatures).
    signature: str | Mapping[str, str] | None = None
    context: tuple[str, ...] = ()
    # 1-based line of the first context item (an editor's cursor): a window of lines around
    # it is always kept in the prompt (prompting.context).
    focus: int | None = None
    tests: Mapping[str, str] = field(default_factory=dict)
    exec: bool = False
    # Grammar-constrained decoding: "auto" (where a grammar converts), "on" (and say where
    # it cannot), "off". ``json_schema`` constrains JSON answers to that schema.
    constrain: ConstrainMode = "auto"
    json_schema: Mapping[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["model"] = None if self.model is None else redact(self.model)
        data["languages"] = [str(spec) for spec in self.languages]
        data["context"] = list(self.context)
        data["tests"] = dict(self.tests)
        sig = self.signature
        data["signature"] = sig if sig is None or isinstance(sig, str) else dict(sig)
        data["json_schema"] = None if self.json_schema is None else dict(self.json_schema)
        return data

    @property
    def language_names(self) -> tuple[str, ...]:
        """The languages' registry names (``python``), as candidates' ``language`` holds them."""
        return tuple(spec.name for spec in self.languages)

    def version_of(self, language: str) -> str | None:
        """The version asked for ``language`` (``3.8`` for ``python@3.8``), else None."""
        return next((s.version for s in self.languages if s.name == language), None)

    def signature_for(self, language: str) -> str | None:
        """The signature ``language``'s code must define: the mapping's entry, else the one
        text given for every language; None when there is none."""
        sig = self.signature
        if sig is None or isinstance(sig, str):
            return sig or None
        return sig.get(language) or None

    def with_changes(self, **changes: Any) -> GenerationRequest:
        return replace(self, **changes)


@dataclass(frozen=True)
class Constraint:
    """A grammar the answer must follow: one fenced block of ``tag`` whose code is ``rule``
    of ``lark`` (llguidance's Lark), or JSON following ``json_schema`` (JSON text). ``gbnf``
    and ``gbnf_rule`` are the same grammar for servers that take GBNF ('' where it does not
    convert). ``prose`` lets text without a fence come before the block."""

    tag: str
    lark: str = ""
    rule: str = ""
    gbnf: str = ""
    gbnf_rule: str = ""
    json_schema: str = ""
    prose: bool = False


@dataclass(frozen=True)
class SamplingParams:
    """The sampling knobs a backend needs for one call."""

    temperature: float = 0.2
    top_p: float = 0.95
    max_tokens: int = 512
    seed: int | None = None
    stop: tuple[str, ...] = ()
    # Stop a sequence once its first complete fenced code block is closed (saves tokens
    # the model would spend on explanations); backends that cannot do it ignore it.
    stop_after_code: bool = False
    # With n > 1, candidate 0 is the greedy decode (the model's single best guess) and the
    # others are sampled: a set that holds both does better than n samples alone.
    greedy_first: bool = False
    # Guess tokens from the prompt and check them in one batch (prompt lookup): for answers
    # that copy much of their prompt (repairs). The same tokens as without; backends that
    # cannot do it ignore it.
    draft_from_prompt: bool = False
    # Decode inside this grammar where the backend can (``Completion.constrained`` says).
    constraint: Constraint | None = None

    def temperature_of(self, index: int, n: int) -> float:
        """The temperature candidate ``index`` of ``n`` is decoded with."""
        return 0.0 if self.greedy_first and index == 0 and n > 1 else self.temperature


@dataclass(frozen=True)
class Message:
    """One chat message."""

    role: Literal["system", "user", "assistant"]
    content: str


@dataclass(frozen=True)
class Completion:
    """One sequence a backend produced."""

    text: str
    finish_reason: FinishReason
    prompt_tokens: int
    completion_tokens: int
    logprobs: tuple[float, ...] = ()
    # The call's time: all of it where prefill_ms is None; else the part after the prompt.
    decode_ms: float = 0.0
    # Backends that can tell (llama.cpp) split the call's time: evaluating the prompt, then
    # decoding (decode_ms). None where the backend cannot tell them apart.
    prefill_ms: float | None = None
    prompt_tokens_reused: int = 0  # prompt tokens whose evaluation was kept from earlier calls
    constrained: bool = False  # decoded under ``SamplingParams.constraint``

    @property
    def mean_logprob(self) -> float | None:
        if not self.logprobs:
            return None
        return sum(self.logprobs) / len(self.logprobs)


@dataclass(frozen=True)
class Candidate:
    """A piece of code for one language, with everything learnt about it.

    ``valid``: the code parses. ``compiles``: the language's compiler accepts it (``None``:
    no compiler here, or it timed out or crashed; never ``False`` for those).
    """

    id: str
    language: str
    code: str
    raw_text: str
    finish_reason: FinishReason
    prompt_tokens: int
    completion_tokens: int
    mean_logprob: float | None = None
    valid: bool | None = None
    diagnostics: tuple[Diagnostic, ...] = ()
    repairs: tuple[RepairStep, ...] = ()
    validators: tuple[str, ...] = ()
    rank: int | None = None
    score: float | None = None
    score_parts: Mapping[str, float] = field(default_factory=dict)
    safety: tuple[SafetyFinding, ...] = ()
    constrained: bool = False  # decoded under a grammar
    compiles: bool | None = None
    duplicate_of: str | None = None  # id of the first candidate with the same code

    def evolve(self, **changes: Any) -> Candidate:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "language": self.language,
            "code": self.code,
            "raw_text": self.raw_text,
            "finish_reason": self.finish_reason,
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "mean_logprob": self.mean_logprob,
            "valid": self.valid,
            "compiles": self.compiles,
            "diagnostics": [d.to_dict() for d in self.diagnostics],
            "repairs": [r.to_dict() for r in self.repairs],
            "validators": list(self.validators),
            "rank": self.rank,
            "score": self.score,
            "score_parts": dict(self.score_parts),
            "safety": [f.to_dict() for f in self.safety],
            "duplicate_of": self.duplicate_of,
            "constrained": self.constrained,
        }


@dataclass(frozen=True)
class Result:
    """The answer to one request: every candidate of every language, best first per language."""

    request_id: str
    request: GenerationRequest
    model: str
    candidates: tuple[Candidate, ...]
    timings: Mapping[str, float] = field(default_factory=dict)
    created: str = ""
    cached: bool = False
    safety: tuple[SafetyFinding, ...] = ()  # findings in the description
    warnings: tuple[str, ...] = ()  # e.g. a secret redacted, an audit line lost

    def for_language(self, language: str) -> list[Candidate]:
        return [c for c in self.candidates if c.language == language]

    def best(self, language: str) -> Candidate | None:
        ranked = [c for c in self.for_language(language) if c.rank is not None]
        return min(ranked, key=lambda c: c.rank or 0) if ranked else None

    def by_rank(self, language: str, rank: int) -> Candidate | None:
        for cand in self.for_language(language):
            if cand.rank == rank:
                return cand
        return None

    def languages_without_valid(self) -> list[str]:
        """The names of the requested languages that have no valid candidate."""
        return [name for name in self.request.language_names if self.best(name) is None]

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": 1,
            "request_id": self.request_id,
            "created": self.created,
            "model": self.model,
            "cached": self.cached,
            "request": self.request.to_dict(),
            "candidates": [c.to_dict() for c in self.candidates],
            "timings": dict(self.timings),
            "safety": [f.to_dict() for f in self.safety],
            "warnings": list(self.warnings),
        }
