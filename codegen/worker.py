"""Work in a thread of its own that reports items through a queue and can be cancelled.

The REPL runs requests this way so that Ctrl-C reaches the main thread, and the Assistant runs
a backend this way to hear its tokens while it decodes.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import Any

DONE = object()  # the last item a job puts on its queue


class Job:
    """``work(cancel, emit)`` in a daemon thread (started with ``thread.start()``): ``emit``
    puts items on ``items``, then ``DONE`` comes; ``value`` or ``error`` holds the outcome.
    ``cancel`` is the event given, or one of the job's own."""

    def __init__(
        self,
        work: Callable[[threading.Event, Callable[[Any], None]], Any],
        cancel: threading.Event | None = None,
        name: str = "codegen-job",
    ) -> None:
        self.work = work
        self.cancel = cancel if cancel is not None else threading.Event()
        self.done = threading.Event()
        self.items: queue.Queue[Any] = queue.Queue()
        self.value: Any = None
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._main, name=name, daemon=True)

    def _main(self) -> None:
        try:
            self.value = self.work(self.cancel, self.items.put)
        except BaseException as exc:  # handed to the thread that follows the job
            self.error = exc
        finally:
            self.done.set()
            self.items.put(DONE)
