"""Several base URLs behind one backend: spread requests, take failing endpoints out, probe later.

Each endpoint has a time from which it may be used again. A request takes the usable endpoint
with the fewest requests in flight (ties: round-robin). A failure pushes that time into the
future (the backoff delay, or the server's Retry-After), so the next try goes elsewhere; once
the time has passed, the next request through it is the probe, and a success clears its
record. When every endpoint is out, the caller waits for the one back first.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from codegen.redact import redact


@dataclass
class Endpoint:
    url: str
    available_at: float = 0.0
    failures: int = 0
    in_flight: int = 0
    served: int = 0

    @property
    def label(self) -> str:
        """The URL as it may be shown: a password in it is masked."""
        return redact(self.url)


class EndpointPool:
    """Thread-safe choice of an endpoint for the next request."""

    def __init__(self, urls: Sequence[str], clock: Callable[[], float] = time.monotonic) -> None:
        if not urls:
            raise ValueError("at least one base URL is needed")
        self.endpoints = [Endpoint(url) for url in urls]
        self._clock = clock
        self._lock = threading.Lock()
        self._turn = 0

    def acquire(self) -> tuple[Endpoint, float]:
        """An endpoint and how long to wait before using it (0 when it is usable now)."""
        with self._lock:
            now = self._clock()
            ready = [e for e in self.endpoints if e.available_at <= now]
            if ready:
                self._turn += 1
                count = len(self.endpoints)
                order = {id(e): (i - self._turn) % count for i, e in enumerate(self.endpoints)}
                chosen = min(ready, key=lambda e: (e.in_flight, order[id(e)]))
                wait = 0.0
            else:
                chosen = min(self.endpoints, key=lambda e: e.available_at)
                wait = chosen.available_at - now
            chosen.in_flight += 1
            return chosen, wait

    def release(self, endpoint: Endpoint, ok: bool | None, delay: float = 0.0) -> None:
        """Record how a request went (None: says nothing about the endpoint, e.g. a 401);
        on failure keep the endpoint out for ``delay`` seconds."""
        with self._lock:
            endpoint.in_flight -= 1
            if ok is None:
                return
            if ok:
                endpoint.failures = 0
                endpoint.available_at = 0.0
                endpoint.served += 1
            else:
                endpoint.failures += 1
                endpoint.available_at = max(endpoint.available_at, self._clock() + delay)

    def failures(self, endpoint: Endpoint) -> int:
        with self._lock:
            return endpoint.failures

    def usable_others(self, endpoint: Endpoint) -> bool:
        """Whether another endpoint can take a request right now."""
        with self._lock:
            now = self._clock()
            return any(e is not endpoint and e.available_at <= now for e in self.endpoints)
