"""The request body limit (``http.max_body_kb``), enforced before a handler parses anything.

A declared ``Content-Length`` over the limit is answered 413 at once; a chunked body is
counted as it arrives and the read fails with the same 413 the moment it passes the limit.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from codegen.http.errors import ApiError


def too_large(limit: int) -> ApiError:
    return ApiError(
        413,
        f"request body larger than {limit // 1024} KiB (http.max_body_kb)",
        code="body_too_large",
    )


class BodyLimit:
    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None:
            try:
                length = int(declared)
            except ValueError:
                length = -1
            if length < 0:
                await ApiError(400, "bad Content-Length header").response()(scope, receive, send)
                return
            if length > self.limit:
                await too_large(self.limit).response()(scope, receive, send)
                return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise too_large(self.limit)
            return message

        await self.app(scope, counted, send)
