"""The REPL through prompt-toolkit's pipe input and DummyOutput, with a ScriptedBackend."""

from __future__ import annotations

import _thread
import io
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from prompt_toolkit.data_structures import Size
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from codegen import config
from codegen.assistant import Assistant, Stages
from codegen.backends.base import ScriptedBackend
from codegen.config import Settings
from codegen.errors import BackendError
from codegen.repair.base import NoRepair
from codegen.repl import commands
from codegen.repl.app import ReplApp
from codegen.types import (
    Candidate,
    Completion,
    GenerationRequest,
    Message,
    RepairStep,
    SamplingParams,
)

GOOD = [
    "```python\ndef add(a, b):\n    return a + b\n```",
    "```python\ndef add(a, b):\n    total = a + b\n    return total\n```",
    "```python\ndef add(x, y):\n    return y + x\n```",
]
BROKEN = "```python\ndef add(a, b:\n    return a + b\n```"
SETTINGS = Settings(n=3, temperature=0.0, max_tokens=64, few_shot=0)


@pytest.fixture(autouse=True)
def _isolated_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """History and the audit log go into the test's own directory."""
    monkeypatch.setenv("CODEGEN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CODEGEN_AUDIT_PATH", str(tmp_path / "data" / "audit.jsonl"))


class NarrowOutput(DummyOutput):
    def get_size(self) -> Size:
        return Size(rows=20, columns=30)


def run_repl(
    keys: str | bytes,
    tmp_path: Path,
    backend: Any = None,
    *,
    stages: Stages | None = None,
    settings: Settings = SETTINGS,
    output: DummyOutput | None = None,
) -> tuple[str, ReplApp]:
    """Type ``keys`` into a fresh REPL (ending with Ctrl-D) and return what it printed."""
    out = io.StringIO()
    assistant = Assistant(
        settings, backend=backend or ScriptedBackend(GOOD), stages=stages, interface="library"
    )
    with create_pipe_input() as pipe:
        if isinstance(keys, bytes):
            pipe.send_bytes(keys + b"\x04")
        else:
            pipe.send_text(keys + "\x04")
        app = ReplApp(
            settings,
            assistant=assistant,
            input=pipe,
            output=output or DummyOutput(),
            out=out,
            history_file=tmp_path / "data" / "history",
        )
        assert app.run() == 0
    return out.getvalue(), app


def test_generates_shows_and_saves(tmp_path: Path) -> None:
    target = tmp_path / "out.py"
    text, app = run_repl(f"add two numbers\r/show 2\r/save 1 {target}\r/quit\r", tmp_path)
    assert "#1 python-1 ✓ valid" in text
    assert "done: python 3/3 valid" in text
    assert "total = a + b" in text  # /show 2 printed the second-ranked candidate
    compile(target.read_text(), str(target), "exec")
    assert f"saved python-1 to {target}" in text
    assert text.rstrip().endswith("bye")
    assert app.state.turns[0].outcome == "3/3 valid"


def test_bad_input_gets_one_line_errors_and_the_loop_goes_on(tmp_path: Path) -> None:
    keys = "/n zero\r/lang klingon\r/shw 1\r/show 1\radd\r/show 9\r/temp 5\r/exec maybe\r/n 2\r"
    text, app = run_repl(keys, tmp_path)
    assert "error: /n: n: expected an integer, got 'zero'" in text
    assert "error: /lang: languages:" in text and "klingon" in text
    assert "unknown command '/shw' (did you mean '/show'?)" in text
    assert "error: no candidates yet" in text
    assert "error: no candidate ranked 9: there are ranks 1-3" in text
    assert "error: /temp: temperature: must be in [0, 2], got 5.0" in text
    assert "error: /exec: expected 'on' or 'off', got 'maybe'" in text
    assert app.state.settings.n == 2
    assert text.rstrip().endswith("bye")


