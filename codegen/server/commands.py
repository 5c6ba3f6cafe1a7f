"""The generate commands, run by any LSP client through ``workspace/executeCommand``.

``codegen.generateFromComment {uri, line | insert_line, description?, languages?, …}``
generates from the comment at ``line`` (or the given description) and inserts the best
candidate below the comment, indented like it; ``codegen.generateFromSelection {uri, range,
languages?, …}`` generates from the selected text and puts the best candidate in its place.
Both take the open document as context, report ``$/progress`` while they work (the client's
``workDoneToken``, else a server-created token), stop on ``$/cancelRequest`` or the progress'
cancel button, and apply the edit with ``workspace/applyEdit``. Other request fields (``n``,
``max_tokens``, …) may come along. The result says whether the edit was applied and which
candidate it holds; a client that cannot apply edits gets the edit in the result.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lsprotocol import types as lsp

from codegen.errors import UsageError
from codegen.server import handlers
from codegen.server.comments import clean, description_at
from codegen.server.documents import Placement, below, language_of, replacing, slice_text
from codegen.server.progress import ProgressReporter, server_token
from codegen.server.protocol import CodegenServer, current_cancel, current_params
from codegen.store.audit import record_accept

log = logging.getLogger(__name__)

GENERATE_FROM_COMMENT = "codegen.generateFromComment"
GENERATE_FROM_SELECTION = "codegen.generateFromSelection"
APPLY_TIMEOUT_S = 30.0
# Argument keys that say where and what; any other key is a request field (build_request).
PLACE_KEYS = ("uri", "line", "insert_line", "range", "description", "languages")


@dataclass(frozen=True)
class Target:
    """What a command generates and where it goes: ``anchor`` is the text that must still be
    at ``anchor_lines`` when the code arrives (else the document moved under us)."""

    description: str
    language: str
    anchor_lines: tuple[int, int]
    anchor: str
    selection: lsp.Range | None = None
    insert_line: int = 0

    def placement(self, lines: list[str], code: str) -> Placement:
        if self.selection is not None:
            return replacing(lines, self.selection, code)
        return below(lines, self.insert_line, self.anchor_lines[0], code)

    def still_there(self, lines: list[str]) -> bool:
        first, last = self.anchor_lines
        return "\n".join(lines[first : last + 1]) == self.anchor


def register(server: CodegenServer, state: handlers.State) -> None:
    @server.command(GENERATE_FROM_COMMENT)
    @server.thread()
    def from_comment(ls: CodegenServer, *arguments: Any) -> dict[str, Any]:
        return run(ls, state, arguments, selection=False)

    @server.command(GENERATE_FROM_SELECTION)
    @server.thread()
    def from_selection(ls: CodegenServer, *arguments: Any) -> dict[str, Any]:
        return run(ls, state, arguments, selection=True)


def _arguments(arguments: tuple[Any, ...]) -> Mapping[str, Any]:
    if len(arguments) != 1 or not isinstance(arguments[0], Mapping):
        raise UsageError("arguments: expected one object {uri, ...}")
    args = arguments[0]
    if not isinstance(args.get("uri"), str):
        raise UsageError("arguments.uri: expected the document's URI")
    return args


def _line(args: Mapping[str, Any], key: str) -> int | None:
    value = args.get(key)
    if value is None:
        return None
    if type(value) is not int or value < 0:
        raise UsageError(f"arguments.{key}: expected a 0-based line number")
    return value


def _language(args: Mapping[str, Any], uri: str, language_id: str | None) -> str:
    given = args.get("languages")
    if isinstance(given, str):
        given = [given]
    if given:
        if not isinstance(given, list) or not all(isinstance(g, str) for g in given):
            raise UsageError("arguments.languages: expected a list of language names")
        return str(given[0])
    lang = language_of(uri, language_id)
    if lang is None:
        raise UsageError(
            f"languages: cannot tell the language of {uri} (languageId {language_id!r}); "
            "pass arguments.languages"
        )
    return lang.name


def comment_target(args: Mapping[str, Any], lines: list[str], language: str) -> Target:
    line, insert_line = _line(args, "line"), _line(args, "insert_line")
    description = args.get("description")
    if line is None and insert_line is None:
        raise UsageError("arguments.line: expected the 0-based line of the comment")
    if line is not None and not description:
        found = description_at(lines, line, None, None)
        if found is None:
            raise UsageError(f"arguments.line: line {line + 1} holds no comment to generate from")
        description, insert_line = found
    if not isinstance(description, str) or not description.strip():
        raise UsageError("arguments.description: expected a non-empty text")
    insert_line = insert_line if insert_line is not None else (line or 0) + 1
    first = line if line is not None else max(0, insert_line - 1)
    last = max(first, min(insert_line - 1, len(lines) - 1))
    anchor = "\n".join(lines[first : last + 1])
    return Target(description, language, (first, last), anchor, insert_line=insert_line)


def selection_target(
    args: Mapping[str, Any], lines: list[str], language: str, ls: CodegenServer
) -> Target:
    try:
        selected = ls.protocol._converter.structure(args.get("range"), lsp.Range)
    except Exception:
        raise UsageError("arguments.range: expected an LSP range {start, end}") from None
    text = slice_text(lines, selected.start, selected.end)
    description = args.get("description") or clean(text) or text.strip()
    if not isinstance(description, str) or not description.strip():
        raise UsageError("arguments.range: the selection is empty; select a description")
    span = (selected.start.line, selected.end.line)
    anchor = "\n".join(lines[span[0] : span[1] + 1])
    return Target(description, language, span, anchor, selection=selected)


def run(
    ls: CodegenServer, state: handlers.State, arguments: tuple[Any, ...], selection: bool
) -> dict[str, Any]:
    args = _arguments(arguments)
    uri = str(args["uri"])
    doc = ls.workspace.text_documents.get(uri)
    if doc is None:
        raise UsageError(f"arguments.uri: {uri} is not an open document")
    lines = doc.source.split("\n")
    language = _language(args, uri, doc.language_id)
    if selection:
        target = selection_target(args, lines, language, ls)
    else:
        target = comment_target(args, lines, language)
    raw = {k: v for k, v in args.items() if k not in PLACE_KEYS}
    raw.update(description=target.description, languages=[language])
    raw.setdefault("focus", target.anchor_lines[0] + 1)  # keep the code around it in the prompt
    result = _generate(ls, state, raw, doc.source)
    return _apply(ls, state, uri, target, result)


def _generate(
    ls: CodegenServer, state: handlers.State, raw: dict[str, Any], text: str
) -> dict[str, Any]:
    cancel = current_cancel()
    params = current_params()
    token = server_token(ls, getattr(params, "work_done_token", None))
    reporter = ProgressReporter(ls, token, None, cancel, title="codegen: generating")
    reporter.begin()
    try:
        return handlers.generate(state, raw, cancel, reporter, text)
    finally:
        reporter.end()


def best(result: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The first language's rank-1 candidate (valid, best first), or None."""
    ranked = [c for c in result.get("candidates", []) if c.get("rank") == 1]
    return ranked[0] if ranked else None


