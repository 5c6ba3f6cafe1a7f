"""What a REPL session remembers: its settings, context, past requests and the last result.

Selectors name a candidate as docs/architecture.md ("The result") says: a rank (``2``), a rank
in one language (``python:2``) or a candidate id (``python-3``, which also reaches invalid,
unranked ones).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codegen import languages
from codegen.config import Settings
from codegen.errors import UsageError
from codegen.paths import data_dir
from codegen.requests import build_request
from codegen.signatures import Signature
from codegen.types import Candidate, GenerationRequest, Result

# Settings a REPL command can change (and `/settings save` writes), in display order.
SESSION_KEYS = ("languages", "n", "temperature", "model", "exec", "max_tokens", "constrain")
SOURCE = "repl"


def history_path() -> Path:
    return data_dir() / "repl_history"


@dataclass(frozen=True)
class Turn:
    """One request of this session and how it ended."""

    description: str
    languages: tuple[languages.LanguageSpec, ...]
    n: int
    outcome: str


@dataclass
class ReplState:
    settings: Settings
    context: tuple[str, ...] = ()
    signature: Signature = None  # --signature / /signature: one for all, or per language
    result: Result | None = None
    turns: list[Turn] = field(default_factory=list)

    def request_for(self, description: str) -> GenerationRequest:
        """The request of one turn: the session's settings, context and signature."""
        fields: dict[str, Any] = {"description": description, "context": self.context}
        if self.signature:
            fields["signature"] = self.signature
        return build_request(fields, self.settings)

    def set(self, values: dict[str, Any]) -> None:
        """Apply checked setting values (config keys) made in this session."""
        self.settings = self.settings.with_overrides(values, SOURCE)

    def changed(self) -> dict[str, Any]:
        """The settings changed in this session, as config values (for `/settings save`)."""
        out: dict[str, Any] = {}
        for key in SESSION_KEYS:
            if self.settings.sources.get(key) == SOURCE:
                value = getattr(self.settings, key)
                out[key] = list(value) if isinstance(value, tuple) else value
        return out

    def candidates(self) -> list[Candidate]:
        return list(self.result.candidates) if self.result else []

    def select(self, text: str) -> Candidate:
        """The candidate a selector names; UsageError saying what exists when none matches."""
        result = self.result
        if result is None or not result.candidates:
            raise UsageError("no candidates yet: describe what you want first")
        sel = text.strip()
        for cand in result.candidates:
            if cand.id == sel:
                return cand
        lang_name, sep, rank_text = sel.rpartition(":")
        langs = list(result.request.language_names)
        if sep:
            lang = languages.find(lang_name)
            if lang is None or lang.name not in langs:
                have = ", ".join(langs)
                raise UsageError(f"'{sel}': no candidates for '{lang_name}' (have: {have})")
            langs = [lang.name]
        try:
            rank = int(rank_text)
        except ValueError:
            raise UsageError(
                f"'{sel}': expected a rank (1), language:rank (python:2) or an id (python-1)"
            ) from None
        for name in langs:
            found = result.by_rank(name, rank)
            if found is not None:
                return found
        ranks = [c.rank for c in result.candidates if c.rank is not None and c.language in langs]
        have = f"ranks 1-{max(ranks)}" if ranks else "no valid (ranked) candidates"
        ids = ", ".join(c.id for c in result.candidates if c.language in langs)
        raise UsageError(f"no candidate ranked {rank}: there are {have} (ids: {ids})")

    def selectors(self) -> list[str]:
        """Every selector valid now (for completion)."""
        out: list[str] = []
        multi = self.result is not None and len(self.result.request.languages) > 1
        for cand in self.candidates():
            if cand.rank is not None:
                out.append(f"{cand.language}:{cand.rank}" if multi else str(cand.rank))
            out.append(cand.id)
        return out
