"""Server-sent events: the Assistant's events as SSE (native), and the reply wrapper.

Native streams name each event after its class (``started``, ``language_started``,
``candidate_generated``, ``candidate_validated``, ``candidate_repaired``, ``ranked``,
``finished``, ``failed``, and whatever the Assistant adds later) with its fields as JSON data;
``queued`` comes first when the request waits for the model. A keep-alive comment every
15 s keeps proxies from closing a long generation. A client that disconnects ends the
stream, and with it the generation.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

from sse_starlette import EventSourceResponse, ServerSentEvent

from codegen import events as ev
from codegen.http.errors import from_exception
from codegen.http.jobs import Generation

PING_SECONDS = 15


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def event(name: str | None, data: Any) -> ServerSentEvent:
    return ServerSentEvent(data=data if isinstance(data, str) else dumps(data), event=name)


def payload(event_: ev.Event) -> dict[str, Any]:
    """The data of one Assistant event; a failure carries an OpenAI-style error object."""
    if isinstance(event_, ev.Failed):
        return {"request_id": event_.request_id, **from_exception(event_.error).body()}
    return ev.to_dict(event_)


async def native(gen: Generation, position: int) -> AsyncIterator[ServerSentEvent]:
    if position:
        yield event("queued", {"position": position})
    try:
        async for item in gen.events():
            yield event(ev.name(item), payload(item))
    except Exception as exc:  # a failure the worker could not report as an event
        yield event("failed", from_exception(exc).body())


def response(stream: AsyncIterator[ServerSentEvent]) -> EventSourceResponse:
    return EventSourceResponse(stream, ping=PING_SECONDS, headers={"Cache-Control": "no-cache"})
