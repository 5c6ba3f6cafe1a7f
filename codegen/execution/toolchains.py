"""Where the programs a run needs live, and which host dirs the sandbox binds read-only for them.

Inside the sandbox the file system is ``/usr`` and ``/etc`` of the host, read-only, plus
``/bin``, ``/sbin``, ``/lib*`` (as on the host) and the toolchain dirs found here, each
bound read-only at the same path; nothing else of the host (no ``/root``, ``/home``,
``/tmp``, ``/work``, ``/var``). A program is looked up on ``PATH`` as usual; one outside
``/usr`` brings the prefix it was installed under (the dir above its ``bin/``; never a home
or top-level dir), and inside the sandbox ``PATH`` is the system dirs plus those ``bin/``
dirs. A rustup proxy (``~/.cargo/bin/rustc``) is replaced by the real compiler of the default
toolchain, whose sysroot is bound alone, so ``~/.cargo`` (which can hold registry
credentials) stays out.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

SYSTEM_DIRS = ("/usr/local/bin", "/usr/bin", "/bin")
SAFE_PATH = ":".join(SYSTEM_DIRS)
BOUND = ("/usr", "/etc")
TOP_LEVEL = ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
# JVMs size their thread pools by the processors they see: one, so they fit a run's pids limit.
JVM_ONE_CPU = ("-XX:ActiveProcessorCount=1", "-XX:+UseSerialGC")


@dataclass(frozen=True)
class Tool:
    """A program as the sandbox runs it: its path there (the same as here) and its binds."""

    path: str
    binds: tuple[str, ...] = ()

    @property
    def bin_dir(self) -> str:
        return str(Path(self.path).parent)


def _covered(path: str) -> bool:
    """Whether ``path`` is visible in the sandbox without an extra bind."""
    real = os.path.realpath(path)
    return any(real == root or real.startswith(root + "/") for root in BOUND)


def _broad(path: Path) -> bool:
    """A top-level dir or a home dir: never bound whole."""
    return len(path.parts) <= 2 or path.parent == Path("/home") or path == Path.home()


def _prefix(real: str) -> str:
    """The install prefix of a program at ``real`` (``/opt/x`` for ``/opt/x/bin/prog``); its
    own dir, or the program alone, where that would be a top-level or home dir (``~/bin``)."""
    parent = Path(real).parent
    prefix = parent.parent if parent.name == "bin" else parent
    for choice in (prefix, parent):
        if not _broad(choice):
            return str(choice)
    return real


def find(name: str) -> Tool | None:
    """The tool ``name`` (a program name, looked up on ``PATH``, or an absolute path) as the
    sandbox can run it."""
    return _find(name, os.environ.get("PATH", ""))


@cache
def _find(name: str, path: str) -> Tool | None:
    found = name if "/" in name else shutil.which(name, path=path)
    return _at(found) if found else None


def _at(path: str) -> Tool | None:
    if not os.access(path, os.X_OK):
        return None
    real = os.path.realpath(path)
    if Path(real).name == "rustup":
        return _rustup(Path(path).name)
    if _covered(path):
        return Tool(path)
    return Tool(real, (_prefix(real),))


def _rustup(name: str) -> Tool | None:
    """The real ``name`` (rustc) of rustup's default toolchain, with its sysroot bound."""
    if name != "rustc":
        return None
    try:
        proc = subprocess.run(
            [name, "--print", "sysroot"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    sysroot = proc.stdout.strip()
    real = os.path.join(sysroot, "bin", name)
    if proc.returncode != 0 or not os.access(real, os.X_OK):
        return None
    return Tool(real, (sysroot,))


@cache
def python() -> Tool | None:
    """The interpreter that runs Python candidates (and the sandbox's step runner): the one
    running codegen when it lives under ``/usr``, else a system ``python3``, else the one
    running codegen with its prefix bound."""
    own = os.path.realpath(sys.executable) if sys.executable else ""
    for path in (own, "/usr/bin/python3", "/usr/local/bin/python3", "/bin/python3"):
        if path and os.access(path, os.X_OK) and _covered(path):
            return Tool(os.path.realpath(path))
    return _at(own) if own else None


def top_level() -> list[tuple[str, str | None]]:
    """The host's ``/bin``-like entries: (path, symlink target) or (path, None) for a dir."""
    entries: list[tuple[str, str | None]] = []
    for path in TOP_LEVEL:
        if os.path.islink(path):
            entries.append((path, os.readlink(path)))
        elif os.path.isdir(path):
            entries.append((path, None))
    return entries
