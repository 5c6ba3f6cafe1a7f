"""Dispatch: one connection's read loop. Checks each message's envelope, runs the codegen/*
methods (threads, cancellation, progress), hands standard LSP methods to pygls, and turns
every failure into a JSON-RPC error reply; nothing a client sends can end the loop but ``exit``.
"""

from __future__ import annotations

import hmac
import json
import logging
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from codegen.errors import Cancelled, CodegenError, UsageError
from codegen.server import handlers, limits
from codegen.server.framing import FrameReader, FrameWriter
from codegen.server.lsp import build_language_server
from codegen.server.progress import ProgressReporter

log = logging.getLogger(__name__)

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603
NOT_INITIALIZED = -32002
UNAUTHORIZED = -32001
REQUEST_CANCELLED = -32800
UNAUTHENTICATED_MAX_MESSAGE = 64 * 1024


class RpcError(Exception):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class _Exit(Exception):
    pass


def error_reply(exc: BaseException) -> tuple[int, str]:
    """The JSON-RPC error for an exception: a code and one line, never a traceback."""
    if isinstance(exc, RpcError):
        return exc.code, exc.message
    if isinstance(exc, Cancelled):
        return REQUEST_CANCELLED, "request cancelled"
    if isinstance(exc, UsageError):
        return INVALID_PARAMS, f"invalid params: {exc}"
    if isinstance(exc, CodegenError):
        return INTERNAL_ERROR, str(exc) or type(exc).__name__
    log.error("handler failed: %s: %s", type(exc).__name__, exc)
    log.debug("handler failure", exc_info=exc)
    return INTERNAL_ERROR, f"internal error: {type(exc).__name__}: {exc}"


class Pools:
    """Threads shared by every connection: quick checks, and model work (queued on the model)."""

    def __init__(self) -> None:
        self.fast = ThreadPoolExecutor(max_workers=8, thread_name_prefix="codegen-fast")
        self.model = ThreadPoolExecutor(max_workers=4, thread_name_prefix="codegen-model")

    def close(self) -> None:
        self.fast.shutdown(wait=False, cancel_futures=True)
        self.model.shutdown(wait=False, cancel_futures=True)


def _key(msg_id: Any) -> str:
    return json.dumps(msg_id)


def _valid_id(value: Any) -> bool:
    return value is None or isinstance(value, str) or type(value) is int


