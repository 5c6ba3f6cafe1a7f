"""Model-guided repair: the code and its diagnostics go to the model, at most R rounds.

The prompt is ``prompts/repair.j2``: each diagnostic with its line, message, the line itself
and a marker under the column. Each round asks for several attempts in one batch (the greedy
one and the rest sampled); an attempt is kept only when it validates and still defines every
name the original defined, and of those the one that changes fewest lines wins. Otherwise the
next round starts from the attempt with the fewest errors. Past ``excerpt.LONG`` lines the model
sees only the lines around the first error and its answer is spliced back in (``excerpt.py``).
"""

from __future__ import annotations

import difflib
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from codegen import languages
from codegen.backends.base import Backend
from codegen.errors import Cancelled
from codegen.prompting.builder import render
from codegen.prompting.extract import extract
from codegen.repair.deterministic import Outcome, make_step
from codegen.repair.excerpt import Excerpt, excerpt_for, in_excerpt
from codegen.types import Diagnostic, Message, SamplingParams
from codegen.validation.base import Validation, Validator, validate_all
from codegen.validation.names import defined_names

BackendGetter = Callable[[str | None], Backend]
SYNTAX_SYSTEM = "You are a careful programmer. You fix syntax errors without changing behaviour."


@dataclass(frozen=True)
class GuidedOptions:
    rounds: int = 2
    max_tokens: int = 1024
    model: str | None = None
    seed: int | None = 0
    # Attempts per round, decoded as one batch: the greedy one and the rest sampled. Batched,
    # four cost about twice one, and a small model often fixes on one try of several.
    attempts: int = 4


def diagnostic_context(code: str, diagnostics: Sequence[Diagnostic]) -> list[dict[str, object]]:
    """The template's view of each diagnostic: position, message, the line and a marker."""
    lines = code.split("\n")
    out: list[dict[str, object]] = []
    for d in diagnostics[:8]:
        if d.severity != "error":
            continue
        text = lines[d.line - 1] if 1 <= d.line <= len(lines) else ""
        marker = " " * max(min(d.column - 1, len(text)), 0) + "^"
        out.append(
            {
                "line": d.line,
                "column": d.column,
                "message": d.message,
                "line_text": text,
                "marker": marker,
            }
        )
    return out


def build_prompt(
    code: str,
    language: str,
    diagnostics: Sequence[Diagnostic],
    excerpt: Excerpt | None = None,
    system: str = SYNTAX_SYSTEM,
) -> list[Message]:
    """The repair prompt for ``code``, or for its ``excerpt`` when one is given."""
    shown = diagnostics if excerpt is None else in_excerpt(diagnostics, excerpt)
    lines = None if excerpt is None else {"first": excerpt.first_line, "last": excerpt.last_line}
    user = render(
        "repair.j2",
        language=languages.get(language),
        code=code if excerpt is None else excerpt.text,
        diagnostics=diagnostic_context(code, shown),
        excerpt=lines,
    )
    return [Message("system", system), Message("user", user)]


def _whole(code: str) -> str:
    return code


@dataclass(frozen=True)
class _Target:
    """What an attempt is checked against: the language, its version, the signature."""

    language: str
    version: str | None
    signature: str | None


class GuidedRepair:
    """``system`` is the system prompt: syntax errors by default; the compile repair says
    compile errors, with a validator that also compiles (``CompilingValidator``)."""

    def __init__(
        self, validator: Validator, backend: BackendGetter, system: str = SYNTAX_SYSTEM
    ) -> None:
        self.validator = validator
        self.backend = backend
        self.system = system

    def run(
        self,
        start: Outcome,
        language: str,
        version: str | None,
        signature: str | None,
        options: GuidedOptions,
        cancel: threading.Event | None = None,
    ) -> Outcome | None:
        """A valid repair of ``start.code`` keeping its names, or None after R rounds."""
        wanted = defined_names(language, start.code)
        target = _Target(language, version, signature)
        code, validation = start.code, start.validation
        backend = self.backend(options.model) if options.rounds > 0 else None
        for round_no in range(1, options.rounds + 1):
            if cancel is not None and cancel.is_set():
                raise Cancelled("cancelled")
            assert backend is not None
            params = _params(options, round_no)
            tries = self._round(backend, code, validation, target, params, options.attempts, cancel)
            kept = [t for t in tries if t is not None and t[1].valid and wanted <= t[2]]
            if kept:
                new, new_validation, _ = min(kept, key=lambda t: lines_changed(start.code, t[0]))
                step = make_step(f"model_repair_{round_no}", start.code, new, language)
                return Outcome(new, (*start.steps, step), new_validation)
            for tried in (t for t in tries if t is not None):
                code, validation = _better(code, validation, tried[0], tried[1])
        return None

    def _round(
        self,
        backend: Backend,
        code: str,
        validation: Validation,
        target: _Target,
        params: SamplingParams,
        attempts: int,
        cancel: threading.Event | None,
    ) -> list[tuple[str, Validation, set[str]] | None]:
        """One batch of attempts at ``code`` (or at its excerpt, for a long file), checked."""
        excerpt = excerpt_for(code, validation.diagnostics)
        messages = build_prompt(
            code, target.language, validation.diagnostics, excerpt, system=self.system
        )
        splice = _whole if excerpt is None else excerpt.splice
        completions = backend.generate(messages, params, max(attempts, 1), cancel)
        news = [splice(extract(c.text, target.language).code) for c in completions]
        return self._check_all(news, code, target)

    def _check_all(
        self, news: list[str], code: str, target: _Target
    ) -> list[tuple[str, Validation, set[str]] | None]:
        """Each attempt's code, validation and defined names (one batch for the validators
        that take one); None for an empty attempt or one that changed nothing."""
        todo = sorted({new for new in news if new.strip() and new != code})
        t = target
        checks = validate_all(self.validator, todo, t.language, t.version, t.signature)
        known = dict(zip(todo, checks, strict=True))
        return [
            (new, known[new], defined_names(target.language, new)) if new in known else None
            for new in news
        ]


def _params(options: GuidedOptions, round_no: int) -> SamplingParams:
    return SamplingParams(
        temperature=0.0 if options.attempts == 1 and round_no == 1 else 0.7,
        max_tokens=options.max_tokens,
        seed=None if options.seed is None else options.seed + round_no - 1,
        stop_after_code=True,
        greedy_first=True,
    )


def lines_changed(before: str, after: str) -> int:
    """Lines changed: of several valid repairs, the one that changes least is kept."""
    diff = difflib.ndiff(before.splitlines(), after.splitlines())
    return sum(line[:2] in ("+ ", "- ") for line in diff)


def _better(old: str, old_v: Validation, new: str, new_v: Validation) -> tuple[str, Validation]:
    """Carry on from the attempt with fewer errors."""

    def errors(v: Validation) -> int:
        return sum(d.severity == "error" for d in v.diagnostics)

    return (new, new_v) if new_v.diagnostics and errors(new_v) <= errors(old_v) else (old, old_v)
