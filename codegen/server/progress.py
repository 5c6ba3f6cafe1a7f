"""``$/progress`` for generations, sent through pygls: one notification per candidate event.

With a work-done token the client gets LSP work-done progress (begin, a report per event with
the event itself under ``codegen``, end) and may cancel it (``window/workDoneProgress/cancel``
sets the request's cancel event); with a partial-result token it gets each candidate as a
partial result. ``server_token`` makes a token for server-initiated progress
(``window/workDoneProgress/create``) when the client supports it and gave none.
"""

from __future__ import annotations

import logging
import threading
import uuid
from concurrent.futures import Future
from typing import Any

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer

from codegen import events as ev

log = logging.getLogger(__name__)

CREATE_TIMEOUT_S = 5.0

_NAMES: dict[type, str] = {
    ev.CandidateGenerated: "candidate_generated",
    ev.CandidateValidated: "candidate_validated",
    ev.CandidateRepaired: "candidate_repaired",
    ev.CandidateCompiled: "candidate_compiled",
}


def _token(value: Any) -> str | int | None:
    return value if isinstance(value, (str, int)) and not isinstance(value, bool) else None


def server_token(ls: LanguageServer, given: Any) -> str | int | None:
    """The client's work-done token, else a fresh one the client agreed to (None when it
    does not support server-initiated progress or does not answer in time)."""
    token = _token(given)
    if token is not None:
        return token
    window = getattr(ls.client_capabilities, "window", None)
    if not getattr(window, "work_done_progress", False):
        return None
    token = f"codegen-{uuid.uuid4()}"
    try:
        ls.work_done_progress.create(token).result(timeout=CREATE_TIMEOUT_S)
    except Exception as exc:  # no answer, or an error: go on without progress
        log.info("window/workDoneProgress/create: %s", exc)
        return None
    return token


class ProgressReporter:
    """Call it with each Assistant event; ``end()`` when the work is over."""

    def __init__(
        self,
        ls: LanguageServer,
        work_token: Any,
        partial_token: Any = None,
        cancel: threading.Event | None = None,
        title: str = "codegen",
    ) -> None:
        self._ls = ls
        self._work = _token(work_token)
        self._partial = _token(partial_token)
        self._cancel = cancel
        self._title = title
        self._begun = False

    def _send(self, token: str | int, value: Any) -> None:
        self._ls.progress(lsp.ProgressParams(token=token, value=value))

    def begin(self) -> None:
        if self._work is None or self._begun:
            return
        self._begun = True
        value = lsp.WorkDoneProgressBegin(title=self._title, cancellable=True)
        self._ls.work_done_progress.begin(self._work, value)
        cancel = self._cancel
        future: Future[Any] | None = self._ls.work_done_progress.tokens.get(self._work)
        if cancel is not None and future is not None:  # the client's cancel button
            future.add_done_callback(lambda f: cancel.set() if f.cancelled() else None)

    def __call__(self, event: ev.Event) -> None:
        payload = _payload(event)
        if payload is None:
            return
        if self._work is not None:
            self.begin()
            value = {"kind": "report", "message": payload.get("message", ""), "codegen": payload}
            self._send(self._work, value)
        if self._partial is not None and ("candidate" in payload or "candidates" in payload):
            self._send(self._partial, payload)

    def end(self, message: str | None = None) -> None:
        if self._work is None or not self._begun:
            return
        self._begun = False
        self._ls.work_done_progress.end(self._work, lsp.WorkDoneProgressEnd(message=message))
        self._ls.work_done_progress.tokens.pop(self._work, None)


def _payload(event: ev.Event) -> dict[str, Any] | None:
    if isinstance(event, ev.Started):
        return {"event": "started", "request_id": event.request_id, "message": "starting"}
    if isinstance(event, ev.LanguageStarted):
        message = f"generating {event.n} {event.language} candidate(s)"
        return {"event": "language_started", "language": event.language, "message": message}
    name = _NAMES.get(type(event))
    if name is not None and isinstance(
        event,
        (ev.CandidateGenerated, ev.CandidateValidated, ev.CandidateRepaired, ev.CandidateCompiled),
    ):
        cand = event.candidate
        message = f"{cand.id} {name.removeprefix('candidate_')}"
        return {"event": name, "message": message, "candidate": cand.to_dict()}
    if isinstance(event, ev.Ranked):
        ranked = [c.to_dict() for c in event.candidates]
        message = f"{event.language} ranked"
        return {
            "event": "ranked",
            "language": event.language,
            "message": message,
            "candidates": ranked,
        }
    return None
