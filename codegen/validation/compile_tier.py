"""``ToolCompiler``: the compile tier of this installation (``compiling`` has the contract).

One step per language from ``compilers.TOOLS``, run through a ``ToolRunner``; a missing
compiler is one warning line per language per process, a timeout or crash a logged null.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Sequence

from codegen.validation.compilers import TOOLS
from codegen.validation.compiling import Compilation, CompileTool
from codegen.validation.toolrun import LOCAL, ToolRunner, ToolUndecided

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 20.0
GIVEN_SIZE = 64  # verdicts from other runs kept for a later compile


_warned: set[str] = set()
_warned_lock = threading.Lock()


def warn_missing_once(language: str, tool: CompileTool) -> None:
    """One warning line per language per process: no compiler, so ``compiles`` is null."""
    with _warned_lock:
        if language in _warned:
            return
        _warned.add(language)
    needs = " and ".join(tool.programs)
    log.warning("%s: %s not found, so compiles is null for %s code", language, needs, language)


class ToolCompiler:
    """The compile tier of this installation: the tools of ``codegen.validation.compilers``."""

    def __init__(
        self,
        runner: ToolRunner = LOCAL,
        timeout: float = DEFAULT_TIMEOUT,
        tools: dict[str, CompileTool] | None = None,
    ) -> None:
        self.runner = runner
        self.timeout = timeout
        self.tools = TOOLS if tools is None else tools
        # Verdicts another run already gave (the validator's javac JVM compiles too), each
        # used once: (language, version, code) -> verdict.
        self._given: OrderedDict[tuple[str, str | None, str], Compilation] = OrderedDict()
        self._given_lock = threading.Lock()

    def remember(self, language: str, version: str | None, code: str, verdict: Compilation) -> None:
        """A verdict for ``code`` the next ``compile`` of it takes instead of running the tool."""
        with self._given_lock:
            self._given[(language, version, code)] = verdict
            while len(self._given) > GIVEN_SIZE:
                self._given.popitem(last=False)

    def tool(self, language: str) -> CompileTool | None:
        return self.tools.get(language)

    def available(self, language: str) -> bool:
        tool = self.tools.get(language)
        return tool is not None and all(self.runner.available(p) for p in tool.programs)

    def compile(
        self, codes: Sequence[str], language: str, version: str | None = None
    ) -> list[Compilation]:
        if not codes:
            return []
        tool = self.tools.get(language)
        if tool is None:
            return [Compilation(None, note=f"no compiler for {language}") for _ in codes]
        if not self.available(language):
            warn_missing_once(language, tool)
            note = f"{' and '.join(tool.programs)} not found"
            return [Compilation(None, tool=tool.name, note=note) for _ in codes]
        with self._given_lock:  # a code twice in ``codes`` takes the same verdict
            given = [self._given.get((language, version, code)) for code in codes]
            for code in codes:
                self._given.pop((language, version, code), None)
        todo = [code for code, verdict in zip(codes, given, strict=True) if verdict is None]
        fresh = iter(self._run(tool, todo, language, version) if todo else [])
        return [verdict if verdict is not None else next(fresh) for verdict in given]

    def _run(
        self, tool: CompileTool, codes: Sequence[str], language: str, version: str | None
    ) -> list[Compilation]:
        try:
            return tool.run(codes, version, self.timeout, self.runner)
        except ToolUndecided as exc:
            log.warning("%s: %s; compiles is null for this request", language, exc)
            return [Compilation(None, tool=tool.name, note=str(exc), undecided=True) for _ in codes]
