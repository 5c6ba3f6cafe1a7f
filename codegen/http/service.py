"""What every request of one server shares: settings, the Assistant (one model), the keys,
the model queue, the metrics and the pool for quick work (validation, repair without model).
"""

from __future__ import annotations

import asyncio
import functools
import threading
import time
import weakref
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from starlette.requests import Request

from codegen.assistant import Assistant
from codegen.backends.base import Backend
from codegen.config import Settings
from codegen.errors import Cancelled, UsageError, did_you_mean
from codegen.execution.sandbox import isolation_problem
from codegen.execution.toolrunner import tool_runner
from codegen.http import bodies
from codegen.http.auth import ApiKeys
from codegen.http.errors import ApiError, from_exception
from codegen.http.jobs import Generation, while_connected
from codegen.http.metrics import Metrics
from codegen.http.queue import ModelQueue
from codegen.requests import build_request
from codegen.types import GenerationRequest
from codegen.validation.tiered import language_rows

T = TypeVar("T")
ALIAS = "codegen"  # a model name that always means the served model
REMOTE_WORKERS = 8


def default_workers(settings: Settings) -> int:
    """``http.workers``, or 1 for a local model (it serialises calls) and 8 for a server."""
    if settings.http_workers:
        return settings.http_workers
    return REMOTE_WORKERS if settings.model.startswith("openai:") else 1


@dataclass
class Service:
    settings: Settings
    backend: Backend | None = None  # unit tests pass a scripted one; else the settings' model
    fast_workers: int = 4
    assistant: Assistant = field(init=False)
    keys: ApiKeys = field(init=False)
    queue: ModelQueue = field(init=False)
    metrics: Metrics = field(init=False)
    fast: ThreadPoolExecutor = field(init=False)
    started: int = field(init=False)

    def __post_init__(self) -> None:
        self.assistant = Assistant(self.settings, backend=self.backend, interface="http")
        self.keys = ApiKeys.parse(self.settings.http_api_keys)
        self.metrics = Metrics()
        self.queue = ModelQueue(default_workers(self.settings), self.settings.http_queue_depth)
        self.queue.on_change = self.metrics.queue_changed
        self.fast = ThreadPoolExecutor(self.fast_workers, thread_name_prefix="codegen-http-fast")
        self.started = int(time.time())
        self._languages: dict[str, Any] | None = None
        self._cancels: weakref.WeakSet[threading.Event] = weakref.WeakSet()

    @property
    def model(self) -> str:
        return self.settings.model

    def model_ids(self) -> list[str]:
        return [self.model, ALIAS]

    def check_model(self, name: str | None, param: str = "model") -> None:
        """404 (as OpenAI answers) for a model this server does not serve."""
        if name is None or name in self.model_ids():
            return
        raise ApiError(
            404,
            f"{param}: the model '{name}' is not served here{did_you_mean(name, self.model_ids())}"
            f"; models: {', '.join(self.model_ids())}",
            param=param,
            code="model_not_found",
        )

    def request(self, raw: Mapping[str, Any], where: str = "") -> GenerationRequest:
        """A checked GenerationRequest; context items are text (never paths on this server)."""
        fields = dict(raw)
        self.check_model(
            bodies.get(fields, "model", str, where), f"{where}.model" if where else "model"
        )
        fields.pop("model", None)
        context = fields.get("context")
        if context is not None:
            fields["context"] = [_as_text(c) for c in _strings(context, where)]
        try:
            return build_request(fields, self.settings)
        except UsageError as exc:
            raise from_exception(exc) from None

    async def generate(
        self, request: GenerationRequest, client: str | None
    ) -> tuple[Generation, int]:
        """A generation, started, and its place in the model queue (0: it runs at once). An
        answer the response cache holds needs no model: it runs at once, never queued; any
        other is admitted to the model queue first (429 when it is full)."""
        gen = Generation(self.assistant, request, client, self.metrics)
        self._cancels.add(gen.cancel)
        spec = request.model or self.model
        keeper, stages = self.assistant.keeper, self.assistant.stages
        if await self.quick(keeper.has_answer, request, spec, stages):
            gen.start_now(self.fast)
            return gen, 0
        slot = self.queue.admit()
        gen.start(self.queue, slot)
        return gen, slot.position

    async def on_model(self, request: Request, fn: Callable[[threading.Event], T]) -> T:
        """``fn(cancel)`` on a model worker, through the queue; cancelled if the client leaves."""
        slot = self.queue.admit()
        cancel = threading.Event()
        self._cancels.add(cancel)
        future = self.queue.submit(slot, lambda: fn(cancel), cancel.is_set)
        value = await while_connected(request, asyncio.wrap_future(future), cancel)
        if value is None:
            raise Cancelled("cancelled")
        return value

    def cancel_all(self) -> None:
        """Stop every running and waiting model job (the server is stopping)."""
        for cancel in list(self._cancels):
            cancel.set()

    async def quick(self, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn`` on the quick pool (validation, repair without the model)."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.fast, functools.partial(fn, *args))

    def languages(self) -> dict[str, Any]:
        """What ``codegen languages --json`` prints: the languages with their tiers as they
        run here, and whether the sandbox (which runs the checkers and compilers) works."""
        if self._languages is None:
            problem = isolation_problem()
            self._languages = {
                "languages": language_rows(tool_runner(self.settings)),
                "sandbox": {"ready": problem is None, "problem": problem},
            }
        return self._languages

    def load_model(self) -> None:
        """Load the model now (once per process), so the first request does not wait for it."""
        self.assistant.backend()

    def close(self) -> None:
        self.queue.close()
        self.fast.shutdown(wait=False, cancel_futures=True)


def _strings(value: Any, where: str) -> list[str]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        path = f"{where}.context" if where else "context"
        raise bodies.wrong_type(path, "a string or a list of strings", value)
    return list(items)


def _as_text(item: str) -> str:
    """Context that cannot be mistaken for a path: the loader reads an item with no newline
    that names an existing file; over HTTP every item is the client's text."""
    return item if "\n" in item else item + "\n"