def test_binary_garbage_is_refused(tmp_path: Path) -> None:
    # A paste arrives as a bracketed paste: its bytes land in the buffer as they are.
    garbage = (bytes(range(0, 32)) + bytes(range(128, 256))) * 3
    paste = b"\x1b[200~" + garbage.replace(b"\x1b", b"") + b"\x1b[201~"
    text, app = run_repl(paste + b"\r/n 4\r", tmp_path)
    assert "looks like binary data" in text
    assert app.state.settings.n == 4
    assert app.state.turns == []


def test_save_errors_are_clear(tmp_path: Path) -> None:
    keys = (
        f"add\r/save 1 {tmp_path}/missing/out.py\r/save 1 /sys/out.py\r"
        f"/save 1 {tmp_path}\r/save 1\r"
    )
    text, _ = run_repl(keys, tmp_path)
    assert f"directory '{tmp_path}/missing' does not exist" in text
    assert "/save /sys/out.py: " in text and "'/sys'" in text
    assert f"/save {tmp_path}: is a directory" in text
    assert "/save: expected a candidate and a path" in text
    assert not (tmp_path / "missing").exists()


def test_two_languages_selectors_diff_and_explain(tmp_path: Path) -> None:
    def reply(messages: Sequence[Message], params: SamplingParams, n: int) -> list[str]:
        if "JavaScript" in messages[-1].content or "javascript" in messages[-1].content:
            return ["```javascript\nfunction add(a, b) { return a + b; }\n```"] * n
        return GOOD[:n]

    keys = "/lang python,javascript\r/n 2\radd\r/show javascript:1\r/diff python:1 python:2\r"
    keys += "/explain python:2\r/show python:3\r"
    text, _ = run_repl(keys, tmp_path, ScriptedBackend(reply))
    assert "languages: python, javascript" in text
    assert "function add(a, b)" in text
    assert "--- python-1" in text and "+    total = a + b" in text
    assert "mean log-probability" in text and "checked by:" in text
    assert "no candidate ranked 3: there are ranks 1-2" in text


class ParenRepair:
    def repair(
        self,
        candidate: Candidate,
        request: GenerationRequest,
        version: str | None,
        cancel: threading.Event | None = None,
        *,
        model: bool = True,
    ) -> Candidate:
        code = candidate.code.replace("(a, b:", "(a, b):")
        step = RepairStep("close-paren", "--- a\n+++ b\n", 0.1)
        return candidate.evolve(code=code, valid=True, diagnostics=(), repairs=(step,))


def test_invalid_candidates_show_diagnostics_and_repair(tmp_path: Path) -> None:
    stages = Stages.default(SETTINGS).replace(
        repairer=NoRepair()
    )  # the broken candidate stays broken
    backend = ScriptedBackend([GOOD[0], BROKEN])
    text, _ = run_repl("add\r/show python-2\r", tmp_path, backend, stages=stages)
    assert "-- python-2 ✗ invalid" in text
    assert "error:" in text.split("-- python-2 ✗ invalid", 1)[1]  # a diagnostic line
    assert "def add(a, b:" in text  # /show python-2 shows the broken code

    stages = Stages.default(SETTINGS).replace(repairer=ParenRepair())
    # The pipeline repairs it already; /repair on a valid candidate says so.
    text, _app = run_repl(
        "add\r/repair python-2\r", tmp_path, ScriptedBackend([GOOD[0], BROKEN]), stages=stages
    )
    assert "python-2: repair: close-paren → ✓ valid" in text
    # Repaired, it is the same code as the others: shown once, folded with them.
    assert "×3 agree (python-3, python-2)" in text
    assert "python-2 is already valid" in text


def test_repair_command_uses_the_repairer(tmp_path: Path) -> None:
    class Later:
        enabled = False

        def repair(
            self,
            candidate: Candidate,
            request: GenerationRequest,
            version: str | None,
            cancel: threading.Event | None = None,
            *,
            model: bool = True,
        ) -> Candidate:
            if not self.enabled:
                self.enabled = True  # the pipeline's pass finds nothing; /repair's works
                return candidate
            return ParenRepair().repair(candidate, request, version, cancel)

    stages = Stages.default(SETTINGS).replace(repairer=Later())
    backend = ScriptedBackend([GOOD[0], BROKEN])
    text, app = run_repl("/n 2\radd\r/repair python-2\r", tmp_path, backend, stages=stages)
    assert "#2 python-2 ✓ valid" in text
    assert app.state.result is not None
    assert app.state.select("2").id == "python-2"


