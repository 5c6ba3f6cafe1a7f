"""The HTTP app in-process (Starlette's test client) with a scripted model: routes, errors,
auth, audit, limits, the full queue and metrics. The real server, model and clients are in
tests/integration/test_http_server.py."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from starlette.testclient import TestClient

from codegen import resources
from codegen.backends.base import ScriptedBackend
from codegen.config import Settings
from codegen.http.app import build_app
from codegen.http.service import Service
from codegen.store.cache import ResponseCache

KEY = "test-key-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {KEY}"}
GOOD = "```python\ndef add(a, b):\n    return a + b\n```"
BAD = "```python\ndef add(a, b:\n    return a +\n```"
USER = [{"role": "user", "content": "Add two numbers"}]


def make(tmp_path: Path, replies: list[str], **settings: Any) -> tuple[TestClient, Service]:
    base = Settings(
        model="scripted",
        audit_path=str(tmp_path / "audit.jsonl"),
        http_api_keys=(f"alice:{KEY}",),
        repair_rounds=0,
        n=2,
    )
    svc = Service(base.with_overrides(settings, "test"), backend=ScriptedBackend(replies))
    return TestClient(build_app(svc)), svc


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    http, svc = make(tmp_path, [GOOD, BAD])
    with http:
        yield http
    svc.close()


def sse_events(text: str) -> list[tuple[str | None, str]]:
    """(event name, data) of each SSE message."""
    out = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        lines = [ln for ln in block.split("\n") if ln and not ln.startswith(":")]
        if not lines:
            continue
        name = next((ln[7:] for ln in lines if ln.startswith("event: ")), None)
        data = "\n".join(ln[6:] for ln in lines if ln.startswith("data: "))
        out.append((name, data))
    return out


def test_chat_answers_valid_candidates_only_with_the_result(client: TestClient) -> None:
    reply = client.post("/v1/chat/completions", headers=AUTH, json={"messages": USER})
    assert reply.status_code == 200
    body = reply.json()
    assert [c["message"]["content"] for c in body["choices"]] == [GOOD]
    jsonschema.validate(body["codegen"], resources.schema("result"))
    assert [c["valid"] for c in body["codegen"]["candidates"]] == [True, False]


def test_chat_stream_sends_chunks_then_the_result_then_done(client: TestClient) -> None:
    body = {"messages": USER, "stream": True, "stream_options": {"include_usage": True}}
    with client.stream("POST", "/v1/chat/completions", headers=AUTH, json=body) as reply:
        assert reply.headers["content-type"].startswith("text/event-stream")
        events = sse_events(reply.read().decode())
    assert events[-1] == (None, "[DONE]")
    chunks = [json.loads(data) for _, data in events[:-1]]
    assert all(c["object"] == "chat.completion.chunk" for c in chunks)
    assert chunks[0]["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    contents = [c["choices"][0]["delta"].get("content") for c in chunks[1:-1]]
    assert contents == [GOOD, None]
    assert chunks[-1]["choices"] == [] and chunks[-1]["usage"]["total_tokens"] > 0
    assert chunks[-1]["codegen"]["candidates"][0]["id"] == "python-1"


def test_native_generate_json_and_events(client: TestClient) -> None:
    plain = client.post("/v1/generate", headers=AUTH, json={"description": "add", "n": 1})
    jsonschema.validate(plain.json(), resources.schema("result"))
    headers = {**AUTH, "Accept": "text/event-stream"}
    with client.stream("POST", "/v1/generate", headers=headers, json={"description": "add"}) as r:
        events = sse_events(r.read().decode())
    names = [name for name, _ in events]
    assert names[0] == "started" and names[-1] == "finished"
    assert {"candidate_generated", "candidate_validated", "ranked"} <= set(names)
    result = json.loads(events[-1][1])["result"]
    jsonschema.validate(result, resources.schema("result"))


def test_without_or_with_a_wrong_key_401_but_health_is_open(client: TestClient) -> None:
    assert client.get("/healthz").json()["status"] == "ok"
    for headers in ({}, {"Authorization": "Bearer not-the-key-not-the-key"}):
        reply = client.post("/v1/validate", headers=headers, json={"language": "python"})
        assert reply.status_code == 401
        assert reply.json()["error"]["code"] == "invalid_api_key"


def test_audit_names_the_key_id_never_the_key(client: TestClient, tmp_path: Path) -> None:
    client.post("/v1/generate", headers=AUTH, json={"description": "add", "n": 1})
    text = (tmp_path / "audit.jsonl").read_text()
    record = json.loads(text.splitlines()[-1])
    assert (record["interface"], record["client"]) == ("http", "alice")
    assert KEY not in text


@pytest.mark.parametrize(
    ("path", "body", "status", "param", "says"),
    [
        ("/v1/generate", b'{"description": "x",', 400, None, "malformed JSON at line 1"),
        ("/v1/generate", b"[1, 2]", 400, None, "must be a JSON object"),
        ("/v1/generate", {"description": "x", "n": "two"}, 400, "n", "expected an integer"),
        ("/v1/generate", {"description": "x", "temprature": 1}, 400, "temprature", "temperature"),
        ("/v1/generate", {"description": "x", "model": "gpt-4"}, 404, "model", "not served"),
        ("/v1/generate", {"description": "x", "context": 3}, 400, "context", "list of strings"),
        ("/v1/validate", {"code": "x"}, 400, "language", "required"),
        ("/v1/validate", {"language": "pyhton", "code": "x"}, 400, None, "did you mean 'python'"),
        ("/v1/validate", {"language": "python", "code": 1}, 400, "code", "expected a string"),
        ("/v1/validate", {"language": "python", "cod": "x"}, 400, "cod", "did you mean 'code'"),
        ("/v1/repair", {"language": "python", "code": "x", "use_model": 1}, 400, "use_model", ""),
        (
            "/v1/chat/completions",
            {"messages": USER, "codegen": {"languages": ["pyhton"]}},
            400,
            "codegen.languages",
            "did you mean 'python'",
        ),
        ("/v1/chat/completions", {"messages": USER, "model": "gpt-4o"}, 404, "model", "codegen"),
    ],
)
def test_bad_input_is_a_4xx_error_object_naming_the_field(
    client: TestClient, path: str, body: Any, status: int, param: str | None, says: str
) -> None:
    kwargs = {"content": body} if isinstance(body, bytes) else {"json": body}
    reply = client.post(path, headers=AUTH, **kwargs)
    assert reply.status_code == status, reply.text
    error = reply.json()["error"]
    assert set(error) == {"message", "type", "param", "code"}
    assert error["param"] == param and says in error["message"]


def test_oversize_bodies_413_declared_or_chunked(tmp_path: Path) -> None:
    http, svc = make(tmp_path, [GOOD], http_max_body_kb=1)
    big = json.dumps({"language": "python", "code": "x" * 2000}).encode()
    with http:
        declared = http.post("/v1/validate", headers=AUTH, content=big)
        chunked = http.post("/v1/validate", headers=AUTH, content=iter([big[:600], big[600:]]))
    for reply in (declared, chunked):
        assert reply.status_code == 413 and reply.json()["error"]["code"] == "body_too_large"
    svc.close()


def test_full_queue_answers_429_with_retry_after(tmp_path: Path) -> None:
    http, svc = make(tmp_path, [GOOD], http_workers=1, http_queue_depth=0)
    slot = svc.queue.admit()  # the one place is taken
    with http:
        busy = http.post("/v1/chat/completions", headers=AUTH, json={"messages": USER})
        quick = http.post("/v1/validate", headers=AUTH, json={"language": "python", "code": "x"})
        svc.queue.release(slot)
        free = http.post("/v1/generate", headers=AUTH, json={"description": "add"})
    assert busy.status_code == 429 and int(busy.headers["Retry-After"]) >= 1
    assert busy.json()["error"]["type"] == "rate_limit_error"
    assert quick.status_code == 200  # validation never waits for the model
    assert free.status_code == 200
    svc.close()


def test_validate_repair_languages_models(client: TestClient) -> None:
    bad = client.post("/v1/validate", headers=AUTH, json={"language": "py", "code": "def f(:\n"})
    assert bad.json()["valid"] is False and bad.json()["diagnostics"][0]["line"] == 1
    body = {"language": "python", "code": "def f():\n    return nowhere\n", "compile": True}
    unbound = client.post("/v1/validate", headers=AUTH, json=body).json()
    assert unbound["valid"] is True and unbound["compiles"] is False
    assert unbound["compiler"] == "pyflakes" and unbound["diagnostics"][0]["stage"] == "compile"
    fixed = client.post("/v1/repair", headers=AUTH, json={"language": "python", "code": "f((1)\n"})
    assert fixed.json()["valid"] is True and fixed.json()["used_model"] is False
    listed = client.get("/v1/languages", headers=AUTH).json()
    names = [lang["name"] for lang in listed["languages"]]
    assert set(listed["sandbox"]) == {"ready", "problem"}
    assert "python" in names and "rust" in names
    models = client.get("/v1/models", headers=AUTH).json()
    assert [m["id"] for m in models["data"]] == ["scripted", "codegen"]


def test_unknown_routes_and_methods_are_error_objects(client: TestClient) -> None:
    missing = client.get("/v2/nothing", headers=AUTH)
    assert (
        missing.status_code == 404 and "/v1/chat/completions" in missing.json()["error"]["message"]
    )
    assert client.get("/v1/generate", headers=AUTH).status_code == 405


def test_metrics_count_routes_statuses_tokens(client: TestClient) -> None:
    client.post("/v1/generate", headers=AUTH, json={"description": "add"})
    client.post("/v1/validate", headers=AUTH, json={})
    text = client.get("/metrics", headers=AUTH).text
    assert (
        'codegen_http_requests_total{method="POST",route="/v1/generate",status="200"} 1.0' in text
    )
    assert (
        'codegen_http_requests_total{method="POST",route="/v1/validate",status="400"} 1.0' in text
    )
    assert 'codegen_generations_total{outcome="finished"} 1.0' in text
    assert 'codegen_tokens_total{kind="completion"}' in text
    assert "codegen_queue_depth 0.0" in text
    assert 'codegen_http_request_duration_seconds_bucket{le="0.05",route="/v1/validate"}' in text


def idle(svc: Service) -> None:
    deadline = time.monotonic() + 10
    while svc.queue.waiting or svc.queue.running:
        assert time.monotonic() < deadline, "the queue never emptied"
        time.sleep(0.005)


def test_a_cached_answer_skips_the_full_queue(tmp_path: Path) -> None:
    http, svc = make(tmp_path, [GOOD], http_workers=1, http_queue_depth=0)
    svc.assistant.keeper.cache = ResponseCache(tmp_path / "cache.db")
    body = {"description": "add", "seed": 4}
    with http:
        first = http.post("/v1/generate", headers=AUTH, json=body).json()
        idle(svc)  # the worker gives its place back just after the reply
        slot = svc.queue.admit()  # the model is busy and nobody may wait
        again = http.post("/v1/generate", headers=AUTH, json=body)
        other = http.post("/v1/generate", headers=AUTH, json={**body, "seed": 5})
        svc.queue.release(slot)
    assert (first["cached"], again.status_code, again.json()["cached"]) == (False, 200, True)
    assert other.status_code == 429
    svc.close()
