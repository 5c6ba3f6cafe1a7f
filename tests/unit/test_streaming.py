"""Tokens as they decode: the Assistant's TokensGenerated events and the terminal's live view."""

from __future__ import annotations

import threading
from collections.abc import Sequence

from codegen import events as ev
from codegen.assistant import Assistant
from codegen.backends.base import ScriptedBackend, TokenSink
from codegen.config import Settings
from codegen.render.live import LiveState
from codegen.requests import build_request
from codegen.types import Candidate, Completion, Message, SamplingParams

S = Settings(model="scripted", repair_rounds=0)
GOOD = "```python\ndef f():\n    return 1\n```"
OTHER = "```python\ndef g():\n    return 2\n```"


def test_token_events_come_before_their_candidate_and_join_to_its_text() -> None:
    request = build_request({"description": "f", "n": 2}, S)
    assistant = Assistant(S, backend=ScriptedBackend([GOOD, OTHER]), interface="library")
    events = list(assistant.stream(request, tokens=True))
    pieces = [e for e in events if isinstance(e, ev.TokensGenerated)]
    generated = [e.candidate for e in events if isinstance(e, ev.CandidateGenerated)]
    for cand in generated:
        text = "".join(p.text for p in pieces if p.candidate_id == cand.id)
        assert text == cand.raw_text
    kinds = [type(e).__name__ for e in events]
    assert kinds.index("LanguageStarted") < kinds.index("TokensGenerated")
    assert max(i for i, k in enumerate(kinds) if k == "TokensGenerated") < kinds.index(
        "CandidateGenerated"
    )
    plain = list(Assistant(S, backend=ScriptedBackend([GOOD]), interface="library").stream(request))
    assert not any(isinstance(e, ev.TokensGenerated) for e in plain)  # only when asked


class Endless(ScriptedBackend):
    """Streams one piece, then decodes until cancelled (as a long generation would)."""

    def __init__(self) -> None:
        super().__init__([GOOD])
        self.stopped = threading.Event()

    def generate(
        self,
        messages: Sequence[Message],
        params: SamplingParams,
        n: int,
        cancel: threading.Event | None = None,
        on_token: TokenSink | None = None,
    ) -> list[Completion]:
        assert on_token is not None and cancel is not None
        on_token(0, "```python\n")
        cancel.wait(10)
        self.stopped.set()
        return [Completion("", "cancelled", 1, 0) for _ in range(n)]


def test_leaving_the_stream_early_stops_the_backend_and_leaves_the_callers_event_alone() -> None:
    backend = Endless()
    cancel = threading.Event()
    request = build_request({"description": "f", "n": 1}, S)
    stream = Assistant(S, backend=backend, interface="library").stream(request, cancel, tokens=True)
    for event in stream:
        if isinstance(event, ev.TokensGenerated):
            break
    stream.close()
    assert backend.stopped.is_set()  # close() waited for the backend to stop
    assert not cancel.is_set()


def test_the_callers_cancel_reaches_a_streaming_backend() -> None:
    backend = Endless()
    cancel = threading.Event()
    request = build_request({"description": "f", "n": 1}, S)
    stream = Assistant(S, backend=backend, interface="library").stream(request, cancel, tokens=True)
    kinds = []
    for event in stream:
        kinds.append(type(event).__name__)
        if isinstance(event, ev.TokensGenerated):
            cancel.set()
    assert backend.stopped.is_set()
    assert kinds[-1] == "Failed"


def _cand(k: int, code: str, valid: bool = True) -> Candidate:
    return Candidate(f"python-{k}", "python", code, code, "stop", 1, 1, valid=valid)


def test_the_live_view_shows_the_first_candidate_as_it_decodes_then_the_status() -> None:
    state = LiveState(color=False)
    state.update(ev.LanguageStarted("r", "python", 2))
    assert state.lines(10) == ["python      0/2 candidates · reading the prompt"]
    for text in ("```python\n", "def f():\n", "    return"):
        state.update(ev.TokensGenerated("r", "python", "python-1", text))
    state.update(ev.TokensGenerated("r", "python", "python-2", "```python\nOTHER"))
    lines = state.lines(10)
    assert lines[:3] == ["python-1:", "def f():", "    return"]
    assert "OTHER" not in "\n".join(lines)  # only the first candidate is shown
    assert lines[-1].startswith("python      0/2 candidates · ") and "tokens/s" in lines[-1]
    state.update(ev.CandidateGenerated("r", _cand(1, "def f():\n    return 1\n")))
    state.update(ev.CandidateValidated("r", _cand(2, "def g(:", valid=False)))
    lines = state.lines(10)
    assert "    return 1" in lines
    assert lines[-1].endswith("repairing python-2") and "1/2 candidates" in lines[-1]
    state.update(ev.Ranked("r", "python", (_cand(1, "x"), _cand(2, "y", valid=False))))
    assert state.lines(10)[-1].endswith("ranked, 1/2 valid")
    assert len(state.lines(2)) == 2  # a small terminal: the newest lines and the status
