"""Run untrusted candidate programs, and the compilers that build them, under whole-run limits.

A run is a list of steps (the build commands, then the program) executed one after another
inside ONE sandbox (``jail``): bubblewrap with new pid, network, IPC and UTS namespaces, a
root file system of the host's ``/usr`` and ``/etc`` and the needed toolchains, read-only
(``toolchains``: no ``/root``, ``/home``, ``/tmp`` or ``/work`` of the host), a tmpfs of
``disk_mb`` at ``/tmp`` with the work dir ``/tmp/w`` as the cwd, a cleared environment, and a
seccomp filter against new namespaces and mounts (``seccomp``). As root every process of the
run is a uid of its own (``slots``: 100000 + slot), with no capabilities and
``no_new_privs``; as another user, the run gets a user namespace with user namespaces
disabled inside. The whole run is in one cgroup (``cgroups``): ``memory_mb`` for all of its
processes together (no swap), ``pids`` processes, ``cpu_share`` of a core; its first OOM
kill ends the whole run. rlimits per process: CPU seconds, file size (stdout and stderr are
memory files, so this caps them too), open files, processes of the uid, and the program's
address space (not for compilers and the JVM). A step that outlives its wall clock, or an
OOM kill, ends the run; every process is then killed through the cgroup, which is removed.

Where this is unavailable, :func:`isolation_problem` says why once and ``Sandbox`` refuses,
unless built with ``unsafe=True`` (rlimits, a temp dir and a cleared environment only).
"""

from __future__ import annotations

import contextlib
import logging
import os
import resource
import select
import shutil
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from codegen.errors import CodegenError
from codegen.execution import cgroups, jail, seccomp, slots, toolchains
from codegen.execution.jail import INNER, Step
from codegen.execution.outcome import (
    Events,
    Limits,
    RunResult,
    compile_failure,
    describe,
    read_capped,
)

if TYPE_CHECKING:
    from codegen.config import Settings

__all__ = ["INNER", "Limits", "RunResult", "Sandbox", "SandboxUnavailable", "isolation_problem"]
log = logging.getLogger(__name__)
SAFE_PATH = toolchains.SAFE_PATH
POLL_S = 0.05  # how often a running step's cgroup is checked for an OOM kill


class SandboxUnavailable(CodegenError):
    """Execution was asked for but isolation is missing (and --unsafe-exec was not given)."""


def _static_problem() -> str | None:
    if shutil.which("bwrap") is None:
        return "isolated execution needs bubblewrap ('bwrap'; Debian: apt install bubblewrap)"
    if os.geteuid() == 0 and shutil.which("setpriv") is None:
        return "isolated execution as root needs 'setpriv' (util-linux), not found"
    if toolchains.python() is None:
        return "isolated execution needs a Python interpreter for its step runner"
    problem = cgroups.layout_problem()
    if problem:
        return f"whole-run limits need a cgroup of our own: {problem}"
    filt = seccomp.program()
    return filt if isinstance(filt, str) else None


@cache
def isolation_problem() -> str | None:
    """None when isolated runs work here, else one line saying why not (checked once)."""
    problem = _static_problem()
    if problem:
        return problem
    probe = Sandbox(Limits(wall_s=30.0, cpu_s=10))
    (result,) = probe.isolated([Step(("/bin/sh", "-c", "test $(id -u) -ne 0"), 30.0, 10)], {})
    if result.ok:
        return None
    detail = (result.stderr.strip().splitlines() or [result.reason])[-1]
    return f"isolated execution (bubblewrap, namespaces, cgroup) failed: {detail}"


@dataclass
class _Run:
    """The open memory files and pipes of one isolated run."""

    fds: dict[str, int]
    status_read: int

    def close(self) -> None:
        for fd in [*self.fds.values(), self.status_read]:
            with contextlib.suppress(OSError):
                os.close(fd)


def _memfd(name: str, data: bytes = b"") -> int:
    fd = os.memfd_create(name, 0)
    if data:
        os.write(fd, data)
        os.lseek(fd, 0, os.SEEK_SET)
    return fd


