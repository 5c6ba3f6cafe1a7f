"""The OpenAI chat-completions wire format, both ways, as plain functions.

In: the last user message is the description; system/developer messages and the other turns
become context (always as text, never read as paths on the server); ``n``, ``temperature``,
``top_p``, ``max_tokens`` (or ``max_completion_tokens``) and ``seed`` map to the request's
fields of the same name; the extension object ``codegen`` carries the request fields OpenAI
has no name for (``languages``, ``tests``, ``signature``, ``exec``, ``context``, ...). Other
documented OpenAI fields are accepted and ignored; unknown ones are refused.

Out: one choice per ranked valid candidate, each a fenced code block, languages in request
order and best first within each; with no valid candidate, one choice that says so. The
full result object rides along under ``codegen``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from codegen.http import bodies
from codegen.http.errors import ApiError
from codegen.requests import FIELDS
from codegen.types import Candidate, Result

TOP_LEVEL = ("n", "temperature", "top_p", "max_tokens", "seed")
# Documented OpenAI fields codegen cannot honour; accepted so that clients which always send
# them (editors, agents) work, and ignored.
IGNORED = (
    "stop",
    "user",
    "presence_penalty",
    "frequency_penalty",
    "logit_bias",
    "logprobs",
    "top_logprobs",
    "response_format",
    "tools",
    "tool_choice",
    "parallel_tool_calls",
    "functions",
    "function_call",
    "metadata",
    "store",
    "service_tier",
    "reasoning_effort",
    "modalities",
    "prediction",
    "audio",
    "web_search_options",
    "verbosity",
    "prompt_cache_key",
    "safety_identifier",
)
KNOWN = (
    "model",
    "messages",
    "stream",
    "stream_options",
    "max_completion_tokens",
    "codegen",
    *TOP_LEVEL,
    *IGNORED,
)
EXTENSION = tuple(f for f in FIELDS if f not in {"description", "model", *TOP_LEVEL})
ROLES = ("system", "developer", "user", "assistant", "tool", "function")


@dataclass(frozen=True)
class ChatCall:
    """A checked chat body: the request's loose fields, and how to answer."""

    fields: dict[str, Any]
    model: str | None
    stream: bool
    include_usage: bool


def parse(body: Mapping[str, Any]) -> ChatCall:
    bodies.reject_unknown(body, KNOWN)
    description, context = conversation(body.get("messages"))
    ext = bodies.get(body, "codegen", dict, default={})
    for key in ext:
        if key in TOP_LEVEL or key == "model":
            raise ApiError(
                400, f"codegen.{key}: set {key} at the top level", param=f"codegen.{key}"
            )
    bodies.reject_unknown(ext, EXTENSION, "codegen")
    fields: dict[str, Any] = {k: v for k, v in ext.items() if v is not None}
    fields["description"] = description
    fields["context"] = [*context, *_context_list(ext.get("context"))]
    for key in TOP_LEVEL:
        if body.get(key) is not None:
            fields[key] = body[key]
    if body.get("max_tokens") is None and body.get("max_completion_tokens") is not None:
        fields["max_tokens"] = body["max_completion_tokens"]
    options = bodies.get(body, "stream_options", dict, default={})
    return ChatCall(
        fields=fields,
        model=bodies.get(body, "model", str),
        stream=bool(bodies.get(body, "stream", bool, default=False)),
        include_usage=bool(bodies.get(options, "include_usage", bool, "stream_options", False)),
    )


def _context_list(value: Any) -> list[str]:
    if value is None:
        return []
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        raise bodies.wrong_type("codegen.context", "a string or a list of strings", value)
    return list(items)


def conversation(messages: Any) -> tuple[str, list[str]]:
    """(description, context texts) from ``messages``."""
    if not isinstance(messages, list) or not messages:
        raise bodies.wrong_type("messages", "a non-empty list of messages", messages)
    turns = [_turn(i, m) for i, m in enumerate(messages)]
    users = [i for i, (role, _) in enumerate(turns) if role == "user"]
    if not users:
        raise ApiError(400, "messages: needs at least one user message", param="messages")
    last = users[-1]
    description = turns[last][1]
    if not description.strip():
        raise ApiError(
            400,
            f"messages[{last}].content: the last user message is empty",
            param=f"messages[{last}].content",
        )
    context = [
        f"{role} message:\n{text}\n"
        for i, (role, text) in enumerate(turns)
        if i != last and text.strip()
    ]
    return description, context


