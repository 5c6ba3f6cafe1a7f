"""Split context into chunks the prompt builder can rank and drop one by one.

A chunk is a definition (a function, a class, a method), a run of other top-level code, or at
most ``MAX_CHUNK_LINES`` lines: a large class is split into its header and its members (so a
Java file, one class, is many chunks), a long function or statement run into windows of
lines. Text without a grammar (or not in a known language) is split at blank lines, then into
windows. With a focus line (an editor's cursor), the lines around it form one pinned chunk
that the builder always keeps; the other chunks lose those lines.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from codegen import parsing
from codegen.parsing import Chunk

MAX_CHUNK_LINES = 60
FOCUS_ABOVE = 24  # lines above the focus line kept with it
FOCUS_BELOW = 8
_DEFINITION = ("function", "class", "method", "impl", "struct", "interface", "trait", "enum")
_DECORATED = ("decorated_definition", "constructor_declaration")
_BODY = ("body", "block", "declaration_list")

Span = tuple[int, int]  # 0-based first and last line, inclusive


def _is_body(node: Any) -> bool:
    return any(word in node.type for word in _BODY)


def _is_definition(node: Any) -> bool:
    if _is_body(node):
        return False
    return node.type in _DECORATED or any(word in node.type for word in _DEFINITION)


def _members(node: Any) -> list[Any]:
    """The named children of a definition's body (a class' methods and fields)."""
    out: list[Any] = []
    for child in node.named_children:
        if _is_body(child):
            out += [c for c in child.named_children]
    return out


def _windows(span: Span) -> list[Span]:
    first, last = span
    return [
        (a, min(a + MAX_CHUNK_LINES - 1, last)) for a in range(first, last + 1, MAX_CHUNK_LINES)
    ]


def _definition_spans(node: Any) -> list[Span]:
    first, last = node.start_point[0], node.end_point[0]
    if last - first < MAX_CHUNK_LINES:
        return [(first, last)]
    members = _members(node)
    at = next((i for i, m in enumerate(members) if _is_definition(m)), None)
    if at is None:
        return _windows((first, last))
    # The header (up to the first member definition: fields, docstring) and the members.
    start = members[at].start_point[0]
    header = _windows((first, start - 1)) if start > first else []
    return header + _node_spans(members[at:])


def _node_spans(nodes: Sequence[Any]) -> list[Span]:
    """Definitions one by one (large ones split), the code between them in runs."""
    spans: list[Span] = []
    run: list[Any] = []

    def flush() -> None:
        if run:
            spans.extend(_windows((run[0].start_point[0], run[-1].end_point[0])))
            run.clear()

    for node in nodes:
        if _is_definition(node):
            flush()
            spans.extend(_definition_spans(node))
        else:
            run.append(node)
    flush()
    return spans


def _paragraph_spans(lines: list[str]) -> list[Span]:
    spans: list[Span] = []
    start: int | None = None
    for i, line in enumerate([*lines, ""]):
        if line.strip() and start is None:
            start = i
        elif not line.strip() and start is not None:
            spans.extend(_windows((start, i - 1)))
            start = None
    return spans


def spans(language: str, code: str) -> list[Span]:
    """The line spans of ``code``'s chunks, in order."""
    tree = parsing.parse(language, code) if language else None
    if tree is None:
        return _paragraph_spans(code.split("\n"))
    return [s for s in _node_spans(tree.root_node.named_children) if s[0] <= s[1]]


def focus_window(line_count: int, focus: int) -> Span:
    """The 0-based span kept around the 1-based ``focus`` line."""
    at = min(max(focus - 1, 0), max(line_count - 1, 0))
    return max(0, at - FOCUS_ABOVE), min(line_count - 1, at + FOCUS_BELOW)


def _outside(span: Span, window: Span) -> list[Span]:
    """The parts of ``span`` outside ``window``."""
    parts = [(span[0], min(span[1], window[0] - 1)), (max(span[0], window[1] + 1), span[1])]
    return [p for p in parts if p[0] <= p[1]]


def split(code: str, language: str, source: str, focus: int | None = None) -> list[Chunk]:
    """``code`` as chunks (``language``: its registry name, '' when unknown); with ``focus``,
    the window around that line pinned, and the other chunks without those lines. In line
    order."""
    lines = code.split("\n")
    found = spans(language, code)
    pinned: list[Chunk] = []
    if focus is not None and lines:
        window = focus_window(len(lines), focus)
        found = [part for span in found for part in _outside(span, window)]
        pinned = [_chunk(lines, window, language, source, pinned=True)]
    chunks = [_chunk(lines, span, language, source) for span in found]
    ordered = sorted([*pinned, *chunks], key=lambda c: c.start_line)
    return [c for c in ordered if c.text.strip()]


def _chunk(lines: list[str], span: Span, language: str, source: str, pinned: bool = False) -> Chunk:
    text = "\n".join(lines[span[0] : span[1] + 1])
    return Chunk(text, span[0] + 1, source, language, pinned)


def in_order(chunks: Iterable[Chunk], keep: Iterable[Chunk]) -> list[Chunk]:
    """The chunks of ``keep`` in the order they have in ``chunks``."""
    wanted = {id(c) for c in keep}
    return [c for c in chunks if id(c) in wanted]
