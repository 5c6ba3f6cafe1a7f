"""One generation: ``Assistant.stream`` on a model worker, its events handed to the event loop.

The worker thread puts each event on an ``asyncio.Queue`` through the loop's thread-safe
call; the reply side iterates ``events()``. Leaving that iteration for any reason (the
stream ended, the client disconnected, the server is stopping) sets the cancel event the
Assistant and its backend watch, so the model stops within a token or two. A job whose
client left while it waited in the queue never starts.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import Executor
from typing import Any, TypeVar

from starlette.requests import Request

from codegen import events as ev
from codegen.assistant import Assistant
from codegen.errors import Cancelled, CodegenError
from codegen.http.errors import ApiError
from codegen.http.metrics import Metrics
from codegen.http.queue import ModelQueue, Slot
from codegen.types import GenerationRequest, Result

T = TypeVar("T")
_END = object()


class Generation:
    def __init__(
        self,
        assistant: Assistant,
        request: GenerationRequest,
        client: str | None,
        metrics: Metrics,
    ) -> None:
        self.assistant = assistant
        self.request = request
        self.client = client
        self.metrics = metrics
        self.cancel = threading.Event()
        self._loop = asyncio.get_running_loop()
        self._events: asyncio.Queue[Any] = asyncio.Queue()
        self._ran = False

    def start(self, queue: ModelQueue, slot: Slot) -> None:
        """Run on a model worker when the slot's turn comes."""
        queue.submit(slot, self._work, self.cancel.is_set).add_done_callback(self._done)

    def start_now(self, pool: Executor) -> None:
        """Run on ``pool`` at once: for an answer the response cache holds (no model)."""
        pool.submit(self._work).add_done_callback(self._done)

    def _done(self, _: object) -> None:
        if not self._ran:  # skipped: the client left while it waited
            self.metrics.generations.labels("cancelled").inc()
        self._put(_END)

    def _put(self, item: Any) -> None:
        try:
            self._loop.call_soon_threadsafe(self._events.put_nowait, item)
        except RuntimeError:  # the loop is closed: nobody is listening any more
            self.cancel.set()

    def _work(self) -> None:
        self._ran = True
        outcome = "failed"
        try:
            for event in self.assistant.stream(self.request, self.cancel, client=self.client):
                if isinstance(event, ev.Finished):
                    self.metrics.result(event.result)
                    outcome = ""
                elif isinstance(event, ev.Failed) and isinstance(event.error, Cancelled):
                    outcome = "cancelled"
                self._put(event)
        except BaseException as exc:  # a bug below the facade: reported, never a dead worker
            self._put(exc)
        finally:
            if outcome:
                self.metrics.generations.labels(outcome).inc()

    async def events(self) -> AsyncIterator[ev.Event]:
        """The events, Started to Finished or Failed; raises what the worker could not report."""
        try:
            while True:
                item = await self._events.get()
                if item is _END:
                    return
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            self.cancel.set()

    async def result(self) -> Result:
        async for event in self.events():
            if isinstance(event, ev.Finished):
                return event.result
            if isinstance(event, ev.Failed):
                raise event.error
        raise CodegenError("generation ended without a result")


async def while_connected(request: Request, work: Awaitable[T], cancel: threading.Event) -> T:
    """``work``'s value, unless the client disconnects first: then ``cancel`` is set and a 499
    ApiError raised (nobody reads it; it ends the handler and is counted in the metrics)."""
    task = asyncio.ensure_future(work)
    gone = asyncio.ensure_future(_disconnect(request.receive))
    done, _ = await asyncio.wait({task, gone}, return_when=asyncio.FIRST_COMPLETED)
    if task in done:
        gone.cancel()
        return task.result()
    cancel.set()
    task.cancel()
    raise ApiError(499, "the client closed the connection", code="client_closed_request")


async def _disconnect(receive: Callable[[], Awaitable[Any]]) -> None:
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return
