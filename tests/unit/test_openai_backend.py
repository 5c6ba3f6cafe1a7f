"""OpenAIBackend against httpx.MockTransport servers: wire format, n fallback, errors, failover."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from codegen.backends.openai import OpenAIBackend, parse_spec
from codegen.backends.retry import Backoff
from codegen.errors import BackendError, BackendRejected, BackendUnavailable, UsageError
from codegen.types import Message, SamplingParams

MESSAGES = [Message("user", "add two numbers")]
PARAMS = SamplingParams(max_tokens=16, seed=7)
FAST = Backoff(base=0.001, cap=0.002)


def sse(choices: list[tuple[int, str]], usage: bool = True) -> str:
    events = []
    for index, text in choices:
        for piece in (text[: len(text) // 2], text[len(text) // 2 :]):
            lp = {"content": [{"token": piece, "logprob": -0.5}]}
            delta = {"index": index, "delta": {"content": piece}, "logprobs": lp}
            events.append({"choices": [delta | {"finish_reason": None}]})
        events.append({"choices": [{"index": index, "delta": {}, "finish_reason": "stop"}]})
    if usage:
        events.append({"choices": [], "usage": {"prompt_tokens": 11, "completion_tokens": 2}})
    lines = [f"data: {json.dumps(e)}\n\n" for e in events] + ["data: [DONE]\n\n"]
    return "".join(lines)


def stream_response(text: str) -> httpx.Response:
    return httpx.Response(200, text=text, headers={"content-type": "text/event-stream"})


Handler = Callable[[httpx.Request], httpx.Response]


def backend(handler: Handler, spec: str = "openai:http://a.test#m", **kw: object) -> OpenAIBackend:
    kw.setdefault("backoff", FAST)
    return OpenAIBackend(spec, transport=httpx.MockTransport(handler), **kw)  # type: ignore[arg-type]


def test_parse_spec_adds_v1_and_splits_urls() -> None:
    urls, model = parse_spec("openai:http://h:1,https://g/api/v1/#qwen")
    assert urls == ["http://h:1/v1", "https://g/api/v1"]
    assert model == "qwen"
    assert parse_spec("openai:http://h:1")[1] is None
    with pytest.raises(UsageError, match="not an http"):
        parse_spec("openai:ftp://h#m")
    with pytest.raises(UsageError, match="no base URL"):
        parse_spec("openai:#m")


def test_n_choices_in_one_stream_with_logprobs_and_body() -> None:
    bodies: list[dict[str, object]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        bodies.append(json.loads(request.content))
        return stream_response(sse([(0, "aaaa"), (1, "bbbb")]))

    params = SamplingParams(temperature=0.3, top_p=0.9, max_tokens=16, seed=7, stop=("END",))
    out = backend(handler).generate(MESSAGES, params, 2)
    assert [c.text for c in out] == ["aaaa", "bbbb"]
    assert out[0].logprobs == (-0.5, -0.5)
    assert out[0].prompt_tokens == 11
    body = bodies[0]
    assert (body["n"], body["temperature"], body["top_p"]) == (2, 0.3, 0.9)
    assert (body["max_tokens"], body["stop"], body["seed"], body["model"]) == (16, ["END"], 7, "m")
    assert body["logprobs"] is True and body["stream"] is True


def test_server_ignoring_n_gets_the_rest_concurrently_with_distinct_seeds() -> None:
    seeds: list[object] = []
    lock = threading.Lock()

    def handler(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        with lock:
            seeds.append(body.get("seed"))
        return stream_response(sse([(0, f"seed{body.get('seed')}")]))

    out = backend(handler).generate(MESSAGES, PARAMS, 4)
    assert len(out) == 4
    assert sorted(seeds) == [7, 8, 9, 10]
    assert sorted(c.text for c in out) == ["seed10", "seed7", "seed8", "seed9"]


def test_greedy_first_is_its_own_request_and_a_server_ignoring_n_is_remembered() -> None:
    bodies: list[dict[str, Any]] = []
    lock = threading.Lock()

    def handler(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        with lock:
            bodies.append(body)
        return stream_response(sse([(0, f"t{body['temperature']}s{body.get('seed')}")]))

    params = SamplingParams(temperature=0.8, max_tokens=16, seed=7, greedy_first=True)
    llm = backend(handler)
    out = llm.generate(MESSAGES, params, 3)
    assert out[0].text == "t0.0s7"  # candidate 0 is the greedy one
    assert sorted(c.text for c in out[1:]) == ["t0.8s7", "t0.8s8"]
    first_round = sorted((b["n"], b["temperature"]) for b in bodies[:2])
    assert first_round == [(1, 0.0), (2, 0.8)]
    bodies.clear()
    again = llm.generate(MESSAGES, params, 3)  # the server ignored n: three requests of one
    assert sorted((b["n"], b["temperature"], b["seed"]) for b in bodies) == [
        (1, 0.0, 7),
        (1, 0.8, 7),
        (1, 0.8, 8),
    ]
    assert [c.text for c in again] == [c.text for c in out]  # the same seed, the same set


def test_logprobs_can_be_turned_off_for_servers_that_compute_them_slowly() -> None:
    bodies: list[dict[str, Any]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        bodies.append(json.loads(request.content))
        return stream_response(sse([(0, "aaaa")]))

    backend(handler, logprobs=False).generate(MESSAGES, PARAMS, 1)
    assert "logprobs" not in bodies[0] and "top_logprobs" not in bodies[0]


def test_plain_json_answers_are_read() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        msg = {"role": "assistant", "content": "print(1)"}
        data = {"choices": [{"index": 0, "message": msg, "finish_reason": "length"}]}
        return httpx.Response(200, json=data)

    (only,) = backend(handler).generate(MESSAGES, PARAMS, 1)
    assert only.text == "print(1)" and only.finish_reason == "length"


def test_html_answer_is_a_clear_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, text="<html><body>Welcome to nginx</body></html>")

    with pytest.raises(BackendError, match="not an OpenAI-compatible server"):
        backend(handler).generate(MESSAGES, PARAMS, 1)


def test_garbage_in_stream_is_a_clear_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return stream_response("data: {not json\n\n")

    with pytest.raises(BackendError, match="not JSON"):
        backend(handler).generate(MESSAGES, PARAMS, 1)


def test_401_says_the_key_is_wrong_and_never_echoes_it() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.headers["authorization"] == "Bearer sk-secret-123"
        return httpx.Response(401, json={"error": {"message": "bad key sk-secret-123"}})

    with pytest.raises(BackendRejected) as info:
        backend(handler, api_key="sk-secret-123").generate(MESSAGES, PARAMS, 1)
    assert "API key is wrong" in str(info.value)
    assert "sk-secret" not in str(info.value)


def test_401_without_key_says_missing() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, text="unauthorized")

    with pytest.raises(BackendRejected, match="API key is missing"):
        backend(handler).generate(MESSAGES, PARAMS, 1)


def test_unknown_model_lists_what_the_server_offers() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/models"):
            return httpx.Response(200, json={"data": [{"id": "qwen-a"}, {"id": "qwen-b"}]})
        return httpx.Response(404, json={"error": {"message": "model 'nope' not found"}})

    with pytest.raises(BackendRejected, match=r"does not know model 'nope'.*qwen-a, qwen-b"):
        backend(handler, spec="openai:http://a.test#nope").generate(MESSAGES, PARAMS, 1)


def test_model_defaults_to_the_servers_only_model() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/models"):
            return httpx.Response(200, json={"data": [{"id": "solo"}]})
        seen.append(json.loads(request.content)["model"])
        return stream_response(sse([(0, "x")]))

    backend(handler, spec="openai:http://a.test").generate(MESSAGES, PARAMS, 1)
    assert seen == ["solo"]


def test_429_then_success_honours_retry_after() -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        if len(calls) <= 2:
            return httpx.Response(429, headers={"retry-after": "0"}, text="slow down")
        return stream_response(sse([(0, "ok")]))

    (only,) = backend(handler).generate(MESSAGES, PARAMS, 1)
    assert only.text == "ok" and len(calls) == 3


def test_5xx_gives_up_after_the_retries_with_exit_3() -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(503, text="overloaded")

    with pytest.raises(BackendUnavailable, match="giving up after 3 attempts") as info:
        backend(handler, retries=2).generate(MESSAGES, PARAMS, 1)
    assert info.value.exit_code == 3 and len(calls) == 3


def test_400_is_not_retried() -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(400, json={"error": {"message": "max_tokens too large"}})

    with pytest.raises(BackendRejected, match="HTTP 400"):
        backend(handler).generate(MESSAGES, PARAMS, 1)
    assert len(calls) == 1


def test_unreachable_url_is_backend_unavailable() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    with pytest.raises(BackendUnavailable, match=r"cannot connect to http://a\.test/v1"):
        backend(handler, retries=1).generate(MESSAGES, PARAMS, 1)


def test_refused_connection_is_retried_once_not_with_the_full_backoff() -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.host)
        raise httpx.ConnectError("[Errno 111] Connection refused", request=request)

    with pytest.raises(BackendUnavailable, match="giving up after 2 attempts"):
        backend(handler, retries=4).generate(MESSAGES, PARAMS, 1)
    assert calls == ["a.test", "a.test"]
    # Two endpoints, both refusing: each is tried twice, then the request fails.
    calls.clear()
    spec = "openai:http://a.test,http://b.test#m"
    with pytest.raises(BackendUnavailable, match="giving up after 4 attempts"):
        backend(handler, spec=spec, retries=6).generate(MESSAGES, PARAMS, 1)
    assert sorted(calls) == ["a.test", "a.test", "b.test", "b.test"]


def test_timeouts_keep_the_configured_retries() -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        raise httpx.ReadTimeout("slow", request=request)

    with pytest.raises(BackendUnavailable, match="giving up after 4 attempts"):
        backend(handler, retries=3).generate(MESSAGES, PARAMS, 1)
    assert len(calls) == 4


def test_failover_moves_requests_to_the_live_endpoint() -> None:
    hosts: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        hosts.append(request.url.host)
        if request.url.host == "dead.test":
            raise httpx.ConnectError("refused", request=request)
        return stream_response(sse([(0, "fine")]))

    spec = "openai:http://dead.test,http://live.test#m"
    out = backend(handler, spec=spec, retries=2, backoff=Backoff(base=5, cap=10))
    for _ in range(4):
        assert out.generate(MESSAGES, PARAMS, 1)[0].text == "fine"
    # The dead endpoint was tried once, then left out (its backoff is seconds long).
    assert hosts.count("dead.test") == 1 and hosts.count("live.test") == 4


def test_cut_stream_is_retried_without_streaming() -> None:
    streams: list[bool] = []

    def handler(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        streams.append(body["stream"])
        if body["stream"]:
            cut = sse([(0, "half")]).split('"finish_reason": "stop"')[0].rsplit("data:", 1)[0]
            return stream_response(cut)
        msg = {"role": "assistant", "content": "whole"}
        return httpx.Response(200, json={"choices": [{"message": msg, "finish_reason": "stop"}]})

    (only,) = backend(handler).generate(MESSAGES, PARAMS, 1)
    assert only.text == "whole" and streams == [True, False]


def test_cancel_stops_reading_and_skips_the_fill_requests() -> None:
    cancel = threading.Event()
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        cancel.set()
        return stream_response(sse([(0, "x" * 40)]))

    out = backend(handler).generate(MESSAGES, PARAMS, 3, cancel)
    assert len(calls) == 1
    assert len(out) == 3 and all(c.finish_reason == "cancelled" for c in out)


def test_factory_loads_openai_specs_with_the_settings() -> None:
    from codegen.backends.factory import check_spec, loader_for
    from codegen.config import Settings

    spec = "openai:http://a.test,http://b.test#m"
    built = loader_for(spec)(spec, Settings(openai_api_key="sk-x", openai_retries=1), None)
    assert isinstance(built, OpenAIBackend)
    info = built.info()
    assert info.backend == "openai" and info.extra["api_key"] == "set"
    assert "sk-x" not in str(info)
    assert [e.url for e in built.pool.endpoints] == ["http://a.test/v1", "http://b.test/v1"]
    with pytest.raises(UsageError, match="not an http"):
        check_spec("openai:localhost:8000#m")
