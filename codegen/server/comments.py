"""Find the description a code action offers to generate from: a selection or a comment."""

from __future__ import annotations

import re

from codegen.languages import Language

_MARKERS = ("#", "//", "--", "/*", "*/", "*", ";", '"""', "'''")
_STRIP = re.compile(r'^\s*(?:///?|#+|--|/\*+|\*+/?|;+|"""|\'\'\')?\s?')
_TAIL = re.compile(r'\s*(?:\*+/|"""|\'\'\')\s*$')


def is_comment(line: str, lang: Language | None) -> bool:
    text = line.strip()
    if not text:
        return False
    markers = (*_MARKERS, lang.line_comment) if lang is not None else _MARKERS
    return text.startswith(markers)


def clean(text: str) -> str:
    """Comment markers dropped from every line; blank lines dropped; lines joined by spaces."""
    out = []
    for line in text.split("\n"):
        stripped = _TAIL.sub("", _STRIP.sub("", line, count=1)).strip()
        if stripped:
            out.append(stripped)
    return " ".join(out)


def description_at(
    lines: list[str], line: int, selection: str | None, lang: Language | None
) -> tuple[str, int] | None:
    """(description, 0-based line to insert code at) for a selection or the comment at ``line``."""
    if selection is not None and selection.strip():
        end = line + selection.count("\n")
        return clean(selection) or selection.strip(), end + 1
    if not 0 <= line < len(lines) or not is_comment(lines[line], lang):
        return None
    first = last = line
    while first > 0 and is_comment(lines[first - 1], lang):
        first -= 1
    while last + 1 < len(lines) and is_comment(lines[last + 1], lang):
        last += 1
    description = clean("\n".join(lines[first : last + 1]))
    if not description:
        return None
    return description, last + 1
