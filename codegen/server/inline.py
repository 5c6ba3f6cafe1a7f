"""``textDocument/inlineCompletion`` (LSP 3.18) and ``textDocument/completion`` from the spot
at the cursor (``spots``): the ranked valid candidates as items, best first.

Both generate with the document as context (focused on the cursor line), ``server.inline_n``
candidates of at most ``server.inline_max_tokens`` tokens, with a fixed seed (so the response
cache answers repeats across sessions too). Debounced: an automatic request waits
``server.debounce`` seconds, and a newer request for the same document stops an older one
(which then answers with no items). Cancellable: ``$/cancelRequest`` stops the generation.
Cached: the items of the last requests are kept by their request, so asking again at the
same place with the same document answers at once. Completion items are snippets.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lsprotocol import types as lsp

from codegen.errors import Cancelled
from codegen.server import handlers
from codegen.server.documents import language_of
from codegen.server.positions import utf16_column
from codegen.server.protocol import CodegenServer, current_cancel
from codegen.server.spots import Spot, insertion, spot_at

MEMO_SIZE = 64
_POLL_S = 0.02


@dataclass(frozen=True)
class Item:
    """One completion: the text inserted at the cursor, and the candidate it came from."""

    text: str
    candidate_id: str
    rank: int


class Latest:
    """The newest completion request per document: a newer one stops the older one."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_uri: dict[str, tuple[threading.Event, threading.Event]] = {}

    def begin(self, uri: str, cancel: threading.Event) -> threading.Event:
        """Register a request; returns the event set when a newer one replaces it."""
        superseded = threading.Event()
        with self._lock:
            old = self._by_uri.get(uri)
            self._by_uri[uri] = (cancel, superseded)
        if old is not None:
            old[1].set()
            old[0].set()  # stop its generation
        return superseded

    def wait(self, cancel: threading.Event, seconds: float) -> bool:
        """Sleep ``seconds`` unless stopped first; True when still wanted."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if cancel.wait(min(_POLL_S, max(0.0, deadline - time.monotonic()))):
                return False
        return not cancel.is_set()


class Memo:
    """The items of the last ``MEMO_SIZE`` requests, by the request's content."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: OrderedDict[str, list[Item]] = OrderedDict()

    @staticmethod
    def key(raw: Mapping[str, Any], text: str) -> str:
        data = json.dumps([raw, text], sort_keys=True, default=str)
        return hashlib.sha256(data.encode()).hexdigest()

    def get(self, key: str) -> list[Item] | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: str, items: list[Item]) -> None:
        with self._lock:
            self._items[key] = items
            self._items.move_to_end(key)
            while len(self._items) > MEMO_SIZE:
                self._items.popitem(last=False)


class Completer:
    """Spot, debounce, memo and generation shared by the two completion methods."""

    def __init__(self, state: handlers.State) -> None:
        self.state = state
        self.latest = Latest()
        self.memo = Memo()

    def items(
        self, ls: CodegenServer, uri: str, position: lsp.Position, invoked: bool
    ) -> tuple[Spot, list[Item]] | None:
        doc = ls.workspace.text_documents.get(uri)
        lang = None if doc is None else language_of(uri, doc.language_id)
        if doc is None or lang is None:
            return None
        lines = doc.source.split("\n")
        spot = spot_at(lines, position.line, position.character, lang, invoked)
        if spot is None:
            return None
        raw = self._request(spot, lang.name, position.line + 1)
        key = self.memo.key(raw, doc.source)
        found = self.memo.get(key)
        if found is not None:
            return spot, found
        cancel = current_cancel()
        superseded = self.latest.begin(uri, cancel)
        delay = 0.0 if invoked else self.state.settings.server_debounce
        if not self.latest.wait(cancel, delay):
            return _stopped(spot, superseded)
        try:
            result = handlers.generate(self.state, raw, cancel, lambda event: None, doc.source)
        except Cancelled:
            return _stopped(spot, superseded)
        items = _items(spot, result)
        self.memo.put(key, items)
        return spot, items

    def _request(self, spot: Spot, language: str, focus: int) -> dict[str, Any]:
        settings = self.state.settings
        raw: dict[str, Any] = {
            "description": spot.description,
            "languages": [language],
            "n": settings.server_inline_n,
            "max_tokens": settings.server_inline_max_tokens,
            "seed": settings.seed if settings.seed is not None else 0,
            "focus": focus,
        }
        if spot.signature:
            raw["signature"] = spot.signature
        return raw


