"""pygls' JSON-RPC / LSP protocol, with codegen's errors and cancellation.

pygls dispatches every method (the standard LSP ones and the ``codegen/*`` ones), runs
handlers marked ``@server.thread()`` on its thread pool, sends replies, notifications and
``$/progress``, and sends requests to the client (``workspace/applyEdit``). What this subclass
adds:

- **errors**: a failing handler's exception becomes one JSON-RPC error with today's codes and
  one-line messages (``error_reply``), never a traceback (pygls puts one in ``data``);
- **cancellation**: every request gets a ``threading.Event`` that ``$/cancelRequest`` sets, so
  work already running stops (pygls alone can only cancel what has not started). A handler
  finds its own with ``current_cancel()``, on pygls' worker threads too;
- ``method not found: NAME`` for unknown methods, and no ``window/showMessage`` for errors.
"""

from __future__ import annotations

import contextvars
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException, JsonRpcMethodNotFound
from pygls.feature_manager import assign_thread_attr, is_thread_function
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.json_rpc import JsonRPCRequestMessage

from codegen.errors import Cancelled, CodegenError, UsageError

log = logging.getLogger(__name__)

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603
NOT_INITIALIZED = -32002
UNAUTHORIZED = -32001
REQUEST_CANCELLED = -32800

_CANCEL: contextvars.ContextVar[threading.Event | None] = contextvars.ContextVar(
    "codegen_cancel", default=None
)
_PARAMS: contextvars.ContextVar[Any] = contextvars.ContextVar("codegen_params", default=None)


class RpcError(Exception):
    """An error reply with this code and message (raised by a handler or the gate)."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def error_reply(exc: BaseException) -> tuple[int, str]:
    """The JSON-RPC error for an exception: a code and one line, never a traceback."""
    if isinstance(exc, (RpcError, JsonRpcException)):
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


def current_cancel() -> threading.Event:
    """The cancel event of the request being handled (a fresh one outside any request)."""
    return _CANCEL.get() or threading.Event()


def current_params() -> Any:
    """The params of the request being handled (structured by pygls), or None."""
    return _PARAMS.get()


def _in_context(ctx: contextvars.Context, handler: Callable[..., Any]) -> Callable[..., Any]:
    def run(*args: Any, **kwargs: Any) -> Any:
        return ctx.run(handler, *args, **kwargs)

    assign_thread_attr(run)  # type: ignore[no-untyped-call]
    return run


class CodegenProtocol(LanguageServerProtocol):
    def __init__(self, server: LanguageServer, converter: Any) -> None:
        super().__init__(server, converter)
        self._cancels: dict[Any, threading.Event] = {}
        self._lock = threading.Lock()

    def structure_message(self, data: dict[str, Any]) -> Any:
        """Params of methods LSP does not define (``codegen/*``) stay plain JSON objects
        (pygls would make them named tuples)."""
        method = data.get("method")
        if isinstance(method, str) and "id" in data and self.get_message_type(method) is None:
            params = data.get("params")
            return JsonRPCRequestMessage(id=data["id"], method=method, jsonrpc="2.0", params=params)
        return super().structure_message(data)

    def _handle_request(self, msg_id: Any, method_name: str, params: Any) -> None:
        event = threading.Event()
        with self._lock:
            self._cancels[msg_id] = event
        _CANCEL.set(event)  # in this request's own context (pygls runs each in a copy)
        _PARAMS.set(params)
        super()._handle_request(msg_id, method_name, params)

    def _execute_handler(
        self,
        msg_id: Any,
        handler: Any,
        callback: Any,
        args: Any = None,
        kwargs: Any = None,
    ) -> None:
        # A worker thread runs the handler in the request's context (its cancel event).
        if is_thread_function(handler):  # type: ignore[no-untyped-call]
            handler = _in_context(contextvars.copy_context(), handler)
        super()._execute_handler(msg_id, handler, callback, args, kwargs)

    def _handle_cancel_notification(self, msg_id: Any) -> None:
        with self._lock:
            event = self._cancels.get(msg_id)
        if event is not None:
            event.set()
        super()._handle_cancel_notification(msg_id)  # what has not started never runs

    def _get_handler(self, feature_name: str) -> Any:
        try:
            return super()._get_handler(feature_name)
        except JsonRpcMethodNotFound:
            raise JsonRpcMethodNotFound(f"method not found: {feature_name}") from None

    def _send_handler_result(self, future: Future[Any], *, msg_id: Any) -> None:
        if future.cancelled():
            failure: BaseException | None = Cancelled("cancelled")
        else:
            failure = future.exception()
        if failure is None:
            super()._send_handler_result(future, msg_id=msg_id)
            return
        self._request_futures.pop(msg_id, None)
        code, message = error_reply(failure)
        self._send_response(msg_id, error=lsp.ResponseError(code=code, message=message))

    def _send_response(self, msg_id: Any, result: Any = None, error: Any = None) -> None:
        with self._lock:
            self._cancels.pop(msg_id, None)
        if error is not None and getattr(error, "data", None) is not None:
            error = lsp.ResponseError(code=error.code, message=error.message)
        super()._send_response(msg_id, result, error)

    def reply_error(self, msg_id: Any, code: int, message: str) -> None:
        """An error reply to a message pygls never saw (refused before dispatch)."""
        self._send_response(msg_id, error=lsp.ResponseError(code=code, message=message))

    def cancel_all(self) -> None:
        with self._lock:
            events = list(self._cancels.values())
        for event in events:
            event.set()


class CodegenServer(LanguageServer):
    """pygls' LanguageServer on ``CodegenProtocol``; errors are logged, not shown."""

    protocol: CodegenProtocol

    def __init__(self, name: str, version: str, max_workers: int = 8) -> None:
        super().__init__(
            name,
            version,
            text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental,
            protocol_cls=CodegenProtocol,
            max_workers=max_workers,
        )

    def report_server_error(self, error: Exception, source: Any) -> None:
        where = getattr(source, "__name__", source)
        log.info("server error (%s): %s: %s", where, type(error).__name__, error)

    def close(self) -> None:
        """Stop every request of this connection: running ones are cancelled, queued ones
        dropped; nothing waits."""
        self.protocol.cancel_all()
        if self._thread_pool is not None:
            self._thread_pool.shutdown(wait=False, cancel_futures=True)
