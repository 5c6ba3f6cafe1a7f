"""One cgroup per sandboxed run: whole-run memory, process and CPU limits, and a sure kill.

Where the groups go: below the cgroup this process is in (so every limit above it still
applies), named ``codegen-run-<pid>-<n>``. cgroup v2 is used where our cgroup is writable
and has the ``memory`` and ``pids`` controllers for its children (``cgroup.subtree_control``
has them, or they can be enabled: a cgroup with processes cannot enable them, so when this
process is alone in it, it first moves into a leaf child ``codegen-main``); else the v1
``memory`` and ``pids`` hierarchies (and ``cpu`` where mounted). Neither:
:func:`layout_problem` says why, and the sandbox refuses (no weaker mode).

Per group: memory (v1 ``memory.limit_in_bytes`` and ``memory.memsw.limit_in_bytes``, so no
swap; v2 ``memory.max``, ``memory.swap.max`` 0 and ``memory.oom.group``), ``pids.max``, and a
CPU quota (v1 ``cpu.cfs_quota_us``, v2 ``cpu.max``). The run joins its group before it starts
(``join_paths`` is written from the child before exec). Afterwards the group's counters say
whether the kernel's OOM killer or the process limit struck, every process left in it is
killed, and the group is removed. Groups left behind by a process that died are removed the
next time a layout is made.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import signal
import threading
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path

log = logging.getLogger(__name__)
PREFIX = "codegen-run-"
_REQUIRED = ("memory", "pids")
_counter = itertools.count(1)
_lock = threading.Lock()


@dataclass(frozen=True)
class Layout:
    """Where run groups are made: one parent dir per controller (v2: one dir for all)."""

    version: int
    parents: dict[str, Path]

    @property
    def cpu(self) -> bool:
        return "cpu" in self.parents or self.version == 2


@dataclass(frozen=True)
class GroupLimits:
    memory_bytes: int
    pids: int
    cpu_share: float


def _mounts(mountinfo: str) -> list[tuple[str, Path, str, set[str]]]:
    """(root, mount point, fs type, super options) of every cgroup mount."""
    found = []
    for line in mountinfo.splitlines():
        fields, _, rest = line.partition(" - ")
        parts, tail = fields.split(), rest.split()
        if len(parts) >= 5 and tail and tail[0] in ("cgroup", "cgroup2"):
            options = set(tail[2].split(",")) if len(tail) > 2 else set()
            found.append((parts[3], Path(parts[4]), tail[0], options))
    return found


def _own_paths(proc_cgroup: str) -> dict[str, str]:
    """Controller (``""`` for v2) -> this process's cgroup path, from /proc/self/cgroup."""
    paths: dict[str, str] = {}
    for line in proc_cgroup.splitlines():
        _, controllers, path = line.split(":", 2)
        for name in controllers.split(",") if controllers else [""]:
            paths[name] = path
    return paths


def _inside(mount: Path, root: str, path: str) -> Path:
    rel = path[len(root) :] if root != "/" and path.startswith(root) else path
    return mount / rel.lstrip("/")


def detect(mountinfo: str, proc_cgroup: str) -> Layout | str:
    """The layout these files describe, or one line saying why none is usable."""
    mounts, own = _mounts(mountinfo), _own_paths(proc_cgroup)
    problems = []
    for root, mount, kind, _ in mounts:
        if kind == "cgroup2" and "" in own:
            found = _v2(_inside(mount, root, own[""]))
            if isinstance(found, Layout):
                return found
            problems.append(found)
    parents: dict[str, Path] = {}
    for root, mount, kind, options in mounts:
        for name in ("memory", "pids", "cpu"):
            if kind == "cgroup" and name in options and name in own:
                parents[name] = _inside(mount, root, own[name])
    missing = [name for name in _REQUIRED if name not in parents]
    if missing:
        problems.append(f"no cgroup v1 {' or '.join(missing)} hierarchy mounted")
        return "; ".join(problems)
    for name in list(parents):
        if not os.access(parents[name], os.W_OK):
            if name in _REQUIRED:
                return f"cgroup {parents[name]} is not writable (needs root or a delegated cgroup)"
            del parents[name]
    return Layout(1, parents)


def _v2(own: Path) -> Layout | str:
    try:
        available = set((own / "cgroup.controllers").read_text().split())
        enabled = set((own / "cgroup.subtree_control").read_text().split())
    except OSError as exc:
        return f"cgroup v2 at {own}: {exc.strerror}"
    if not set(_REQUIRED) <= available:
        return f"cgroup v2 at {own} lacks the memory and pids controllers"
    if not os.access(own, os.W_OK):
        return f"cgroup v2 at {own} is not writable (needs root or a delegated cgroup)"
    wanted = [c for c in (*_REQUIRED, "cpu") if c in available and c not in enabled]
    if wanted and not _enable(own, wanted):
        return (
            f"cgroup v2 at {own}: cannot enable {', '.join(wanted)} for child groups while"
            " other processes share it (run codegen in a cgroup of its own, e.g. under"
            " systemd-run --scope -p Delegate=yes)"
        )
    return Layout(2, {"": own})


