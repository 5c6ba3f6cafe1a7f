"""The openai: backend against real llama.cpp servers started here on 127.0.0.1."""

from __future__ import annotations

import http.server
import json
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from codegen.backends.embedded import MODELS, ensure
from codegen.backends.openai import OpenAIBackend
from codegen.backends.retry import Backoff
from codegen.errors import BackendUnavailable
from codegen.types import Message, SamplingParams
from tests.integration.llama_server import LlamaServer, free_port

pytestmark = pytest.mark.integration
MESSAGES = [Message("user", "Write a Python function add(a, b) that returns a + b.")]


@pytest.fixture(scope="module")
def gguf() -> Path:
    return ensure(MODELS["embedded-small"])


@pytest.fixture(scope="module")
def server(gguf: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    srv = LlamaServer(gguf, tmp_path_factory.mktemp("llama") / "server.log").wait_ready()
    yield srv
    srv.kill()


def test_n_candidates_through_the_n_fallback_with_logprobs(server: LlamaServer) -> None:
    backend = OpenAIBackend(f"openai:{server.url}#small")
    params = SamplingParams(temperature=0.8, max_tokens=8, seed=11)
    out = backend.generate(MESSAGES, params, 3)
    assert len(out) == 3
    for comp in out:
        assert comp.text and comp.finish_reason in ("stop", "length")
        assert comp.completion_tokens == len(comp.logprobs) > 0
        assert all(lp <= 0 for lp in comp.logprobs)
        assert comp.prompt_tokens > 10
    assert len({c.text for c in out}) > 1  # distinct seeds for the extra requests


def test_cancel_ends_a_stream_early(server: LlamaServer) -> None:
    backend = OpenAIBackend(f"openai:{server.url}#small")
    cancel = threading.Event()
    timer = threading.Timer(0.3, cancel.set)
    timer.start()
    (only,) = backend.generate(MESSAGES, SamplingParams(max_tokens=128), 1, cancel)
    timer.cancel()
    assert only.finish_reason == "cancelled"
    assert only.completion_tokens < 128


class _Proxy(http.server.ThreadingHTTPServer):
    upstream = ""
    refusals = 2


class _ProxyHandler(http.server.BaseHTTPRequestHandler):
    server: _Proxy

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["content-length"]))
        if self.server.refusals > 0:
            self.server.refusals -= 1
            self.send_response(429)
            self.send_header("Retry-After", "2")
            self.send_header("Content-Length", "9")
            self.end_headers()
            self.wfile.write(b"slow down")
            return
        headers = {"content-type": self.headers["content-type"]}
        reply = httpx.post(
            self.server.upstream + self.path, content=body, headers=headers, timeout=120
        )
        self.send_response(reply.status_code)
        self.send_header("Content-Type", reply.headers["content-type"])
        self.send_header("Content-Length", str(len(reply.content)))
        self.end_headers()
        self.wfile.write(reply.content)

    def log_message(self, format: str, *args: object) -> None:
        return None


def test_429_with_retry_after_is_waited_out_then_succeeds(server: LlamaServer) -> None:
    proxy = _Proxy(("127.0.0.1", free_port()), _ProxyHandler)
    proxy.upstream = server.url.removesuffix("/v1")
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    try:
        backend = OpenAIBackend(f"openai:http://127.0.0.1:{proxy.server_address[1]}#small")
        started = time.monotonic()
        (only,) = backend.generate(MESSAGES, SamplingParams(max_tokens=8), 1)
        elapsed = time.monotonic() - started
    finally:
        proxy.shutdown()
        proxy.server_close()
    assert only.text and proxy.refusals == 0
    assert elapsed >= 4.0  # two Retry-After: 2 honoured


def test_failover_when_one_server_dies_mid_run(
    server: LlamaServer, gguf: Path, tmp_path: Path
) -> None:
    second = LlamaServer(gguf, tmp_path / "second.log").wait_ready()
    try:
        backend = OpenAIBackend(
            f"openai:{server.url},{second.url}#small", retries=4, backoff=Backoff(base=0.2)
        )
        params = SamplingParams(max_tokens=6, temperature=0.0)
        first_done = threading.Event()

        def one(_: int) -> str:
            text = backend.generate(MESSAGES, params, 1)[0].text
            first_done.set()
            return text

        with ThreadPoolExecutor(max_workers=4) as pool:
            futures = [pool.submit(one, i) for i in range(8)]
            first_done.wait(120)
            second.kill()
            texts = [f.result(timeout=300) for f in futures]
    finally:
        second.kill()
    assert len(texts) == 8 and all(texts)
    dead = backend.pool.endpoints[1]
    assert dead.failures >= 1  # taken out, not used again until its backoff passed


