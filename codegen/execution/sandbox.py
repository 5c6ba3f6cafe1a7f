"""Run untrusted candidate programs with limits (execution evidence for the ranker, and ``eval``).

Each run gets a fresh empty temp dir as its working directory, a cleared environment, and
runs in new network, mount, pid, IPC and UTS namespaces (``unshare`` from util-linux): no
network at all; a private tmpfs over ``/tmp``, ``/root``, ``/home`` and the other
world-writable dirs (the work dir is bind-mounted at ``/tmp/w``); a pid namespace whose death
takes every process in it along. As root the program itself runs as uid/gid 65534
(``setpriv``), so RLIMIT_NPROC applies (root ignores it: rlimits alone do not stop a fork bomb
run as root); as another user a user namespace is added. rlimits: CPU seconds, address space
(the JVM gets ``-Xmx`` instead), file size (this also caps stdout/stderr, which go to files),
open files and processes. A wall-clock timeout kills the whole namespace. The temp dir is
removed afterwards; tmpfs writes vanish with the namespace.

Where that isolation is unavailable, :func:`isolation_problem` says why and ``Sandbox`` refuses
to run unless built with ``unsafe=True`` (limits, temp dir and cleared env only).
"""

from __future__ import annotations

import contextlib
import os
import resource
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from codegen.errors import CodegenError

NOBODY = 65534
SAFE_PATH = "/usr/local/bin:/usr/bin:/bin"
INNER = "/tmp/w"

# Runs as root inside the new namespaces: private tmpfs mounts, the work dir (the cwd we were
# started in) bind-mounted at /tmp/w, then the program with the privileges dropped.
_SETUP = (
    'cd "$1" && shift && mount -t tmpfs -o size=64m,mode=1777 tmpfs /tmp'
    " && mkdir /tmp/w && mount --bind /proc/self/cwd /tmp/w && cd /tmp/w"
    " && mount -t tmpfs -o size=1m tmpfs /root && mount -t tmpfs -o size=1m tmpfs /home"
    " && for d in /dev/shm /var/tmp /run/lock; do"
    ' [ -d "$d" ] && mount -t tmpfs -o size=16m,mode=1777 tmpfs "$d"; done 2>/dev/null; "$@"'
)
_DROP_ROOT = ("setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups")
_DROP_CAPS = ("setpriv", "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs")


_TOOL_ENV = ("PATH", "HOME", "RUSTUP_HOME", "CARGO_HOME", "RUSTUP_TOOLCHAIN", "JAVA_HOME")


class SandboxUnavailable(CodegenError):
    """Execution was asked for but isolation is missing (and --unsafe-exec was not given)."""


@dataclass(frozen=True)
class Limits:
    cpu_s: int = 10
    wall_s: float = 10.0
    memory_mb: int = 1024
    file_mb: int = 16
    nofile: int = 64
    nproc: int = 128
    output_bytes: int = 1 << 20
    compile_s: float = 60.0


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


