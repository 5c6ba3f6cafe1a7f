"""One connection: frames in through ``FrameReader``, checked, then handed to pygls.

pygls does the JSON-RPC work (dispatch, threads, cancellation, progress, replies). Before it
sees a message, the gate here refuses what pygls would mishandle or must never see: bodies
that are not JSON (the reader then resynchronises), messages over the limits
(``limits.check``), envelopes that are not JSON-RPC 2.0 requests (pygls drops those
silently, leaving a client waiting), and, on TCP, anything before ``initialize`` with the
token. Nothing a client sends ends the loop but ``exit`` or the end of the stream.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Callable
from typing import Any

from cattrs import transform_error
from pygls.exceptions import JsonRpcException

from codegen.server import limits
from codegen.server.framing import FrameReader, FrameWriter
from codegen.server.handlers import State
from codegen.server.lsp import build_language_server
from codegen.server.protocol import (
    INVALID_PARAMS,
    INVALID_REQUEST,
    NOT_INITIALIZED,
    PARSE_ERROR,
    UNAUTHORIZED,
    RpcError,
)

log = logging.getLogger(__name__)

UNAUTHENTICATED_MAX_MESSAGE = 64 * 1024


class _Exit(Exception):
    pass


def _valid_id(value: Any) -> bool:
    return value is None or isinstance(value, str) or type(value) is int


class Connection:
    """One client: stdio, or one TCP connection (``token`` set: must come with initialize)."""

    def __init__(
        self,
        state: State,
        reader: FrameReader,
        writer: FrameWriter,
        token: str | None = None,
        on_authorized: Callable[[], None] | None = None,
    ) -> None:
        self.state = state
        self.reader = reader
        self.writer = writer
        self.token = token
        self.authorized = token is None
        self._max_message = reader.max_message
        self._on_authorized = on_authorized
        if not self.authorized:  # small messages only until the client has shown the token
            reader.max_message = min(reader.max_message, UNAUTHENTICATED_MAX_MESSAGE)
        self.shutting_down = False
        self.server = build_language_server(state)
        self.protocol = self.server.protocol
        self.protocol.set_writer(writer, include_headers=True)

    def serve(self) -> int:
        """Serve until ``exit`` (0 after shutdown, else 1) or end of stream (0)."""
        try:
            while True:
                frame = self.reader.read()
                if frame is None:
                    return 0
                if frame.body is None:
                    code = INVALID_REQUEST if "limit" in frame.problem else PARSE_ERROR
                    self.protocol.reply_error(None, code, frame.problem)
                    continue
                try:
                    self.handle(frame.body)
                except _Exit:
                    return 0 if self.shutting_down else 1
                except Exception as exc:  # a bug in the gate itself: report it, keep serving
                    log.error("dispatch failed: %s: %s", type(exc).__name__, exc)
                if self.writer.closed:
                    return 0
        finally:
            self.close()

    def close(self) -> None:
        self.server.close()

    def handle(self, body: bytes) -> None:
        """One message body: checked, then given to pygls."""
        try:
            msg = json.loads(body)
        except (ValueError, RecursionError) as exc:
            self.protocol.reply_error(None, PARSE_ERROR, f"parse error: {exc}")
            self.reader.recover(body)  # a wrong Content-Length: the next header may be inside
            return
        refused = _refusal(msg)
        if refused is not None:
            self.protocol.reply_error(*refused)
            return
        try:
            self._route(msg)
        except RpcError as exc:
            if "id" in msg and not _is_reply(msg):
                self.protocol.reply_error(msg.get("id"), exc.code, exc.message)
            if exc.code in (UNAUTHORIZED, NOT_INITIALIZED):
                self.writer.close()

    def _route(self, msg: dict[str, Any]) -> None:
        method = _method(msg)
        if method is None:  # a reply to a request the server sent
            self._to_pygls(msg)
            return
        self._check_access(method, msg.get("params"))
        if method == "exit":
            raise _Exit
        if self.shutting_down and "id" in msg:
            raise RpcError(INVALID_REQUEST, "the server is shutting down")
        if method == "shutdown":
            self.shutting_down = True
            self.protocol.cancel_all()  # work in flight stops; its replies say cancelled
        msg.setdefault("params", None)
        self._to_pygls(msg)

    def _check_access(self, method: str, params: Any) -> None:
        if self.authorized:
            return
        if method != "initialize":
            raise RpcError(NOT_INITIALIZED, "not initialized: send initialize with the token")
        options = params.get("initializationOptions") if isinstance(params, dict) else None
        given = options.get("token") if isinstance(options, dict) else None
        if not isinstance(given, str) or not hmac.compare_digest(given, self.token or ""):
            raise RpcError(UNAUTHORIZED, "initializationOptions.token: wrong or missing token")
        self.authorized = True
        self.reader.max_message = self._max_message
        if self._on_authorized is not None:
            self._on_authorized()

    def _to_pygls(self, msg: dict[str, Any]) -> None:
        try:
            structured = self.protocol.structure_message(msg)
        except JsonRpcException as exc:
            raise RpcError(INVALID_PARAMS, _field_message(exc)) from None
        self.protocol.handle_message(structured)


def _refusal(msg: Any) -> tuple[Any, int, str] | None:
    """(id, code, message) of the reply refusing a message too big, deep or odd to route."""
    try:
        limits.check(msg)
    except limits.LimitExceeded as exc:
        code = INVALID_PARAMS if exc.invalid_params else INVALID_REQUEST
        msg_id = msg.get("id") if isinstance(msg, dict) else None
        return (msg_id if _valid_id(msg_id) else None, code, str(exc))
    if not isinstance(msg, dict):
        what = "batches are not supported" if isinstance(msg, list) else "not an object"
        return (None, INVALID_REQUEST, f"invalid request: {what}")
    if not _valid_id(msg.get("id")):
        return (None, INVALID_REQUEST, "invalid request: id must be a string or int")
    return None


def _is_reply(msg: dict[str, Any]) -> bool:
    return "method" not in msg and ("result" in msg or "error" in msg)


def _method(msg: dict[str, Any]) -> str | None:
    """The method of a JSON-RPC 2.0 request or notification; None for a reply."""
    if msg.get("jsonrpc") != "2.0":
        raise RpcError(INVALID_REQUEST, 'invalid request: jsonrpc must be "2.0"')
    method = msg.get("method")
    if method is None:
        if "id" in msg and _is_reply(msg):
            return None
        raise RpcError(INVALID_REQUEST, "invalid request: no method")
    if not isinstance(method, str):
        raise RpcError(INVALID_REQUEST, "invalid request: method must be a string")
    params = msg.get("params")
    if params is not None and not isinstance(params, (dict, list)):
        raise RpcError(INVALID_PARAMS, "invalid params: params must be an object")
    return method


def _field_message(exc: Exception) -> str:
    """'invalid params: <what> @ <where>' from pygls/cattrs' structuring error."""
    cause = exc.__cause__
    if cause is not None:
        try:
            details = transform_error(cause)
        except Exception:
            details = []
        if details:
            return "invalid params: " + "; ".join(details[:3])
    return f"invalid params: {exc}"
