"""``GET /metrics``: Prometheus text format through prometheus-client, one registry per app.

Requests by route, method and status; latency histograms by route (until the last byte, so
a stream counts its whole length); tokens; response-cache hits; generations by outcome; the
model queue's waiting and running jobs. Routes are the app's fixed paths (anything else is
``other``), so no label grows without bound.
"""

from __future__ import annotations

import time
from collections.abc import Collection
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from codegen.types import Result

disable_created_metrics()  # type: ignore[no-untyped-call]  # *_created series double the output
OUTCOMES = ("finished", "cached", "cancelled", "failed")
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120)


class Metrics:
    content_type = CONTENT_TYPE_LATEST

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        reg = self.registry
        self.requests = Counter(
            "codegen_http_requests",
            "HTTP requests answered",
            ["route", "method", "status"],
            registry=reg,
        )
        self.latency = Histogram(
            "codegen_http_request_duration_seconds",
            "Time from the request to the last byte of its reply",
            ["route"],
            buckets=BUCKETS,
            registry=reg,
        )
        self.tokens = Counter("codegen_tokens", "Model tokens", ["kind"], registry=reg)
        self.cache_hits = Counter(
            "codegen_cache_hits", "Generations answered from the response cache", registry=reg
        )
        self.generations = Counter(
            "codegen_generations", "Generations by outcome", ["outcome"], registry=reg
        )
        self.queue_waiting = Gauge(
            "codegen_queue_depth", "Model requests waiting for a worker", registry=reg
        )
        self.queue_running = Gauge(
            "codegen_generations_running", "Model requests running now", registry=reg
        )
        for outcome in OUTCOMES:  # every series from the start, at 0
            self.generations.labels(outcome)
        for kind in ("prompt", "completion"):
            self.tokens.labels(kind)

    def queue_changed(self, waiting: int, running: int) -> None:
        self.queue_waiting.set(waiting)
        self.queue_running.set(running)

    def result(self, result: Result) -> None:
        """Count a finished generation: tokens (prompt once per language), cache hit."""
        if result.cached:
            self.cache_hits.inc()
            self.generations.labels("cached").inc()
            return
        self.generations.labels("finished").inc()
        prompts: dict[str, int] = {}
        for cand in result.candidates:
            prompts[cand.language] = cand.prompt_tokens
            self.tokens.labels("completion").inc(cand.completion_tokens)
        self.tokens.labels("prompt").inc(sum(prompts.values()))

    def render(self) -> bytes:
        return generate_latest(self.registry)


class MetricsMiddleware:
    """Counts every reply (errors from inner middleware included) by route and status."""

    def __init__(self, app: ASGIApp, metrics: Metrics, routes: Collection[str]) -> None:
        self.app = app
        self.metrics = metrics
        self.routes = frozenset(routes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        began = time.perf_counter()
        status = [500]

        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = int(message["status"])
            await send(message)

        path: Any = scope.get("path", "")
        route = path if path in self.routes else "other"
        try:
            await self.app(scope, receive, watch)
        finally:
            self.metrics.requests.labels(route, scope.get("method", ""), str(status[0])).inc()
            self.metrics.latency.labels(route).observe(time.perf_counter() - began)
