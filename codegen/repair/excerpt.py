"""Excerpts for model-guided repair of long files.

Asking a small model to rewrite a 300-line file to fix one bracket costs minutes, often runs
out of max_tokens, and gives it room to change what was right. Past ``LONG`` lines the model
gets the lines around the first error instead, and its answer is spliced back in place; the
whole file is then validated as usual, so a bad splice is simply an attempt that failed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from codegen.types import Diagnostic

LONG = 60  # files longer than this many lines are repaired through an excerpt
RADIUS = 15  # lines kept on each side of the first error
SNAP = 10  # lines an excerpt may grow by to start and end at a blank line


@dataclass(frozen=True)
class Excerpt:
    """Lines ``start`` (0-based, inclusive) to ``end`` (exclusive) of ``code``."""

    code: str
    start: int
    end: int

    @property
    def text(self) -> str:
        return "\n".join(self.code.split("\n")[self.start : self.end])

    @property
    def first_line(self) -> int:
        return self.start + 1

    @property
    def last_line(self) -> int:
        return self.end

    def splice(self, replacement: str) -> str:
        """``code`` with the excerpt's lines replaced by ``replacement``: re-indented if the
        model dropped the excerpt's common indentation, the blank lines around it kept."""
        lines = self.code.split("\n")
        old = lines[self.start : self.end]
        lead = _blank_run(old)
        trail = _blank_run(old[::-1]) if lead < len(old) else 0
        body = _reindent(replacement.strip("\n").split("\n"), _indent(old))
        new = [*old[:lead], *body, *old[len(old) - trail :]]
        return "\n".join([*lines[: self.start], *new, *lines[self.end :]])


def excerpt_for(code: str, diagnostics: Sequence[Diagnostic]) -> Excerpt | None:
    """The excerpt the model should see, or None when the whole file is short enough."""
    lines = code.split("\n")
    errors = [d.line for d in diagnostics if d.severity == "error"]
    if len(lines) <= LONG or not errors:
        return None
    first = min(max(min(errors), 1), len(lines)) - 1
    start, end = max(first - RADIUS, 0), min(first + RADIUS + 1, len(lines))
    return Excerpt(code, *_snap(lines, start, end))


def _snap(lines: Sequence[str], start: int, end: int) -> tuple[int, int]:
    """Widen ``start:end`` by up to ``SNAP`` lines each way to begin and end at blank lines,
    so that the excerpt starts and stops between definitions when it can."""
    for _ in range(SNAP):
        if start == 0 or not lines[start - 1].strip():
            break
        start -= 1
    for _ in range(SNAP):
        if end == len(lines) or not lines[end].strip():
            break
        end += 1
    return start, end


def in_excerpt(diagnostics: Sequence[Diagnostic], excerpt: Excerpt) -> list[Diagnostic]:
    return [d for d in diagnostics if excerpt.first_line <= d.line <= excerpt.last_line]


def _blank_run(lines: Sequence[str]) -> int:
    """How many of ``lines`` are blank before the first that is not."""
    return next((i for i, line in enumerate(lines) if line.strip()), len(lines))


def _indent(lines: Sequence[str]) -> int:
    widths = [len(line) - len(line.lstrip(" ")) for line in lines if line.strip()]
    return min(widths, default=0)


def _reindent(lines: list[str], wanted: int) -> list[str]:
    missing = wanted - _indent(lines)
    if missing <= 0:
        return lines
    return [" " * missing + line if line.strip() else line for line in lines]