@cache
def isolation_problem() -> str | None:
    """None when isolated runs work here, else one line saying why not."""
    if shutil.which("unshare") is None or shutil.which("setpriv") is None:
        return "isolated execution needs 'unshare' and 'setpriv' (util-linux), not found"
    probe = tempfile.mkdtemp(prefix="codegen-probe-")
    try:
        os.chmod(probe, 0o755)
        argv = [*_isolation_prefix(probe), "/bin/sh", "-c", "test $(id -u) -ne 0 || exit 7"]
        proc = subprocess.run(
            argv, capture_output=True, timeout=20, env={"PATH": SAFE_PATH}, check=False
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return f"isolated execution failed to start: {exc}"
    finally:
        shutil.rmtree(probe, ignore_errors=True)
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = err[-1] if err else f"exit status {proc.returncode}"
        return f"isolated execution (user/network/pid/mount namespaces) is unavailable: {detail}"
    return None


def _isolation_prefix(workdir: str) -> list[str]:
    ns = ["--net", "--pid", "--fork", "--mount-proc", "--mount", "--ipc", "--uts"]
    if os.geteuid() == 0:
        drop = [*_DROP_ROOT, *_DROP_CAPS[1:]]
    else:
        ns = ["--user", "--map-root-user", *ns]
        drop = list(_DROP_CAPS)
    return ["unshare", "--kill-child=SIGKILL", *ns, "/bin/sh", "-c", _SETUP, "sh", workdir, *drop]


def _set_limits(limits: Limits, memory: bool) -> None:
    def apply(res: int, value: int) -> None:
        resource.setrlimit(res, (value, value))

    # Soft below hard: the program gets SIGXCPU (reported as the CPU limit) before SIGKILL.
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_s, limits.cpu_s + 1))
    apply(resource.RLIMIT_FSIZE, limits.file_mb << 20)
    apply(resource.RLIMIT_NOFILE, limits.nofile)
    apply(resource.RLIMIT_NPROC, limits.nproc)
    apply(resource.RLIMIT_CORE, 0)
    if memory:
        apply(resource.RLIMIT_AS, limits.memory_mb << 20)


def _describe(code: int | None, timed_out: bool, limits: Limits, stderr: str) -> str:
    if timed_out:
        return f"timed out after {limits.wall_s:g} s (wall clock); every process was killed"
    if code == 0:
        return ""
    if code is not None and code < 0:
        code = 128 - code
    if code is not None and code > 128:
        sig = code - 128
        named = {
            signal.SIGXCPU: f"CPU time limit ({limits.cpu_s} s) exceeded",
            signal.SIGXFSZ: f"file size or output limit ({limits.file_mb} MB) exceeded",
            signal.SIGKILL: "killed (SIGKILL)",
            signal.SIGSEGV: "crashed (SIGSEGV), e.g. out of memory or stack",
        }
        try:
            return named.get(signal.Signals(sig), f"killed by {signal.Signals(sig).name}")
        except ValueError:
            return f"exit status {code}"
    last = stderr.strip().splitlines()[-1] if stderr.strip() else ""
    if "MemoryError" in last or "out of memory" in stderr.lower():
        return f"memory limit ({limits.memory_mb} MB) exceeded"
    if "File too large" in last:
        return f"file size or output limit ({limits.file_mb} MB) exceeded"
    if "Resource temporarily unavailable" in last:
        return f"process limit ({limits.nproc}) reached"
    return f"exit status {code}" + (f": {last[:200]}" if last else "")


def _read_capped(path: Path, cap: int) -> str:
    with path.open("rb") as fh:
        data = fh.read(cap + 1)
    text = data[:cap].decode("utf-8", "replace")
    return text + ("\n[output truncated]" if len(data) > cap else "")


