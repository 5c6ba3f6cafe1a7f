"""The REPL loop: a prompt-toolkit prompt, slash commands, and generation in a worker thread.

The model loads in a background thread while the user types. A request runs in a worker
thread; the main thread prints its events as they arrive and turns Ctrl-C into the request's
cancel ``Event``, so the prompt comes back within a second with the model still loaded.
"""

from __future__ import annotations

import logging
import os
import queue
import shlex
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from prompt_toolkit import PromptSession
from prompt_toolkit.auto_suggest import AutoSuggestFromHistory
from prompt_toolkit.history import FileHistory, History, InMemoryHistory
from prompt_toolkit.input import Input
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
from prompt_toolkit.output import Output

from codegen import events as ev
from codegen.assistant import Assistant
from codegen.config import Settings
from codegen.errors import Cancelled, CodegenError
from codegen.render.terminal import use_color
from codegen.repl import commands
from codegen.repl.completion import SlashCompleter
from codegen.repl.render import SPINNER, EventView
from codegen.repl.state import ReplState, Turn, history_path
from codegen.signatures import Signature
from codegen.worker import DONE, Job

log = logging.getLogger(__name__)

PROMPT = "codegen> "
CANCEL_GRACE_S = 0.8  # back at the prompt this long after Ctrl-C, at the latest


def key_bindings() -> KeyBindings:
    """Enter submits (prompt-toolkit's default); Esc+Enter (or Alt+Enter) inserts a new line."""
    kb = KeyBindings()

    @kb.add("escape", "enter")
    def _newline(event: KeyPressEvent) -> None:
        event.current_buffer.insert_text("\n")

    return kb


def _continuation(width: int, line_number: int, wrap_count: int) -> str:
    """Dots before the lines of a multi-line input; blanks where a long line wraps."""
    return " " * width if wrap_count else "." * (width - 1) + " "


def _history(path: Path) -> tuple[History, str]:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(exist_ok=True)
        return FileHistory(str(path)), ""
    except OSError as exc:
        return InMemoryHistory(), f"history not saved ({path.parent}: {exc.strerror or exc})"


