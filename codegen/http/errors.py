"""Failures as OpenAI-style error objects: ``{"error": {message, type, param, code}}``.

``ApiError`` carries the HTTP status; ``from_exception`` maps codegen's exception tree (and
anything unexpected) to one, in one table. The ``param`` names the offending field, read
from the ``field: message`` form every codegen UsageError has. No traceback ever reaches a
client; unexpected exceptions are logged (with the traceback under ``--debug``).
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from codegen import errors

log = logging.getLogger(__name__)

INVALID = "invalid_request_error"
SERVER = "server_error"

# One leading "field: " (a dotted path, with [index] parts) per nesting level.
_FIELD = re.compile(r"^((?:[A-Za-z_][\w]*(?:\[\d+\])*(?:\.[\w]+(?:\[\d+\])*)*: )+)")


class ApiError(Exception):
    """An HTTP error reply: status, one-line message, OpenAI error type, field and code."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type: str = INVALID,
        param: str | None = None,
        code: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.type = type
        self.param = param
        self.code = code
        self.headers = dict(headers or {})

    def body(self) -> dict[str, Any]:
        error = {"message": self.message, "type": self.type, "param": self.param}
        return {"error": {**error, "code": self.code}}

    def response(self) -> JSONResponse:
        return JSONResponse(self.body(), status_code=self.status, headers=self.headers)


def field_of(message: str) -> str | None:
    """The dotted field a ``"a: b: what is wrong"`` message names (``a.b``), or None."""
    match = _FIELD.match(message)
    if match is None:
        return None
    return ".".join(part for part in match.group(1).split(": ") if part)


# Exception class -> (HTTP status, error type, code); the first class in the MRO wins.
TABLE: dict[type[BaseException], tuple[int, str, str]] = {
    errors.SafetyRefusal: (400, INVALID, "content_policy_violation"),
    errors.UsageError: (400, INVALID, "invalid_value"),
    errors.ModelNotInstalled: (503, SERVER, "model_not_installed"),
    errors.ModelError: (503, SERVER, "model_error"),
    errors.BackendUnavailable: (502, SERVER, "backend_unavailable"),
    errors.BackendRejected: (502, SERVER, "backend_rejected"),
    errors.BackendError: (502, SERVER, "backend_error"),
    errors.CheckerError: (500, SERVER, "checker_error"),
    errors.StoreError: (500, SERVER, "store_error"),
    errors.Cancelled: (499, INVALID, "cancelled"),
    errors.CodegenError: (500, SERVER, "codegen_error"),
}


def from_exception(exc: BaseException) -> ApiError:
    """The reply for any exception a handler raised."""
    if isinstance(exc, ApiError):
        return exc
    for cls in type(exc).__mro__:
        if cls in TABLE:
            status, kind, code = TABLE[cls]
            message = str(exc) or cls.__name__
            param = field_of(message) if status == 400 else None
            return ApiError(status, message, type=kind, param=param, code=code)
    log.error("request failed: %s: %s", type(exc).__name__, exc)
    log.debug("request failure", exc_info=exc)
    return ApiError(500, f"internal error: {type(exc).__name__}", type=SERVER, code="internal")


Handler = Callable[[Request], Awaitable[Response]]


def guarded(handler: Handler) -> Handler:
    """The handler, with every exception it raises turned into its error reply."""

    @functools.wraps(handler)
    async def run(request: Request) -> Response:
        try:
            return await handler(request)
        except Exception as exc:
            return from_exception(exc).response()

    return run
