"""The ``Backend`` seam and ``ScriptedBackend``, its fake for unit tests of other stages.

A backend turns chat messages into ``n`` completions. It renders the messages itself
(llama.cpp through the model's chat template, an HTTP server through its own), counts
tokens for the prompt builder's budget, and stops early when ``cancel`` is set.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from codegen.types import Completion, Message, SamplingParams

# Called by a backend as it decodes: the candidate's index (0 … n-1) and the text its newest
# token added. Backends that cannot stream never call it; the completions still come back.
TokenSink = Callable[[int, str], None]


@dataclass(frozen=True)
class ModelInfo:
    """What ``codegen model info`` prints."""

    spec: str
    backend: str
    path: str
    size_bytes: int
    context_length: int
    extra: dict[str, str] = field(default_factory=dict)


@runtime_checkable
class Backend(Protocol):
    """Anything that can turn messages into completions."""

    @property
    def name(self) -> str:
        """A stable identity for the model (used in results and cache keys)."""
        ...

    @property
    def context_length(self) -> int:
        """Tokens the model can hold: prompt plus completion."""
        ...

    def count_tokens(self, messages: Sequence[Message]) -> int:
        """Tokens the rendered prompt for these messages takes."""
        ...

    def generate(
        self,
        messages: Sequence[Message],
        params: SamplingParams,
        n: int,
        cancel: threading.Event | None = None,
        on_token: TokenSink | None = None,
    ) -> list[Completion]:
        """Return ``n`` completions; stop early (finish_reason 'cancelled') when cancel is set.
        ``on_token`` hears each decoded piece of text, where the backend can stream."""
        ...

    def info(self) -> ModelInfo: ...

    def close(self) -> None: ...


def check_call(n: int, max_n: int, prompt_tokens: int, max_tokens: int, context: int) -> None:
    """The limits every local backend enforces before it decodes anything."""
    from codegen.errors import BackendError

    if not 1 <= n <= max_n:
        raise BackendError(f"n must be between 1 and {max_n}, got {n}")
    if prompt_tokens + max_tokens > context:
        raise BackendError(
            f"prompt ({prompt_tokens} tokens) + max_tokens ({max_tokens}) exceeds the "
            f"context window ({context})"
        )


class Identity:
    """``name`` and ``context_length`` of the protocol, read from ``_spec`` and
    ``_context_length``, which each backend sets in ``__init__``."""

    _spec: str
    _context_length: int

    @property
    def name(self) -> str:
        return self._spec

    @property
    def context_length(self) -> int:
        return self._context_length


def approximate_tokens(messages: Sequence[Message]) -> int:
    """About four characters a token, as for real BPE vocabularies on English and code, plus a
    few per message: for backends whose tokenizer is not at hand."""
    return sum(len(m.content) // 4 + 4 for m in messages)


Script = Callable[[Sequence[Message], SamplingParams, int], list[str]]


class ScriptedBackend(Identity):
    """A fake backend that answers from a script: a list of texts, or a function.

    ``ScriptedBackend(["```python\\nprint(1)\\n```"])`` answers every call with that text,
    repeated ``n`` times; a longer list is consumed in order, cycling.
    """

    def __init__(
        self,
        replies: Sequence[str] | Script,
        *,
        name: str = "scripted",
        context_length: int = 32768,
        finish_reason: str = "stop",
    ) -> None:
        self._replies = replies
        self._spec = name
        self._context_length = context_length
        self._finish = finish_reason
        self._next = 0
        self.calls: list[tuple[list[Message], SamplingParams, int]] = []

    def count_tokens(self, messages: Sequence[Message]) -> int:
        return approximate_tokens(messages)

    def generate(
        self,
        messages: Sequence[Message],
        params: SamplingParams,
        n: int,
        cancel: threading.Event | None = None,
        on_token: TokenSink | None = None,
    ) -> list[Completion]:
        self.calls.append((list(messages), params, n))
        texts = self._texts(messages, params, n)
        if on_token is not None:  # each reply streamed a line at a time
            for index, text in enumerate(texts):
                for line in text.splitlines(keepends=True):
                    on_token(index, line)
        prompt_tokens = self.count_tokens(messages)
        finish = "cancelled" if cancel is not None and cancel.is_set() else self._finish
        return [
            Completion(
                text=text,
                finish_reason=finish,  # type: ignore[arg-type]
                prompt_tokens=prompt_tokens,
                completion_tokens=max(1, len(text) // 4),
                logprobs=tuple(-0.1 * (i + 1) for _ in range(3)),
            )
            for i, text in enumerate(texts)
        ]

    def _texts(self, messages: Sequence[Message], params: SamplingParams, n: int) -> list[str]:
        if callable(self._replies):
            return list(self._replies(messages, params, n))
        out = []
        for _ in range(n):
            out.append(self._replies[self._next % len(self._replies)])
            self._next += 1
        return out

    def info(self) -> ModelInfo:
        return ModelInfo(self._spec, "scripted", "", 0, self._context_length)

    def close(self) -> None:
        return None
