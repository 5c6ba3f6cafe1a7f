"""Standard LSP features on pygls: debounced diagnostics for open documents, and a code action
that offers generation from a comment or selection (as a Command: nothing runs until chosen)."""

from __future__ import annotations

import contextlib
import logging
import threading
from concurrent.futures import Executor
from typing import Any, Protocol

from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcInternalError
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol

from codegen import languages
from codegen.server import handlers
from codegen.server.comments import description_at
from codegen.server.positions import codepoint_index
from codegen.version import __version__

log = logging.getLogger(__name__)

DEBOUNCE_S = 0.25
GENERATE_COMMAND = "codegen.generateFromComment"
GENERATE_TITLE = "Generate code from this comment"


class _Protocol(LanguageServerProtocol):
    """pygls' protocol, minus tracebacks in error replies."""

    def _send_response(self, msg_id: Any, result: Any = None, error: Any = None) -> None:
        if error is not None and getattr(error, "data", None) is not None:
            error = lsp.ResponseError(code=error.code, message=error.message)
        super()._send_response(msg_id, result, error)


def language_of(uri: str, language_id: str | None) -> languages.Language | None:
    found = languages.find(language_id) if language_id else None
    return found or languages.from_extension(uri)


class _Pools(Protocol):
    @property
    def fast(self) -> Executor: ...


class Client(Protocol):
    """What these features need of their connection (``dispatch.Connection`` is one)."""

    @property
    def state(self) -> handlers.State: ...

    @property
    def pools(self) -> _Pools: ...

    def notify(self, method: str, params: Any) -> None: ...


class Diagnostics:
    """Validates open documents a moment after the last change and publishes the result."""

    def __init__(self, conn: Client, server: LanguageServer) -> None:
        self._conn = conn
        self._server = server
        self._timers: dict[str, threading.Timer] = {}
        self._lock = threading.Lock()

    def schedule(self, uri: str) -> None:
        timer = threading.Timer(DEBOUNCE_S, self._fire, args=(uri,))
        timer.daemon = True
        with self._lock:
            old = self._timers.pop(uri, None)
            self._timers[uri] = timer
        if old is not None:
            old.cancel()
        timer.start()

    def forget(self, uri: str) -> None:
        with self._lock:
            old = self._timers.pop(uri, None)
        if old is not None:
            old.cancel()
        self._conn.notify("textDocument/publishDiagnostics", {"uri": uri, "diagnostics": []})

    def _fire(self, uri: str) -> None:
        with contextlib.suppress(RuntimeError):  # pools closed: shutting down
            self._conn.pools.fast.submit(self._publish, uri)

    def _publish(self, uri: str) -> None:
        try:
            doc = self._server.workspace.text_documents.get(uri)
            if doc is None:
                return
            lang = language_of(uri, doc.language_id)
            if lang is None:
                return
            version, text = doc.version, doc.source
            found = handlers.validate(self._conn.state, {"language": lang.name, "code": text})
            params = {"uri": uri, "version": version, "diagnostics": found["diagnostics"]}
            self._conn.notify("textDocument/publishDiagnostics", params)
        except Exception as exc:
            log.error("diagnostics for %s failed: %s: %s", uri, type(exc).__name__, exc)


def build_language_server(conn: Client) -> LanguageServer:
    server = LanguageServer(
        "codegen",
        __version__,
        text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental,
        protocol_cls=_Protocol,
    )
    diagnostics = Diagnostics(conn, server)

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(params: lsp.DidOpenTextDocumentParams) -> None:
        diagnostics.schedule(params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(params: lsp.DidChangeTextDocumentParams) -> None:
        diagnostics.schedule(params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(params: lsp.DidCloseTextDocumentParams) -> None:
        diagnostics.forget(params.text_document.uri)

    options = lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.Refactor])

    @server.feature(lsp.TEXT_DOCUMENT_CODE_ACTION, options)
    def code_action(params: lsp.CodeActionParams) -> list[lsp.CodeAction] | None:
        try:
            return _code_actions(server, params)
        except Exception as exc:
            raise JsonRpcInternalError(message=f"code action failed: {exc}") from None

    return server


def _code_actions(server: LanguageServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
    uri = params.text_document.uri
    doc = server.workspace.text_documents.get(uri)
    if doc is None:
        return []
    lines = doc.source.split("\n")
    start, end = params.range.start, params.range.end
    lang = language_of(uri, doc.language_id)
    selection = None
    if (start.line, start.character) != (end.line, end.character):
        selection = _slice(lines, start, end)
    found = description_at(lines, start.line, selection, lang)
    if found is None:
        return []
    description, insert_line = found
    args: dict[str, Any] = {"uri": uri, "description": description, "insert_line": insert_line}
    if lang is not None:
        args["languages"] = [lang.name]
    command = lsp.Command(title=GENERATE_TITLE, command=GENERATE_COMMAND, arguments=[args])
    action = lsp.CodeAction(title=GENERATE_TITLE, kind=lsp.CodeActionKind.Refactor, command=command)
    return [action]


def _slice(lines: list[str], start: lsp.Position, end: lsp.Position) -> str:
    """The text between two LSP (UTF-16) positions."""
    if start.line >= len(lines):
        return ""
    last = min(end.line, len(lines) - 1)
    a = codepoint_index(lines[start.line], start.character)
    b = codepoint_index(lines[last], end.character)
    if start.line == last:
        return lines[start.line][a:b]
    middle = lines[start.line + 1 : last]
    return "\n".join([lines[start.line][a:], *middle, lines[last][:b]])
