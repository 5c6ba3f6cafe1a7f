"""The chat-completions wire format: request bodies out, choices in (JSON or SSE stream).

Kept apart from the HTTP and retry logic so that parsing can be tested on plain strings.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from codegen.errors import BackendError
from codegen.prompting.extract import code_complete
from codegen.types import FinishReason, Message, SamplingParams

_FINISH: dict[str, FinishReason] = {"stop": "stop", "length": "length", "eos": "stop"}


@dataclass
class Choice:
    """One sequence as it arrives; ``done`` once its finish_reason came (or we stopped it)."""

    text: str = ""
    logprobs: list[float] = field(default_factory=list)
    finish: FinishReason | None = None
    chunks: int = 0

    @property
    def done(self) -> bool:
        return self.finish is not None


@dataclass
class Reply:
    """What one HTTP request gave: its choices and the server's token counts when it sent them."""

    choices: list[Choice] = field(default_factory=list)
    prompt_tokens: int | None = None
    completion_tokens: int | None = None

    def choice(self, index: int) -> Choice:
        while len(self.choices) <= index:
            self.choices.append(Choice())
        return self.choices[index]


@dataclass(frozen=True)
class Part:
    """One request of a ``generate`` call: ``n`` choices at ``temperature`` from ``seed``."""

    n: int
    temperature: float
    seed: int | None


def request_body(
    model: str,
    messages: Sequence[Message],
    params: SamplingParams,
    part: Part,
    logprobs: bool = True,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "model": model,
        "messages": [{"role": m.role, "content": m.content} for m in messages],
        "n": part.n,
        "temperature": part.temperature,
        "top_p": params.top_p,
        "max_tokens": params.max_tokens,
        "stream": True,
        "stream_options": {"include_usage": True},
    }
    if logprobs:
        body.update(logprobs=True, top_logprobs=1)
    if params.stop:
        body["stop"] = list(params.stop)
    if part.seed is not None:
        body["seed"] = part.seed
    return body


def _finish(value: Any) -> FinishReason | None:
    if value is None:
        return None
    return _FINISH.get(str(value), "stop")


def _logprobs(node: Any) -> list[float]:
    if not isinstance(node, dict):
        return []
    content = node.get("content")
    if not isinstance(content, list):
        return []
    return [float(t["logprob"]) for t in content if isinstance(t, dict) and "logprob" in t]


def _usage(reply: Reply, data: dict[str, Any]) -> None:
    usage = data.get("usage")
    if isinstance(usage, dict):
        if isinstance(usage.get("prompt_tokens"), int):
            reply.prompt_tokens = usage["prompt_tokens"]
        if isinstance(usage.get("completion_tokens"), int):
            reply.completion_tokens = usage["completion_tokens"]


def _error_in(data: Any, where: str) -> None:
    if isinstance(data, dict) and "error" in data and "choices" not in data:
        err = data["error"]
        message = err.get("message", err) if isinstance(err, dict) else err
        raise BackendError(f"{where}: the server reported an error: {str(message)[:300]}")


def parse_json(text: str, where: str) -> Reply:
    """A non-streamed chat.completion object."""
    data = _load(text, where)
    _error_in(data, where)
    choices = data.get("choices") if isinstance(data, dict) else None
    if not isinstance(choices, list):
        raise BackendError(f"{where}: the answer has no 'choices': {text[:200]!r}")
    reply = Reply()
    for pos, item in enumerate(choices):
        index = item.get("index", pos) if isinstance(item, dict) else pos
        message = item.get("message") or {} if isinstance(item, dict) else {}
        choice = reply.choice(int(index))
        choice.text = str(message.get("content") or "")
        choice.logprobs = _logprobs(item.get("logprobs"))
        choice.finish = _finish(item.get("finish_reason")) or "stop"
    _usage(reply, data)
    return reply


def _load(text: str, where: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        snippet = " ".join(text[:120].split())
        raise BackendError(
            f"{where}: not an OpenAI-compatible server (the answer is not JSON: {snippet!r})"
        ) from None


def apply_chunk(reply: Reply, data: Any, where: str, stop_after_code: bool) -> None:
    """Fold one ``chat.completion.chunk`` into ``reply``."""
    _error_in(data, where)
    if not isinstance(data, dict):
        raise BackendError(f"{where}: unexpected stream event {str(data)[:120]!r}")
    _usage(reply, data)
    for pos, item in enumerate(data.get("choices") or []):
        if not isinstance(item, dict):
            continue
        choice = reply.choice(int(item.get("index", pos)))
        if choice.done:
            continue
        delta = item.get("delta") or {}
        piece = delta.get("content") if isinstance(delta, dict) else None
        if piece:
            choice.text += str(piece)
            choice.chunks += 1
        choice.logprobs.extend(_logprobs(item.get("logprobs")))
        choice.finish = _finish(item.get("finish_reason"))
        if choice.finish is None and stop_after_code and piece and code_complete(choice.text):
            choice.finish = "stop"


def parse_stream(
    lines: Iterable[str], reply: Reply, where: str, stop_after_code: bool, expected: int
) -> bool:
    """Read SSE lines into ``reply``; True when the stream ended, False when every choice is done
    early (the caller may close the connection)."""
    for line in lines:
        if not line.startswith("data:"):
            continue
        payload = line[5:].strip()
        if payload == "[DONE]":
            return True
        apply_chunk(reply, _load(payload, where), where, stop_after_code)
        everything = len(reply.choices) >= expected and all(c.done for c in reply.choices)
        if stop_after_code and everything:
            return False
    return True