def _stopped(spot: Spot, superseded: threading.Event) -> tuple[Spot, list[Item]]:
    """A request a newer one replaced answers with no items; one the client cancelled fails
    as cancelled."""
    if superseded.is_set():
        return spot, []
    raise Cancelled("cancelled")


def _items(spot: Spot, result: Mapping[str, Any]) -> list[Item]:
    ranked = [c for c in result.get("candidates", []) if c.get("rank") is not None]
    items: list[Item] = []
    for cand in sorted(ranked, key=lambda c: int(c["rank"])):
        text = insertion(spot, str(cand["code"]))
        if text is not None and text not in [i.text for i in items]:
            items.append(Item(text, str(cand["id"]), int(cand["rank"])))
    return items


def snippet_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("$", "\\$").replace("}", "\\}")


def completion_item(spot: Spot, item: Item, line: int, cursor: lsp.Position, text: str) -> Any:
    """A snippet replacing the typed part of the line (or inserted at the cursor)."""
    start = cursor
    if spot.prefix:
        start = lsp.Position(line=line, character=utf16_column(text, len(spot.indent) + 1))
    label = next((row.strip() for row in (spot.prefix + item.text).split("\n") if row.strip()), "")
    return lsp.CompletionItem(
        label=label[:80],
        kind=lsp.CompletionItemKind.Snippet,
        detail=f"codegen {item.candidate_id} (#{item.rank})",
        documentation=lsp.MarkupContent(
            kind=lsp.MarkupKind.Markdown, value=f"```\n{spot.prefix}{item.text}\n```"
        ),
        sort_text=f"{item.rank:03d}",
        filter_text=spot.prefix or label,
        insert_text_format=lsp.InsertTextFormat.Snippet,
        text_edit=lsp.TextEdit(
            range=lsp.Range(start=start, end=cursor),
            new_text=snippet_escape(spot.prefix + item.text),
        ),
    )


def register(server: CodegenServer, state: handlers.State) -> None:
    completer = Completer(state)

    @server.feature(lsp.TEXT_DOCUMENT_INLINE_COMPLETION, lsp.InlineCompletionOptions())
    @server.thread()
    def inline_completion(ls: CodegenServer, params: lsp.InlineCompletionParams) -> Any:
        invoked = params.context.trigger_kind == lsp.InlineCompletionTriggerKind.Invoked
        found = completer.items(ls, params.text_document.uri, params.position, invoked)
        if found is None:
            return lsp.InlineCompletionList(items=[])
        at = lsp.Range(start=params.position, end=params.position)
        items = [lsp.InlineCompletionItem(insert_text=i.text, range=at) for i in found[1]]
        return lsp.InlineCompletionList(items=items)

    @server.feature(lsp.TEXT_DOCUMENT_COMPLETION, lsp.CompletionOptions())
    @server.thread()
    def completion(ls: CodegenServer, params: lsp.CompletionParams) -> Any:
        uri, at = params.text_document.uri, params.position
        found = completer.items(ls, uri, at, invoked=False)
        if found is None:
            return lsp.CompletionList(is_incomplete=False, items=[])
        doc = ls.workspace.text_documents.get(uri)
        text = doc.source.split("\n")[at.line] if doc is not None else ""
        spot, items = found
        entries = [completion_item(spot, item, at.line, at, text) for item in items]
        return lsp.CompletionList(is_incomplete=False, items=entries)
