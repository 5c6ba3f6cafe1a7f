"""``fix_at_error``: small edits where the checker points (a token dropped, added or swapped).

Tried only after the cheaper steps fail, and kept only when the result validates: delete the
token at the error, insert a closer or separator there or at the end of the line before, and
for Python re-indent the offending line to an indentation used above it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from codegen.types import Diagnostic

_TOKEN = re.compile(r"[A-Za-z_]\w*|\d+|\S")
_INSERTS = (")", "]", "}", ";", ":", ",")
_INDENT_MSG = re.compile(r"indent", re.I)
_NEVER_CLOSED = re.compile(r"'([(\[{])' was never closed")
_PAIRS = {"(": ")", "[": "]", "{": "}"}


def _offset(lines: list[str], line: int, column: int) -> int:
    line = min(max(line, 1), len(lines))
    return sum(len(text) + 1 for text in lines[: line - 1]) + max(column - 1, 0)


def edits(code: str, language: str, diagnostic: Diagnostic) -> Iterator[str]:
    """Versions of ``code`` with one small edit at or just before ``diagnostic``."""
    lines = code.split("\n")
    if not 1 <= diagnostic.line <= len(lines):
        return
    if language == "python" and _INDENT_MSG.search(diagnostic.message):
        yield from _reindent(lines, diagnostic.line - 1)
    never = _NEVER_CLOSED.search(diagnostic.message)
    if never:
        yield from _close_on_line(lines, diagnostic.line - 1, _PAIRS[never.group(1)])
    at = min(_offset(lines, diagnostic.line, diagnostic.column), len(code))
    row = diagnostic.line - 1
    prev = row - 1
    while prev >= 0 and not lines[prev].strip():
        prev -= 1
    starts_line = diagnostic.column - 1 <= len(lines[row]) - len(lines[row].lstrip())
    if starts_line and prev >= 0:
        yield from (_append_to_line(lines, prev, text) for text in _INSERTS)
    token = _TOKEN.search(code, at)
    if token is not None and token.start() - at <= 1:
        yield code[: token.start()] + code[token.end() :]
    for text in _INSERTS:
        yield code[:at] + text + code[at:]
    for other in (row,) if starts_line or prev < 0 else (prev, row):
        yield from (_append_to_line(lines, other, text) for text in _INSERTS)
    yield from _around(code, at)


def _around(code: str, at: int) -> Iterator[str]:
    """Delete the token before the error; swap neighbouring tokens around it."""
    tokens = [m.span() for m in _TOKEN.finditer(code, max(at - 200, 0), min(at + 200, len(code)))]
    here = next((i for i, (start, end) in enumerate(tokens) if end > at), len(tokens) - 1)
    if here > 0:
        start, end = tokens[here - 1]
        yield code[:start] + code[end:]
    for i in range(max(here - 2, 0), min(here + 1, len(tokens) - 1)):
        (s1, e1), (s2, e2) = tokens[i], tokens[i + 1]
        yield code[:s1] + code[s2:e2] + code[e1:s2] + code[s1:e1] + code[e2:]


def _append_to_line(lines: list[str], row: int, text: str) -> str:
    new = list(lines)
    new[row] = new[row].rstrip() + text
    return "\n".join(new)


def _close_on_line(lines: list[str], row: int, closer: str) -> Iterator[str]:
    new = list(lines)
    body = new[row].rstrip()
    if body.endswith(":"):
        new[row] = body[:-1] + closer + ":"
        yield "\n".join(new)
    new[row] = body + closer
    yield "\n".join(new)


def _reindent(lines: list[str], row: int) -> Iterator[str]:
    body = lines[row].lstrip()
    levels: list[int] = []
    for above in reversed(lines[:row]):
        if above.strip():
            width = len(above) - len(above.lstrip())
            if width not in levels:
                levels.append(width)
            if above.rstrip().endswith(":") and width + 4 not in levels and len(levels) == 1:
                levels.insert(0, width + 4)
    if 0 not in levels:
        levels.append(0)
    for width in levels[:6]:
        new = list(lines)
        new[row] = " " * width + body
        yield "\n".join(new)