def test_unreachable_url_is_a_clear_error_after_one_retry() -> None:
    # Nothing listens on the port: the default retries (4) do not apply to a refused connection.
    backend = OpenAIBackend(f"openai:http://127.0.0.1:{free_port()}#m", retries=4)
    with pytest.raises(BackendUnavailable) as info:
        backend.generate(MESSAGES, SamplingParams(max_tokens=4), 1)
    assert "giving up after 2 attempts" in str(info.value)
    assert "cannot connect to http://127.0.0.1" in str(info.value)


def test_codegen_gen_through_the_openai_backend(
    server: LlamaServer, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from codegen.cli.main import main

    monkeypatch.setenv("CODEGEN_REPAIR_ROUNDS", "0")
    spec = f"openai:{server.url}#small"
    argv = ["gen", "Return the sum of a and b", "-n", "1", "--max-tokens", "96", "--seed", "1"]
    code = main([*argv, "--model", spec, "--json", "--no-cache"])
    out = capsys.readouterr().out
    assert code in (0, 1)
    result = json.loads(out)
    assert result["model"] == spec
    (cand,) = result["candidates"]
    assert cand["completion_tokens"] > 0 and cand["raw_text"]


SECRET = "s3cretPW-do-not-log"


def test_url_credentials_are_masked_in_output_errors_and_the_audit_log(
    server: LlamaServer, tmp_path: Path
) -> None:
    """A password in the model URL reaches the server but no output, log line or audit record."""
    import os
    import subprocess
    import sys

    audit = tmp_path / "audit.jsonl"
    env = {**os.environ, "CODEGEN_AUDIT_PATH": str(audit), "CODEGEN_REPAIR_ROUNDS": "0"}
    base = f"http://alice:{SECRET}@" + server.url.removeprefix("http://")
    runs = []
    # --debug on the good run: every debug line (httpx logs each request's URL) is checked too.
    for spec, flags in ((f"openai:{base}#small", ["--debug"]), (f"openai:{base}/x#s", [])):
        argv = [*flags, "gen", "Return a + b", "-n", "1", "--max-tokens", "24", "--no-cache"]
        argv += ["--model", spec, "--json"]
        proc = subprocess.run(
            [sys.executable, "-m", "codegen", *argv],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
            check=False,
        )
        runs.append(proc)
    ok, failed = runs
    assert ok.returncode in (0, 1), ok.stderr
    assert failed.returncode == 3
    assert "http://alice:***@127.0.0.1" in failed.stderr  # the error names the endpoint, masked
    record = audit.read_text(encoding="utf-8")
    assert '"model":"openai:http://alice:***@127.0.0.1' in record
    for text in (ok.stdout, ok.stderr, failed.stdout, failed.stderr, record):
        assert SECRET not in text


def test_grammars_reach_llama_cpp_server(server: LlamaServer) -> None:
    """With openai.grammar_field = grammar, a Python request comes back as JSON: the fenced
    JSON grammar (GBNF, from grammars/JSON.g4) and a JSON Schema both bind the server."""
    import jsonschema

    from codegen.config import Settings
    from codegen.prompting.extract import extract
    from codegen.requests import build_request
    from codegen.validation import antlr, constraints

    backend = OpenAIBackend(f"openai:{server.url}#small", grammar_field="grammar", logprobs=False)
    plain = build_request({"description": "x", "languages": ["json"]}, Settings())
    fenced = constraints.decide(plain, "json").constraint
    params = SamplingParams(temperature=0.0, max_tokens=40, stop_after_code=True)
    (answer,) = backend.generate(MESSAGES, replace(params, constraint=fenced), 1)
    assert answer.constrained and answer.text.startswith("```json\n"), answer.text
    if answer.finish_reason == "stop":
        assert antlr.validate(extract(answer.text, "json").code, "json") == []
    schema = {
        "type": "object",
        "properties": {"zip_code": {"type": "string"}, "floor": {"type": "integer"}},
        "required": ["zip_code", "floor"],
    }
    shaped = build_request({**plain.to_dict(), "json_schema": schema}, Settings())
    params = replace(
        params, max_tokens=60, constraint=constraints.decide(shaped, "json").constraint
    )
    (answer,) = backend.generate(MESSAGES, params, 1)
    assert answer.constrained and answer.finish_reason == "stop", answer.text
    jsonschema.validate(json.loads(extract(answer.text, "json").code), schema)
