"""Inline completion and snippet completion with a scripted model: spots, item text,
debounce (a newer request stops an older one), cancel, the memo, and the protocol shapes."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

from codegen import languages
from codegen.backends.base import ScriptedBackend
from codegen.config import Settings
from codegen.server.spots import Spot, insertion, spot_at
from tests.unit.server_harness import LocalClient, request

PY = languages.get("python")
GOOD = "```python\ndef area(r):\n    return 3.14159 * r * r\n```"


@pytest.mark.parametrize(
    ("lines", "line", "char", "invoked", "expected"),
    [
        (["# area of a circle"], 0, 18, False, Spot("area of a circle", newline=True)),
        (["    # area of a circle", "    "], 1, 4, False, Spot("area of a circle", indent="    ")),
        (["x = 1", ""], 1, 0, False, None),
        (["# area", "x = 1"], 1, 1, False, None),  # text after the cursor
        (["total = "], 0, 8, False, None),
        (["def area(r):"], 0, 12, False, "def area(r)"),
        (["public int add(int a, int b) {"], 0, 30, False, "public int add(int a, int b)"),
        (["total = "], 0, 8, True, "continue"),
    ],
)
def test_spots(lines: list[str], line: int, char: int, invoked: bool, expected: Any) -> None:
    lang = languages.get("java") if "public" in lines[0] else PY
    spot = spot_at(lines, line, char, lang, invoked)
    if expected is None or isinstance(expected, Spot):
        assert spot == expected
    elif expected == "continue":
        assert spot is not None and "continue this line" in spot.description
        assert spot.prefix == "total =" and spot.signature is None
    else:
        assert spot is not None and spot.signature == expected
        assert spot.prefix == lines[line].strip()


def test_insertions() -> None:
    code = "def area(r):\n    return 3.14 * r * r\n"
    assert insertion(Spot("d", newline=True, indent="    "), code) == (
        "\n    def area(r):\n        return 3.14 * r * r"
    )
    assert insertion(Spot("d", indent="  "), code) == "def area(r):\n      return 3.14 * r * r"
    typed = Spot("d", "def area(r)", "def area(r):", indent="    ")
    assert insertion(typed, "import math\n\n" + code) == "\n        return 3.14 * r * r"
    assert insertion(typed, "def other():\n    pass\n") is None
    assert insertion(Spot("d", prefix="x = 1"), "x = 1") is None  # nothing to add


class Editor(LocalClient):
    def __init__(self, backend: ScriptedBackend, debounce: float = 0.0) -> None:
        settings = Settings(model="scripted", server_debounce=debounce, server_inline_n=2)
        super().__init__(backend, settings, capabilities={})

    def open(self, text: str, uri: str = "file:///c.py", language: str = "python") -> None:
        super().open(text, uri, language)

    def ask(self, msg_id: Any, method: str, line: int, char: int, kind: int = 2) -> None:
        params: dict[str, Any] = {
            "textDocument": {"uri": "file:///c.py"},
            "position": {"line": line, "character": char},
        }
        if method == "textDocument/inlineCompletion":
            params["context"] = {"triggerKind": kind}
        self.send(request(msg_id, method, params))


@pytest.fixture
def editor() -> Iterator[Editor]:
    e = Editor(ScriptedBackend([GOOD]))
    yield e
    e.close()


def test_inline_completion_after_a_comment_and_the_memo(editor: Editor) -> None:
    init = editor.reply("init")["result"]["capabilities"]
    assert init["inlineCompletionProvider"] == {} and "completionProvider" in init
    editor.open("import math\n\n# area of a circle\n")
    editor.ask(1, "textDocument/inlineCompletion", 2, 18)
    (item,) = editor.reply(1)["result"]["items"]  # two equal candidates: one item
    assert item["insertText"] == "\ndef area(r):\n    return 3.14159 * r * r"
    assert item["range"]["start"] == {"line": 2, "character": 18}
    backend = editor.conn.state.backend
    assert isinstance(backend, ScriptedBackend) and len(backend.calls) == 1
    prompt = "\n".join(m.content for m in backend.calls[0][0])
    assert "Task: area of a circle" in prompt and "import math" in prompt
    editor.ask(2, "textDocument/inlineCompletion", 2, 18)
    assert editor.reply(2)["result"]["items"] == [item]
    assert len(backend.calls) == 1  # the memo answered


def test_completion_gives_snippets_that_complete_the_typed_definition(editor: Editor) -> None:
    editor.open("def area(r):")
    editor.ask(3, "textDocument/completion", 0, 12)
    result = editor.reply(3)["result"]
    (item,) = result["items"]
    assert result["isIncomplete"] is False and item["kind"] == 15 and item["insertTextFormat"] == 2
    assert item["textEdit"]["range"]["start"] == {"line": 0, "character": 0}
    assert item["textEdit"]["newText"] == "def area(r):\n    return 3.14159 * r * r"
    assert item["filterText"] == "def area(r):" and item["label"] == "def area(r):"


def test_no_spot_answers_at_once_without_the_model(editor: Editor) -> None:
    editor.open("x = 1\ny = 2\n")
    editor.ask(4, "textDocument/completion", 1, 5)
    editor.ask(5, "textDocument/inlineCompletion", 1, 5)
    assert editor.reply(4)["result"]["items"] == []
    assert editor.reply(5)["result"]["items"] == []
    backend = editor.conn.state.backend
    assert isinstance(backend, ScriptedBackend) and backend.calls == []


def test_a_newer_request_stops_the_older_one_and_cancel_is_cancelled() -> None:
    started, release = threading.Event(), threading.Event()

    def script(messages: Any, params: Any, n: int) -> list[str]:
        started.set()
        release.wait(5)
        return [GOOD] * n

    editor = Editor(ScriptedBackend(script), debounce=0.2)  # type: ignore[arg-type]
    try:
        editor.open("# area of a circle\n# in square metres\n")
        editor.ask(6, "textDocument/inlineCompletion", 0, 18)
        editor.ask(7, "textDocument/inlineCompletion", 1, 18)  # within the debounce
        assert editor.reply(6)["result"]["items"] == []  # superseded: never generated
        assert started.wait(5)
        editor.send({"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": 7}})
        release.set()
        assert editor.reply(7)["error"]["code"] == -32800
    finally:
        editor.close()
