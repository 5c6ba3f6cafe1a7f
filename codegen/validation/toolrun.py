"""The ``ToolRunner`` seam: every run of an external tool (checker, compiler) on candidate code.

Contract (what a runner must do; the reference checkers and the compile tier rely on it):

- ``run(argv, files, timeout)`` writes ``files`` into a fresh, empty directory, runs ``argv``
  with that directory as its working directory, removes the directory, and returns a
  ``ToolResult``: the exit status (>= 0) and stdout and stderr merged into one text (decoded
  as UTF-8 with replacement; a runner may cap it at ``MAX_OUTPUT`` characters).
- ``files`` maps relative POSIX paths (``"Main.java"``, ``"c2/Main.java"``; no ``..``, never
  absolute; parent directories are created) to UTF-8 text. Paths in ``argv`` that name them
  are relative to the working directory; nothing else of the caller's file system is promised.
- ``argv[0]`` is a program name looked up on the runner's PATH (``"javac"``, ``"rustc"``,
  ``"env"``). Tools run in the C locale (``LC_ALL=C``: compilers then quote with ASCII ``'``),
  stdin is empty, and the tool may use the working directory for its output files.
- It raises ``ToolUndecided`` (never returns) when the tool could not start (not found, not
  executable), was killed by a signal (a crash, or a limit the runner enforces), or ran past
  ``timeout`` seconds (then every process it started is killed). Callers turn that into an
  *undecided* verdict, never into "invalid" or "does not compile".
- ``available(program)`` says whether ``run`` could start ``program``.
- Runs may happen concurrently from several threads; a runner must allow that.

``LocalToolRunner`` is the default: a plain subprocess in a temp dir with the host's
environment, in its own process group that is killed whole on timeout. A confined runner
(``codegen.execution``) implements the same protocol and is injected from above.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Protocol

from codegen.errors import CheckerError

MAX_OUTPUT = 1 << 20


@dataclass(frozen=True)
class ToolResult:
    returncode: int
    output: str


class ToolUndecided(CheckerError):
    """The tool could not give a verdict: it did not start, crashed or timed out."""


class ToolRunner(Protocol):
    def available(self, program: str) -> bool: ...

    def run(self, argv: Sequence[str], files: Mapping[str, str], timeout: float) -> ToolResult: ...


def safe_relative(path: str) -> PurePosixPath:
    """``path`` as a relative path inside the work dir; ValueError for absolute or ``..``."""
    rel = PurePosixPath(path)
    if rel.is_absolute() or ".." in rel.parts or not rel.parts:
        raise ValueError(f"not a relative path inside the work dir: {path!r}")
    return rel


def write_files(root: Path, files: Mapping[str, str]) -> None:
    """Write ``files`` (relative path -> text) under ``root``, creating parent dirs."""
    for name, text in files.items():
        target = root.joinpath(*safe_relative(name).parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


class LocalToolRunner:
    """Runs tools as plain local processes, with the host's environment (``LC_ALL=C``)."""

    def available(self, program: str) -> bool:
        return shutil.which(program) is not None

    def run(self, argv: Sequence[str], files: Mapping[str, str], timeout: float) -> ToolResult:
        with tempfile.TemporaryDirectory(prefix="codegen-tool-") as tmp:
            write_files(Path(tmp), files)
            return _run(list(argv), tmp, timeout)


def _run(argv: list[str], cwd: str, timeout: float) -> ToolResult:
    """Run a tool in its own process group; kill the whole group on timeout."""
    name = Path(argv[0]).name
    try:
        proc = subprocess.Popen(
            argv,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env={**os.environ, "LC_ALL": "C"},
        )
    except OSError as exc:
        raise ToolUndecided(f"{name} could not start: {exc.strerror or exc}") from exc
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(proc)
        raise ToolUndecided(f"{name} timed out after {timeout:g} s") from None
    if proc.returncode < 0:
        raise ToolUndecided(f"{name} crashed (signal {-proc.returncode})")
    return ToolResult(proc.returncode, out[:MAX_OUTPUT].decode("utf-8", "replace"))


def _kill(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        proc.kill()
    proc.communicate()


LOCAL = LocalToolRunner()
