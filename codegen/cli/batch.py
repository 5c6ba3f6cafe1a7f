"""``codegen batch SPEC...``: generate code for every task of spec files, resumably.

Everything in the specs is checked before any generation (exit 2 at ``file:line:column``).
Progress on stderr (an overall bar with ETA and a line per running task; plain lines when stderr
is not a terminal; nothing with --quiet), a summary table on stdout, ``report.json`` and the
manifest in --out, JUnit XML with --junit. Exit 0 when every task is ok, 1 when some task has no
valid candidate or failed its tests, 2 for bad input, 3 when the tool failed, 130 on Ctrl-C.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from codegen.batch.spec import Task
    from codegen.config import Settings

DEFAULT_OUT = "codegen-out"


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "batch",
        help="generate code for every task of spec files",
        description="Generate code for every task of YAML/JSON/JSONL/TOML spec files "
        "(schemas/spec.schema.json), resumably, with a report.",
    )
    parser.add_argument("specs", nargs="+", metavar="SPEC", help="spec file(s)")
    parser.add_argument(
        "--out", metavar="DIR", default=DEFAULT_OUT, help=f"output dir (default: {DEFAULT_OUT})"
    )
    parser.add_argument(
        "-j", "--jobs", type=_jobs, default=4, metavar="N", help="tasks at once (default: 4)"
    )
    parser.add_argument(
        "--resume", action="store_true", help="skip tasks finished before with an unchanged entry"
    )
    parser.add_argument("--model", metavar="SPEC", help="model for every task (overrides specs)")
    parser.add_argument("--junit", metavar="FILE", help="also write JUnit XML to FILE")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress output")


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--jobs expects an integer, got '{text}'") from None
    if not 1 <= value <= 256:
        raise argparse.ArgumentTypeError(f"--jobs must be between 1 and 256, got {value}")
    return value


def load(args: argparse.Namespace) -> tuple[Settings, list[Task]]:
    """The settings (the flags, the config file, the environment) and every task of the spec
    files, each request built from its entry and the settings."""
    from codegen.batch.spec import load_tasks
    from codegen.cli.common import load_settings

    settings = load_settings(args)
    return settings, load_tasks([Path(p) for p in args.specs], settings, args.model)


def run(args: argparse.Namespace) -> int:
    from codegen.assistant import Assistant
    from codegen.backends import factory
    from codegen.batch import report
    from codegen.batch.runner import RunOptions, run_batch
    from codegen.batch.state import OutDir
    from codegen.cli.common import AssemblyProgress

    settings, tasks = load(args)
    models = sorted({t.request.model or settings.model for t in tasks})
    for spec in models:
        factory.check_spec(spec)
    junit_path = _junit_path(args.junit)
    out = Path(args.out)
    with OutDir(out) as held:
        progress = AssemblyProgress()
        assistant = Assistant(settings, pool=factory.POOL, progress=progress, interface="batch")
        try:
            for spec in models:
                assistant.backend(spec)  # load once, before any task (exit 3 if it cannot)
        finally:
            progress.close()
        view = _view(args.quiet, len(tasks))
        try:
            batch = run_batch(tasks, assistant, held, RunOptions(args.jobs, args.resume), view)
        finally:
            view.close()
        data = report.build(batch, args.specs, out, args.jobs)
        path = report.write(data, out)
        if junit_path is not None:
            from codegen.fsutil import atomic_write_text

            atomic_write_text(junit_path, report.junit(batch))
    _print_summary(batch, path, settings.color)
    return report.exit_code(batch)


def _junit_path(value: str | None) -> Path | None:
    from codegen.errors import InputError

    if value is None:
        return None
    path = Path(value)
    if path.is_dir():
        raise InputError(f"--junit {value}: is a directory")
    if not path.parent.is_dir() and str(path.parent) not in ("", "."):
        raise InputError(f"--junit {value}: no such directory '{path.parent}'")
    return path


def _print_summary(batch: Any, path: Path, color: str) -> None:
    from rich.text import Text

    from codegen.batch import report
    from codegen.render import blocks, terminal

    columns = ("task", "status", "best candidates", "tests", "s")
    s = report.summary(batch)
    resumed = f", {s['resumed']} resumed" if s["resumed"] else ""
    line = (
        f"{s['total']} tasks: {s['ok']} ok, {s['failed']} failed, {s['error']} error{resumed}"
        f" in {s['wall_ms'] / 1000:.1f} s; report: {path}"
    )
    terminal.write(
        [blocks.table("codegen batch", columns, report.rows(batch)), Text(line)], setting=color
    )


def _view(quiet: bool, total: int) -> Any:
    import sys

    if quiet:
        return _Quiet()
    if sys.stderr.isatty():
        return _LiveView(total)
    return _Lines()


class _Quiet:
    def planned(self, total: int, resumed: int) -> None:
        return None

    def started(self, task: Any) -> None:
        return None

    def status(self, task: Any, text: str) -> None:
        return None

    def finished(self, task: Any, record: dict[str, Any]) -> None:
        return None

    def close(self) -> None:
        return None


class _Lines(_Quiet):
    """One plain line per finished task on stderr (CI logs, pipes)."""

    def __init__(self) -> None:
        self.done = 0
        self.total = 0

    def planned(self, total: int, resumed: int) -> None:
        import sys

        self.total, self.done = total, resumed
        if resumed:
            sys.stderr.write(f"resuming: {resumed} of {total} tasks already done\n")

    def finished(self, task: Any, record: dict[str, Any]) -> None:
        import sys

        self.done += 1
        total_ms = record["timings"].get("total_ms", 0.0)
        detail = f": {record['error']}" if record.get("error") else ""
        sys.stderr.write(
            f"[{self.done}/{self.total}] {task.id} {record['status']}{detail}"
            f" ({total_ms / 1000:.1f} s)\n"
        )
        sys.stderr.flush()


class _LiveView(_Quiet):
    """rich progress: the overall bar with ETA, and one line per running task."""

    def __init__(self, total: int) -> None:
        from rich.progress import (
            BarColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        from codegen.render.terminal import stderr_console

        self.progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.fields[count]}"),
            TimeElapsedColumn(),
            TextColumn("{task.fields[eta]}"),
            console=stderr_console(),
        )
        self.overall = self.progress.add_task("batch", total=total, count="", eta="")
        self.rows: dict[str, Any] = {}
        self.progress.start()

    def planned(self, total: int, resumed: int) -> None:
        self.progress.update(self.overall, total=total, completed=resumed)
        self._refresh_overall()

    def started(self, task: Any) -> None:
        self.rows[task.id] = self.progress.add_task(f"  {task.id}", total=None, count="", eta="")

    def status(self, task: Any, text: str) -> None:
        row = self.rows.get(task.id)
        if row is not None:
            self.progress.update(row, description=f"  {task.id}: {text}")

    def finished(self, task: Any, record: dict[str, Any]) -> None:
        row = self.rows.pop(task.id, None)
        if row is not None:
            self.progress.remove_task(row)
        self.progress.advance(self.overall)
        self._refresh_overall()
        mark = {"ok": "✓", "failed": "✗"}.get(record["status"], "!")
        self.progress.console.print(f"{mark} {task.id} {record['status']}", highlight=False)

    def _refresh_overall(self) -> None:
        task = self.progress.tasks[self.overall]
        remaining = task.time_remaining
        eta = f"ETA {int(remaining) // 60}:{int(remaining) % 60:02d}" if remaining else "ETA -"
        count = f"{int(task.completed)}/{int(task.total or 0)}"
        self.progress.update(self.overall, count=count, eta=eta)

    def close(self) -> None:
        self.progress.stop()
