"""What ``codegen gen`` shows on a terminal while a request runs.

The first candidate of the language being generated (the greedy one, with ``greedy_first``)
appears as it decodes, and highlighted once it is complete; under it, one status line per
language: candidates done, tokens/s, then validating, repairing, ranked. Everything comes from
``Assistant.stream(..., tokens=True)`` events. The display is transient: when the request ends
it is cleared and the ranked result is printed as it would be without it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, TextIO

from codegen import events as ev
from codegen.prompting.extract import extract
from codegen.render.terminal import Code, console, to_text, width_of

REFRESH_PER_SECOND = 12


@dataclass
class _Lang:
    """One language's progress."""

    n: int
    done: int = 0
    tokens: int = 0
    first_token: float | None = None
    stage: str = "reading the prompt"

    def line(self, name: str) -> str:
        parts = [f"{name:<11} {self.done}/{self.n} candidates"]
        if self.first_token is not None and self.tokens:
            seconds = max(time.perf_counter() - self.first_token, 1e-3)
            parts.append(f"{self.tokens / seconds:.0f} tokens/s")
        parts.append(self.stage)
        return " · ".join(parts)


@dataclass
class _Shown:
    """The candidate on show: its text so far, or its highlighted code once complete."""

    language: str = ""
    candidate_id: str = ""
    text: str = ""
    code: str | None = None


@dataclass
class LiveState:
    """The display's content, driven by events; ``lines`` renders it to plain lines."""

    color: bool
    langs: dict[str, _Lang] = field(default_factory=dict)
    shown: _Shown = field(default_factory=_Shown)

    def update(self, event: ev.Event) -> None:
        if isinstance(event, ev.LanguageStarted):
            self.langs[event.language] = _Lang(event.n)
            self.shown = _Shown(event.language, f"{event.language}-1")
        elif isinstance(event, ev.TokensGenerated):
            self._tokens(event)
        elif isinstance(event, ev.CandidateGenerated):
            self._generated(event.candidate.language, event.candidate.id, event.candidate.code)
        elif isinstance(event, ev.CandidateValidated) and event.candidate.valid is False:
            self._stage(event.candidate.language, f"repairing {event.candidate.id}")
        elif isinstance(event, ev.Ranked):
            valid = sum(1 for c in event.candidates if c.valid)
            self._stage(event.language, f"ranked, {valid}/{len(event.candidates)} valid")

    def _tokens(self, event: ev.TokensGenerated) -> None:
        lang = self.langs.get(event.language)
        if lang is None:
            return
        if lang.first_token is None:
            lang.first_token = time.perf_counter()
            lang.stage = "decoding"
        lang.tokens += event.tokens
        if event.candidate_id == self.shown.candidate_id and self.shown.code is None:
            self.shown.text += event.text

    def _generated(self, language: str, cand_id: str, code: str) -> None:
        lang = self.langs.get(language)
        if lang is not None:
            lang.done += 1
            lang.stage = "validating"
        if cand_id == self.shown.candidate_id:
            self.shown.code = code

    def _stage(self, language: str, stage: str) -> None:
        if language in self.langs:
            self.langs[language].stage = stage

    def lines(self, height: int) -> list[str]:
        """The display, at most ``height`` lines: the newest lines of the code on show, then
        the status lines."""
        status = [lang.line(name) for name, lang in list(self.langs.items())]
        room = max(1, height - len(status) - 1)
        code = self._code_lines()[-room:] if self.shown.candidate_id else []
        head = [f"{self.shown.candidate_id}:"] if code else []
        return head[: max(0, height - len(status) - len(code))] + code + status

    def _code_lines(self) -> list[str]:
        if self.shown.code is not None:
            code = Code(self.shown.code, self.shown.language)
            return to_text([code], self.color).rstrip("\n").splitlines()
        return extract(self.shown.text, self.shown.language).code.splitlines()


class LiveView:
    """``LiveState`` on a rich ``Live`` display on ``stream`` (the renderer's console), started
    at the first language."""

    def __init__(self, stream: TextIO, color: bool) -> None:
        self._console = console(stream, color, width_of(stream), live=True)
        self.state = LiveState(color)
        self._live: Any = None

    def update(self, event: ev.Event) -> None:
        self.state.update(event)
        if self._live is None and isinstance(event, ev.LanguageStarted):
            from rich.live import Live

            self._live = Live(
                self._renderable(),
                console=self._console,
                transient=True,
                auto_refresh=True,
                refresh_per_second=REFRESH_PER_SECOND,
                get_renderable=self._renderable,
            )
            self._live.start()

    def stop(self) -> None:
        if self._live is not None:
            self._live.stop()
            self._live = None

    def _renderable(self) -> Any:
        from rich.text import Text

        height = max(3, self._console.size.height - 1)
        return Text.from_ansi("\n".join(self.state.lines(height)))
