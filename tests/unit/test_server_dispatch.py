"""Dispatch with a scripted model: error codes, progress, cancel, crashes, the TCP token."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from codegen.backends.base import ScriptedBackend
from codegen.config import Settings
from codegen.server import handlers
from tests.unit.server_harness import LocalClient
from tests.unit.server_harness import request as req

GOOD = "```python\ndef add(a, b):\n    return a + b\n```"


class Harness(LocalClient):
    """Messages are read once every handler has finished."""

    def __init__(self, token: str | None = None, backend: Any = None) -> None:
        super().__init__(
            backend or ScriptedBackend([GOOD]), Settings(model="scripted"), token=token
        )

    def messages(self) -> list[dict[str, Any]]:
        return self.idle()

    def reply(self, msg_id: Any, applied: bool = True, timeout: float = 20) -> dict[str, Any]:
        return next(m for m in self.messages() if m.get("id") == msg_id and "method" not in m)


@pytest.fixture
def h() -> Iterator[Harness]:
    harness = Harness()
    yield harness
    harness.close()


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (b"{not json", -32700),
        (b"[1, 2]", -32600),
        (b'"text"', -32600),
        (b'{"jsonrpc": "1.0", "id": 1, "method": "x"}', -32600),
        (b'{"jsonrpc": "2.0", "id": 1, "method": 7}', -32600),
        (b'{"jsonrpc": "2.0", "id": [1], "method": "x"}', -32600),
        (b'{"jsonrpc": "2.0", "id": 1, "method": "no/such"}', -32601),
        (b'{"jsonrpc": "2.0", "id": 1, "method": "codegen/validate", "params": 3}', -32602),
    ],
)
def test_bad_messages_get_the_right_error(h: Harness, raw: bytes, code: int) -> None:
    h.send(raw)
    (reply,) = h.messages()
    assert reply["error"]["code"] == code
    assert "Traceback" not in json.dumps(reply)


def test_invalid_params_name_the_field(h: Harness) -> None:
    h.send(req(1, "codegen/generate", {"description": "x", "n": 65}))
    h.send(req(2, "codegen/validate", {"language": "klingon", "code": ""}))
    h.send(req(3, "codegen/validate", {"language": "python"}))
    h.send(req(4, "codegen/generate", {"description": "x", "temprature": 1}))
    errors = {m["id"]: m["error"] for m in h.messages()}
    assert all(e["code"] == -32602 for e in errors.values())
    assert "n:" in errors[1]["message"] and "64" in errors[1]["message"]
    assert "klingon" in errors[2]["message"]
    assert "code:" in errors[3]["message"]
    assert "temperature" in errors[4]["message"]  # did you mean


def test_validate_returns_lsp_diagnostics(h: Harness) -> None:
    h.send(req(1, "codegen/validate", {"language": "python", "code": "x = '😀' +\n"}))
    result = h.reply(1)["result"]
    assert result["valid"] is False
    start = result["diagnostics"][0]["range"]["start"]
    assert start["line"] == 0 and isinstance(start["character"], int)


def test_validate_gives_the_compile_verdict_with_the_stage(h: Harness) -> None:
    code = "def f(s):\n    return re.sub('a', 'b', s)\n"
    h.send(req(1, "codegen/validate", {"language": "python", "code": code}))
    h.send(req(2, "codegen/validate", {"language": "python", "code": code, "compile": False}))
    h.send(req(3, "codegen/validate", {"language": "python", "code": code, "compile": "yes"}))
    first, second = h.reply(1)["result"], h.reply(2)["result"]
    assert first["valid"] is True and first["compiles"] is False
    stages = [d["data"]["stage"] for d in first["diagnostics"] if d["severity"] == 1]
    assert stages == ["compile"]
    assert second["compiles"] is None and second["valid"] is True
    error = h.reply(3)["error"]
    assert error["code"] == -32602 and "compile" in error["message"]


def test_generate_returns_result_and_progress(h: Harness) -> None:
    h.send(
        req(
            1,
            "codegen/generate",
            {"description": "add", "workDoneToken": "t", "partialResultToken": "p"},
        )
    )
    messages = h.messages()
    result = next(m for m in messages if m.get("id") == 1)["result"]
    assert result["candidates"][0]["id"] == "python-1" and result["candidates"][0]["valid"]
    progress = [m["params"] for m in messages if m.get("method") == "$/progress"]
    kinds = [p["value"].get("kind") for p in progress if p["token"] == "t"]
    assert kinds[0] == "begin" and kinds[-1] == "end" and "report" in kinds
    partial = [p["value"]["event"] for p in progress if p["token"] == "p"]
    assert partial[:2] == ["candidate_generated", "candidate_validated"]


def test_cancel_stops_a_running_generation() -> None:
    started, release = threading.Event(), threading.Event()

    def script(messages: Any, params: Any, n: int) -> list[str]:
        started.set()
        release.wait(5)
        return [GOOD] * n

    backend = ScriptedBackend(script)  # type: ignore[arg-type]
    harness = Harness(backend=backend)
    harness.send(req(9, "codegen/generate", {"description": "add"}))
    assert started.wait(5)
    harness.send({"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": 9}})
    release.set()
    assert harness.reply(9)["error"]["code"] == -32800


def test_a_crashing_handler_is_an_internal_error_and_serving_goes_on(
    h: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(state: Any, params: Any) -> Any:
        raise RuntimeError("kaboom")

    monkeypatch.setattr(handlers, "validate", boom)
    h.send(req(1, "codegen/validate", {"language": "python", "code": "x"}))
    h.send(req(2, "codegen/languages"))
    replies = {m["id"]: m for m in h.messages()}
    assert replies[1]["error"] == {
        "code": -32603,
        "message": "internal error: RuntimeError: kaboom",
    }
    assert any(lang["name"] == "python" for lang in replies[2]["result"])


def test_accept_records_the_choice(h: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[Any, ...]] = []
    monkeypatch.setattr(handlers, "record_accept", lambda *a, **k: seen.append((*a, k.get("code"))))
    h.send(req(1, "codegen/accept", {"request_id": "abc", "candidate_id": "python-1"}))
    h.send(req(2, "codegen/accept", {"request_id": "abc"}))
    replies = {m["id"]: m for m in h.messages()}
    assert replies[1]["result"] == {"accepted": True, "recorded": True}
    assert seen == [("abc", "python-1", "server", None)]
    assert "candidate_id" in replies[2]["error"]["message"]


def test_tcp_token_is_required() -> None:
    wrong = Harness(token="secret")
    init = {"capabilities": {}, "initializationOptions": {"token": "guess"}}
    wrong.send(req(1, "initialize", init))
    assert wrong.reply(1)["error"]["code"] == -32001 and wrong.writer.closed

    early = Harness(token="secret")
    early.send(req(1, "codegen/languages"))
    assert early.reply(1)["error"]["code"] == -32002

    right = Harness(token="secret")
    init["initializationOptions"] = {"token": "secret"}
    right.send(req(1, "initialize", init))
    right.send(req(2, "codegen/languages"))
    replies = {m["id"]: m for m in right.messages() if "id" in m}
    assert "capabilities" in replies[1]["result"] and replies[2]["result"]


def test_code_action_offers_a_command_and_generates_nothing(h: Harness) -> None:
    h.send(req(1, "initialize", {"capabilities": {}}))
    doc = {
        "uri": "file:///t.py",
        "languageId": "python",
        "version": 1,
        "text": "# return the 😀 count\n",
    }
    h.send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": doc}})
    where = {"start": {"line": 0, "character": 2}, "end": {"line": 0, "character": 2}}
    h.send(
        req(
            2,
            "textDocument/codeAction",
            {"textDocument": {"uri": doc["uri"]}, "range": where, "context": {"diagnostics": []}},
        )
    )
    (action,) = h.reply(2)["result"]
    assert action["command"]["command"] == "codegen.generateFromComment"
    args = action["command"]["arguments"][0]
    assert args["description"] == "return the 😀 count" and args["languages"] == ["python"]
    backend = h.conn.state.backend
    assert isinstance(backend, ScriptedBackend) and backend.calls == []


def test_the_open_document_goes_to_the_prompt_as_context(h: Harness) -> None:
    h.send(req(1, "initialize", {"capabilities": {}}))
    text = "def helper_for_sums(xs):\n    return sum(xs)\n\n# add two numbers\n"
    doc = {"uri": "file:///ctx.py", "languageId": "python", "version": 1, "text": text}
    h.send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": doc}})
    h.send(req(2, "codegen/generate", {"description": "add two numbers", "uri": doc["uri"]}))
    assert h.reply(2)["result"]["request"]["description"] == "add two numbers"
    backend = h.conn.state.backend
    assert isinstance(backend, ScriptedBackend)
    prompt = "\n".join(m.content for m in backend.calls[0][0])
    assert "helper_for_sums" in prompt


def test_repair_reports_code_validity_steps_and_diagnostics(h: Harness) -> None:
    h.send(req(1, "codegen/repair", {"language": "python", "code": "x = 1\n"}))
    h.send(req(2, "codegen/repair", {"language": "python", "code": "x = [1, 2\n"}))
    h.send(req(3, "codegen/repair", {"language": "python", "code": "x", "use_model": "yes"}))
    replies = {m["id"]: m for m in h.messages()}
    assert replies[1]["result"] == {
        "code": "x = 1\n",
        "valid": True,
        "steps": [],
        "diagnostics": [],
        "used_model": False,
    }
    broken = replies[2]["result"]
    assert set(broken) == {"code", "valid", "steps", "diagnostics", "used_model"}
    assert broken["used_model"] is False
    assert broken["valid"] and broken["code"] == "x = [1, 2]\n" and broken["steps"]
    assert "use_model" in replies[3]["error"]["message"]


def test_limits_nesting_size_and_lone_surrogates(h: Harness) -> None:
    deep: Any = 0
    for _ in range(70):
        deep = [deep]
    h.send(req(1, "codegen/validate", {"language": "python", "code": "x", "extra": deep}))
    h.send(req(2, "codegen/validate", {"language": "python", "code": "x", "extra": [0] * 200_000}))
    raw = b'{"jsonrpc":"2.0","id":3,"method":"codegen/validate",'
    raw += b'"params":{"language":"python","code":"x = \\"\\ud800\\""}}'
    h.send(raw)
    h.send(req(4, "codegen/validate", {"language": "python", "code": "x = 'ok \U0001f600'"}))
    replies = {m["id"]: m for m in h.messages() if "id" in m}
    assert replies[1]["error"]["code"] == -32600
    assert "nested deeper than 64 levels" in replies[1]["error"]["message"]
    assert replies[2]["error"]["code"] == -32600
    assert "more than 100000 JSON values" in replies[2]["error"]["message"]
    assert replies[3]["error"] == {
        "code": -32602,
        "message": "invalid params: params.code: a lone UTF-16 surrogate is not valid Unicode",
    }
    assert replies[4]["result"]["valid"] is True


def test_until_the_token_is_shown_only_small_messages_are_read() -> None:
    harness = Harness(token="t0k")
    try:
        assert harness.conn.reader.max_message == 64 * 1024
        params = {"initializationOptions": {"token": "t0k"}, "capabilities": {}}
        harness.send(req(1, "initialize", params))
        assert harness.conn.reader.max_message == 4 * 1024 * 1024
    finally:
        harness.close()
