"""Turn ``Assistant.stream`` events and REPL commands into text, through the one renderer.

Everything shown comes from the events (validity, diagnostics, repairs, rank, score), so better
validators, repairers and rankers show up here without changes. The blocks themselves are
``codegen.render.blocks``, as ``codegen gen`` shows them; here they become strings, which the
REPL prints through prompt-toolkit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from rich.console import RenderableType
from rich.text import Text

from codegen import events as ev
from codegen.render import blocks
from codegen.render.terminal import to_text
from codegen.render.verdicts import compile_badge
from codegen.types import Candidate, Diagnostic, Result

SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
INVALID_HINT = "(/show {id} for its code, /repair {id} to try a repair)"


def _text(item: RenderableType, color: bool) -> str:
    return _items([item], color)


def _items(items: Sequence[RenderableType], color: bool, width: int | None = None) -> str:
    return to_text(items, color, width).rstrip("\n")


def badge(cand: Candidate, color: bool) -> str:
    return _text(blocks.badge(cand), color)


def diagnostics(diags: Sequence[Diagnostic], color: bool) -> str:
    return _items(blocks.diagnostics(diags), color)


def candidate_block(cand: Candidate, color: bool) -> str:
    return _items(blocks.candidate(cand), color)


def ranked_block(language: str, cands: tuple[Candidate, ...], color: bool, width: int) -> str:
    """A language's candidates, best first; invalid ones without their code."""
    return _items(blocks.language(language, cands, width, invalid_hint=INVALID_HINT), color, width)


def explain(cand: Candidate, color: bool) -> str:
    return _items(blocks.explain(cand), color, blocks.RULE_WIDTH)


def diff(a: Candidate, b: Candidate, color: bool) -> str:
    return _items(blocks.diff(a, b), color)


@dataclass
class EventView:
    """Follows one request's events; ``show`` returns text to print, ``status`` the live line."""

    color: bool
    width: int
    status: str = "starting"
    counts: dict[str, list[int]] = field(default_factory=dict)

    def show(self, event: ev.Event) -> str:
        if isinstance(event, ev.Started):
            self.status = f"loading {event.model}"
        elif isinstance(event, ev.LanguageStarted):
            self.counts[event.language] = [0, event.n]
            self.status = f"generating {event.language} 0/{event.n}"
        elif isinstance(event, ev.CandidateGenerated):
            done = self._bump(event.candidate.language)
            self.status = f"generating {event.candidate.language} {done}; validating"
        elif isinstance(event, ev.CandidateValidated):
            cand = event.candidate
            self.status = f"validated {cand.id}"
            if not cand.valid:
                self.status = f"repairing {cand.id}"
            return f"  {cand.id}: {badge(cand, self.color)}"
        elif isinstance(event, ev.CandidateCompiled):
            cand = event.candidate
            self.status = f"compiled {cand.language}"
            compiled = compile_badge(cand)
            return f"  {cand.id}: {badge(cand, self.color)}" if compiled else ""
        elif isinstance(event, ev.CandidateRepaired):
            cand = event.candidate
            steps = ", ".join(s.name for s in cand.repairs) or "no repair found"
            self.status = f"ranking {cand.language}"
            return f"  {cand.id}: repair: {steps} → {badge(cand, self.color)}"
        elif isinstance(event, ev.Ranked):
            self.status = "ranked"
            return ranked_block(event.language, event.candidates, self.color, self.width)
        elif isinstance(event, ev.Finished):
            return summary(event.result, self.color)
        elif isinstance(event, ev.Failed):
            return _text(Text(f"error: {event.error}", style="red"), self.color)
        return ""

    def _bump(self, language: str) -> str:
        count = self.counts.setdefault(language, [0, 0])
        count[0] += 1
        return f"{count[0]}/{max(count)}"


def summary(result: Result, color: bool) -> str:
    return _text(blocks.summary(result), color)