def _open_fds(
    steps: Sequence[Step], files: Mapping[str, str | bytes]
) -> tuple[_Run, dict[str, int]]:
    run = _Run({}, -1)
    by_name: dict[str, int] = {}
    for name, content in files.items():
        data = content.encode("utf-8") if isinstance(content, str) else content
        by_name[name] = run.fds[f"file-{len(by_name)}"] = _memfd("file", data)
    for k, step in enumerate(steps):
        if step.stdin:
            run.fds[f"in-{k}"] = _memfd("stdin", step.stdin)
        run.fds[f"out-{k}"] = _memfd("stdout")
        if not step.merge_output:
            run.fds[f"err-{k}"] = _memfd("stderr")
    run.status_read, run.fds["status"] = os.pipe()
    run.fds["bwrap-err"] = _memfd("bwrap-stderr")
    run.fds["seccomp"] = seccomp.pipe_fd()
    return run, by_name


def _enter(join: Sequence[str], limits: Limits, own_uid: bool) -> None:
    """In the child before exec: join the run's cgroup, set the whole-sandbox rlimits."""
    pid = str(os.getpid()).encode()
    for path in join:
        fd = os.open(path, os.O_WRONLY)
        try:
            os.write(fd, pid)
        finally:
            os.close(fd)
    for res, value in (
        (resource.RLIMIT_FSIZE, limits.file_mb << 20),
        (resource.RLIMIT_NOFILE, limits.nofile),
        (resource.RLIMIT_CORE, 0),
    ):
        resource.setrlimit(res, (value, value))
    if own_uid:  # the run's own uid: counts only this run's processes
        resource.setrlimit(resource.RLIMIT_NPROC, (limits.nproc, limits.nproc))


class Sandbox:
    """Runs programs (argv plus files, after build steps) under the isolation described above."""

    def __init__(
        self,
        limits: Limits | None = None,
        *,
        unsafe: bool = False,
        uids: tuple[int, int] = (slots.DEFAULT_BASE, slots.DEFAULT_COUNT),
    ) -> None:
        self.limits = limits or Limits()
        self.unsafe = unsafe
        self.uids = uids

    @classmethod
    def from_settings(cls, settings: Settings, limits: Limits | None = None) -> Sandbox:
        """A sandbox with the ``sandbox.*`` limits and uid range of ``settings``."""
        base = replace(
            limits or Limits(),
            memory_mb=settings.sandbox_memory,
            disk_mb=settings.sandbox_disk,
            pids=settings.sandbox_pids,
            cpu_share=settings.sandbox_cpu,
        )
        uids = (settings.sandbox_uid_base, settings.sandbox_slots)
        return cls(base, unsafe=settings.unsafe_exec, uids=uids)

    def check(self) -> None:
        """Raise SandboxUnavailable when runs would not be isolated and unsafe was not chosen."""
        problem = isolation_problem()
        if problem and not self.unsafe:
            raise SandboxUnavailable(f"--exec: {problem}; pass --unsafe-exec to run unisolated")

    def run(
        self,
        argv: Sequence[str],
        files: Mapping[str, str | bytes],
        *,
        stdin: str = "",
        memory_limit: bool = True,
        prepare: Sequence[Sequence[str]] = (),
        limits: Limits | None = None,
    ) -> RunResult:
        """Write ``files`` into a fresh work dir, run the ``prepare`` commands (compilers) and
        then ``argv`` there, all in one sandbox; paths in both are relative to the work dir.
        A failed build step is the result ("compilation failed: …")."""
        lim = limits or self.limits
        self.check()
        build = [Step(tuple(cmd), lim.compile_s, int(lim.compile_s)) for cmd in prepare]
        memory = lim.memory_mb if memory_limit else None
        program = Step(tuple(argv), lim.wall_s, lim.cpu_s, memory, stdin.encode("utf-8"))
        results = self.execute([*build, program], files, lim)
        if len(results) < len(build) + 1 or not all(r.ok for r in results[:-1]):
            return compile_failure(next(r for r in results if not r.ok))
        return results[-1]

    def run_tool(self, argv: Sequence[str], files: Mapping[str, str], timeout: float) -> RunResult:
        """One tool (a checker or compiler) over ``files``: stdout and stderr merged, the C
        locale, ``timeout`` for wall clock and CPU, no address-space limit."""
        self.check()
        step = Step(tuple(argv), timeout, max(1, int(timeout)), merge_output=True)
        step = replace(step, env={"LC_ALL": "C"})
        (result,) = self.execute([step], files, self.limits)
        return result

    def execute(
        self, steps: Sequence[Step], files: Mapping[str, str | bytes], limits: Limits
    ) -> list[RunResult]:
        """Run ``steps`` in order until one fails; one result per step that ran."""
        if isolation_problem() is None:
            return self.isolated(steps, files, limits)
        return _unisolated(steps, files, limits)

    def isolated(
        self, steps: Sequence[Step], files: Mapping[str, str | bytes], limits: Limits | None = None
    ) -> list[RunResult]:
        lim = limits or self.limits
        found = [toolchains.find(step.argv[0]) for step in steps]
        tools = [tool for tool in found if tool is not None]
        steps = [
            replace(s, argv=(t.path, *s.argv[1:])) if t else s
            for s, t in zip(steps, found, strict=True)
        ]
        layout = cgroups.layout()
        assert isinstance(layout, cgroups.Layout), layout
        with contextlib.ExitStack() as stack:
            root = os.geteuid() == 0
            uid = stack.enter_context(slots.uid_slot(*self.uids)) if root else None
            group_limits = cgroups.GroupLimits(lim.memory_mb << 20, lim.pids, lim.cpu_share)
            group = cgroups.RunGroup.create(layout, group_limits)
            stack.callback(group.remove)
            run, by_name = _open_fds(steps, files)
            stack.callback(run.close)
            return _launch(steps, tools, by_name, run, group, lim, uid)


