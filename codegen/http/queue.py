"""The bounded queue in front of the one loaded model.

``workers`` jobs run at once (llama.cpp serialises calls, so 1 for a local model; an
OpenAI-compatible server takes several); ``depth`` more may wait. ``admit`` is decided
before any byte of the reply is sent: when ``workers + depth`` jobs are admitted already it
raises a 429 ``ApiError`` whose ``Retry-After`` is the expected wait, from the running mean of
recent job times. A job whose client went away before it started is skipped.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

from codegen.http.errors import ApiError

T = TypeVar("T")
MAX_RETRY_AFTER = 600


@dataclass
class Slot:
    """One admitted job: its place in the queue when admitted (0: runs at once)."""

    position: int
    released: bool = False


class QueueFull(ApiError):
    def __init__(self, retry_after: int, capacity: int) -> None:
        super().__init__(
            429,
            f"the model queue is full ({capacity} requests admitted); retry in {retry_after} s",
            type="rate_limit_error",
            code="queue_full",
            headers={"Retry-After": str(retry_after)},
        )


class ModelQueue:
    def __init__(self, workers: int, depth: int, typical_seconds: float = 5.0) -> None:
        self.workers = max(1, workers)
        self.depth = max(0, depth)
        self.capacity = self.workers + self.depth
        self._executor = ThreadPoolExecutor(self.workers, thread_name_prefix="codegen-http-model")
        self._lock = threading.Lock()
        self._admitted = 0
        self._running = 0
        self._mean_seconds = typical_seconds
        self.on_change: Callable[[int, int], None] = lambda waiting, running: None

    @property
    def waiting(self) -> int:
        return self._admitted - self._running

    @property
    def running(self) -> int:
        return self._running

    def retry_after(self) -> int:
        """Seconds until a place is likely free: the queue ahead, at the mean job time."""
        rounds = (self.waiting + 1) / self.workers
        return max(1, min(MAX_RETRY_AFTER, math.ceil(rounds * self._mean_seconds)))

    def admit(self) -> Slot:
        with self._lock:
            if self._admitted >= self.capacity:
                raise QueueFull(self.retry_after(), self.capacity)
            position = max(0, self._admitted - self.workers + 1)
            self._admitted += 1
        self._changed()
        return Slot(position)

    def release(self, slot: Slot) -> None:
        """Give back a slot whose job never ran (the reply failed before submitting it)."""
        with self._lock:
            if slot.released:
                return
            slot.released = True
            self._admitted -= 1
        self._changed()

    def submit(self, slot: Slot, fn: Callable[[], T], skip: Callable[[], bool]) -> Future[T | None]:
        """Run ``fn`` on a model worker; skipped (returns None) when ``skip()`` says so by then."""
        return self._executor.submit(self._run, slot, fn, skip)

    def _run(self, slot: Slot, fn: Callable[[], T], skip: Callable[[], bool]) -> T | None:
        if skip():
            self.release(slot)
            return None
        with self._lock:
            self._running += 1
        self._changed()
        began = time.monotonic()
        try:
            return fn()
        finally:
            took = time.monotonic() - began
            with self._lock:
                self._running -= 1
                self._mean_seconds = 0.8 * self._mean_seconds + 0.2 * took
            self.release(slot)

    def _changed(self) -> None:
        self.on_change(self.waiting, self._running)

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