def test_check_validates_pasted_code(tmp_path: Path) -> None:
    keys = "/check\rdef f(:\x1b\r    pass\r/check python\rx = 1\r/check klingon\r"
    text, _ = run_repl(keys, tmp_path)
    assert "✗ invalid Python" in text
    assert "✓ valid Python" in text
    assert "error: /check:" in text and "klingon" in text


def test_settings_save_writes_the_config_file(tmp_path: Path) -> None:
    text, _ = run_repl("/n 5\r/temp 0.3\r/settings\r/settings save\r", tmp_path)
    assert "n            5" in text
    saved = config.load()
    assert saved.n == 5 and saved.temperature == 0.3
    assert "saved n, temperature to" in text


def test_history_persists_across_sessions(tmp_path: Path) -> None:
    run_repl("add two numbers\r", tmp_path)
    history = (tmp_path / "data" / "history").read_text()
    assert "add two numbers" in history
    # Up arrow in a new session brings it back.
    text, _app = run_repl("\x1b[A\r/history\r", tmp_path)
    assert "add two numbers  [python n=3] 3/3 valid" in text


class Blocking:
    """A backend whose first generation runs until cancelled; the second answers at once."""

    name = "blocking"
    context_length = 32768

    def __init__(self) -> None:
        self.started = threading.Event()
        self.calls = 0
        self.cancel_seen = False

    def count_tokens(self, messages: Sequence[Message]) -> int:
        return 10

    def generate(
        self,
        messages: Sequence[Message],
        params: SamplingParams,
        n: int,
        cancel: threading.Event | None = None,
    ) -> list[Completion]:
        self.calls += 1
        if self.calls == 1:
            self.started.set()
            assert cancel is not None
            self.cancel_seen = cancel.wait(20)
            return [Completion("", "cancelled", 10, 0)] * n
        return [Completion(GOOD[0], "stop", 10, 5, (-0.1,))] * n

    def info(self) -> Any:
        return None

    def close(self) -> None:
        return None


def test_ctrl_c_cancels_generation_and_the_next_request_works(tmp_path: Path) -> None:
    backend = Blocking()

    def press_ctrl_c() -> None:
        if backend.started.wait(20):
            _thread.interrupt_main()

    threading.Thread(target=press_ctrl_c, daemon=True).start()
    text, app = run_repl("first\rsecond\r", tmp_path, backend)
    assert backend.cancel_seen
    assert "cancelled" in text
    assert "done: python 3/3 valid" in text
    assert [t.outcome for t in app.state.turns] == ["cancelled", "3/3 valid"]


class Failing(ScriptedBackend):
    def __init__(self, error: BaseException) -> None:
        super().__init__(GOOD)
        self.error: BaseException | None = error

    def generate(self, *args: Any, **kwargs: Any) -> list[Completion]:
        if self.error is not None:
            error, self.error = self.error, None
            raise error
        return super().generate(*args, **kwargs)


@pytest.mark.parametrize(
    ("error", "shown"),
    [
        (BackendError("server went away"), "error: server went away"),
        (RuntimeError("boom"), "error: internal error: RuntimeError: boom"),
    ],
)
def test_an_error_in_one_request_never_ends_the_repl(
    tmp_path: Path, error: BaseException, shown: str
) -> None:
    text, _app = run_repl("first\rsecond\r", tmp_path, Failing(error))
    assert shown in text
    assert "done: python 3/3 valid" in text


def test_narrow_terminal(tmp_path: Path) -> None:
    text, app = run_repl("add\r/help\r", tmp_path, output=NarrowOutput())
    assert len(app.toolbar()) <= 30
    assert "done: python 3/3 valid" in text
    rules = [line for line in text.splitlines() if line.startswith("── ")]
    assert rules and all(len(line) <= 30 for line in rules)