def _launch(
    steps: Sequence[Step],
    tools: Sequence[toolchains.Tool],
    files: Mapping[str, int],
    run: _Run,
    group: cgroups.RunGroup,
    lim: Limits,
    uid: int | None,
) -> list[RunResult]:
    runner = toolchains.python()
    assert runner is not None
    spec = jail.spec(steps, tools, run.fds)
    argv = jail.bwrap_argv(
        uid=uid,
        tools=tools,
        files=files,
        disk_mb=lim.disk_mb,
        seccomp_fd=run.fds["seccomp"],
        runner=runner,
        runner_spec=spec,
    )
    join = group.join_paths()
    started = time.perf_counter()
    try:
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=run.fds["bwrap-err"],
            pass_fds=tuple(run.fds.values()),
            start_new_session=True,
            env={"PATH": SAFE_PATH},
            preexec_fn=lambda: _enter(join, lim, uid is not None),
        )
    except (OSError, subprocess.SubprocessError) as exc:
        reason = f"the sandbox failed to start: {exc}"
        return [RunResult(False, None, "", "", reason, _ms(started))]
    with proc:
        os.close(run.fds.pop("status"))
        codes, stopped = _supervise(run.status_read, steps, group)
        if stopped:
            group.kill()
        proc.wait()
    events = Events(group.oom_kills(), group.pids_refused())
    return _results(steps, codes, stopped, run, lim, events, _ms(started))


def _supervise(
    status: int, steps: Sequence[Step], group: cgroups.RunGroup
) -> tuple[list[int], str | None]:
    """Exit codes of the steps that ended, and "timeout" or "memory" if the run was stopped."""
    codes: list[int] = []
    pending = b""
    deadline = time.monotonic() + steps[0].wall_s
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return codes, "timeout"
        ready, _, _ = select.select([status], [], [], min(left, POLL_S))
        if ready:
            chunk = os.read(status, 4096)
            if not chunk:
                return codes, None
            pending += chunk
            *lines, pending = pending.split(b"\n")
            codes += [int(line.split()[1]) for line in lines]
            if lines and len(codes) < len(steps):
                deadline = time.monotonic() + steps[len(codes)].wall_s
        if group.oom_kills():
            return codes, "memory"


