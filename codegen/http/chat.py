"""The OpenAI-compatible routes: ``POST /v1/chat/completions`` and ``GET /v1/models``.

With ``stream: true`` the reply is ``chat.completion.chunk`` events: a first chunk with the
assistant role as soon as the request starts, then each language's ranked valid candidates
as they are ranked (one choice index each, content and finish in two chunks), a last chunk
with no choices carrying the full result under ``codegen`` (and ``usage`` when
``stream_options.include_usage`` asks), and ``data: [DONE]``. A failure after the first
byte is sent as ``data: {"error": {...}}``, which OpenAI's clients raise.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

from sse_starlette import ServerSentEvent
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from codegen import events as ev
from codegen.http import bodies, chat_wire, sse
from codegen.http.errors import ApiError, from_exception, guarded
from codegen.http.jobs import Generation, while_connected
from codegen.http.routes import client, service
from codegen.types import Result


@guarded
async def models(request: Request) -> Response:
    svc = service(request)
    data = [
        {"id": name, "object": "model", "created": svc.started, "owned_by": "codegen"}
        for name in svc.model_ids()
    ]
    return JSONResponse({"object": "list", "data": data})


@guarded
async def completions(request: Request) -> Response:
    svc = service(request)
    call = chat_wire.parse(await bodies.json_object(request))
    svc.check_model(call.model)
    try:
        gen_request = svc.request(call.fields)
    except ApiError as exc:
        raise _in_extension(exc) from None
    gen, _ = await svc.generate(gen_request, client(request))
    model = call.model or svc.model
    created = int(time.time())
    if call.stream:
        return sse.response(_chunks(gen, model, created, call.include_usage))
    result = await while_connected(request, gen.result(), gen.cancel)
    return JSONResponse(chat_wire.completion(result, model, created))


def _in_extension(exc: ApiError) -> ApiError:
    """A field error about an extension field names it ``codegen.<field>``."""
    head = (exc.param or "").split(".")[0]
    if head not in chat_wire.EXTENSION:
        return exc
    message = exc.message.removeprefix(f"{head}: ")
    path = f"codegen.{exc.param}"
    return ApiError(exc.status, f"{path}: {message}", param=path, code=exc.code)


async def _chunks(
    gen: Generation, model: str, created: int, include_usage: bool
) -> AsyncIterator[ServerSentEvent]:
    request_id, index = "", 0
    try:
        async for item in gen.events():
            if isinstance(item, ev.Started):
                request_id = item.request_id
                yield _data(chat_wire.chunk(request_id, model, created, [chat_wire.delta(0, "")]))
            elif isinstance(item, ev.Ranked):
                for cand in chat_wire.best_first(item.candidates):
                    text, finish = chat_wire.fenced(cand), chat_wire.finish_reason(cand)
                    for delta in (
                        chat_wire.delta(index, text),
                        chat_wire.delta(index, None, finish),
                    ):
                        yield _data(chat_wire.chunk(request_id, model, created, [delta]))
                    index += 1
            elif isinstance(item, ev.Finished):
                for chunk in _last(item.result, model, created, index, include_usage):
                    yield _data(chunk)
            elif isinstance(item, ev.Failed):
                yield _data(from_exception(item.error).body())
                return
    except Exception as exc:  # a failure the worker could not report as an event
        yield _data(from_exception(exc).body())
        return
    yield ServerSentEvent(data="[DONE]")


def _last(
    result: Result, model: str, created: int, sent: int, include_usage: bool
) -> list[dict[str, Any]]:
    """The closing chunks: the no-valid-candidate note if nothing was sent, then the result."""
    rid = result.request_id
    out = []
    if not sent:
        note = chat_wire.no_valid_text(result)
        out += [
            chat_wire.chunk(rid, model, created, [chat_wire.delta(0, note)]),
            chat_wire.chunk(rid, model, created, [chat_wire.delta(0, None, "stop")]),
        ]
    extra: dict[str, Any] = {"codegen": result.to_dict()}
    if include_usage:
        extra["usage"] = chat_wire.usage(result)
    out.append(chat_wire.chunk(rid, model, created, [], **extra))
    return out


def _data(data: Any) -> ServerSentEvent:
    return sse.event(None, data)
