"""The one-JVM javac driver (``java/CompileAll.java``): several Java candidates checked in one
JVM, whose start is most of javac's cost (about 0.6 s a run on 2 cores).

Two uses: the compile tier (``compilers.compile_java``: every candidate compiled to the FLOW
phase) and the reference tier's batch form (``check_javac_many``: every candidate parsed and
entered, as ``reference.check_javac`` does for one, so ``TieredValidator.validate_many``
checks a request's Java candidates with one JVM instead of one each). Each candidate is its
own compilation task with only its own directory on the paths, so candidates never see each
other's classes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from codegen.types import Diagnostic
from codegen.validation import reference, tables
from codegen.validation.compiling import Compilation, compile_error, tool_verdict
from codegen.validation.toolrun import ToolRunner, ToolUndecided

# Where a batch check hands each code's compile verdict (code, verdict).
Keep = Callable[[str, Compilation], None]
# A reference checker's batch form: (codes, version, timeout, runner, keep) -> one verdict each.
RunMany = Callable[
    [Sequence[str], str | None, float, ToolRunner, Keep | None], list[reference.CheckResult]
]
JVM_FLAGS = ("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto")
_KEY_PREFIX = "compiler.err."
_VERDICT = re.compile(r"^\d+\tP?END\t", re.M)  # a line with some task's verdict


@cache
def java_driver() -> str:
    """The source of the driver shipped with the package."""
    return (
        resources.files("codegen.validation")
        .joinpath("java", "CompileAll.java")
        .read_text(encoding="utf-8")
    )


@dataclass(frozen=True)
class DriverError:
    line: int
    column: int  # a 1-based code-point column
    key: str  # javac's key without ``compiler.err.`` (``expected``, ``cant.resolve.location``)
    message: str  # javac's message on one line


@dataclass
class DriverReport:
    """One candidate's part of the driver's output."""

    errors: list[DriverError] = field(default_factory=list)
    ok: bool | None = None  # None: the driver gave no verdict for it
    crash: str = ""

    def note(self) -> str:
        return f"javac crashed: {self.crash}" if self.crash else "javac gave no verdict"


def run_driver(
    codes: Sequence[str],
    version: str | None,
    timeout: float,
    runner: ToolRunner,
    mode: str = "",
) -> str:
    """The driver's output over ``codes`` (each in its own directory, in its public class's
    file); ``mode``: "" (compile), ``--parse-only`` or ``--parse-and-compile``. Raises
    ``ToolUndecided`` when it gave no verdict at all."""
    files = {"CompileAll.java": java_driver()}
    paths = []
    for k, code in enumerate(codes, 1):
        path = f"c{k}/{reference.java_filename(code)}"
        files[path] = code
        paths.append(path)
    argv = ["java", *JVM_FLAGS, "CompileAll.java", *([mode] if mode else [])]
    argv += reference.java_release(version)
    result = runner.run([*argv, *paths], files, timeout)
    if result.returncode != 0 and not _VERDICT.search(result.output):
        first = result.output.strip().splitlines()[:1]
        raise ToolUndecided(f"the java compile driver failed: {first[0] if first else ''}")
    return result.output


def compile_reports(
    codes: Sequence[str], version: str | None, timeout: float, runner: ToolRunner
) -> list[DriverReport]:
    """Every code compiled to the end of flow analysis (the compile tier)."""
    return read_driver(run_driver(codes, version, timeout, runner), codes)


def read_driver(output: str, codes: Sequence[str], tag: str = "") -> list[DriverReport]:
    """The driver's lines (see CompileAll.java) of one task kind, one report per code: the
    compilation's (``tag`` "") or the parse-only task's ("P")."""
    reports = [DriverReport() for _ in codes]
    for line in output.splitlines():
        fields = line.split("\t", 5)
        if len(fields) < 3 or not fields[0].isdigit() or int(fields[0]) >= len(codes):
            continue
        index, kind = int(fields[0]), fields[1]
        if not kind.startswith(tag) or kind[len(tag) :] not in ("E", "END", "CRASH"):
            continue
        kind, report = kind[len(tag) :], reports[index]
        if kind == "E" and len(fields) == 6:
            row, lines = int(fields[2]), codes[index].split("\n")
            text = lines[row - 1] if 1 <= row <= len(lines) else ""
            key = fields[4].removeprefix(_KEY_PREFIX)
            col = javac_column(text, int(fields[3]))
            report.errors.append(DriverError(row, col, key, java_message(fields[5])))
        elif kind == "END":
            report.ok = fields[2] == "true"
        elif kind == "CRASH":
            report.crash = _unescape(fields[2])
    return reports


def compilation(report: DriverReport) -> Compilation:
    """A compile task's report as the compile tier's verdict."""
    if report.ok is None:
        return Compilation(None, tool="javac", note=report.note(), undecided=True)
    diags = [compile_error(e.line, e.column, e.message, "javac") for e in report.errors]
    return tool_verdict("javac", diags, not report.ok, "")


def check_javac_many(
    codes: Sequence[str],
    version: str | None,
    timeout: float,
    runner: ToolRunner,
    keep: Keep | None = None,
) -> list[reference.CheckResult]:
    """``reference.check_javac`` for many codes in one JVM: the syntax errors of each (parsed
    and entered); a code the driver gave no verdict on is undecided. With ``keep``, the same
    JVM compiles each code too and hands ``keep`` each verdict (for the compile tier)."""
    try:
        mode = "--parse-and-compile" if keep is not None else "--parse-only"
        output = run_driver(codes, version, timeout, runner, mode)
    except ToolUndecided as exc:
        return [reference.CheckResult("javac", "undecided", note=str(exc)) for _ in codes]
    if keep is not None:
        for code, built in zip(codes, read_driver(output, codes), strict=True):
            if built.ok is not None:
                keep(code, compilation(built))
    return [_syntax(report) for report in read_driver(output, codes, "P")]


def _syntax(report: DriverReport) -> reference.CheckResult:
    if report.ok is None:
        return reference.CheckResult("javac", "undecided", note=report.note())
    diags = [
        Diagnostic(e.line, e.column, e.line, e.column, e.message, "javac")
        for e in report.errors
        if tables.javac_is_syntax(e.key)
    ]
    return reference.CheckResult("javac", "invalid" if diags else "valid", tuple(diags))


def _unescape(text: str) -> str:
    return re.sub(r"\\([\\nt])", lambda m: {"n": "\n", "t": "\t"}.get(m[1], "\\"), text)


def java_message(text: str) -> str:
    """javac's message on one line: 'cannot find symbol; symbol: class X; location: ...'."""
    parts = [part.strip() for part in _unescape(text).split("\n") if part.strip()]
    return "; ".join(re.sub(r"\s+", " ", part) for part in parts)


def javac_column(line_text: str, column: int) -> int:
    """javac's 1-based column (tabs expanded to 8) as a 1-based code-point column."""
    expanded = 0
    for index, ch in enumerate(line_text):
        if expanded >= column - 1:
            return index + 1
        expanded = (expanded // 8 + 1) * 8 if ch == "\t" else expanded + 1
    return max(min(column, len(line_text) + 1), 1)
