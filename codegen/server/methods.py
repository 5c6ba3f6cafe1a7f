"""The ``codegen/*`` methods as pygls features: params checked, the plain functions of
``handlers`` called (on pygls' worker threads where they may take a while), each with its
request's cancel event; failures become error replies in ``protocol``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from codegen.errors import UsageError
from codegen.server import handlers
from codegen.server.progress import ProgressReporter
from codegen.server.protocol import CodegenServer, current_cancel


def fields(params: Any) -> Mapping[str, Any]:
    """A method's params as an object of fields (absent: none)."""
    if params is None:
        return {}
    if not isinstance(params, Mapping):
        raise UsageError("params must be an object of fields")
    return params


def document_text(ls: CodegenServer, uri: Any) -> str | None:
    """The text of the open document ``uri`` (None: no uri, or not open)."""
    if uri is None:
        return None
    if not isinstance(uri, str):
        raise UsageError("uri: expected a string")
    try:
        doc = ls.workspace.text_documents.get(uri)
    except RuntimeError:  # not initialized: no workspace yet
        return None
    return None if doc is None else str(doc.source)


def register(server: CodegenServer, state: handlers.State) -> None:
    @server.feature("codegen/generate")
    @server.thread()
    def generate(ls: CodegenServer, params: Any) -> Any:
        given = fields(params)
        cancel = current_cancel()
        reporter = ProgressReporter(
            ls, given.get("workDoneToken"), given.get("partialResultToken"), cancel
        )
        try:
            text = document_text(ls, given.get("uri"))
            return handlers.generate(state, given, cancel, reporter, text)
        finally:
            reporter.end()

    @server.feature("codegen/repair")
    @server.thread()
    def repair(ls: CodegenServer, params: Any) -> Any:
        return handlers.repair(state, fields(params), current_cancel())

    @server.feature("codegen/validate")
    @server.thread()
    def validate(ls: CodegenServer, params: Any) -> Any:
        return handlers.validate(state, fields(params))

    @server.feature("codegen/languages")
    def list_languages(ls: CodegenServer, params: Any) -> Any:
        return handlers.list_languages(state, fields(params))

    @server.feature("codegen/accept")
    def accept(ls: CodegenServer, params: Any) -> Any:
        return handlers.accept(state, fields(params))