class ReplApp:
    """One interactive session. ``input``/``output`` are prompt-toolkit's (pipe input in tests);
    ``out`` is where results are printed."""

    def __init__(
        self,
        settings: Settings,
        *,
        assistant: Assistant | None = None,
        input: Input | None = None,
        output: Output | None = None,
        out: TextIO | None = None,
        history_file: Path | None = None,
        context: tuple[str, ...] = (),
        signature: Signature = None,
    ) -> None:
        self.state = ReplState(settings, context=context, signature=signature)
        self.out = out or sys.stdout
        self.color = use_color(self.out, settings.color)
        self._assistant = assistant or Assistant(
            settings, progress=self._progress, interface="repl"
        )
        self.model_status = f"{settings.model}: not loaded"
        self._job: Job | None = None
        self._spinning = False
        history, self._history_note = _history(history_file or history_path())
        self.session: PromptSession[str] = PromptSession(
            history=history,
            auto_suggest=AutoSuggestFromHistory(),
            completer=SlashCompleter(self.state),
            complete_while_typing=True,
            key_bindings=key_bindings(),
            bottom_toolbar=self.toolbar,
            prompt_continuation=_continuation,
            refresh_interval=0.5,
            input=input,
            output=output,
        )

    # --- what commands use (commands.Host) ---------------------------------------------------

    @property
    def assistant(self) -> Assistant:
        return self._assistant

    def write(self, text: str) -> None:
        self._clear_spinner()
        self.out.write(text.rstrip("\n") + "\n")
        self.out.flush()

    def error(self, message: str) -> None:
        self.write(f"\x1b[31merror: {message}\x1b[0m" if self.color else f"error: {message}")

    def width(self) -> int:
        try:
            return max(10, self.session.output.get_size().columns)
        except Exception:
            return shutil.get_terminal_size().columns

    def height(self) -> int:
        try:
            return max(5, self.session.output.get_size().rows)
        except Exception:
            return shutil.get_terminal_size().lines

    def page(self, text: str) -> None:
        """Long output goes through the pager on a terminal; otherwise it is printed."""
        too_long = text.count("\n") + 1 > self.height() - 2
        argv = shlex.split(os.environ.get("PAGER") or "less -FRX")
        if too_long and self._is_tty() and argv and shutil.which(argv[0]):
            self._clear_spinner()
            try:
                subprocess.run(argv, input=(text + "\n").encode(), check=False)
                return
            except OSError:
                pass
        self.write(text)

    def clear_screen(self) -> None:
        if self._is_tty():
            self.out.write("\x1b[2J\x1b[H")
            self.out.flush()

    def ask_code(self, language: str) -> str:
        self.write(f"paste {language} code, then Enter (Esc+Enter adds a line); Ctrl-C aborts")
        session: PromptSession[str] = PromptSession(
            history=InMemoryHistory(),
            key_bindings=key_bindings(),
            prompt_continuation="",
            input=self.session.input,
            output=self.session.output,
        )
        try:
            return session.prompt("code> ")
        except (KeyboardInterrupt, EOFError):
            raise CodegenError("/check: aborted") from None

    def load_model(self) -> None:
        """Load the current model in the background (the shared POOL keeps it for requests)."""
        spec = self.state.settings.model
        self.model_status = f"{spec}: loading"

        def work() -> None:
            try:
                self._assistant.backend(spec)
                self.model_status = f"{spec}: ready"
            except CodegenError as exc:
                self.model_status = f"{spec}: failed ({exc})"
            except Exception as exc:
                log.debug("model load failed", exc_info=True)
                self.model_status = f"{spec}: failed ({exc})"

        threading.Thread(target=work, name="codegen-repl-load", daemon=True).start()

    def run_cancellable(self, work: Callable[[threading.Event], Any], status: str) -> Any:
        """Run ``work(cancel)`` in a worker; None when Ctrl-C cancelled it."""
        job = Job(lambda cancel, emit: work(cancel), name="codegen-repl-job")
        if not self._follow(job, lambda item: None, lambda: status):
            self.write("cancelled")
            return None
        return job.value

    # --- the loop --------------------------------------------------------------------------

    def toolbar(self) -> str:
        s = self.state.settings
        if self.width() < 40:
            state = self.model_status.partition(": ")[2].partition(" (")[0]
            return f" ⏎ run · Esc⏎ newline · {state}"[: self.width() - 1]
        langs = ",".join(s.languages)
        return (
            f" Enter: run · Esc+Enter: new line · Ctrl-R: search · /help · "
            f"{self.model_status} · {langs} n={s.n} t={s.temperature}"
        )

    def run(self) -> int:
        self.write(
            f"codegen REPL · model {self.state.settings.model} loads in the background · "
            "/help for commands, Ctrl-D to leave"
        )
        if self._history_note:
            self.write(self._history_note)
        self.load_model()
        while True:
            try:
                text = self.session.prompt(PROMPT)
            except KeyboardInterrupt:
                continue
            except EOFError:
                break
            try:
                self.handle(text)
            except commands.Quit:
                break
        self.write("bye")
        return 0

    def handle(self, text: str) -> None:
        """One line of input: a slash command or a description. Errors never end the loop."""
        try:
            text = commands.check_text(text)
            if not text.strip():
                return
            if text.lstrip().startswith("/"):
                commands.dispatch(self, text.lstrip())
            else:
                self.generate(text.strip())
        except commands.Quit:
            raise
        except CodegenError as exc:
            self.error(str(exc))
        except KeyboardInterrupt:
            if self._job is not None:
                self._job.cancel.set()
            self.error("interrupted")
        except Exception as exc:
            log.debug("REPL command failed", exc_info=True)
            self.error(f"internal error: {type(exc).__name__}: {exc}")

    def generate(self, description: str) -> None:
        request = self.state.request_for(description)
        self._wait_previous()
        view = EventView(self.color, self.width())
        outcome = ["cancelled"]

        def work(cancel: threading.Event, emit: Callable[[Any], None]) -> None:
            for event in self._assistant.stream(request, cancel):
                emit(event)

        def on_event(event: ev.Event) -> None:
            if isinstance(event, ev.Failed) and isinstance(event.error, Cancelled):
                self.write("cancelled")
                return
            if isinstance(event, ev.Finished):
                self.state.result = event.result
                valid = sum(1 for c in event.result.candidates if c.valid)
                outcome[0] = f"{valid}/{len(event.result.candidates)} valid"
            elif isinstance(event, ev.Failed):
                outcome[0] = "failed"
            text = view.show(event)
            if text:
                self.write(text)

        job = Job(work, name="codegen-repl-job")
        self._follow(job, on_event, lambda: view.status)
        self.state.turns.append(Turn(description, request.languages, request.n, outcome[0]))

    def _wait_previous(self) -> None:
        job = self._job
        if job is None or job.done.is_set():
            return
        self.write("waiting for the cancelled request to stop…")
        while not job.done.wait(0.1):
            pass

    def _follow(self, job: Job, on_item: Callable[[Any], None], status: Callable[[], str]) -> bool:
        """Run ``job``, handing its items to ``on_item``; Ctrl-C cancels it. True if it ended
        without being cancelled."""
        self._job = job
        cancelled_at: float | None = None
        began = time.monotonic()
        try:
            job.thread.start()
        except KeyboardInterrupt:  # Ctrl-C while the worker was starting
            job.cancel.set()
            cancelled_at = time.monotonic()
        frame = 0
        while True:
            try:
                item = job.items.get(timeout=0.1)
                if item is DONE:
                    break
                on_item(item)
            except queue.Empty:
                frame += 1
                elapsed = f"{time.monotonic() - began:.0f} s"
                hint = " · Ctrl-C cancels" if self.width() >= 60 else ""
                self._spin(f"{SPINNER[frame % len(SPINNER)]} {status()} · {elapsed}{hint}")
                if cancelled_at is not None and time.monotonic() - cancelled_at > CANCEL_GRACE_S:
                    self.write("cancelled (still stopping in the background)")
                    return False
            except KeyboardInterrupt:
                if cancelled_at is None:
                    job.cancel.set()
                    cancelled_at = time.monotonic()
                    self._spin("cancelling…")
        self._clear_spinner()
        if isinstance(job.error, Cancelled):
            return False
        if job.error is not None:
            raise job.error
        return cancelled_at is None

    # --- terminal details --------------------------------------------------------------------

    def _is_tty(self) -> bool:
        return bool(getattr(self.out, "isatty", lambda: False)())

    def _spin(self, text: str) -> None:
        if not self._is_tty():
            return
        line = text[: max(1, self.width() - 1)]
        self.out.write("\r" + line + "\x1b[K")
        self.out.flush()
        self._spinning = True

    def _clear_spinner(self) -> None:
        if self._spinning:
            self.out.write("\r\x1b[K")
            self.out.flush()
            self._spinning = False

    def _progress(self, done: int, total: int) -> None:
        spec = self.state.settings.model
        self.model_status = f"{spec}: assembling {100 * done // max(1, total)}%"
