"""``fix_at_error``: small edits where the checker points (a token dropped, added or swapped).

Tried only after the cheaper steps fail, and kept only when the result validates: delete the
token at the error, insert a closer or separator there or at the end of the line before, and
for Python re-indent the offending line to an indentation used above it. When the file has
more of one bracket than of its partner, the missing one is tried at each token boundary of
the error's line and the line before (nearest the error first), and a surplus one there is
tried deleted: a dropped ``(`` or ``}`` mid-line is where checkers point one line late.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterator
from itertools import accumulate

from codegen import parsing
from codegen.types import Diagnostic

_TOKEN = re.compile(r"[A-Za-z_]\w*|\d+|\S")
_INSERTS = (")", "]", "}", ";", ":", ",")
_INDENT_MSG = re.compile(r"indent", re.I)
_NEVER_CLOSED = re.compile(r"'([(\[{])' was never closed")
_PAIRS = {"(": ")", "[": "]", "{": "}"}
_BRACKET_TOKENS = {"${": "{", **{b: b for b in "()[]{}"}}  # a JS template's ${ opens a {
_NEAREST = 16  # token boundaries tried for a missing bracket, nearest the error first


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
    window = (_offset(lines, max(prev, 0) + 1, 1), _offset(lines, row + 1, 1) + len(lines[row]))
    yield from _balance(code, language, at, window)
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


def _balance(code: str, language: str, at: int, window: tuple[int, int]) -> Iterator[str]:
    """Insert the bracket the file lacks, or delete one it has too many of, near ``at``."""
    tokens = _tokens(code, language)
    if tokens is None:
        return
    counts = Counter(_BRACKET_TOKENS.get(kind, "") for kind, _, _ in tokens)
    near = [(kind, s, e) for kind, s, e in tokens if window[0] <= s < window[1]]
    spots = sorted({p for _, s, e in near for p in (s, e)}, key=lambda p: abs(p - at))
    for opener, closer in _PAIRS.items():
        surplus = counts[opener] - counts[closer]
        if surplus == 0:
            continue
        missing, extra = (closer, opener) if surplus > 0 else (opener, closer)
        deletions = [code[:s] + code[e:] for kind, s, e in near if kind == extra]
        if any(kind == extra and s <= at < e + 1 for kind, s, e in near):
            yield from deletions  # the checker points at the surplus bracket itself
        yield from (code[:p] + missing + code[p:] for p in spots[:_NEAREST])
        yield from deletions


def _tokens(code: str, language: str) -> list[tuple[str, int, int]] | None:
    """(type, start, end) of each token tree-sitter sees, as string offsets (a string literal's
    inside is one token, not many). None when the language has no grammar."""
    tree = parsing.parse(language, code)
    if tree is None:
        return None
    leaves = parsing.leaves(tree.root_node)
    if len(code.encode("utf-8")) == len(code):
        return [(leaf.type, leaf.start_byte, leaf.end_byte) for leaf in leaves]
    ends = list(accumulate(len(ch.encode("utf-8")) for ch in code))  # byte end of each char
    return [
        (leaf.type, bisect_right(ends, leaf.start_byte), bisect_right(ends, leaf.end_byte))
        for leaf in leaves
    ]


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
