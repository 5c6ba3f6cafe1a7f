"""workspace/executeCommand with a scripted model: the edit sent with workspace/applyEdit,
its placement, progress, cancel, and what a client without applyEdit gets."""

from __future__ import annotations

import io
import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from codegen.backends.base import ScriptedBackend
from codegen.config import Settings
from codegen.server import handlers
from codegen.server.dispatch import Connection
from codegen.server.framing import FrameReader, FrameWriter

GOOD = "```python\ndef add(a, b):\n    return a + b\n```"
BAD = "```python\nclass class class:\n    def def def\n```"


class Sink(io.BytesIO):
    def close(self) -> None:
        pass


class Client:
    """Drives a Connection message by message and answers the server's applyEdit requests."""

    def __init__(self, backend: Any, apply: bool | None = True, progress: bool = True) -> None:
        self.sink = Sink()
        self._lock = threading.Lock()
        state = handlers.State(Settings(model="scripted", n=1), backend=backend)
        self.conn = Connection(state, FrameReader(io.BytesIO()), FrameWriter(self.sink))
        caps: dict[str, Any] = {"window": {"workDoneProgress": progress}}
        if apply is not None:
            caps["workspace"] = {"applyEdit": apply}
        self.send({"jsonrpc": "2.0", "id": "init", "method": "initialize",
                   "params": {"capabilities": caps}})  # fmt: skip
        self.answered: set[Any] = set()

    def send(self, msg: dict[str, Any]) -> None:
        with self._lock:
            self.conn.handle(json.dumps(msg).encode())

    def messages(self) -> list[dict[str, Any]]:
        reader = FrameReader(io.BytesIO(self.sink.getvalue()))
        out = []
        while (frame := reader.read()) is not None:
            out.append(json.loads(frame.body or b""))
        return out

    def open(self, text: str, uri: str = "file:///w.py") -> None:
        doc = {"uri": uri, "languageId": "python", "version": 1, "text": text}
        self.send({"jsonrpc": "2.0", "method": "textDocument/didOpen",
                   "params": {"textDocument": doc}})  # fmt: skip

    def execute(self, msg_id: Any, command: str, *args: Any) -> None:
        params = {"command": command, "arguments": list(args)}
        self.send({"jsonrpc": "2.0", "id": msg_id, "method": "workspace/executeCommand",
                   "params": params})  # fmt: skip

    def serve_until_reply(self, msg_id: Any, applied: bool = True) -> dict[str, Any]:
        """Answer the server's requests (progress create, applyEdit) until ``msg_id``'s reply."""
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            for msg in self.messages():
                if msg.get("id") == msg_id and "method" not in msg:
                    return msg
                if "method" in msg and "id" in msg and msg["id"] not in self.answered:
                    self.answered.add(msg["id"])
                    result = (
                        {"applied": applied} if msg["method"] == "workspace/applyEdit" else None
                    )
                    self.send({"jsonrpc": "2.0", "id": msg["id"], "result": result})
            time.sleep(0.01)
        raise AssertionError(f"no reply to {msg_id}")

    def requests(self, method: str) -> list[dict[str, Any]]:
        return [m for m in self.messages() if m.get("method") == method]


@pytest.fixture
def client() -> Iterator[Client]:
    c = Client(ScriptedBackend([GOOD]))
    yield c
    c.conn.close()


def test_the_commands_are_advertised(client: Client) -> None:
    init = next(m for m in client.messages() if m.get("id") == "init")
    commands = init["result"]["capabilities"]["executeCommandProvider"]["commands"]
    assert set(commands) == {"codegen.generateFromComment", "codegen.generateFromSelection"}


def test_generate_from_comment_inserts_below_the_comment_indented(client: Client) -> None:
    text = "class Calc:\n    # add two numbers\n    pass\n"
    client.open(text)
    client.execute(1, "codegen.generateFromComment", {"uri": "file:///w.py", "line": 1})
    reply = client.serve_until_reply(1)["result"]
    assert reply["applied"] is True and reply["candidate_id"] == "python-1"
    (request,) = client.requests("workspace/applyEdit")
    (edit,) = request["params"]["edit"]["changes"]["file:///w.py"]
    assert edit["range"]["start"] == edit["range"]["end"] == {"line": 2, "character": 0}
    assert edit["newText"] == "    def add(a, b):\n        return a + b\n"
    backend = client.conn.state.backend
    assert isinstance(backend, ScriptedBackend)
    prompt = "\n".join(m.content for m in backend.calls[0][0])
    assert "Task: add two numbers" in prompt and "class Calc" in prompt  # the document
    progress = [m["params"]["value"]["kind"] for m in client.requests("$/progress")]
    assert progress[0] == "begin" and progress[-1] == "end"
    assert client.requests("window/workDoneProgress/create")


