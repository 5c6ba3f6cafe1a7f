"""`codegen serve --http` as a real process on the real small model, driven by real clients:
the official `openai` package (chat, streaming, errors), curl (SSE framing) and httpx (the
native routes, auth, the full queue, a disconnect, a second instance sharing cache and audit).
One server process is shared by the module (workers 1, queue depth 1)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import openai
import pytest

from codegen import resources

pytestmark = pytest.mark.integration

KEY = "integration-key-0123456789"
AUTH = {"Authorization": f"Bearer {KEY}"}
ADD = "Write a Python function add(a, b) that returns the sum of two numbers."
LONG = "Write a long Python module with ten classes, each with docstrings and five methods."


class Server:
    def __init__(self, proc: subprocess.Popen[str], info: dict[str, Any], home: Path) -> None:
        self.proc, self.info, self.home = proc, info, home
        self.url = info["url"]

    def stop(self) -> int:
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()


def start(home: Path, *, address: str = "0", keys: str | None = f"tester:{KEY}") -> Server:
    env = {
        **os.environ,
        "CODEGEN_AUDIT_PATH": str(home / "audit.jsonl"),
        "CODEGEN_CACHE_PATH": str(home / "cache.db"),
        "CODEGEN_CACHE_ENABLED": "1",  # the test session turns it off for everything else
        "CODEGEN_HTTP_QUEUE_DEPTH": "1",
        "CODEGEN_HTTP_WORKERS": "1",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("CODEGEN_HTTP_API_KEYS", None)
    if keys is not None:
        env["CODEGEN_HTTP_API_KEYS"] = keys
    proc = subprocess.Popen(
        [sys.executable, "-m", "codegen", "serve", "--http", address, "--model", "embedded-small"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line:
        raise AssertionError(f"server did not start: {proc.communicate()[1]}")
    return Server(proc, json.loads(line), home)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = start(tmp_path_factory.mktemp("http"))
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def oai(server: Server) -> openai.OpenAI:
    return openai.OpenAI(base_url=server.url + "/v1", api_key=KEY, max_retries=0, timeout=300)


def chat_args(seed: int, **extra: Any) -> dict[str, Any]:
    messages = [
        {"role": "system", "content": "Use type hints."},
        {"role": "user", "content": ADD},
    ]
    return {"model": "codegen", "messages": messages, "max_tokens": 128, "seed": seed, **extra}


def test_openai_chat_gives_ranked_fenced_code_and_caches_repeats(oai: openai.OpenAI) -> None:
    reply = oai.chat.completions.create(**chat_args(7, n=2, temperature=0.3))
    result = (reply.model_extra or {})["codegen"]
    jsonschema.validate(result, resources.schema("result"))
    ranked = sorted((c for c in result["candidates"] if c["rank"]), key=lambda c: c["rank"])
    assert ranked, "the small model should give a valid add()"
    texts = [choice.message.content for choice in reply.choices]
    assert texts == [f"```python\n{_ends_in_newline(c['code'])}```" for c in ranked]
    assert "def add" in (texts[0] or "")
    assert any("Use type hints." in c for c in result["request"]["context"])
    assert reply.usage is not None and reply.usage.completion_tokens > 0
    again = oai.chat.completions.create(**chat_args(7, n=2, temperature=0.3))
    repeat = (again.model_extra or {})["codegen"]
    details = [(c["finish_reason"], c["valid"]) for c in result["candidates"]], result["warnings"]
    assert repeat["cached"] is True, f"not answered from the cache; first answer: {details}"
    assert [c.message.content for c in again.choices] == texts


def _ends_in_newline(code: str) -> str:
    return code if code.endswith("\n") else code + "\n"


def test_openai_streaming_chunks_end_with_the_result(oai: openai.OpenAI) -> None:
    stream = oai.chat.completions.create(
        **chat_args(8, stream=True, stream_options={"include_usage": True})
    )
    chunks = list(stream)
    assert chunks[0].choices[0].delta.role == "assistant"
    content = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    last = chunks[-1]
    assert last.choices == [] and last.usage is not None
    result = (last.model_extra or {})["codegen"]
    jsonschema.validate(result, resources.schema("result"))
    best = min((c for c in result["candidates"] if c["rank"]), key=lambda c: c["rank"])
    assert content.startswith("```python\n") and best["code"].strip() in content


def test_openai_client_raises_the_errors(server: Server, oai: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as bad_n:
        oai.chat.completions.create(**chat_args(1, n=0))
    assert bad_n.value.param == "n"
    with pytest.raises(openai.BadRequestError) as typo:
        oai.chat.completions.create(**chat_args(1, extra_body={"codegen": {"langauges": ["go"]}}))
    assert "did you mean 'languages'" in str(typo.value)
    with pytest.raises(openai.NotFoundError):
        oai.chat.completions.create(**{**chat_args(1), "model": "gpt-4o"})
    stranger = openai.OpenAI(base_url=server.url + "/v1", api_key="x" * 20, max_retries=0)
    with pytest.raises(openai.AuthenticationError):
        stranger.models.list()
    assert [m.id for m in oai.models.list()] == ["embedded-small", "codegen"]


def curl(server: Server, path: str, body: dict[str, Any], *headers: str) -> bytes:
    args = ["curl", "-sN", "--max-time", "300", "-H", f"Authorization: Bearer {KEY}"]
    args += [arg for h in headers for arg in ("-H", h)]
    out = subprocess.run(
        [*args, "-d", json.dumps(body), server.url + path], capture_output=True, check=True
    )
    return out.stdout


def test_curl_sees_well_framed_server_sent_events(server: Server) -> None:
    body = {"description": "Return the square of x", "n": 1, "max_tokens": 64, "seed": 3}
    raw = curl(server, "/v1/generate", body, "Accept: text/event-stream")
    messages = [m for m in raw.split(b"\r\n\r\n") if m and not m.startswith(b":")]
    parsed = []
    for message in messages:
        lines = message.split(b"\r\n")
        assert lines[0].startswith(b"event: ") and lines[1].startswith(b"data: "), message
        parsed.append((lines[0][7:].decode(), json.loads(lines[1][6:])))
    names = [name for name, _ in parsed]
    assert names[0] == "started" and names[-1] == "finished"
    assert "candidate_generated" in names and "ranked" in names
    jsonschema.validate(parsed[-1][1]["result"], resources.schema("result"))
    chat = curl(server, "/v1/chat/completions", chat_args(7, n=2, temperature=0.3, stream=True))
    data = [m for m in chat.split(b"\r\n\r\n") if m]
    assert data[-1] == b"data: [DONE]"
    assert all(json.loads(m[6:])["object"] == "chat.completion.chunk" for m in data[:-1])


def test_native_routes_with_httpx(server: Server) -> None:
    with httpx.Client(base_url=server.url, headers=AUTH, timeout=300) as http:
        assert http.get("/healthz", headers={"Authorization": ""}).json()["status"] == "ok"
        bad = http.post("/v1/validate", json={"language": "python", "code": "def f(:\n"}).json()
        assert bad["valid"] is False and bad["diagnostics"][0]["line"] == 1
        fixed = http.post("/v1/repair", json={"language": "python", "code": "print((1)\n"}).json()
        assert fixed["valid"] is True and fixed["code"] == "print((1))\n"
        langs = http.get("/v1/languages").json()["languages"]
        assert "python" in [lang["name"] for lang in langs]
        body = {
            "description": "Return the absolute value of x",
            "n": 1,
            "max_tokens": 64,
            "seed": 5,
        }
        first, second = (http.post("/v1/generate", json=body).json() for _ in range(2))
        jsonschema.validate(first, resources.schema("result"))
        assert (first["cached"], second["cached"]) == (False, True)
        metrics = http.get("/metrics").text
    assert 'codegen_http_requests_total{method="POST",route="/v1/generate",status="200"}' in metrics
    assert _metric(metrics, "codegen_cache_hits_total") >= 1
    assert _metric(metrics, 'codegen_tokens_total{kind="completion"}') > 0


def _metric(text: str, name: str) -> float:
    line = next(ln for ln in text.splitlines() if ln.startswith(name + " "))
    return float(line.split()[-1])


def test_bad_input_and_missing_keys_are_4xx_error_objects(server: Server) -> None:
    with httpx.Client(base_url=server.url, timeout=60) as http:
        for path in ("/v1/generate", "/v1/chat/completions", "/metrics", "/v1/models"):
            method = http.get if path in ("/metrics", "/v1/models") else http.post
            assert method(path).status_code == 401
        cases = [
            (b'{"description": ', 400, "malformed JSON"),
            (json.dumps({"description": "x", "n": [1]}).encode(), 400, "n: expected an integer"),
            (json.dumps({"description": "x", "seeds": 1}).encode(), 400, "did you mean 'seed'"),
            (b"x" * (1100 * 1024), 413, "larger than 1024 KiB"),
        ]
        for body, status, says in cases:
            reply = http.post("/v1/generate", content=body, headers=AUTH)
            assert reply.status_code == status and says in reply.json()["error"]["message"]


def _open_stream(http: httpx.Client, first: str) -> tuple[httpx.Response, Iterator[str]]:
    """A generate request streaming events, read until its first event is ``first``.

    The line iterator is returned with the response: dropping it would close httpx's byte
    stream, which the server rightly takes for a client that went away."""
    body = {"description": LONG, "n": 1, "max_tokens": 2000, "temperature": 0.8}
    request = http.build_request(
        "POST", "/v1/generate", json=body, headers={**AUTH, "Accept": "text/event-stream"}
    )
    response = http.send(request, stream=True)
    lines = response.iter_lines()
    for line in lines:
        if line.startswith("event: "):
            assert line == f"event: {first}"
            return response, lines
    raise AssertionError("the stream ended before its first event")


def _post_and_hold(server: Server, body: dict[str, Any]) -> socket.socket:
    """A plain (not streamed) generate request whose client then waits, reading nothing."""
    data = json.dumps(body).encode()
    sock = socket.create_connection((server.info["host"], server.info["port"]))
    head = (
        f"POST /v1/generate HTTP/1.1\r\nHost: codegen\r\nAuthorization: Bearer {KEY}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n\r\n"
    )
    sock.sendall(head.encode() + data)
    return sock


def test_full_queue_is_429_and_a_disconnect_cancels_within_a_second(server: Server) -> None:
    with httpx.Client(base_url=server.url, timeout=300) as http:
        cancelled = _metric(http.get("/metrics", headers=AUTH).text, _CANCELLED)
        running, _events = _open_stream(http, "started")
        waiting = _post_and_hold(server, {"description": LONG, "max_tokens": 2000, "n": 1})
        _wait_queue(http, lambda q: q["waiting"] == 1)
        full = http.post("/v1/generate", json={"description": "x"}, headers=AUTH)
        assert full.status_code == 429 and int(full.headers["Retry-After"]) >= 1
        assert full.json()["error"]["type"] == "rate_limit_error"
        waiting.close()  # it never runs: when its turn comes, its client is gone
        time.sleep(0.5)  # the model is decoding the first request now
        closed = time.monotonic()
        running.close()
        queue = _wait_queue(http, lambda q: q["running"] == 0 and q["waiting"] == 0)
        stopped = time.monotonic() - closed
        assert queue == {"waiting": 0, "running": 0, "capacity": 2}
        assert stopped < 1.0, f"the model went on for {stopped:.2f} s after the disconnect"
        assert _metric(http.get("/metrics", headers=AUTH).text, _CANCELLED) == cancelled + 2


_CANCELLED = 'codegen_generations_total{outcome="cancelled"}'


def _wait_queue(http: httpx.Client, done: Callable[[dict[str, int]], bool]) -> dict[str, int]:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        queue: dict[str, int] = http.get("/healthz").json()["queue"]
        if done(queue):
            return queue
        time.sleep(0.02)
    raise AssertionError(f"the queue never got there: {queue}")


def test_a_second_instance_shares_cache_and_audit(server: Server) -> None:
    body = {"description": "Return the larger of a and b", "n": 1, "max_tokens": 64, "seed": 9}
    second = start(server.home)
    try:
        with httpx.Client(headers=AUTH, timeout=300) as http:
            first = http.post(server.url + "/v1/generate", json=body).json()
            other = http.post(second.url + "/v1/generate", json=body).json()
            assert (first["cached"], other["cached"]) == (False, True)
            audit = server.home / "audit.jsonl"
            before = len(audit.read_text().splitlines())
            urls = [server.url, second.url] * 10

            def post(url: str) -> int:
                return http.post(url + "/v1/generate", json=body).status_code

            with ThreadPoolExecutor(8) as pool:
                assert set(pool.map(post, urls)) == {200}
    finally:
        assert second.stop() == 0
    lines = audit.read_text().splitlines()
    records = [json.loads(line) for line in lines]  # whole lines only, none torn
    assert len(records) == before + len(urls)
    assert {(r["interface"], r["client"]) for r in records[before:]} == {("http", "tester")}
    assert KEY not in audit.read_text()


def test_binding_beyond_loopback_without_keys_exits_2(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "CODEGEN_HTTP_API_KEYS"}
    cmd = [sys.executable, "-m", "codegen", "serve", "--http", "0.0.0.0:0"]
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 2
    assert "needs API keys" in done.stderr and "Traceback" not in done.stderr
    assert done.stdout == ""