def _apply(
    ls: CodegenServer,
    state: handlers.State,
    uri: str,
    target: Target,
    result: Mapping[str, Any],
) -> dict[str, Any]:
    chosen = best(result)
    reply: dict[str, Any] = {"applied": False, "request_id": result.get("request_id")}
    if chosen is None:
        return _declined(ls, reply, f"no valid {target.language} candidate")
    reply.update(candidate_id=chosen["id"], code=chosen["code"])
    doc = ls.workspace.text_documents.get(uri)
    lines = doc.source.split("\n") if doc is not None else []
    if doc is None or not target.still_there(lines):
        return _declined(ls, reply, "the document changed while generating; run it again")
    edit = target.placement(lines, chosen["code"]).edit(uri)
    workspace = getattr(ls.client_capabilities, "workspace", None)
    if not getattr(workspace, "apply_edit", False):
        reply.update(edit=ls.protocol._converter.unstructure(edit))
        reply.update(reason="the client does not apply edits (workspace.applyEdit)")
        return reply
    params = lsp.ApplyWorkspaceEditParams(edit=edit, label="codegen: generated code")
    answer = ls.workspace_apply_edit(params).result(timeout=APPLY_TIMEOUT_S)
    reply["applied"] = bool(getattr(answer, "applied", False))
    if reply["applied"]:
        request_id, code = str(reply["request_id"]), str(chosen["code"])
        record_accept(request_id, chosen["id"], state.interface, settings=state.settings, code=code)
    else:
        reply["reason"] = getattr(answer, "failure_reason", None) or "the client refused the edit"
    return reply


def _declined(ls: CodegenServer, reply: dict[str, Any], reason: str) -> dict[str, Any]:
    reply["reason"] = reason
    message = lsp.ShowMessageParams(type=lsp.MessageType.Warning, message=f"codegen: {reason}")
    ls.window_show_message(message)
    return reply
