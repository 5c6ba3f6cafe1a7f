"""The bubblewrap command line of one sandboxed run, and the step runner's spec.

The run gets new pid, network, IPC and UTS namespaces (as another user than root, a user
namespace too, with further user namespaces disabled inside); a root file system that has
the host's ``/usr`` and ``/etc`` read-only, the ``/bin``-style entries, ``/proc`` of its own
pid namespace, a minimal ``/dev``, the toolchain dirs it needs read-only at their own paths
(``toolchains``), one tmpfs of the disk limit's size at ``/tmp`` holding the work dir
``/tmp/w`` (the cwd; the candidate's files are copied in from memory) and a small tmpfs at
``/dev/shm``; the seccomp filter (``seccomp``); a new session; death with its parent. As root
the step runner starts as the run's own uid (``setpriv``: no groups, no capabilities,
``no_new_privs``). Every step's stdin, stdout and stderr are memory files (memfds) of ours.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path, PurePosixPath

from codegen.execution import stepper, toolchains

INNER = "/tmp/w"
SHM_MB = 16


@dataclass(frozen=True)
class Step:
    """One program of a run: argv, extra environment, limits, and where its output goes."""

    argv: tuple[str, ...]
    wall_s: float
    cpu_s: int
    memory_mb: int | None = None  # RLIMIT_AS per process; None: none (JVMs, compilers)
    stdin: bytes = b""
    merge_output: bool = False
    env: Mapping[str, str] = field(default_factory=dict)


def base_env() -> dict[str, str]:
    return {"PATH": toolchains.SAFE_PATH, "HOME": INNER, "LANG": "C.UTF-8", "TMPDIR": "/tmp"}


def step_env(step: Step, tools: Sequence[toolchains.Tool]) -> dict[str, str]:
    env = base_env() | dict(step.env)
    extra = [tool.bin_dir for tool in tools if tool.binds]
    env["PATH"] = ":".join(dict.fromkeys([*extra, *env["PATH"].split(":")]))
    return env


def step_limits(step: Step) -> list[tuple[str, int, int]]:
    """(rlimit name, soft, hard) of a step; the soft CPU limit gives SIGXCPU before SIGKILL."""
    limits = [("RLIMIT_CPU", step.cpu_s, step.cpu_s + 1)]
    if step.memory_mb is not None:
        limits.append(("RLIMIT_AS", step.memory_mb << 20, step.memory_mb << 20))
    return limits


def spec(steps: Sequence[Step], tools: Sequence[toolchains.Tool], fds: Mapping[str, int]) -> str:
    """The step runner's JSON (``fds``: ``status``, ``in-K``, ``out-K``, ``err-K``)."""
    items = []
    for k, step in enumerate(steps):
        out = fds[f"out-{k}"]
        items.append(
            {
                "argv": list(step.argv),
                "env": step_env(step, tools),
                "stdin": fds.get(f"in-{k}"),
                "stdout": out,
                "stderr": out if step.merge_output else fds[f"err-{k}"],
                "limits": step_limits(step),
            }
        )
    return json.dumps({"status": fds["status"], "fds": sorted(fds.values()), "steps": items})


def _dirs_for(binds: Iterable[str]) -> list[str]:
    """bwrap arguments that bind each dir read-only, making its missing parents 0755 (bwrap
    would copy the host's modes, and ``/root`` is 0700 there)."""
    args: list[str] = []
    made: set[str] = set()
    bound: list[str] = []
    for path in sorted(set(binds)):
        if any(path.startswith(done + "/") for done in bound):
            continue  # inside a dir bound already
        for parent in reversed(PurePosixPath(path).parents):
            text = str(parent)
            if text != "/" and text not in made:
                args += ["--perms", "0755", "--dir", text]
                made.add(text)
        args += ["--ro-bind", path, path]
        bound.append(path)
    return args


def _root_fs(tools: Sequence[toolchains.Tool], disk_mb: int) -> list[str]:
    args = []
    for path in toolchains.BOUND:
        args += ["--ro-bind", path, path]
    for path, target in toolchains.top_level():
        args += ["--symlink", target, path] if target else ["--ro-bind", path, path]
    args += ["--proc", "/proc", "--dev", "/dev"]
    args += ["--perms", "1777", "--size", str(disk_mb << 20), "--tmpfs", "/tmp"]
    args += ["--perms", "1777", "--size", str(min(SHM_MB, disk_mb) << 20), "--tmpfs", "/dev/shm"]
    args += _dirs_for(b for tool in tools for b in tool.binds)  # over the tmpfs: a tool in /tmp
    return [*args, "--perms", "0777", "--dir", INNER]


def _files(files: Mapping[str, int]) -> list[str]:
    args: list[str] = []
    made: set[str] = set()
    for name, fd in files.items():
        rel = PurePosixPath(name)
        for parent in reversed(rel.parents):
            if str(parent) != "." and str(parent) not in made:
                args += ["--perms", "0777", "--dir", f"{INNER}/{parent}"]
                made.add(str(parent))
        args += ["--perms", "0644", "--file", str(fd), f"{INNER}/{rel}"]
    return args


def bwrap_argv(
    *,
    uid: int | None,
    tools: Sequence[toolchains.Tool],
    files: Mapping[str, int],
    disk_mb: int,
    seccomp_fd: int,
    runner: toolchains.Tool,
    runner_spec: str,
) -> list[str]:
    """The whole command: bwrap, then (as root) setpriv to ``uid``, then the step runner."""
    argv = ["bwrap", "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts"]
    if uid is None:
        argv += ["--unshare-user", "--disable-userns"]
    argv += ["--die-with-parent", "--new-session", *_root_fs([*tools, runner], disk_mb)]
    argv += [*_files(files), "--chdir", INNER, "--clearenv", "--seccomp", str(seccomp_fd), "--"]
    if uid is not None:
        argv += ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups"]
        argv += ["--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--"]
    return [*argv, runner.path, "-I", "-S", "-c", _stepper_source(), runner_spec]


@cache
def _stepper_source() -> str:
    return Path(stepper.__file__).read_text(encoding="utf-8")


def describe(argv: Sequence[str]) -> str:
    """``argv`` for a log line, without the step runner's source."""
    return shlex.join(a if len(a) < 200 else "<...>" for a in argv)
