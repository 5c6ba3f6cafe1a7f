"""Run checked tasks with bounded concurrency through one shared ``Assistant``.

Every task goes through ``Assistant.stream`` (the one facade); a local model is loaded once and
shared by all workers (llama.cpp serialises its calls, an HTTP backend runs them in parallel).
A finished task's best candidate per language is written atomically, its tests run in the
sandbox, then it is recorded in the output dir (``state.OutDir``); a task that failed because
the tool failed is reported but not recorded, so ``--resume`` retries it.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Any, Protocol

from codegen import events as ev
from codegen.assistant import Assistant
from codegen.batch.spec import Task
from codegen.batch.state import OutDir, now
from codegen.batch.testrun import run_tests
from codegen.errors import Cancelled, CodegenError
from codegen.fsutil import atomic_write_text
from codegen.types import Result


class Observer(Protocol):
    """What a front end sees of a batch (the CLI draws progress from it)."""

    def planned(self, total: int, resumed: int) -> None: ...

    def started(self, task: Task) -> None: ...

    def status(self, task: Task, text: str) -> None: ...

    def finished(self, task: Task, record: dict[str, Any]) -> None: ...


class NullObserver:
    def planned(self, total: int, resumed: int) -> None:
        return None

    def started(self, task: Task) -> None:
        return None

    def status(self, task: Task, text: str) -> None:
        return None

    def finished(self, task: Task, record: dict[str, Any]) -> None:
        return None


@dataclass(frozen=True)
class RunOptions:
    jobs: int = 4
    resume: bool = False


@dataclass
class BatchRun:
    """What a run did: one record per task in spec order (resumed ones included)."""

    run_id: str
    records: list[dict[str, Any]]
    started: str
    wall_ms: float
    resumed: int = 0
    ran: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def run_batch(
    tasks: Sequence[Task],
    assistant: Assistant,
    out: OutDir,
    options: RunOptions,
    observer: Observer | None = None,
    cancel: threading.Event | None = None,
) -> BatchRun:
    """Run ``tasks`` (skipping unchanged finished ones when resuming); Cancelled on Ctrl-C."""
    watcher: Observer = observer or NullObserver()
    cancel = cancel or threading.Event()
    begun, started = time.perf_counter(), now()
    run_id = uuid.uuid4().hex[:12]
    previous = out.load_manifest() if options.resume else {}
    records: dict[str, dict[str, Any]] = {}
    keep: dict[str, dict[str, Any]] = {}
    todo: list[Task] = []
    for task in tasks:
        stored = out.resumable(task, previous) if options.resume else None
        if stored is not None:
            records[task.id] = {**stored, "resumed": True}
            keep[task.id] = previous[task.id]
        else:
            todo.append(task)
    out.start(keep)
    watcher.planned(len(tasks), len(keep))
    worker = _Worker(assistant, out, watcher, cancel, run_id)
    _run_all(todo, worker, options.jobs, records, watcher, cancel)
    wall = round((time.perf_counter() - begun) * 1000, 2)
    ordered = [records[t.id] for t in tasks if t.id in records]
    return BatchRun(run_id, ordered, started, wall, resumed=len(keep), ran=len(todo))


def _run_all(
    todo: Sequence[Task],
    worker: _Worker,
    jobs: int,
    records: dict[str, dict[str, Any]],
    watcher: Observer,
    cancel: threading.Event,
) -> None:
    pool = ThreadPoolExecutor(max_workers=max(1, jobs), thread_name_prefix="batch")
    try:
        futures: dict[Future[dict[str, Any]], Task] = {
            pool.submit(worker.run, task, time.perf_counter()): task for task in todo
        }
        for future in as_completed(futures):
            task = futures[future]
            record = future.result()
            records[task.id] = record
            watcher.finished(task, record)
    except BaseException:
        cancel.set()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    if cancel.is_set():
        raise Cancelled("batch cancelled")


class _Worker:
    """Runs one task at a time on a pool thread."""

    def __init__(
        self,
        assistant: Assistant,
        out: OutDir,
        watcher: Observer,
        cancel: threading.Event,
        run_id: str,
    ) -> None:
        self.assistant = assistant
        self.out = out
        self.watcher = watcher
        self.cancel = cancel
        self.run_id = run_id

    def run(self, task: Task, submitted: float) -> dict[str, Any]:
        if self.cancel.is_set():
            raise Cancelled("batch cancelled")
        begun = time.perf_counter()
        record = _base_record(task, self.run_id)
        record["timings"]["queued_ms"] = _ms(submitted, begun)
        self.watcher.started(task)
        try:
            result = self._generate(task)
            record["result"] = result.to_dict()
            self._write_outputs(task, result, record)
            self._test(task, result, record)
        except Cancelled:
            raise
        except CodegenError as exc:
            return _failed(record, str(exc), exc.exit_code, begun)
        except OSError as exc:
            return _failed(record, f"cannot write the outputs: {exc}", 3, begun)
        if self.cancel.is_set():
            raise Cancelled("batch cancelled")
        record["status"] = _status(result, record["tests"])
        record["finished"] = now()
        record["timings"]["total_ms"] = _ms(begun, time.perf_counter())
        entry = {
            "hash": task.digest,
            "status": record["status"],
            "files": record["files"],
            "run_id": self.run_id,
            "finished": record["finished"],
        }
        self.out.finished(task, entry, record)
        return record

    def _generate(self, task: Task) -> Result:
        for event in self.assistant.stream(task.request, self.cancel):
            if isinstance(event, ev.LanguageStarted):
                self.watcher.status(task, f"{event.language}: generating {event.n}")
            elif isinstance(event, ev.Ranked):
                self.watcher.status(task, f"{event.language}: ranked")
            elif isinstance(event, ev.Finished):
                return event.result
            elif isinstance(event, ev.Failed):
                raise event.error
        raise CodegenError("generation ended without a result")  # pragma: no cover

    def _write_outputs(self, task: Task, result: Result, record: dict[str, Any]) -> None:
        for language, relative in task.outputs.items():
            best = result.best(language)
            target = self.out.root / relative
            if best is None:
                target.unlink(missing_ok=True)  # no stale file from an earlier run
                continue
            atomic_write_text(target, best.code.rstrip("\n") + "\n")
            record["files"][language] = relative

    def _test(self, task: Task, result: Result, record: dict[str, Any]) -> None:
        started = time.perf_counter()
        for language, tests in task.request.tests.items():
            best = result.best(language)
            if best is None:
                outcome = {"status": "failed", "reason": "no valid candidate", "duration_ms": 0.0}
            else:
                self.watcher.status(task, f"{language}: testing")
                outcome = run_tests(language, best.code, tests)
            record["tests"][language] = outcome
        record["timings"]["tests_ms"] = _ms(started, time.perf_counter())


def _base_record(task: Task, run_id: str) -> dict[str, Any]:
    return {
        "id": task.id,
        "spec": task.where,
        "status": "error",
        "resumed": False,
        "run_id": run_id,
        "started": now(),
        "finished": None,
        "files": {},
        "tests": {},
        "error": None,
        "timings": {},
        "result": None,
    }


def _failed(record: dict[str, Any], message: str, code: int, begun: float) -> dict[str, Any]:
    record.update(status="error", error=message, exit_code=code, finished=now())
    record["timings"]["total_ms"] = _ms(begun, time.perf_counter())
    return record


def _status(result: Result, tests: dict[str, dict[str, Any]]) -> str:
    if result.languages_without_valid():
        return "failed"
    if any(outcome.get("status") == "failed" for outcome in tests.values()):
        return "failed"
    return "ok"


def _ms(start: float, end: float) -> float:
    return round((end - start) * 1000, 2)