def _turn(index: int, message: Any) -> tuple[str, str]:
    where = f"messages[{index}]"
    if not isinstance(message, dict):
        raise bodies.wrong_type(where, "an object with role and content", message)
    role = message.get("role")
    if role not in ROLES:
        raise ApiError(
            400,
            f"{where}.role: expected one of {', '.join(ROLES)}, got {role!r}",
            param=f"{where}.role",
        )
    return str(role), _content(where, message.get("content"))


def _content(where: str, content: Any) -> str:
    if content is None or isinstance(content, str):
        return content or ""
    if not isinstance(content, list):
        raise bodies.wrong_type(f"{where}.content", "a string or a list of parts", content)
    texts = []
    for k, part in enumerate(content):
        path = f"{where}.content[{k}]"
        if not isinstance(part, dict) or part.get("type") != "text":
            kind = part.get("type") if isinstance(part, dict) else part
            raise ApiError(
                400,
                f"{path}.type: only text parts are supported, got {kind!r}",
                param=f"{path}.type",
            )
        texts.append(bodies.get(part, "text", str, path, ""))
    return "\n".join(texts)


# ------------------------------------------------------------------------- out


def best_first(candidates: Iterable[Candidate]) -> list[Candidate]:
    """The valid ranked ones among ``candidates``, best first."""
    return sorted(
        (c for c in candidates if c.rank is not None and c.valid), key=lambda c: c.rank or 0
    )


def ordered(result: Result) -> list[Candidate]:
    """The valid ranked candidates: languages in the result's order, best first within each."""
    names = list(dict.fromkeys(c.language for c in result.candidates))
    return [c for name in names for c in best_first(result.for_language(name))]


def fenced(cand: Candidate) -> str:
    code = cand.code if cand.code.endswith("\n") else cand.code + "\n"
    return f"```{cand.language}\n{code}```"


def no_valid_text(result: Result) -> str:
    missing = [str(spec) for spec in result.request.languages]
    return (
        f"codegen found no valid candidate for {', '.join(missing)}; "
        "the candidates and their diagnostics are under 'codegen'."
    )


def finish_reason(cand: Candidate) -> str:
    return "length" if cand.finish_reason == "length" else "stop"


def usage(result: Result) -> dict[str, int]:
    prompts: dict[str, int] = {}
    for cand in result.candidates:
        prompts.setdefault(cand.language, cand.prompt_tokens)
    prompt = sum(prompts.values())
    completion = sum(c.completion_tokens for c in result.candidates)
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }


def completion(result: Result, model: str, created: int) -> dict[str, Any]:
    """The ``chat.completion`` object for a finished result."""
    cands = ordered(result)
    choices = [
        _choice(i, {"role": "assistant", "content": fenced(c)}, finish_reason(c))
        for i, c in enumerate(cands)
    ] or [_choice(0, {"role": "assistant", "content": no_valid_text(result)}, "stop")]
    return {
        "id": f"chatcmpl-{result.request_id}",
        "object": "chat.completion",
        "created": created,
        "model": model,
        "choices": choices,
        "usage": usage(result),
        "codegen": result.to_dict(),
    }


def _choice(index: int, message: dict[str, Any], finish: str) -> dict[str, Any]:
    return {"index": index, "message": message, "finish_reason": finish, "logprobs": None}


def chunk(
    request_id: str, model: str, created: int, choices: Sequence[dict[str, Any]], **extra: Any
) -> dict[str, Any]:
    """One ``chat.completion.chunk``."""
    return {
        "id": f"chatcmpl-{request_id}",
        "object": "chat.completion.chunk",
        "created": created,
        "model": model,
        "choices": list(choices),
        **extra,
    }


def delta(index: int, content: str | None = None, finish: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if content is not None:
        body = {"role": "assistant", "content": content}
    return {"index": index, "delta": body, "finish_reason": finish, "logprobs": None}
