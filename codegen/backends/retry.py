"""Which HTTP failures are retried, and how long to wait: the one table for the HTTP backends.

``STATUS_TABLE`` maps a status to the codegen error it becomes; ``BackendUnavailable`` (and
its subclass here, ``EndpointFailure``) is retryable (see ``codegen.errors.RETRYABLE``),
``BackendRejected`` is not. ``RETRIES_BY_KIND`` caps how often each kind of endpoint failure
is retried (a refused connection is not a busy server). Waits grow exponentially with full
jitter, capped, and never undercut a server's ``Retry-After``.
"""

from __future__ import annotations

import email.utils
import random
import time
from dataclasses import dataclass

from codegen.errors import BackendError, BackendRejected, BackendUnavailable

# Status -> error class. Anything not listed: 5xx retryable, other 4xx rejected.
STATUS_TABLE: dict[int, type[BackendError]] = {
    401: BackendRejected,
    403: BackendRejected,
    404: BackendRejected,
    408: BackendUnavailable,
    409: BackendUnavailable,
    425: BackendUnavailable,
    429: BackendUnavailable,
}


def error_class(status: int) -> type[BackendError]:
    """The codegen error an HTTP status maps to (``BackendUnavailable`` means: retry)."""
    if status in STATUS_TABLE:
        return STATUS_TABLE[status]
    return BackendUnavailable if status >= 500 else BackendRejected


# Kinds of endpoint failure -> retries allowed per endpoint (None: ``openai.retries``).
# Nothing listening ("refused": connection refused, no route, unknown host) is not a transient
# server error: each endpoint is tried again once at most, so a wrong URL fails in about a
# second. A busy or failing server (429, 5xx, timeouts) and a dropped connection keep the
# configured retries with backoff.
RETRIES_BY_KIND: dict[str, int | None] = {
    "refused": 1,
    "dropped": None,
    "timeout": None,
    "status": None,
}


def retries_allowed(kind: str, configured: int, endpoints: int) -> int:
    """How many retries a request may make after failures of ``kind`` over ``endpoints``."""
    per_endpoint = RETRIES_BY_KIND.get(kind)
    if per_endpoint is None:
        return configured
    return min(configured, (per_endpoint + 1) * endpoints - 1)


class EndpointFailure(BackendUnavailable):
    """A retryable failure of one endpoint: connection, timeout, 429 or 5xx.

    ``retry_after`` is the server's Retry-After in seconds (None when not sent); ``down``
    says the endpoint itself is gone (connection refused or dropped), not merely busy;
    ``kind`` is its row in ``RETRIES_BY_KIND``.
    """

    def __init__(
        self,
        message: str,
        *,
        retry_after: float | None = None,
        down: bool = False,
        kind: str = "status",
    ):
        super().__init__(message)
        self.retry_after = retry_after
        self.down = down
        self.kind = kind


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date), else None."""
    if not value:
        return None
    text = value.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff with full jitter: attempt k waits up to ``base * 2**k`` (capped)."""

    base: float = 0.5
    cap: float = 30.0
    max_retry_after: float = 120.0

    def delay(
        self, attempt: int, retry_after: float | None = None, rng: random.Random | None = None
    ) -> float:
        """Seconds before try ``attempt + 1``; a server's Retry-After wins (capped)."""
        if retry_after is not None:
            return max(min(retry_after, self.max_retry_after), 0.0)
        ceiling = min(self.cap, self.base * (2 ** max(0, attempt)))
        return (rng or random).uniform(ceiling / 2, ceiling)
