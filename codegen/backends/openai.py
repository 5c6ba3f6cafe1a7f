"""OpenAI-compatible chat servers (vLLM, SGLang, TGI, llama.cpp server, Ollama) over httpx.

Spec: ``openai:BASE_URL[,BASE_URL…][#MODEL]``. A base URL without a path gets ``/v1``.
Without ``#MODEL`` the server's only model (``GET /v1/models``) is used.

- Every request streams (SSE), so ``cancel`` and ``stop_after_code`` can end it early; a
  server that answers with plain JSON instead is read as well.
- Servers that ignore ``n`` (llama.cpp's server, Ollama) return fewer choices than asked: the
  rest come from further requests sent concurrently, each with its own seed.
- Retries (``retry.py`` holds the tables): 429, 5xx, timeouts and dropped connections are
  retried with exponential backoff and jitter, honouring Retry-After, up to
  ``openai.retries`` times; a refused connection once per endpoint at most; then a
  ``BackendUnavailable`` (exit 3) says what happened.
- Several base URLs spread the load (``openai_pool.py``); a failed request is retried on
  another endpoint at once, and the failed endpoint is left out until its backoff has passed.
- The API key (``openai.api_key``, ``CODEGEN_OPENAI_API_KEY`` or ``CODEGEN_API_KEY``) is sent
  as a Bearer token and never appears in messages or logs.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

import httpx

from codegen.backends.base import Identity, ModelInfo, TokenSink, approximate_tokens
from codegen.backends.openai_grammar import grammar_fields
from codegen.backends.openai_pool import Endpoint, EndpointPool
from codegen.backends.openai_wire import Part, Reply, parse_json, parse_stream, request_body
from codegen.backends.retry import (
    Backoff,
    EndpointFailure,
    error_class,
    parse_retry_after,
    retries_allowed,
)
from codegen.errors import BackendError, BackendRejected, BackendUnavailable, Cancelled, UsageError
from codegen.redact import redact
from codegen.types import Completion, Message, SamplingParams

log = logging.getLogger(__name__)
MAX_PARALLEL = 8


class StreamCut(EndpointFailure):
    """A stream that ended before every choice finished (llama.cpp's server interrupts a
    stream when another request arrives): retried at once without streaming."""


def parse_spec(spec: str) -> tuple[list[str], str | None]:
    """``openai:URL1,URL2#MODEL`` -> (["URL1/v1", "URL2/v1"], "MODEL")."""
    body = spec.removeprefix("openai:")
    urls_part, _, model = body.partition("#")
    urls = []
    for raw in urls_part.split(","):
        url = raw.strip().rstrip("/")
        if not url:
            continue
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise UsageError(
                f"--model {redact(spec)}: '{redact(raw.strip())}' is not an http(s) base URL"
            )
        urls.append(url if parts.path not in ("", "/") else url + "/v1")
    if not urls:
        raise UsageError(
            f"--model {redact(spec)}: no base URL (use openai:http://HOST:PORT/v1#MODEL)"
        )
    return urls, (model.strip() or None)


