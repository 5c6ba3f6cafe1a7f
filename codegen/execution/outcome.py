"""How a sandboxed step ended, in one line: which limit struck, or the program's own error."""

from __future__ import annotations

import os
import signal
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Limits:
    """A run's limits. Whole run (every process and step together, a cgroup): ``memory_mb``,
    ``pids``, ``cpu_share`` (cores) and ``disk_mb`` (the tmpfs holding ``/tmp`` and the work
    dir). Per process (rlimits): ``cpu_s``, ``file_mb`` (also caps stdout and stderr), ``nofile``,
    ``nproc`` (the run's uid, as root) and ``memory_mb`` again as the address space of the
    program (not of compilers or JVMs). ``wall_s`` bounds the program, ``compile_s`` each
    build step; then every process of the run is killed."""

    cpu_s: int = 10
    wall_s: float = 10.0
    memory_mb: int = 1024
    file_mb: int = 16
    nofile: int = 64
    nproc: int = 128
    output_bytes: int = 1 << 20
    compile_s: float = 60.0
    disk_mb: int = 64
    pids: int = 64
    cpu_share: float = 1.0


@dataclass(frozen=True)
class RunResult:
    """How one run ended; ``ok`` means exit status 0 within every limit."""

    ok: bool
    exit_code: int | None
    stdout: str
    stderr: str
    reason: str
    duration_ms: float
    isolated: bool = True


@dataclass(frozen=True)
class Events:
    """What the run's cgroup saw: OOM kills and forks refused at the process limit."""

    oom_kills: int = 0
    pids_refused: int = 0


_SIGNALS = {
    signal.SIGXCPU: "CPU time limit ({cpu} s) exceeded",
    signal.SIGXFSZ: "file size or output limit ({file} MB) exceeded",
    signal.SIGKILL: "killed (SIGKILL)",
    signal.SIGSEGV: "crashed (SIGSEGV), e.g. out of memory or stack",
}


def memory_reason(limits: Limits) -> str:
    return f"memory limit ({limits.memory_mb} MB, whole run) exceeded; every process was killed"


def describe(
    code: int | None, timed_out: bool, limits: Limits, stderr: str, events: Events = Events()
) -> str:
    """Empty for success, else why the step failed (limits first, then the program's error)."""
    if events.oom_kills:
        return memory_reason(limits)
    if timed_out:
        reason = f"timed out after {limits.wall_s:g} s (wall clock); every process was killed"
        return reason + (_pids_note(limits) if events.pids_refused else "")
    if code == 0:
        return ""
    if code is not None and code < 0:
        return _signal_reason(-code, limits)
    last = stderr.strip().splitlines()[-1] if stderr.strip() else ""
    if "MemoryError" in last or "out of memory" in stderr.lower():
        return f"memory limit ({limits.memory_mb} MB) exceeded"
    if "File too large" in last:
        return f"file size or output limit ({limits.file_mb} MB) exceeded"
    if "No space left on device" in stderr:
        return f"disk limit ({limits.disk_mb} MB, whole run) reached"
    if events.pids_refused or "Resource temporarily unavailable" in last:
        return f"process limit ({limits.pids} processes, whole run) reached"
    return f"exit status {code}" + (f": {last[:200]}" if last else "")


def _pids_note(limits: Limits) -> str:
    return f"; the process limit ({limits.pids}, whole run) was reached"


def _signal_reason(number: int, limits: Limits) -> str:
    try:
        sig = signal.Signals(number)
    except ValueError:
        return f"killed by signal {number}"
    template = _SIGNALS.get(sig, f"killed by {sig.name}")
    return template.format(cpu=limits.cpu_s, file=limits.file_mb)


def compile_failure(result: RunResult) -> RunResult:
    """A failed build step as the run's result: the compiler's first error line."""
    if result.exit_code is None or not result.stderr.strip():
        return replace(result, ok=False, reason=f"compilation failed: {result.reason}")
    lines = result.stderr.splitlines()
    first = next((ln for ln in lines if "error" in ln.lower()), lines[0])
    return replace(result, ok=False, reason=f"compilation failed: {first.strip()[:300]}")


def read_capped(fd: int, cap: int) -> str:
    """The text written to memory file ``fd``, cut at ``cap`` bytes (and said so)."""
    data = os.pread(fd, cap + 1, 0)
    text = data[:cap].decode("utf-8", "replace")
    return text + ("\n[output truncated]" if len(data) > cap else "")