def _results(
    steps: Sequence[Step],
    codes: Sequence[int],
    stopped: str | None,
    run: _Run,
    lim: Limits,
    events: Events,
    duration_ms: float,
) -> list[RunResult]:
    """One result per step that ran; the cgroup's events belong to the last of them."""
    ran = min(len(steps), len(codes) + (0 if codes and codes[-1] != 0 else 1))
    results = []
    for k, step in enumerate(steps[:ran]):
        last = k == ran - 1
        step_lim = replace(lim, cpu_s=step.cpu_s, wall_s=step.wall_s)
        code = codes[k] if k < len(codes) else None
        out = read_capped(run.fds[f"out-{k}"], lim.output_bytes)
        err = "" if step.merge_output else read_capped(run.fds[f"err-{k}"], lim.output_bytes)
        timed_out = code is None and stopped == "timeout"
        seen = events if last else Events()
        if code is None and not timed_out and not seen.oom_kills:
            reason = _lost(run)
        else:
            reason = describe(code, timed_out, step_lim, err, seen)
        results.append(RunResult(not reason, code, out, err, reason, duration_ms))
    return results


def _lost(run: _Run) -> str:
    """Why a step has no exit status: the sandbox failed, or its step runner was killed."""
    err = read_capped(run.fds["bwrap-err"], 4096).strip()
    if not err:
        return "the run ended without its exit status (its step runner was killed)"
    last = err.splitlines()[-1]
    log.warning("sandbox failed: %s", last)
    return f"the sandbox failed: {last[:200]}"


def _unisolated(
    steps: Sequence[Step], files: Mapping[str, str | bytes], lim: Limits
) -> list[RunResult]:
    """--unsafe-exec: each step as a plain process in a temp dir, with the rlimits only."""
    results: list[RunResult] = []
    with tempfile.TemporaryDirectory(prefix="codegen-run-") as tmp:
        for name, content in files.items():
            target = Path(tmp, name)
            target.parent.mkdir(parents=True, exist_ok=True)
            data = content.encode("utf-8") if isinstance(content, str) else content
            target.write_bytes(data)
        for step in steps:
            results.append(_unisolated_step(step, tmp, lim))
            if not results[-1].ok:
                break
    return results


def _unisolated_step(step: Step, cwd: str, lim: Limits) -> RunResult:
    env = jail.step_env(step, ()) | {"HOME": cwd}
    tool = toolchains.find(step.argv[0])
    argv = [tool.path if tool else step.argv[0], *step.argv[1:]]
    out, err, inp = _memfd("stdout"), _memfd("stderr"), _memfd("stdin", step.stdin)
    started, code = time.perf_counter(), None
    try:
        with subprocess.Popen(
            argv,
            cwd=cwd,
            stdin=inp,
            stdout=out,
            stderr=subprocess.STDOUT if step.merge_output else err,
            env=env,
            start_new_session=True,
            preexec_fn=lambda: _step_limits(step, lim),
        ) as proc:
            with contextlib.suppress(subprocess.TimeoutExpired):
                code = proc.wait(timeout=step.wall_s)
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, 9)
        step_lim = replace(lim, cpu_s=step.cpu_s, wall_s=step.wall_s)
        stdout, stderr = read_capped(out, lim.output_bytes), read_capped(err, lim.output_bytes)
        reason = describe(code, code is None, step_lim, stderr)
        return RunResult(not reason, code, stdout, stderr, reason, _ms(started), False)
    finally:
        for fd in (out, err, inp):
            os.close(fd)


def _step_limits(step: Step, lim: Limits) -> None:
    _enter((), lim, False)
    for name, soft, hard in jail.step_limits(step):
        resource.setrlimit(getattr(resource, name), (soft, hard))


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)