def _enable(own: Path, wanted: list[str]) -> bool:
    """Enable ``wanted`` for children of ``own``. A cgroup with processes cannot have that
    (cgroup v2's rule), so when this process is alone there it moves into a leaf child first."""
    control = own / "cgroup.subtree_control"
    line = " ".join(f"+{c}" for c in wanted)
    with contextlib.suppress(OSError):
        control.write_text(line)
        return True
    try:
        procs = set((own / "cgroup.procs").read_text().split())
        if procs - {str(os.getpid())}:
            return False
        leaf = own / "codegen-main"
        leaf.mkdir(exist_ok=True)
        (leaf / "cgroup.procs").write_text(str(os.getpid()))
        control.write_text(line)
    except OSError:
        return False
    return True


@cache
def layout() -> Layout | str:
    """This process's layout (made once; stale run groups are removed then)."""
    try:
        found = detect(
            Path("/proc/self/mountinfo").read_text(), Path("/proc/self/cgroup").read_text()
        )
    except OSError as exc:
        return f"cannot read the cgroup setup: {exc}"
    if isinstance(found, Layout):
        _remove_stale(found)
    return found


def layout_problem() -> str | None:
    found = layout()
    return found if isinstance(found, str) else None


def _remove_stale(found: Layout) -> None:
    for parent in found.parents.values():
        for child in parent.glob(PREFIX + "*"):
            owner = child.name[len(PREFIX) :].split("-")[0]
            if owner.isdigit() and not Path(f"/proc/{owner}").exists():
                RunGroup(found, {child.parent: child}).remove()


class RunGroup:
    """The cgroup(s) of one run: create with limits, let the run join, read counters, remove."""

    def __init__(self, found: Layout, dirs: dict[Path, Path]) -> None:
        self.layout = found
        self.dirs = dirs

    @classmethod
    def create(cls, found: Layout, limits: GroupLimits) -> RunGroup:
        with _lock:
            name = f"{PREFIX}{os.getpid()}-{next(_counter)}"
        group = cls(found, {parent: parent / name for parent in found.parents.values()})
        try:
            for path in group.dirs.values():
                path.mkdir()
            group._limit(limits)
        except OSError:
            group.remove()
            raise
        return group

    def _limit(self, limits: GroupLimits) -> None:
        quota = max(1000, int(limits.cpu_share * 100_000))
        if self.layout.version == 2:
            (path,) = self.dirs.values()
            self._write(path, "memory.max", limits.memory_bytes)
            self._write(path, "memory.swap.max", 0, optional=True)
            self._write(path, "memory.oom.group", 1, optional=True)
            self._write(path, "pids.max", limits.pids)
            self._write(path, "cpu.max", f"{quota} 100000", optional=True)
            return
        memory, pids = self._dir("memory"), self._dir("pids")
        self._write(memory, "memory.limit_in_bytes", limits.memory_bytes)
        self._write(memory, "memory.memsw.limit_in_bytes", limits.memory_bytes, optional=True)
        self._write(pids, "pids.max", limits.pids)
        if "cpu" in self.layout.parents:
            self._write(self._dir("cpu"), "cpu.cfs_period_us", 100_000)
            self._write(self._dir("cpu"), "cpu.cfs_quota_us", quota)

    def _dir(self, controller: str) -> Path:
        return self.dirs[self.layout.parents[controller if self.layout.version == 1 else ""]]

    @staticmethod
    def _write(path: Path, name: str, value: object, optional: bool = False) -> None:
        try:
            (path / name).write_text(str(value))
        except (FileNotFoundError, PermissionError):
            if not optional:
                raise

    def join_paths(self) -> list[str]:
        """The ``cgroup.procs`` files a process writes its pid to, to join this group."""
        return [str(path / "cgroup.procs") for path in self.dirs.values()]

    def _counter(self, controller: str, file: str, key: str) -> int:
        try:
            text = (self._dir(controller) / file).read_text()
        except OSError:
            return 0
        for line in text.splitlines():
            name, _, value = line.partition(" ")
            if name == key and value.strip().isdigit():
                return int(value)
        return 0

    def oom_kills(self) -> int:
        """How many processes the kernel's OOM killer has killed in this group."""
        file = "memory.events" if self.layout.version == 2 else "memory.oom_control"
        return self._counter("memory", file, "oom_kill")

    def pids_refused(self) -> int:
        """How many forks failed because the group was at its process limit."""
        return self._counter("pids", "pids.events", "max")

    def memory_peak(self) -> int:
        file = "memory.peak" if self.layout.version == 2 else "memory.max_usage_in_bytes"
        try:
            return int((self._dir("memory") / file).read_text())
        except (OSError, ValueError):
            return 0

    def pids(self) -> set[int]:
        found: set[int] = set()
        for path in self.dirs.values():
            with contextlib.suppress(OSError):
                found.update(int(p) for p in (path / "cgroup.procs").read_text().split())
        return found

    def kill(self, timeout: float = 5.0) -> None:
        """SIGKILL every process in the group until none is left (or ``timeout`` passes)."""
        if self.layout.version == 2:
            (path,) = self.dirs.values()
            with contextlib.suppress(OSError):
                (path / "cgroup.kill").write_text("1")
        deadline = time.monotonic() + timeout
        while (left := self.pids()) and time.monotonic() < deadline:
            for pid in left:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGKILL)
            time.sleep(0.001)

    def remove(self) -> None:
        """Kill what is left, then remove the group's dirs (a dying process can keep a group
        busy for a moment)."""
        self.kill()
        for path in self.dirs.values():
            deadline = time.monotonic() + 2.0
            while True:
                try:
                    path.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError as exc:
                    if time.monotonic() > deadline:
                        log.warning("cannot remove cgroup %s: %s", path, exc)
                        break
                    time.sleep(0.002)