def test_help_model_context_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no clipboard tool to be found
    keys = (
        "/help\r/help save\r/model embeded-small\r/model embedded-small\r"
        f"/context {tmp_path}/nope.py\r/context {tmp_path}\radd\r/copy 1\r/exec on\r"
    )
    text, app = run_repl(keys, tmp_path)
    for name in ("/lang", "/diff A B", "/settings [save]", "/quit"):
        assert name in text
    assert "/save N PATH\n  write a candidate to a file" in text
    assert "unknown model 'embeded-small' (did you mean 'embedded-small'?)" in text
    assert app.state.settings.model == "embedded-small"
    assert f"/context {tmp_path}/nope.py: no such file or directory" in text
    assert app.state.context == (str(tmp_path),)
    assert app.state.settings.exec is True
    assert "/copy: no clipboard available" in text and "/save 1 PATH" in text


def test_save_records_the_accept_in_the_audit_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[Any, ...]] = []

    def record_accept(request_id: str, candidate_id: str, interface: str, **kw: Any) -> None:
        calls.append((request_id, candidate_id, interface))
        if len(calls) == 2:
            raise OSError("disk full")

    monkeypatch.setattr(commands, "record_accept", record_accept)
    text, app = run_repl(f"add\r/save 2 {tmp_path}/a.py\r/save 1 {tmp_path}/b.py\r", tmp_path)
    assert app.state.result is not None
    assert calls[0] == (app.state.result.request_id, "python-2", "repl")
    assert "warning: disk full" in text
    assert (tmp_path / "b.py").exists()


def _complete(app: ReplApp, text: str) -> list[str]:
    from prompt_toolkit.completion import CompleteEvent
    from prompt_toolkit.document import Document

    completer = app.session.completer
    assert completer is not None
    return [c.text for c in completer.get_completions(Document(text), CompleteEvent())]


def test_completion_of_commands_and_arguments(tmp_path: Path) -> None:
    (tmp_path / "notes.py").write_text("x = 1\n")
    _, app = run_repl("/n 2\radd\r", tmp_path)
    assert _complete(app, "/sh") == ["/show"]
    assert "/settings" in _complete(app, "/s") and "/save" in _complete(app, "/s")
    assert "python" in _complete(app, "/lang py")
    assert "javascript" in _complete(app, "/lang python,java")
    assert _complete(app, "/exec o") == ["on", "off"]
    assert _complete(app, "/settings ") == ["save"]
    assert _complete(app, "/show ") == ["1", "python-1", "2", "python-2"]
    assert "embedded-small" in _complete(app, "/model emb")
    assert _complete(app, f"/save 1 {tmp_path}/no") == ["tes.py"]  # the rest of notes.py
    assert _complete(app, "add two") == []


def test_keys_multiline_ctrl_c_at_prompt_and_ctrl_r(tmp_path: Path) -> None:
    run_repl("add two numbers\rsomething else\r", tmp_path)
    # Esc+Enter adds a line; Ctrl-C at the prompt drops the line; Ctrl-R finds an old request.
    # (Ctrl-R comes first: piped keys would outrun a later prompt's history loading.)
    keys = "\x12two num\r\rfirst line\x1b\rsecond line\rhalf typed\x03/n 2\r/history\r"
    _, app = run_repl(keys, tmp_path)
    descriptions = [t.description for t in app.state.turns]
    assert descriptions == ["add two numbers", "first line\nsecond line"]
    assert app.state.settings.n == 2


def test_constrain_setting_reaches_the_backend(tmp_path: Path) -> None:
    """/constrain changes what the backend is asked for: sql under its grammar, then not."""
    backend = ScriptedBackend(["```sql\nSELECT 1;\n```"])
    keys = "/lang sql\r/constrain onn\rcount rows\r/constrain off\rcount rows\r/settings\r"
    text, _ = run_repl(keys, tmp_path, backend)
    assert "error: /constrain: constrain: must be one of auto, on, off, got 'onn'" in text
    assert "constrain    off" in text
    constraints = [params.constraint for _, params, _ in backend.calls]
    assert constraints[0] is not None and constraints[0].tag == "sql"
    assert "SELECT" in constraints[0].lark.upper() and constraints[-1] is None
