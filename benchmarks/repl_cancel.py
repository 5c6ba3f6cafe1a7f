"""How fast Ctrl-C in the REPL gets the user back to the prompt, with the real small model.

Runs the real ``ReplApp`` (prompt-toolkit pipe input, the embedded-small model loaded once),
submits a description that asks for long code, presses Ctrl-C (SIGINT to the main thread, as
a terminal does) half a second into generation, and measures:

- ``prompt_back_s``: Ctrl-C until the REPL printed "cancelled" and went back to the prompt;
- ``worker_stopped_s``: Ctrl-C until the backend's generate call returned (model free again).

Prints one JSON object.

    python benchmarks/repl_cancel.py [--repeats 3] [--delay 0.5]
"""

from __future__ import annotations

import _thread
import argparse
import io
import json
import os
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from codegen.assistant import Assistant
from codegen.backends.factory import POOL
from codegen.config import Settings
from codegen.repl.app import ReplApp

DESCRIPTION = (
    "Write a Python module implementing a red-black tree with insert, delete, search, "
    "in-order traversal and a validation method, each with a detailed docstring."
)


class Probe:
    """Delegates to the real backend; notes when generate starts and ends."""

    def __init__(self, backend: Any) -> None:
        self.backend = backend
        self.started = threading.Event()
        self.ended_at = 0.0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.backend, name)

    def generate(self, *args: Any, **kwargs: Any) -> Any:
        self.started.set()
        try:
            return self.backend.generate(*args, **kwargs)
        finally:
            self.ended_at = time.monotonic()


class Stamped(io.StringIO):
    def __init__(self) -> None:
        super().__init__()
        self.cancelled_at = 0.0

    def write(self, text: str) -> int:
        if text.startswith("cancelled") and not self.cancelled_at:
            self.cancelled_at = time.monotonic()
        return super().write(text)


def one_run(settings: Settings, backend: Any, delay: float) -> tuple[float, float]:
    probe = Probe(backend)
    out = Stamped()
    pressed = [0.0]

    def press() -> None:
        if probe.started.wait(600):
            time.sleep(delay)
            pressed[0] = time.monotonic()
            _thread.interrupt_main()

    threading.Thread(target=press, daemon=True).start()
    with tempfile.TemporaryDirectory() as tmp, create_pipe_input() as pipe:
        pipe.send_text(DESCRIPTION + "\r\x04")
        app = ReplApp(
            settings,
            assistant=Assistant(settings, backend=probe, interface="repl"),
            input=pipe,
            output=DummyOutput(),
            out=out,
            history_file=Path(tmp) / "history",
        )
        app.run()
        job = app._job
        if job is not None:
            job.done.wait(600)
    if not out.cancelled_at:
        raise SystemExit("generation ended before Ctrl-C; use a smaller --delay")
    return out.cancelled_at - pressed[0], probe.ended_at - pressed[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--delay", type=float, default=0.5)
    args = parser.parse_args()
    settings = Settings(model="embedded-small", n=2, max_tokens=512, few_shot=0)
    started = time.monotonic()
    backend = POOL.get("embedded-small", settings)
    load_s = time.monotonic() - started
    back, stopped = [], []
    for _ in range(args.repeats):
        prompt_back, worker = one_run(settings, backend, args.delay)
        back.append(prompt_back)
        stopped.append(worker)
    print(
        json.dumps(
            {
                "benchmark": "repl_cancel",
                "model": "embedded-small",
                "repeats": args.repeats,
                "delay_s": args.delay,
                "prompt_back_s": {
                    "median": round(statistics.median(back), 3),
                    "max": round(max(back), 3),
                },
                "worker_stopped_s": {
                    "median": round(statistics.median(stopped), 3),
                    "max": round(max(stopped), 3),
                },
                "load_s": round(load_s, 2),
                "cpus": os.cpu_count(),
                "load_average_1m": round(os.getloadavg()[0], 1),
            }
        )
    )


if __name__ == "__main__":
    main()
