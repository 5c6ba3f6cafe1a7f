"""``$/progress`` for codegen/generate: one notification per candidate event.

With a ``workDoneToken`` the client gets LSP work-done progress (begin, a report per event,
end); with a ``partialResultToken`` it gets each candidate as a partial result.
"""

from __future__ import annotations

from typing import Any, Protocol

from codegen import events as ev

_NAMES: dict[type, str] = {
    ev.CandidateGenerated: "candidate_generated",
    ev.CandidateValidated: "candidate_validated",
    ev.CandidateRepaired: "candidate_repaired",
    ev.CandidateCompiled: "candidate_compiled",
}


class _Sender(Protocol):
    def send(self, message: Any) -> None: ...


class ProgressReporter:
    def __init__(self, writer: _Sender, work_token: Any, partial_token: Any) -> None:
        self._writer = writer
        self._work = work_token if isinstance(work_token, (str, int)) else None
        self._partial = partial_token if isinstance(partial_token, (str, int)) else None
        self._begun = False

    def _send(self, token: Any, value: dict[str, Any]) -> None:
        params = {"token": token, "value": value}
        self._writer.send({"jsonrpc": "2.0", "method": "$/progress", "params": params})

    def __call__(self, event: ev.Event) -> None:
        payload = _payload(event)
        if payload is None:
            return
        if self._work is not None:
            if not self._begun:
                self._begun = True
                begin = {"kind": "begin", "title": "codegen", "cancellable": True}
                self._send(self._work, begin)
            message = payload.get("message", "")
            self._send(self._work, {"kind": "report", "message": message, "codegen": payload})
        if self._partial is not None and ("candidate" in payload or "candidates" in payload):
            self._send(self._partial, payload)

    def end(self) -> None:
        if self._work is not None and self._begun:
            self._send(self._work, {"kind": "end"})
            self._begun = False


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