class Sandbox:
    """Runs programs (argv plus files) under the isolation and limits described above."""

    def __init__(self, limits: Limits | None = None, *, unsafe: bool = False) -> None:
        self.limits = limits or Limits()
        self.unsafe = unsafe

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
        """Write ``files`` into a fresh dir, run the ``prepare`` commands (compilers) there, then
        ``argv``; paths in both are relative to the work dir. Compilers run confined too when
        the unprivileged uid can reach them, else unconfined with the compile timeout."""
        lim = limits or self.limits
        self.check()
        isolated = isolation_problem() is None
        base = Path(tempfile.mkdtemp(prefix="codegen-run-"))
        try:
            work = base / "w"
            work.mkdir()
            for name, content in files.items():
                target = work / name
                if isinstance(content, bytes):
                    target.write_bytes(content)
                else:
                    target.write_text(content, encoding="utf-8")
            if isolated:
                _hand_over(base, work)
            build = replace(lim, cpu_s=int(lim.compile_s), wall_s=lim.compile_s)
            for cmd in prepare:
                confine = isolated and world_reachable(cmd[0])
                done = self._confined(base, work, cmd, "", False, build, confine, tool=True)
                if not done.ok:
                    return _compile_failure(done)
            return self._confined(base, work, argv, stdin, memory_limit, lim, isolated)
        finally:
            shutil.rmtree(base, ignore_errors=True)

    def _confined(
        self,
        base: Path,
        work: Path,
        argv: Sequence[str],
        stdin: str,
        memory_limit: bool,
        lim: Limits,
        isolated: bool,
        tool: bool = False,
    ) -> RunResult:
        env = {"PATH": SAFE_PATH, "HOME": INNER, "LANG": "C.UTF-8", "TMPDIR": "/tmp"}
        if isolated:
            cmd = [*_isolation_prefix(str(work)), *argv]
        else:
            cmd, env["HOME"] = list(argv), str(work)
            if tool:  # a trusted compiler outside the sandbox (e.g. rustup's rustc under /root)
                env.update({k: v for k, v in os.environ.items() if k in _TOOL_ENV})
        out_path, err_path, in_path = base / "stdout", base / "stderr", base / "stdin"
        in_path.write_text(stdin, encoding="utf-8")
        started = time.perf_counter()
        timed_out = False
        with out_path.open("wb") as out, err_path.open("wb") as err, in_path.open("rb") as inp:
            proc = subprocess.Popen(
                cmd,
                cwd=work,
                stdin=inp,
                stdout=out,
                stderr=err,
                env=env,
                start_new_session=True,
                preexec_fn=lambda: _set_limits(lim, memory_limit),
            )
            try:
                code: int | None = proc.wait(timeout=lim.wall_s)
            except subprocess.TimeoutExpired:
                timed_out, code = True, None
            finally:
                _kill_group(proc)
        stdout = _read_capped(out_path, lim.output_bytes)
        stderr = _read_capped(err_path, lim.output_bytes)
        reason = _describe(code, timed_out, lim, stderr)
        return RunResult(not reason, code, stdout, stderr, reason, _ms(started), isolated)


def _hand_over(base: Path, work: Path) -> None:
    """Make the work dir the unprivileged uid's (as root) and reachable for it."""
    if os.geteuid() == 0:
        for path in [work, *work.rglob("*")]:
            os.chown(path, NOBODY, NOBODY)
    os.chmod(base, 0o755)
    os.chmod(work, 0o777)


def world_reachable(path: str) -> bool:
    """True when ``path`` (or the PATH entry of that name) can be run by any user."""
    found = shutil.which(path) if "/" not in path else path
    if found is None or not os.path.exists(found):
        return False
    real = Path(os.path.realpath(found))
    if not all(os.stat(parent).st_mode & 0o001 for parent in real.parents):
        return False
    return bool(os.stat(real).st_mode & 0o001)


def _compile_failure(result: RunResult) -> RunResult:
    if result.exit_code is None or not result.stderr.strip():
        return replace(result, ok=False, reason=f"compilation failed: {result.reason}")
    lines = result.stderr.splitlines()
    first = next((ln for ln in lines if "error" in ln.lower()), lines[0])
    return replace(result, ok=False, reason=f"compilation failed: {first.strip()[:300]}")


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    """Kill the session we started (unshare, its namespace init and with it the namespace),
    then wait until the kernel has removed every process of that pid namespace."""
    namespace = _child_namespace(proc.pid)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    if namespace is not None:
        _wait_namespace_empty(namespace)


def _pid_namespace(pid: str) -> str | None:
    try:
        return os.readlink(f"/proc/{pid}/ns/pid")
    except OSError:
        return None


def _child_namespace(parent: int) -> str | None:
    """The pid namespace of ``parent``'s child (the namespace init), if it is not ours."""
    own = _pid_namespace("self")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        if int(stat.rpartition(")")[2].split()[1]) == parent:
            namespace = _pid_namespace(entry)
            return namespace if namespace not in (None, own) else None
    return None


def _wait_namespace_empty(namespace: str, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pids = (e for e in os.listdir("/proc") if e.isdigit())
        if not any(_pid_namespace(pid) == namespace for pid in pids):
            return
        time.sleep(0.02)


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)
