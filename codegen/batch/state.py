"""The output dir's own files: the lock, ``manifest.json`` and one record per finished task.

Layout of ``--out DIR``::

    DIR/manifest.json                 finished tasks: spec hash, status, files, run id
    DIR/report.json                   the last run's report (every task, resumed ones too)
    DIR/.codegen-batch/lock           flock()ed while a batch writes here (freed even on SIGKILL)
    DIR/.codegen-batch/tasks/ID.json  a finished task's full report entry

A task's outputs are written (atomically) first, then its record, then the manifest entry, so a
run killed at any moment leaves either a finished task or one that ``--resume`` redoes; the
temp files of writes it cut short are removed when the next run takes the lock.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from codegen.batch.spec import STATE_DIR, Task
from codegen.errors import InputError, UsageError
from codegen.fsutil import atomic_write_text

MANIFEST = "manifest.json"
MANIFEST_VERSION = 1


class OutDirBusy(UsageError):
    """Another batch holds the output dir's lock (exit 2)."""


class OutDir:
    """An output dir held by this process: lock, manifest and task records."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.state = root / STATE_DIR
        self._lock_file: Any = None
        self._mutex = threading.Lock()
        self.manifest: dict[str, dict[str, Any]] = {}

    def acquire(self) -> None:
        """Create the dir and take its lock; InputError when unwritable, OutDirBusy when taken."""
        try:
            (self.state / "tasks").mkdir(parents=True, exist_ok=True)
            handle = open(self.state / "lock", "a+", encoding="utf-8")  # noqa: SIM115
        except OSError as exc:
            raise InputError(
                f"--out {self.root}: cannot write there: {exc.strerror or exc}"
            ) from None
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            handle.close()
            raise OutDirBusy(
                f"--out {self.root}: another codegen batch (pid {holder}) is writing there; "
                "wait for it to finish or choose another --out"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._lock_file = handle
        self._remove_stale_temps()

    def _remove_stale_temps(self) -> None:
        """Temp files of atomic writes cut short by a killed run (``.NAME.XXXX.tmp``)."""
        for path in self.root.rglob(".*.tmp"):
            if path.is_file():
                with contextlib.suppress(OSError):
                    path.unlink()

    def release(self) -> None:
        if self._lock_file is not None:
            with contextlib.suppress(OSError):
                self._lock_file.truncate(0)
                fcntl.flock(self._lock_file.fileno(), fcntl.LOCK_UN)
            self._lock_file.close()
            self._lock_file = None

    def __enter__(self) -> OutDir:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    # -- manifest -------------------------------------------------------------------------

    def load_manifest(self) -> dict[str, dict[str, Any]]:
        """The manifest's finished tasks; an unreadable one counts as empty (all redone)."""
        try:
            data = json.loads((self.root / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        tasks = data.get("tasks") if isinstance(data, dict) else None
        if data.get("version") != MANIFEST_VERSION or not isinstance(tasks, dict):
            return {}
        return {k: v for k, v in tasks.items() if isinstance(v, dict)}

    def start(self, keep: Mapping[str, dict[str, Any]]) -> None:
        """Begin a run whose manifest holds ``keep`` (resumed tasks) and nothing else."""
        with self._mutex:
            self.manifest = dict(keep)
            self._write_manifest()

    def finished(self, task: Task, entry: Mapping[str, Any], record: Mapping[str, Any]) -> None:
        """Record a finished task: its report entry first, then its manifest line."""
        atomic_write_text(self.record_path(task.id), json.dumps(record, indent=1) + "\n")
        with self._mutex:
            self.manifest[task.id] = dict(entry)
            self._write_manifest()

    def _write_manifest(self) -> None:
        data = {"version": MANIFEST_VERSION, "tasks": self.manifest}
        atomic_write_text(self.root / MANIFEST, json.dumps(data, indent=1, sort_keys=True) + "\n")

    def record_path(self, task_id: str) -> Path:
        return self.state / "tasks" / f"{task_id}.json"

    def load_record(self, task_id: str) -> dict[str, Any] | None:
        try:
            data = json.loads(self.record_path(task_id).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def resumable(
        self, task: Task, previous: Mapping[str, dict[str, Any]]
    ) -> dict[str, Any] | None:
        """The stored record of ``task`` when it finished before with the same spec entry and
        its files are all still there; None means it must run."""
        entry = previous.get(task.id)
        if not entry or entry.get("hash") != task.digest:
            return None
        files = entry.get("files")
        if not isinstance(files, dict):
            return None
        if not all((self.root / str(p)).is_file() for p in files.values()):
            return None
        return self.load_record(task.id)


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")