class OpenAIBackend(Identity):
    """Chat completions from one or more OpenAI-compatible base URLs."""

    def __init__(
        self,
        spec: str,
        *,
        api_key: str = "",
        timeout: float = 60.0,
        retries: int = 4,
        context_window: int = 8192,
        logprobs: bool = True,
        transport: httpx.BaseTransport | None = None,
        backoff: Backoff | None = None,
        grammar_field: str = "none",
    ) -> None:
        urls, model = parse_spec(spec)
        self._spec = redact(spec)  # shown, logged and audited; the pool keeps the URLs
        self._model = model
        self._key = api_key or os.environ.get("CODEGEN_API_KEY", "")
        self._retries = retries
        self._backoff = backoff or Backoff()
        self._context_length = context_window  # the setting: servers do not say theirs
        self._pool = EndpointPool(urls)
        headers = {"Authorization": f"Bearer {self._key}"} if self._key else {}
        self._client = httpx.Client(
            headers=headers,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            transport=transport,
            limits=httpx.Limits(max_connections=64, max_keepalive_connections=16),
        )
        self._model_lock = threading.Lock()
        self._logprobs = logprobs
        self._one_choice = False
        self._grammar_field = grammar_field  # openai.grammar_field (openai_grammar.py)

    @property
    def pool(self) -> EndpointPool:
        """The endpoints and their records (failures, requests served)."""
        return self._pool

    # -- Backend protocol ----------------------------------------------------------------
    def count_tokens(self, messages: Sequence[Message]) -> int:
        """An approximation, plus a few for the assistant turn's header: the server's tokenizer
        is not available here. Good enough for the prompt budget."""
        return approximate_tokens(messages) + 3

    def generate(
        self,
        messages: Sequence[Message],
        params: SamplingParams,
        n: int,
        cancel: threading.Event | None = None,
        on_token: TokenSink | None = None,  # not streamed: the completions come whole
    ) -> list[Completion]:
        if n < 1:
            raise BackendError(f"n must be at least 1, got {n}")
        model = self.model_name()
        started = time.perf_counter()
        parts = self._plan(params, n)
        replies = self._send(model, messages, params, parts, cancel)
        got = sum(len(r.choices) for r in replies)
        if got < sum(p.n for p in parts) and any(p.n > 1 for p in parts):
            self._one_choice = True  # from now on n requests of one choice, all at once
        missing = n - got
        if missing > 0 and not _cancelled(cancel):
            fill = [
                Part(1, params.temperature, _plus(params.seed, k)) for k in range(1, missing + 1)
            ]
            replies += self._send(model, messages, params, fill, cancel)
        elapsed_ms = (time.perf_counter() - started) * 1000
        out = self._completions(replies, messages, n, elapsed_ms, cancel)
        if grammar_fields(params.constraint, self._grammar_field):
            out = [replace(c, constrained=True) for c in out]
        return out

    def _plan(self, params: SamplingParams, n: int) -> list[Part]:
        """The requests for n choices: one request, or the greedy one apart (a server
        samples all choices of a request at one temperature), or n single-choice requests
        to a server known to ignore ``n``."""
        temps = [params.temperature_of(i, n) for i in range(n)]
        seed = params.seed
        greedy = n > 1 and temps[0] != temps[1]
        if self._one_choice:  # the seeds the fill requests would have used
            shift = 1 if greedy else 0
            return [Part(1, t, _plus(seed, max(0, i - shift))) for i, t in enumerate(temps)]
        if greedy:
            return [Part(1, temps[0], seed), Part(n - 1, temps[1], seed)]
        return [Part(n, temps[0], seed)]

    def info(self) -> ModelInfo:
        extra = {
            "model": self._model or "(the server's only model)",
            "endpoints": ", ".join(e.label for e in self._pool.endpoints),
            "api_key": "set" if self._key else "not set",
        }
        return ModelInfo(self._spec, "openai", extra["endpoints"], 0, self._context_length, extra)

    def close(self) -> None:
        self._client.close()

    # -- models --------------------------------------------------------------------------
    def model_name(self) -> str:
        """The model asked for, or the server's only one when the spec names none."""
        with self._model_lock:
            if self._model is None:
                offered = self.list_models()
                if len(offered) != 1:
                    raise UsageError(
                        f"--model {self._spec}: name a model after '#'; the server offers: "
                        f"{', '.join(offered) or '(none)'}"
                    )
                self._model = offered[0]
            return self._model

    def list_models(self) -> list[str]:
        """The ids ``GET /v1/models`` lists on the first endpoint that answers."""
        for endpoint in self._pool.endpoints:
            try:
                response = self._client.get(endpoint.url + "/models")
            except httpx.HTTPError:
                continue
            if response.status_code == 200:
                try:
                    data = response.json().get("data", [])
                    return [str(m["id"]) for m in data if isinstance(m, dict) and "id" in m]
                except (ValueError, AttributeError):
                    continue
        return []

    # -- requests ------------------------------------------------------------------------
    def _send(
        self,
        model: str,
        messages: Sequence[Message],
        params: SamplingParams,
        parts: Sequence[Part],
        cancel: threading.Event | None,
    ) -> list[Reply]:
        """One request per part, sent concurrently."""

        def one(part: Part) -> Reply:
            body = request_body(model, messages, params, part, self._logprobs)
            body.update(grammar_fields(params.constraint, self._grammar_field))
            return self._complete(body, cancel, params.stop_after_code)

        if len(parts) == 1:
            return [one(parts[0])]
        with ThreadPoolExecutor(max_workers=min(MAX_PARALLEL, len(parts))) as pool:
            return list(pool.map(one, parts))

    def _complete(
        self, body: dict[str, Any], cancel: threading.Event | None, early: bool = False
    ) -> Reply:
        """One chat completion with retries across endpoints."""
        attempt = 0
        failures: dict[str, int] = {}
        while True:
            endpoint, wait = self._pool.acquire()
            outcome: bool | None = None
            delay = 0.0
            try:
                if wait > 0 and _sleep(wait, cancel):
                    raise Cancelled("cancelled")
                reply = self._attempt(endpoint, body, cancel, early)
                outcome = True
                return reply
            except StreamCut as exc:
                body = {k: v for k, v in body.items() if k != "stream_options"} | {"stream": False}
                log.info("%s; retrying without streaming", exc)
                if attempt >= self._retries:
                    raise BackendUnavailable(f"{exc} (after {attempt + 1} attempts)") from exc
                attempt += 1
            except EndpointFailure as exc:
                outcome = False
                delay = self._backoff.delay(self._pool.failures(endpoint), exc.retry_after)
                failures[exc.kind] = failures.get(exc.kind, 0) + 1
                if attempt >= self._retries or failures[exc.kind] > self._allowed(exc.kind):
                    raise BackendUnavailable(
                        f"{endpoint.label}: giving up after {attempt + 1} attempts: {exc}"
                    ) from exc
                log.info("%s: %s; retrying (attempt %d)", endpoint.label, exc, attempt + 2)
                attempt += 1
            finally:
                self._pool.release(endpoint, outcome, delay=delay)

    def _allowed(self, kind: str) -> int:
        return retries_allowed(kind, self._retries, len(self._pool.endpoints))

    def _attempt(
        self,
        endpoint: Endpoint,
        body: dict[str, Any],
        cancel: threading.Event | None,
        early: bool,
    ) -> Reply:
        url = endpoint.url + "/chat/completions"
        try:
            with self._client.stream("POST", url, json=body) as response:
                if response.status_code != 200:
                    response.read()
                    self._raise_for_status(endpoint, response, str(body.get("model")))
                return self._read(endpoint, response, body, cancel, early)
        except httpx.ConnectError as exc:
            message = f"cannot connect to {endpoint.label} ({exc})"
            raise EndpointFailure(message, down=True, kind="refused") from exc
        except httpx.TimeoutException as exc:
            message = f"{endpoint.label}: no answer in time ({exc!r})"
            raise EndpointFailure(message, kind="timeout") from exc
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as exc:
            message = f"{endpoint.label}: the connection dropped ({exc})"
            raise EndpointFailure(message, down=True, kind="dropped") from exc
        except httpx.HTTPError as exc:
            raise BackendError(f"{endpoint.label}: HTTP error: {exc}") from exc

    def _read(
        self,
        endpoint: Endpoint,
        response: httpx.Response,
        body: dict[str, Any],
        cancel: threading.Event | None,
        early: bool,
    ) -> Reply:
        kind = response.headers.get("content-type", "")
        if "text/event-stream" in kind:
            reply = Reply()
            lines = _until_cancel(response.iter_lines(), cancel)
            ended = parse_stream(lines, reply, endpoint.label, early, int(body["n"]))
            if ended and not _cancelled(cancel) and not all(c.done for c in reply.choices):
                raise StreamCut(f"{endpoint.label}: the stream ended before the answer did")
            return reply
        text = response.read().decode("utf-8", "replace")
        return parse_json(self._scrub(text), endpoint.label)

    def _raise_for_status(self, endpoint: Endpoint, response: httpx.Response, model: str) -> None:
        status = response.status_code
        where = endpoint.label
        if status in (401, 403):
            state = "is wrong" if self._key else "is missing"
            raise BackendRejected(
                f"{where}: the server refused the request ({status}): the API key {state}; "
                "set openai.api_key or CODEGEN_OPENAI_API_KEY"
            )
        detail = self._scrub(" ".join(response.text[:300].split()))
        cls = error_class(status)
        if cls is BackendUnavailable:
            retry_after = parse_retry_after(response.headers.get("retry-after"))
            raise EndpointFailure(f"{where}: HTTP {status}: {detail}", retry_after=retry_after)
        if status in (400, 404) and "model" in detail.lower():
            offered = self.list_models()
            if offered and model not in offered:
                raise BackendRejected(
                    f"{where}: the server does not know model '{model}'; it offers: "
                    f"{', '.join(offered)}"
                )
        raise BackendRejected(f"{where}: HTTP {status}: {detail}")

    def _scrub(self, text: str) -> str:
        return text.replace(self._key, "****") if self._key else text

    def _completions(
        self,
        replies: list[Reply],
        messages: Sequence[Message],
        n: int,
        elapsed_ms: float,
        cancel: threading.Event | None,
    ) -> list[Completion]:
        out: list[Completion] = []
        for reply in replies:
            prompt_tokens = reply.prompt_tokens or self.count_tokens(messages)
            total = sum(len(c.logprobs) or c.chunks for c in reply.choices)
            for choice in reply.choices:
                tokens = len(choice.logprobs) or choice.chunks
                if reply.completion_tokens is not None and len(reply.choices) == 1:
                    tokens = reply.completion_tokens
                elif reply.completion_tokens is not None and total == 0:
                    tokens = reply.completion_tokens // max(1, len(reply.choices))
                finish = choice.finish or ("cancelled" if _cancelled(cancel) else "stop")
                out.append(
                    Completion(
                        text=choice.text,
                        finish_reason=finish,
                        prompt_tokens=prompt_tokens,
                        completion_tokens=tokens,
                        logprobs=tuple(choice.logprobs),
                        decode_ms=elapsed_ms,
                    )
                )
        if len(out) < n and not _cancelled(cancel):
            raise BackendError(f"{self._spec}: the server returned {len(out)} of {n} completions")
        prompt_tokens = out[0].prompt_tokens if out else self.count_tokens(messages)
        out += [Completion("", "cancelled", prompt_tokens, 0) for _ in range(n - len(out))]
        return out[:n]


def _plus(seed: int | None, k: int) -> int | None:
    return None if seed is None else seed + k


def _cancelled(cancel: threading.Event | None) -> bool:
    return cancel is not None and cancel.is_set()


def _sleep(seconds: float, cancel: threading.Event | None) -> bool:
    """Wait; True when cancelled meanwhile."""
    if cancel is None:
        time.sleep(seconds)
        return False
    return cancel.wait(seconds)


def _until_cancel(lines: Iterator[str], cancel: threading.Event | None) -> Iterator[str]:
    for line in lines:
        if _cancelled(cancel):
            return
        yield line
