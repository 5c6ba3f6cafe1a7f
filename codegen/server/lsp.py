"""The language server of one connection: pygls with every feature registered.

Documents: debounced diagnostics for open documents, and code actions that offer generation
from a comment or a selection (as commands: nothing runs until one is chosen). The
``codegen/*`` methods (``methods``), the generate commands run through
``workspace/executeCommand`` (``commands``) and inline completion (``inline``) are registered
here too.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from lsprotocol import types as lsp

from codegen.server import commands, handlers, inline, methods
from codegen.server.comments import description_at
from codegen.server.documents import language_of, slice_text
from codegen.server.protocol import CodegenServer
from codegen.version import __version__

log = logging.getLogger(__name__)

DEBOUNCE_S = 0.25
COMMENT_TITLE = "Generate code from this comment"
SELECTION_TITLE = "Generate code from the selection"


class Diagnostics:
    """Validates open documents a moment after the last change and publishes the result."""

    def __init__(self, state: handlers.State, server: CodegenServer) -> None:
        self._state = state
        self._server = server
        self._timers: dict[str, threading.Timer] = {}
        self._lock = threading.Lock()

    def schedule(self, uri: str) -> None:
        timer = threading.Timer(DEBOUNCE_S, self._publish, args=(uri,))
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
        self._server.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[])
        )

    def _publish(self, uri: str) -> None:
        try:
            doc = self._server.workspace.text_documents.get(uri)
            lang = None if doc is None else language_of(uri, doc.language_id)
            if doc is None or lang is None:
                return
            version, text = doc.version, doc.source
            found = handlers.validate(self._state, {"language": lang.name, "code": text})
            params = {"uri": uri, "version": version, "diagnostics": found["diagnostics"]}
            converter = self._server.protocol._converter
            structured = converter.structure(params, lsp.PublishDiagnosticsParams)
            self._server.text_document_publish_diagnostics(structured)
        except Exception as exc:
            log.error("diagnostics for %s failed: %s: %s", uri, type(exc).__name__, exc)


def build_language_server(state: handlers.State) -> CodegenServer:
    server = CodegenServer("codegen", __version__)
    diagnostics = Diagnostics(state, server)

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
    def code_action(params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
        return code_actions(server, params)

    methods.register(server, state)
    commands.register(server, state)
    inline.register(server, state)
    return server


def code_actions(server: CodegenServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
    """Generate from the selection (when there is one) or from the comment at the cursor."""
    uri = params.text_document.uri
    doc = server.workspace.text_documents.get(uri)
    if doc is None:
        return []
    lines = doc.source.split("\n")
    start, end = params.range.start, params.range.end
    lang = language_of(uri, doc.language_id)
    selection = None
    if (start.line, start.character) != (end.line, end.character):
        selection = slice_text(lines, start, end)
    found = description_at(lines, start.line, selection, lang)
    if found is None:
        return []
    description, insert_line = found
    args: dict[str, Any] = {"uri": uri, "description": description}
    if lang is not None:
        args["languages"] = [lang.name]
    if selection is not None and selection.strip():
        args["range"] = server.protocol._converter.unstructure(params.range)
        title, name = SELECTION_TITLE, commands.GENERATE_FROM_SELECTION
    else:
        args.update(line=start.line, insert_line=insert_line)
        title, name = COMMENT_TITLE, commands.GENERATE_FROM_COMMENT
    command = lsp.Command(title=title, command=name, arguments=[args])
    return [lsp.CodeAction(title=title, kind=lsp.CodeActionKind.Refactor, command=command)]
