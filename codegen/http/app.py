"""The Starlette application and ``codegen serve --http``: bind, load the model, run uvicorn.

Middleware, outermost first: metrics (every reply counted, errors included), bearer-key
auth (all routes but ``/healthz``), the body limit; then the routes. Starting up: the
address is checked (beyond loopback only with API keys), the socket bound and the model
loaded before a line of JSON on stdout says where the server listens; each failure is one
line on stderr with exit 2 (usage) or 3 (the model). SIGINT/SIGTERM stop it: running
generations are cancelled, and the process exits 0.
"""

from __future__ import annotations

import json
import logging
import socket
import sys
from types import FrameType
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from codegen.config import Settings
from codegen.errors import UsageError
from codegen.http import chat, routes
from codegen.http.auth import AuthMiddleware, check_binding
from codegen.http.errors import ApiError
from codegen.http.limits import BodyLimit
from codegen.http.metrics import MetricsMiddleware
from codegen.http.service import Service
from codegen.netaddr import parse_address

log = logging.getLogger(__name__)

ROUTES = [
    Route("/v1/chat/completions", chat.completions, methods=["POST"]),
    Route("/v1/models", chat.models, methods=["GET"]),
    Route("/v1/generate", routes.generate, methods=["POST"]),
    Route("/v1/validate", routes.validate, methods=["POST"]),
    Route("/v1/repair", routes.repair, methods=["POST"]),
    Route("/v1/languages", routes.list_languages, methods=["GET"]),
    Route("/healthz", routes.healthz, methods=["GET"]),
    Route("/metrics", routes.metrics, methods=["GET"]),
]
OPEN_PATHS = ("/healthz",)


async def _http_error(request: Request, exc: Exception) -> Response:
    """The router's own 404 and 405, as error objects."""
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    if status == 404:
        paths = ", ".join(r.path for r in ROUTES)
        message = f"no route {request.url.path}; routes: {paths}"
    elif status == 405:
        message = f"{request.method} is not allowed on {request.url.path}"
    else:
        message = str(getattr(exc, "detail", "")) or "bad request"
    code = {404: "not_found", 405: "method_not_allowed"}.get(status)
    return ApiError(status, message, code=code).response()


def build_app(service: Service) -> Starlette:
    settings = service.settings
    middleware = [
        Middleware(MetricsMiddleware, metrics=service.metrics, routes=[r.path for r in ROUTES]),
        Middleware(AuthMiddleware, keys=service.keys, open_paths=OPEN_PATHS),
        Middleware(BodyLimit, limit=settings.http_max_body_kb * 1024),
    ]
    app = Starlette(
        routes=ROUTES, middleware=middleware, exception_handlers={HTTPException: _http_error}
    )
    app.state.service = service
    return app


class _Server(uvicorn.Server):
    """uvicorn's server, cancelling the model's work before it waits for connections."""

    def __init__(self, config: uvicorn.Config, service: Service) -> None:
        super().__init__(config)
        self.service = service

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        self.service.cancel_all()
        await super().shutdown(sockets)

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        super().handle_exit(sig, frame)
        # uvicorn raises the signal again once it has stopped, ending the process by it
        # (-15 for SIGTERM); a stop signal is this server's normal end: exit 0, like --tcp.
        captured = getattr(self, "_captured_signals", None)
        if isinstance(captured, list):
            captured.clear()


def bind(host: str, port: int, address: str) -> socket.socket:
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        return socket.create_server((host, port), family=family, backlog=2048)
    except OSError as exc:
        raise UsageError(f"--http {address}: cannot listen: {exc.strerror or exc}") from None


def serve(settings: Settings, address: str) -> int:
    """Serve until SIGINT or SIGTERM; returns the exit status."""
    host, port = parse_address(address, "--http")
    service = Service(settings)
    check_binding(host, service.keys)
    sock = bind(host, port, address)
    try:
        service.load_model()
        port = sock.getsockname()[1]
        shown = f"[{host}]" if ":" in host else host
        info: dict[str, Any] = {"host": host, "port": port, "url": f"http://{shown}:{port}"}
        info.update(model=service.model, auth=service.keys.required)
        sys.stdout.write(json.dumps(info) + "\n")
        sys.stdout.flush()
        debug = logging.getLogger().isEnabledFor(logging.DEBUG)
        config = uvicorn.Config(
            build_app(service),
            log_level="debug" if debug else "warning",
            access_log=debug,
            timeout_graceful_shutdown=5,
            lifespan="off",
            server_header=False,
        )
        _Server(config, service).run(sockets=[sock])
    finally:
        sock.close()
        service.close()
    return 0