class Connection:
    """One client: stdio, or one TCP connection (``token`` set: must come with initialize)."""

    def __init__(
        self,
        state: handlers.State,
        pools: Pools,
        reader: FrameReader,
        writer: FrameWriter,
        token: str | None = None,
        on_authorized: Callable[[], None] | None = None,
    ) -> None:
        self.state = state
        self.pools = pools
        self.reader = reader
        self.writer = writer
        self.token = token
        self.authorized = token is None
        self._max_message = reader.max_message
        self._on_authorized = on_authorized
        if not self.authorized:  # small messages only until the client has shown the token
            reader.max_message = min(reader.max_message, UNAUTHENTICATED_MAX_MESSAGE)
        self.shutting_down = False
        self.inflight: dict[str, threading.Event] = {}
        self._lock = threading.Lock()
        self.lsp = build_language_server(self)
        self.lsp.protocol.set_writer(writer, include_headers=True)
        self.methods: dict[str, tuple[ThreadPoolExecutor | None, Callable[..., Any]]] = {
            "codegen/generate": (pools.model, self._generate),
            "codegen/repair": (pools.model, self._repair),
            "codegen/validate": (pools.fast, lambda p, c: handlers.validate(state, p)),
            "codegen/languages": (None, lambda p, c: handlers.list_languages(state, p)),
            "codegen/accept": (None, lambda p, c: handlers.accept(state, p)),
        }

    # -- the loop ---------------------------------------------------------------------------

    def serve(self) -> int:
        """Serve until ``exit`` (0 after shutdown, else 1) or end of stream (0)."""
        try:
            while True:
                frame = self.reader.read()
                if frame is None:
                    return 0
                if frame.body is None:
                    code = INVALID_REQUEST if "limit" in frame.problem else PARSE_ERROR
                    self.reply_error(None, code, frame.problem)
                    continue
                try:
                    self.handle(frame.body)
                except _Exit:
                    return 0 if self.shutting_down else 1
                except Exception as exc:  # a bug in dispatch itself: report it, keep serving
                    log.error("dispatch failed: %s: %s", type(exc).__name__, exc)
                if self.writer.closed:
                    return 0
        finally:
            self.cancel_all()

    def cancel_all(self) -> None:
        with self._lock:
            for event in self.inflight.values():
                event.set()

    # -- one message ------------------------------------------------------------------------

    def handle(self, body: bytes) -> None:
        try:
            msg = json.loads(body)
        except (ValueError, RecursionError) as exc:
            self.reply_error(None, PARSE_ERROR, f"parse error: {exc}")
            self.reader.recover(body)  # a wrong Content-Length: the next header may be inside
            return
        try:
            limits.check(msg)
        except limits.LimitExceeded as exc:
            code = INVALID_PARAMS if exc.invalid_params else INVALID_REQUEST
            msg_id = msg.get("id") if isinstance(msg, dict) else None
            self.reply_error(msg_id if _valid_id(msg_id) else None, code, str(exc))
            return
        if not isinstance(msg, dict):
            what = "batches are not supported" if isinstance(msg, list) else "not an object"
            self.reply_error(None, INVALID_REQUEST, f"invalid request: {what}")
            return
        msg_id = msg.get("id")
        if not _valid_id(msg_id):
            self.reply_error(None, INVALID_REQUEST, "invalid request: id must be a string or int")
            return
        try:
            self._route(msg, msg_id)
        except RpcError as exc:
            if "id" in msg:
                self.reply_error(msg_id, exc.code, exc.message)
            if exc.code in (UNAUTHORIZED, NOT_INITIALIZED):
                self.writer.close()

    def _route(self, msg: dict[str, Any], msg_id: Any) -> None:
        if msg.get("jsonrpc") != "2.0":
            raise RpcError(INVALID_REQUEST, 'invalid request: jsonrpc must be "2.0"')
        method = msg.get("method")
        if method is None:
            if "id" in msg and ("result" in msg or "error" in msg):
                self._to_pygls(msg)  # a reply to a request the server sent
                return
            raise RpcError(INVALID_REQUEST, "invalid request: no method")
        if not isinstance(method, str):
            raise RpcError(INVALID_REQUEST, "invalid request: method must be a string")
        params = msg.get("params")
        if params is not None and not isinstance(params, (dict, list)):
            raise RpcError(INVALID_PARAMS, "invalid params: params must be an object")
        self._check_access(method, params)
        if method == "exit":
            raise _Exit
        if self.shutting_down and "id" in msg:
            raise RpcError(INVALID_REQUEST, "the server is shutting down")
        if method == "$/cancelRequest":
            self._cancel(params)
        if method in self.methods:
            if "id" in msg:
                self._call(method, msg_id, params)
            return
        if "id" in msg and not self._pygls_knows(method):
            raise RpcError(METHOD_NOT_FOUND, f"method not found: {method}")
        if method == "shutdown":
            self.shutting_down = True
        msg.setdefault("params", None)
        self._to_pygls(msg)

    def _pygls_knows(self, method: str) -> bool:
        from pygls.exceptions import JsonRpcMethodNotFound

        try:
            self.lsp.protocol._get_handler(method)
        except JsonRpcMethodNotFound:
            return False
        return True

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

    def _cancel(self, params: Any) -> None:
        if isinstance(params, dict) and _valid_id(params.get("id")):
            with self._lock:
                event = self.inflight.get(_key(params.get("id")))
            if event is not None:
                event.set()

    def _to_pygls(self, msg: dict[str, Any]) -> None:
        from pygls.exceptions import JsonRpcException

        protocol = self.lsp.protocol
        try:
            structured = protocol.structure_message(msg)
        except JsonRpcException as exc:
            raise RpcError(INVALID_PARAMS, _field_message(exc)) from None
        protocol.handle_message(structured)

    # -- codegen/* ----------------------------------------------------------------------------

    def _call(self, method: str, msg_id: Any, params: Any) -> None:
        if isinstance(params, list):
            raise RpcError(INVALID_PARAMS, "invalid params: params must be an object of fields")
        pool, fn = self.methods[method]
        cancel = threading.Event()
        with self._lock:
            self.inflight[_key(msg_id)] = cancel
        if pool is None:
            self._run(fn, msg_id, params or {}, cancel)
            return
        try:
            pool.submit(self._run, fn, msg_id, params or {}, cancel)
        except RuntimeError:  # pools closed: the server is going away
            self._forget(msg_id)
            raise RpcError(INTERNAL_ERROR, "the server is stopping") from None

    def _run(self, fn: Callable[..., Any], msg_id: Any, params: Any, cancel: Any) -> None:
        try:
            if cancel.is_set():
                raise Cancelled("cancelled")
            result = fn(params, cancel)
        except BaseException as exc:
            code, message = error_reply(exc)
            self.reply_error(msg_id, code, message)
        else:
            self.writer.send({"jsonrpc": "2.0", "id": msg_id, "result": result})
        finally:
            self._forget(msg_id)

    def _forget(self, msg_id: Any) -> None:
        with self._lock:
            self.inflight.pop(_key(msg_id), None)

    def _generate(self, params: Mapping[str, Any], cancel: threading.Event) -> Any:
        reporter = ProgressReporter(
            self.writer, params.get("workDoneToken"), params.get("partialResultToken")
        )
        try:
            return handlers.generate(
                self.state, params, cancel, reporter, self.document_text(params.get("uri"))
            )
        finally:
            reporter.end()

    def _repair(self, params: Mapping[str, Any], cancel: threading.Event) -> Any:
        return handlers.repair(self.state, params, cancel)

    def document_text(self, uri: Any) -> str | None:
        if uri is None:
            return None
        if not isinstance(uri, str):
            raise UsageError("uri: expected a string")
        try:
            doc = self.lsp.workspace.text_documents.get(uri)
        except Exception:  # not initialized: no workspace yet
            return None
        return None if doc is None else str(doc.source)

    def reply_error(self, msg_id: Any, code: int, message: str) -> None:
        reply = {"jsonrpc": "2.0", "id": msg_id, "error": {"code": code, "message": message}}
        self.writer.send(reply)

    def notify(self, method: str, params: Any) -> None:
        self.writer.send({"jsonrpc": "2.0", "method": method, "params": params})


def _field_message(exc: Exception) -> str:
    """'invalid params: <what> @ <where>' from pygls/cattrs' structuring error."""
    cause = exc.__cause__
    if cause is not None:
        try:
            from cattrs import transform_error

            details = transform_error(cause)
            if details:
                return "invalid params: " + "; ".join(details[:3])
        except Exception:
            pass
    return f"invalid params: {exc}"
