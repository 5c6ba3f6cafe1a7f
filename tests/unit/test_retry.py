"""The retry table, Retry-After parsing, backoff bounds, and the endpoint pool's bookkeeping."""

from __future__ import annotations

import random

from codegen.backends.openai_pool import EndpointPool
from codegen.backends.retry import (
    RETRIES_BY_KIND,
    Backoff,
    error_class,
    parse_retry_after,
    retries_allowed,
)
from codegen.errors import BackendRejected, BackendUnavailable, is_retryable


def test_status_table() -> None:
    for status in (429, 500, 502, 503, 504, 408):
        assert error_class(status) is BackendUnavailable
    for status in (400, 401, 403, 404, 422):
        assert error_class(status) is BackendRejected
    assert is_retryable(error_class(503)("x")) and not is_retryable(error_class(401)("x"))


def test_refused_connections_are_retried_once_per_endpoint_others_as_configured() -> None:
    assert RETRIES_BY_KIND["refused"] == 1
    assert retries_allowed("refused", 4, endpoints=1) == 1
    assert retries_allowed("refused", 9, endpoints=3) == 5
    assert retries_allowed("refused", 0, endpoints=2) == 0  # never more than configured
    for kind in ("status", "timeout", "dropped"):
        assert retries_allowed(kind, 4, endpoints=1) == 4


def test_retry_after_forms() -> None:
    assert parse_retry_after("2") == 2.0
    assert parse_retry_after(" 1.5 ") == 1.5
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    date = "Wed, 21 Oct 2015 07:28:10 GMT"
    assert parse_retry_after(date, now=1445412480.0) == 10.0


def test_backoff_grows_with_jitter_caps_and_honours_retry_after() -> None:
    policy = Backoff(base=1.0, cap=8.0)
    rng = random.Random(1)
    first = [policy.delay(0, rng=rng) for _ in range(50)]
    assert all(0.5 <= d <= 1.0 for d in first) and len(set(first)) > 1
    assert all(4.0 <= policy.delay(10, rng=rng) <= 8.0 for _ in range(20))
    assert policy.delay(0, retry_after=2.0) == 2.0
    assert Backoff(max_retry_after=5).delay(0, retry_after=999) == 5


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_pool_spreads_requests_round_robin() -> None:
    pool = EndpointPool(["a", "b", "c"], clock=Clock())
    picks = []
    for _ in range(6):
        endpoint, wait = pool.acquire()
        assert wait == 0
        picks.append(endpoint.url)
        pool.release(endpoint, True)
    assert sorted(picks) == ["a", "a", "b", "b", "c", "c"]


def test_pool_prefers_the_least_busy() -> None:
    pool = EndpointPool(["a", "b"], clock=Clock())
    first, _ = pool.acquire()
    second, _ = pool.acquire()
    assert first is not second


def test_failed_endpoint_is_out_until_its_delay_then_probed() -> None:
    clock = Clock()
    pool = EndpointPool(["a", "b"], clock=clock)
    a = pool.endpoints[0]
    got, _ = pool.acquire()
    while got is not a:
        pool.release(got, True)
        got, _ = pool.acquire()
    pool.release(a, False, delay=10.0)
    for _ in range(4):
        other, wait = pool.acquire()
        assert other.url == "b" and wait == 0
        pool.release(other, True)
    other, _ = pool.acquire()
    pool.release(other, False, delay=30.0)
    # Both out: the one back first comes with the wait until then.
    endpoint, wait = pool.acquire()
    assert endpoint is a and wait == 10.0
    pool.release(a, None)
    clock.now += 10.0
    probe, wait = pool.acquire()
    assert probe is a and wait == 0
    pool.release(probe, True)
    assert pool.failures(a) == 0
