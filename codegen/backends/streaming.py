"""A backend call that reports its text as it decodes: ``generate`` in a worker thread, its
``on_token`` pieces handed back as they come (backends that cannot stream hand back none)."""

from __future__ import annotations

import queue
import threading
from collections.abc import Generator, Sequence
from typing import Any

from codegen.backends.base import Backend
from codegen.types import Completion, Message, SamplingParams
from codegen.worker import DONE, Job

Piece = tuple[int, str, int]  # (candidate index 0 … n-1, text its newest tokens added, tokens)


def generate_streaming(
    backend: Backend,
    messages: Sequence[Message],
    params: SamplingParams,
    n: int,
    cancel: threading.Event | None,
) -> Generator[list[Piece], None, list[Completion]]:
    """Yield the pieces decoded since the last yield (in order; a slow reader gets them
    merged), then return the completions. ``cancel`` stops the backend (within 0.1 s of being
    set); so does leaving early (the generator closed, Ctrl-C), which then waits for the
    backend to stop, without setting ``cancel``."""

    def work(stop: threading.Event, emit: Any) -> list[Completion]:
        return backend.generate(messages, params, n, stop, lambda i, text: emit((i, text, 1)))

    job = Job(work, name="codegen-decode")
    job.thread.start()
    finished = False
    try:
        while not finished:
            if cancel is not None and cancel.is_set():
                job.cancel.set()
            try:
                first = job.items.get(timeout=0.1)
            except queue.Empty:
                continue
            pieces, finished = _drain(first, job.items)
            if pieces:
                yield pieces
    finally:
        if not finished:
            job.cancel.set()
            while not job.done.wait(0.1):
                pass
    if job.error is not None:
        raise job.error
    value: list[Completion] = job.value
    return value


def _drain(first: Any, items: queue.Queue[Any]) -> tuple[list[Piece], bool]:
    """``first`` and whatever else is queued, neighbours of one candidate merged; True once
    the job's DONE was among them."""
    pieces: list[Piece] = []
    item = first
    while True:
        if item is DONE:
            return pieces, True
        index, text, count = item
        if pieces and pieces[-1][0] == index:
            pieces[-1] = (index, pieces[-1][1] + text, pieces[-1][2] + count)
        else:
            pieces.append(item)
        try:
            item = items.get_nowait()
        except queue.Empty:
            return pieces, False
