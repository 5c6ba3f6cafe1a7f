"""Turn ``Assistant.stream`` events into REPL text: a status line and printed blocks.

Everything shown comes from the events (validity, diagnostics, repairs, rank, score), so better
validators, repairers and rankers show up here without changes.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from codegen import events as ev
from codegen import languages
from codegen.render.terminal import highlight
from codegen.render.verdicts import COMPILES, compile_badge
from codegen.types import Candidate, Result

SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
MAX_DIAGNOSTICS = 5


def _style(text: str, code: str, color: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if color else text


def rule(title: str, width: int, color: bool) -> str:
    width = max(10, min(width, 72))
    line = f"── {title} "
    return _style(line + "─" * max(0, width - len(line)), "1", color)


def badge(cand: Candidate, color: bool) -> str:
    if cand.valid is None:
        return "? unchecked"
    valid = _style("✓ valid", "32", color) if cand.valid else _style("✗ invalid", "31", color)
    compiled = compile_badge(cand)
    if compiled:
        valid += " " + _style(compiled, "32" if compiled == COMPILES else "31", color)
    return valid


def header(cand: Candidate, color: bool) -> str:
    rank = f"#{cand.rank}" if cand.rank is not None else "--"
    parts = [_style(rank, "1", color), cand.id, badge(cand, color)]
    if cand.score is not None:
        parts.append(f"score {cand.score:.3f}")
    if cand.finish_reason != "stop":
        parts.append(f"finish {cand.finish_reason}")
    if cand.repairs:
        parts.append("repaired: " + ", ".join(step.name for step in cand.repairs))
    return " ".join(parts)


def diagnostics(cand: Candidate, color: bool) -> list[str]:
    lines = [
        _style(f"  {d.line}:{d.column}: {d.severity}: {d.message} [{d.source}]", "33", color)
        for d in cand.diagnostics[:MAX_DIAGNOSTICS]
    ]
    more = len(cand.diagnostics) - MAX_DIAGNOSTICS
    if more > 0:
        lines.append(f"  … and {more} more")
    return lines


def candidate_block(cand: Candidate, color: bool, code: bool = True) -> str:
    lines = [header(cand, color)]
    if code:
        lines.append(highlight(cand.code.rstrip("\n"), cand.language, color))
    lines += diagnostics(cand, color)
    return "\n".join(lines)


def ranked_block(language: str, cands: tuple[Candidate, ...], color: bool, width: int) -> str:
    lang = languages.find(language)
    valid = sum(1 for c in cands if c.valid)
    out = [rule(f"{lang.display if lang else language} {valid}/{len(cands)} valid", width, color)]
    for cand in sorted(cands, key=lambda c: (c.rank is None, c.rank or 0, c.id)):
        if cand.rank is not None:
            out.append(candidate_block(cand, color))
        else:
            out.append(candidate_block(cand, color, code=False))
            out.append(f"  (/show {cand.id} for its code, /repair {cand.id} to try a repair)")
        out.append("")
    return "\n".join(out)


def explain(cand: Candidate, color: bool) -> str:
    """Why a candidate stands where it does: the evidence the stages recorded."""
    lines = [header(cand, color)]
    lines.append(f"  tokens: prompt {cand.prompt_tokens}, completion {cand.completion_tokens}")
    if cand.mean_logprob is not None:
        lines.append(f"  mean log-probability: {cand.mean_logprob:.3f}")
    if cand.score_parts:
        parts = ", ".join(f"{k} {v:.3f}" for k, v in cand.score_parts.items())
        lines.append(f"  score parts: {parts}")
    lines.append(f"  checked by: {', '.join(cand.validators) or 'nothing'}")
    lines += diagnostics(cand, color)
    for step in cand.repairs:
        note = f" ({step.note})" if step.note else ""
        lines.append(f"  repair {step.name}{note}, penalty {step.penalty:.2f}:")
        lines.append(highlight(step.diff.rstrip("\n"), "diff", color))
    return "\n".join(lines)


def diff(a: Candidate, b: Candidate, color: bool) -> str:
    text = "".join(
        difflib.unified_diff(
            a.code.splitlines(keepends=True),
            b.code.splitlines(keepends=True),
            fromfile=a.id,
            tofile=b.id,
        )
    )
    if not text:
        return f"{a.id} and {b.id} are identical"
    return highlight(text.rstrip("\n"), "diff", color)


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
            return _style(f"error: {event.error}", "31", self.color)
        return ""

    def _bump(self, language: str) -> str:
        count = self.counts.setdefault(language, [0, 0])
        count[0] += 1
        return f"{count[0]}/{max(count)}"


def summary(result: Result, color: bool) -> str:
    parts = []
    for name in result.request.language_names:
        cands = result.for_language(name)
        part = f"{name} {sum(1 for c in cands if c.valid)}/{len(cands)} valid"
        if any(c.valid and c.compiles is not None for c in cands):
            part += f", {sum(1 for c in cands if c.compiles)} compile"
        parts.append(part)
    seconds = result.timings.get("total_ms", 0.0) / 1000
    text = f"done: {', '.join(parts)} in {seconds:.1f} s · /show N, /save N PATH, /help"
    return _style(text, "2", color)