def test_generate_from_selection_replaces_it(client: Client) -> None:
    client.open("x = 1\nadd two numbers\ny = 2\n")
    where = {"start": {"line": 1, "character": 0}, "end": {"line": 2, "character": 0}}
    client.execute(2, "codegen.generateFromSelection", {"uri": "file:///w.py", "range": where})
    assert client.serve_until_reply(2)["result"]["applied"] is True
    (request,) = client.requests("workspace/applyEdit")
    (edit,) = request["params"]["edit"]["changes"]["file:///w.py"]
    assert edit["range"] == where
    assert edit["newText"] == "def add(a, b):\n    return a + b\n"


def test_a_client_without_apply_edit_gets_the_edit_in_the_result() -> None:
    c = Client(ScriptedBackend([GOOD]), apply=None)
    try:
        c.open("# add two numbers")
        c.execute(3, "codegen.generateFromComment", {"uri": "file:///w.py", "line": 0})
        result = c.serve_until_reply(3)["result"]
        assert result["applied"] is False and "workspace.applyEdit" in result["reason"]
        (edit,) = result["edit"]["changes"]["file:///w.py"]
        assert edit["newText"].startswith("\ndef add(a, b):")  # after the last line
        assert not c.requests("workspace/applyEdit")
    finally:
        c.conn.close()


def test_no_valid_candidate_applies_nothing_and_says_why() -> None:
    c = Client(ScriptedBackend([BAD] * 8))
    try:
        c.open("# add two numbers\n")
        c.execute(4, "codegen.generateFromComment", {"uri": "file:///w.py", "line": 0})
        result = c.serve_until_reply(4)["result"]
        assert result["applied"] is False and result["reason"] == "no valid python candidate"
        assert not c.requests("workspace/applyEdit")
        (shown,) = c.requests("window/showMessage")
        assert "no valid python candidate" in shown["params"]["message"]
    finally:
        c.conn.close()


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        ({"uri": "file:///nope.py", "line": 0}, "is not an open document"),
        ({"uri": "file:///w.py", "line": 1}, "line 2 holds no comment"),
        ({"uri": "file:///w.py"}, "arguments.line"),
        ({"uri": "file:///w.py", "line": 0, "n": 99}, "n: must be in [1, 64]"),
        ({"uri": "file:///w.py", "line": 0, "temprature": 1}, "temperature"),
        ("file:///w.py", "expected one object"),
    ],
)
def test_bad_arguments_are_invalid_params_naming_the_field(
    client: Client, args: Any, needle: str
) -> None:
    client.open("# add two numbers\nx = 1\n")
    client.execute(5, "codegen.generateFromComment", args)
    error = client.serve_until_reply(5)["error"]
    assert error["code"] == -32602 and needle in error["message"], error


def test_an_unknown_command_is_invalid_params(client: Client) -> None:
    client.execute(6, "codegen.nothing", {})
    error = client.serve_until_reply(6)["error"]
    assert error["code"] == -32602 and "codegen.nothing" in error["message"]


def test_cancel_stops_a_running_command() -> None:
    started, release = threading.Event(), threading.Event()

    def script(messages: Any, params: Any, n: int) -> list[str]:
        started.set()
        release.wait(5)
        return [GOOD] * n

    # No server-created progress: its create request would wait for an answer first.
    c = Client(ScriptedBackend(script), progress=False)  # type: ignore[arg-type]
    try:
        c.open("# add two numbers\n")
        c.execute(7, "codegen.generateFromComment", {"uri": "file:///w.py", "line": 0})
        assert started.wait(5)
        c.send({"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": 7}})
        release.set()
        assert c.serve_until_reply(7)["error"]["code"] == -32800
        c.conn.server.thread_pool.shutdown(wait=True)
        assert not c.requests("workspace/applyEdit")
    finally:
        c.conn.close()


def test_an_edit_the_client_refuses_is_reported(client: Client) -> None:
    client.open("# add two numbers\n")
    client.execute(8, "codegen.generateFromComment", {"uri": "file:///w.py", "line": 0})
    result = client.serve_until_reply(8, applied=False)["result"]
    assert result["applied"] is False and result["reason"] == "the client refused the edit"
