"""Checkers and compilers on candidate code, confined: the sandbox's ``ToolRunner``.

``codegen.validation.toolrun`` defines the seam; this runner keeps its contract with every
tool run inside a sandbox of its own (``Sandbox.run_tool``): the run's uid, no network, only
``/usr``, ``/etc`` and the toolchain dirs of the host (read-only), the files in a tmpfs work
dir, the whole-run memory, process and CPU limits. A timeout, a limit that ended the tool, a
crash or a tool that could not start is ``ToolUndecided``.

:func:`tool_runner` is what the front ends inject: this runner where the sandbox works; where
it does not, a runner that runs nothing (so the checker tiers are skipped) after saying why
once, unless ``unsafe_exec`` asks for the host's tools unconfined.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from codegen.execution import toolchains
from codegen.execution.sandbox import Sandbox, isolation_problem
from codegen.validation.toolrun import (
    LOCAL,
    MAX_OUTPUT,
    ToolResult,
    ToolRunner,
    ToolUndecided,
    safe_relative,
)

if TYPE_CHECKING:
    from codegen.config import Settings

log = logging.getLogger(__name__)
_warned: set[str] = set()


def jvm_argv(argv: Sequence[str]) -> list[str]:
    """``argv`` with the one-processor JVM flags when it starts ``java`` or ``javac``."""
    name = Path(argv[0]).name
    if name == "java":
        return [argv[0], *toolchains.JVM_ONE_CPU, *argv[1:]]
    if name == "javac":
        return [argv[0], *(f"-J{flag}" for flag in toolchains.JVM_ONE_CPU), *argv[1:]]
    return list(argv)


class ConfinedToolRunner:
    """A ``ToolRunner`` whose every tool runs in the execution sandbox."""

    def __init__(self, sandbox: Sandbox | None = None) -> None:
        self.sandbox = sandbox or Sandbox()

    def available(self, program: str) -> bool:
        return isolation_problem() is None and toolchains.find(program) is not None

    def run(self, argv: Sequence[str], files: Mapping[str, str], timeout: float) -> ToolResult:
        for name in files:
            safe_relative(name)
        tool = Path(argv[0]).name
        result = self.sandbox.run_tool(jvm_argv(argv), files, timeout)
        code = result.exit_code
        if code is None or code < 0:
            raise ToolUndecided(f"{tool}: {result.reason}")
        if code == 127 and result.stdout.startswith("cannot run "):
            raise ToolUndecided(f"{tool} could not start: {result.stdout.strip()}")
        return ToolResult(code, result.stdout[:MAX_OUTPUT])


class NoToolRunner:
    """Where tools may not run: none is available, so the checker tiers are skipped."""

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def available(self, program: str) -> bool:
        return False

    def run(self, argv: Sequence[str], files: Mapping[str, str], timeout: float) -> ToolResult:
        raise ToolUndecided(f"{Path(argv[0]).name} not run: {self.reason}")


def tool_runner(settings: Settings) -> ToolRunner:
    """The runner for tools on candidate code that ``settings`` and this machine allow."""
    problem = isolation_problem()
    if problem is None:
        return ConfinedToolRunner(Sandbox.from_settings(settings))
    if settings.unsafe_exec:
        return LOCAL
    reason = f"checkers and compilers run only in the sandbox, which is unavailable: {problem}"
    if reason not in _warned:
        _warned.add(reason)
        log.warning("%s (unsafe_exec = true runs them unconfined)", reason)
    return NoToolRunner(reason)
