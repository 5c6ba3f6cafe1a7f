"""workspace/executeCommand with a scripted model: the edit sent with workspace/applyEdit,
its placement, progress, cancel, and what a client without applyEdit gets."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

from codegen.backends.base import ScriptedBackend
from tests.unit.server_harness import LocalClient, request

GOOD = "```python\ndef add(a, b):\n    return a + b\n```"
BAD = "```python\nclass class class:\n    def def def\n```"


class Client(LocalClient):
    def __init__(self, backend: Any, apply: bool | None = True, progress: bool = True) -> None:
        caps: dict[str, Any] = {"window": {"workDoneProgress": progress}}
        if apply is not None:
            caps["workspace"] = {"applyEdit": apply}
        super().__init__(backend, capabilities=caps)

    def execute(self, msg_id: Any, command: str, *args: Any) -> None:
        params = {"command": command, "arguments": list(args)}
        self.send(request(msg_id, "workspace/executeCommand", params))


@pytest.fixture
def client() -> Iterator[Client]:
    c = Client(ScriptedBackend([GOOD]))
    yield c
    c.close()


def test_the_commands_are_advertised(client: Client) -> None:
    init = next(m for m in client.messages() if m.get("id") == "init")
    commands = init["result"]["capabilities"]["executeCommandProvider"]["commands"]
    assert set(commands) == {"codegen.generateFromComment", "codegen.generateFromSelection"}


def test_generate_from_comment_inserts_below_the_comment_indented(client: Client) -> None:
    text = "class Calc:\n    # add two numbers\n    pass\n"
    client.open(text)
    client.execute(1, "codegen.generateFromComment", {"uri": "file:///w.py", "line": 1})
    reply = client.reply(1)["result"]
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
    assert client.reply(2)["result"]["applied"] is True
    (request,) = client.requests("workspace/applyEdit")
    (edit,) = request["params"]["edit"]["changes"]["file:///w.py"]
    assert edit["range"] == where
    assert edit["newText"] == "def add(a, b):\n    return a + b\n"


def test_a_client_without_apply_edit_gets_the_edit_in_the_result() -> None:
    c = Client(ScriptedBackend([GOOD]), apply=None)
    try:
        c.open("# add two numbers")
        c.execute(3, "codegen.generateFromComment", {"uri": "file:///w.py", "line": 0})
        result = c.reply(3)["result"]
        assert result["applied"] is False and "workspace.applyEdit" in result["reason"]
        (edit,) = result["edit"]["changes"]["file:///w.py"]
        assert edit["newText"].startswith("\ndef add(a, b):")  # after the last line
        assert not c.requests("workspace/applyEdit")
    finally:
        c.close()


def test_no_valid_candidate_applies_nothing_and_says_why() -> None:
    c = Client(ScriptedBackend([BAD] * 8))
    try:
        c.open("# add two numbers\n")
        c.execute(4, "codegen.generateFromComment", {"uri": "file:///w.py", "line": 0})
        result = c.reply(4)["result"]
        assert result["applied"] is False and result["reason"] == "no valid python candidate"
        assert not c.requests("workspace/applyEdit")
        (shown,) = c.requests("window/showMessage")
        assert "no valid python candidate" in shown["params"]["message"]
    finally:
        c.close()


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
    error = client.reply(5)["error"]
    assert error["code"] == -32602 and needle in error["message"], error


def test_an_unknown_command_is_invalid_params(client: Client) -> None:
    client.execute(6, "codegen.nothing", {})
    error = client.reply(6)["error"]
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
        assert c.reply(7)["error"]["code"] == -32800
        assert not [m for m in c.idle() if m.get("method") == "workspace/applyEdit"]
    finally:
        c.close()


def test_an_edit_the_client_refuses_is_reported(client: Client) -> None:
    client.open("# add two numbers\n")
    client.execute(8, "codegen.generateFromComment", {"uri": "file:///w.py", "line": 0})
    result = client.reply(8, applied=False)["result"]
    assert result["applied"] is False and result["reason"] == "the client refused the edit"


def test_the_code_actions_command_runs_as_offered(client: Client) -> None:
    """What a plain client does: take the code action's command and execute it verbatim."""
    client.open("def helper():\n    pass\n\n# add two numbers\n# (integers)\nz = 0\n")
    where = {"start": {"line": 4, "character": 2}, "end": {"line": 4, "character": 2}}
    params = {
        "textDocument": {"uri": "file:///w.py"},
        "range": where,
        "context": {"diagnostics": []},
    }
    client.send(request(9, "textDocument/codeAction", params))
    (action,) = client.reply(9)["result"]
    command = action["command"]
    assert command["arguments"][0]["description"] == "add two numbers (integers)"
    client.execute(10, command["command"], *command["arguments"])
    assert client.reply(10)["result"]["applied"] is True
    (edit,) = client.requests("workspace/applyEdit")[0]["params"]["edit"]["changes"]["file:///w.py"]
    assert edit["range"]["start"] == {"line": 5, "character": 0}  # below the whole comment
