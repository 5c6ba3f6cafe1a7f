"""The HTTP API's parts without a server: chat wire format, errors, keys, queue, events."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import pytest

from codegen import events as ev
from codegen.errors import UsageError
from codegen.http import chat_wire
from codegen.http.auth import ApiKeys, check_binding, is_loopback, key_id
from codegen.http.errors import ApiError, field_of, from_exception
from codegen.http.queue import ModelQueue, QueueFull
from codegen.types import Candidate, GenerationRequest, Result

KEY = "k" * 24


def cand(cid: str, rank: int | None, valid: bool = True, finish: str = "stop") -> Candidate:
    language = cid.rsplit("-", 1)[0]
    return Candidate(
        id=cid,
        language=language,
        code=f"# {cid}",
        raw_text="",
        finish_reason=finish,  # type: ignore[arg-type]
        prompt_tokens=10,
        completion_tokens=5,
        valid=valid,
        rank=rank,
    )


def result(*cands: Candidate, languages: tuple[str, ...] = ("python",)) -> Result:
    request = GenerationRequest(description="x", languages=languages)
    return Result(request_id="r1", request=request, model="m", candidates=cands)


def test_chat_messages_become_description_and_text_context() -> None:
    call = chat_wire.parse(
        {
            "messages": [
                {"role": "system", "content": "Use type hints."},
                {"role": "user", "content": "first try"},
                {"role": "assistant", "content": ""},
                {"role": "user", "content": [{"type": "text", "text": "Add two numbers"}]},
            ],
            "max_completion_tokens": 64,
            "n": 2,
            "stream": True,
            "stream_options": {"include_usage": True},
            "frequency_penalty": 0.5,
            "codegen": {"languages": ["go"], "context": "package main"},
        }
    )
    assert call.fields["description"] == "Add two numbers"
    assert call.fields["context"] == [
        "system message:\nUse type hints.\n",
        "user message:\nfirst try\n",
        "package main",
    ]
    assert call.fields["max_tokens"] == 64 and call.fields["n"] == 2
    assert call.fields["languages"] == ["go"]
    assert call.stream and call.include_usage


@pytest.mark.parametrize(
    ("body", "param", "says"),
    [
        ({"messages": []}, "messages", "non-empty list"),
        ({"messages": [{"role": "system", "content": "x"}]}, "messages", "user message"),
        ({"messages": [{"role": "robot", "content": "x"}]}, "messages[0].role", "one of"),
        (
            {"messages": [{"role": "user", "content": [{"type": "image_url"}]}]},
            "messages[0].content[0].type",
            "only text",
        ),
        (
            {"messages": [{"role": "user", "content": "x"}], "temprature": 1},
            "temprature",
            "temperature",
        ),
        (
            {"messages": [{"role": "user", "content": "x"}], "codegen": {"n": 2}},
            "codegen.n",
            "top level",
        ),
        ({"messages": [{"role": "user", "content": "x"}], "codegen": []}, "codegen", "an object"),
        (
            {"messages": [{"role": "user", "content": "x"}], "stream": "yes"},
            "stream",
            "true or false",
        ),
    ],
)
def test_chat_bad_bodies_name_the_field(body: dict[str, object], param: str, says: str) -> None:
    with pytest.raises(ApiError) as info:
        chat_wire.parse(body)
    assert info.value.status == 400 and info.value.param == param
    assert says in info.value.message and info.value.message.startswith(param)


def test_completion_lists_valid_candidates_by_language_then_rank() -> None:
    res = result(
        cand("python-1", 2),
        cand("python-2", None, valid=False),
        cand("python-3", 1, finish="length"),
        cand("go-1", 1),
        languages=("python", "go"),
    )
    body = chat_wire.completion(res, "codegen", 7)
    texts = [c["message"]["content"] for c in body["choices"]]
    assert texts == [
        "```python\n# python-3\n```",
        "```python\n# python-1\n```",
        "```go\n# go-1\n```",
    ]
    assert [c["finish_reason"] for c in body["choices"]] == ["length", "stop", "stop"]
    assert body["usage"] == {"prompt_tokens": 20, "completion_tokens": 20, "total_tokens": 40}
    assert body["codegen"]["request_id"] == "r1" and body["object"] == "chat.completion"


def test_completion_without_a_valid_candidate_says_so() -> None:
    body = chat_wire.completion(result(cand("python-1", None, valid=False)), "m", 0)
    assert len(body["choices"]) == 1
    assert "no valid candidate for python" in body["choices"][0]["message"]["content"]


@pytest.mark.parametrize(
    ("message", "field"),
    [
        ("n: must be between 1 and 64, got 65", "n"),
        ("codegen: languages: unknown language 'x'", "codegen.languages"),
        ("tests.python: expected test code as a string", "tests.python"),
        ("messages[2].content: empty", "messages[2].content"),
        ("the description needs 9000 prompt tokens: too many", None),
    ],
)
def test_field_of_reads_the_field_path(message: str, field: str | None) -> None:
    assert field_of(message) == field


def test_exceptions_map_to_statuses_without_tracebacks() -> None:
    usage = from_exception(UsageError("n: must be between 1 and 64, got 0"))
    assert (usage.status, usage.param, usage.type) == (400, "n", "invalid_request_error")
    crash = from_exception(KeyError("boom"))
    assert crash.status == 500 and crash.message == "internal error: KeyError"
    assert "Traceback" not in str(crash.body())


def test_keys_have_ids_and_only_the_right_key_passes() -> None:
    assert key_id(f"alice:{KEY}") == ("alice", KEY)
    anonymous, _ = key_id(KEY)
    assert anonymous.startswith("key-") and KEY not in anonymous
    keys = ApiKeys.parse([f"alice:{KEY}", "b" * 20])
    assert keys.client(f"Bearer {KEY}") == "alice"
    assert keys.client("bearer " + "b" * 20) == key_id("b" * 20)[0]
    for header in (None, "", f"Basic {KEY}", "Bearer wrong-key-wrong-key", f"Bearer {KEY}x"):
        with pytest.raises(ApiError) as info:
            keys.client(header)
        assert info.value.status == 401 and "WWW-Authenticate" in info.value.headers
    assert ApiKeys.parse([]).client(None) is None


def test_short_keys_and_open_bindings_are_refused() -> None:
    with pytest.raises(UsageError, match=r"key 1 .* shorter than 16"):
        ApiKeys.parse(["short"])
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("example.org")
    check_binding("127.0.0.1", ApiKeys())
    check_binding("0.0.0.0", ApiKeys.parse([KEY]))
    with pytest.raises(UsageError, match="needs API keys"):
        check_binding("0.0.0.0", ApiKeys())


def test_queue_admits_up_to_capacity_then_429_with_retry_after() -> None:
    queue = ModelQueue(workers=1, depth=1, typical_seconds=3)
    gate = threading.Event()
    first, second = queue.admit(), queue.admit()
    assert (first.position, second.position) == (0, 1)
    with pytest.raises(QueueFull) as info:
        queue.admit()
    assert info.value.status == 429 and int(info.value.headers["Retry-After"]) >= 3
    running = queue.submit(first, gate.wait, lambda: False)
    skipped = queue.submit(second, lambda: True, lambda: True)  # its client left
    gate.set()
    assert running.result(5) is True and skipped.result(5) is None
    assert (queue.waiting, queue.running) == (0, 0)
    queue.release(queue.admit())
    assert queue.waiting == 0
    queue.close()


@dataclass(frozen=True)
class TokenArrived:  # an event type the HTTP layer has never heard of
    request_id: str
    index: int
    text: str


def test_events_serialise_generically() -> None:
    assert ev.name(TokenArrived("r", 0, "x")) == "token_arrived"
    assert ev.to_dict(TokenArrived("r", 0, "x")) == {"request_id": "r", "index": 0, "text": "x"}
    ranked = ev.Ranked("r", "python", (cand("python-1", 1),))
    assert ev.name(ranked) == "ranked"
    assert ev.to_dict(ranked)["candidates"][0]["id"] == "python-1"
    failed = ev.to_dict(ev.Failed("r", UsageError("bad")))
    assert failed["error"] == {"type": "UsageError", "message": "bad"}
