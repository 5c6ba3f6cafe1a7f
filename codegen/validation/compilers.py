"""The compile step of each language (``compiling`` has the contract, ``compile_tier`` runs them).

- java: ONE JVM for all candidates: ``java/CompileAll.java`` (run by the source launcher)
  compiles each candidate as its own task through ``javax.tools``, with only its own
  directory on the source and class path; it stops after flow analysis (no class files).
- rust: ``rustc --crate-type lib --emit=metadata --edition E`` per candidate, concurrently.
- c, cpp: ``gcc``/``g++ -fsyntax-only`` per candidate, concurrently; every error counts. C
  gets GCC 14's defaults as errors (implicit function declarations and ints, int/pointer
  conversions): C99 forbids them, and the code would not build with a current compiler.
- go: ONE ``go vet -asmdecl ./...`` over a module holding each candidate as its own package
  (``-asmdecl`` leaves only type checking, as no candidate has assembly), so vet's other
  analyzers do not count as compile errors.
- typescript: ONE ``tsc --noEmit`` over all candidates, each forced to be a module, with the
  ES2022 library and a ``console`` declaration (not the DOM library, a third of tsc's time);
  "install type definitions" / "change your target library" errors (TS2580, TS2584 and the
  like: ``require``, ``process``, ``document``) say nothing about the code and do not count.
- python: pyflakes' undefined names, in-process (``pyflakes_check``).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any

from codegen import paths
from codegen.types import Diagnostic, Fix
from codegen.validation import javadriver, pyflakes_check, reference
from codegen.validation.compiling import (
    Compilation,
    CompileRun,
    CompileTool,
    compile_error,
    tool_verdict,
)
from codegen.validation.toolrun import ToolRunner, ToolUndecided


def _each(codes: Sequence[str], tool: str, one: Callable[[str], Compilation]) -> list[Compilation]:
    """``one`` over every code, concurrently; a code whose run is undecided gets None."""

    def safe(code: str) -> Compilation:
        try:
            return one(code)
        except ToolUndecided as exc:
            return Compilation(None, tool=tool, note=str(exc), undecided=True)

    workers = max(1, min(len(codes), os.cpu_count() or 2))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix=f"compile-{tool}") as pool:
        return list(pool.map(safe, codes))


# ---------------------------------------------------------------- rust


def parse_rustc(output: str, failed: bool) -> Compilation:
    """rustc's ``--error-format=json`` lines: each error at its primary span, with the edits
    rustc marks machine-applicable (``mut``, a missing borrow, ...) as its ``fixes``."""
    diags = []
    for line in output.splitlines():
        try:
            item = json.loads(line)
        except ValueError:
            continue
        if not isinstance(item, dict) or item.get("level") != "error" or not item.get("spans"):
            continue
        code = (item.get("code") or {}).get("code")
        message = f"{code}: {item['message']}" if code else str(item["message"])
        span = next((s for s in item["spans"] if s.get("is_primary")), item["spans"][0])
        fixes = tuple(_rustc_fixes(item))
        d = compile_error(span["line_start"], span["column_start"], message, "rustc")
        diags.append(replace(d, fixes=fixes) if fixes else d)
    return tool_verdict("rustc", diags, failed, output)


def _rustc_fixes(item: dict[str, Any]) -> list[Fix]:
    """The machine-applicable suggestions of one rustc diagnostic and its help notes."""
    spans = list(item.get("spans", []))
    for child in item.get("children", []):
        spans += child.get("spans", [])
    return [
        Fix(s["line_start"], s["column_start"], s["line_end"], s["column_end"], text)
        for s in spans
        if (text := s.get("suggested_replacement")) is not None
        and s.get("suggestion_applicability") == "MachineApplicable"
    ]


def compile_rust(
    codes: Sequence[str], version: str | None, timeout: float, runner: ToolRunner
) -> list[Compilation]:
    argv = reference.rustc_argv(version, "candidate.rs", error_format="json")

    def one(code: str) -> Compilation:
        result = runner.run(argv, {"candidate.rs": code}, timeout)
        return parse_rustc(result.output, result.returncode != 0)

    return _each(codes, "rustc", one)


# ---------------------------------------------------------------- c, cpp

# GCC 14 makes these errors by default for C; C99 and later forbid them.
C_ERRORS = (
    "-Werror=implicit-function-declaration",
    "-Werror=implicit-int",
    "-Werror=int-conversion",
    "-Werror=incompatible-pointer-types",
)
_HEADER_HINT = re.compile(
    r": note: (?:'[^']+' is defined in header '<(?P<a>[\w./+]+)>'|include '<(?P<b>[\w./+]+)>')"
)


def parse_gcc(output: str, code: str, compiler: str, failed: bool) -> Compilation:
    """Every error, with gcc's own header hint ("did you forget '#include <vector>'?")."""
    hints = _header_hints(output)
    diags = []
    for d in reference.gcc_errors(output, code, compiler):
        header = hints.get((d.line, d.column))
        message = f"{d.message} (did you forget '#include <{header}>'?)" if header else d.message
        diags.append(compile_error(d.line, d.column, message, compiler))
    return tool_verdict(compiler, diags, failed, output)


def _header_hints(output: str) -> dict[tuple[int, int], str]:
    """(line, byte column) of an error -> the header gcc's note after it names."""
    hints: dict[tuple[int, int], str] = {}
    for line in output.splitlines():
        m = _HEADER_HINT.search(line)
        where = re.match(r"^[^:\n]+:(\d+):(\d+):", line)
        if m and where:
            key = (int(where.group(1)), int(where.group(2)))
            hints.setdefault(key, m.group("a") or m.group("b"))
    return hints


def _gcc(compiler: str) -> CompileRun:
    extra = C_ERRORS if compiler == "gcc" else ()
    name = reference.gcc_filename(compiler)

    def run(
        codes: Sequence[str], version: str | None, timeout: float, runner: ToolRunner
    ) -> list[Compilation]:
        argv = [*reference.gcc_argv(compiler, version, extra), name]

        def one(code: str) -> Compilation:
            result = runner.run(argv, {name: code}, timeout)
            return parse_gcc(result.output, code, compiler, result.returncode != 0)

        return _each(codes, compiler, one)

    return run


# ---------------------------------------------------------------- java


def compile_java(
    codes: Sequence[str], version: str | None, timeout: float, runner: ToolRunner
) -> list[Compilation]:
    """Every candidate compiled (to javac's FLOW phase) in one JVM (``javadriver``)."""
    reports = javadriver.compile_reports(codes, version, timeout, runner)
    return [javadriver.compilation(r) for r in reports]


def parse_driver(output: str, codes: Sequence[str]) -> list[Compilation]:
    """The driver's lines (see CompileAll.java) as one verdict per candidate."""
    return [javadriver.compilation(r) for r in javadriver.read_driver(output, codes)]


# ---------------------------------------------------------------- go

_GO_ERROR = re.compile(
    r"^(?:vet: )?(?:\./)?c(?P<k>\d+)/candidate\.go:(?P<line>\d+):(?P<col>\d+):? (?P<msg>.*)$", re.M
)
# go.mod names the installed Go's language version; type checking only (no candidate has
# assembly for asmdecl to look at). Go's build cache is the user's codegen cache dir ($1) when
# the tool can write there (a cold cache costs about 1.5 s a run), else the work dir.
_GO_VET = (
    'c="$1"; mkdir -p "$c" 2>/dev/null; [ -w "$c" ] || c="$PWD/.gocache";'
    ' v=$(go env GOVERSION) && v=$(echo "${v#go}" | cut -d. -f1,2)'
    ' && printf "module codegencheck\\n\\ngo %s\\n" "$v" > go.mod'
    ' && GOCACHE="$c" GOPATH="$PWD/.gopath" GOFLAGS=-mod=mod GO111MODULE=on'
    " GOTOOLCHAIN=local GOPROXY=off GOWORK=off exec go vet -asmdecl ./..."
)


def compile_go(
    codes: Sequence[str], version: str | None, timeout: float, runner: ToolRunner
) -> list[Compilation]:
    files = {f"c{k}/candidate.go": code for k, code in enumerate(codes, 1)}
    cache = str(paths.cache_dir() / "go-build")
    result = runner.run(["sh", "-c", _GO_VET, "sh", cache], files, timeout)
    diags: dict[int, list[Diagnostic]] = {k: [] for k in range(1, len(codes) + 1)}
    for m in _GO_ERROR.finditer(result.output):
        if int(m.group("k")) in diags:
            error = compile_error(int(m.group("line")), int(m.group("col")), m.group("msg"), "go")
            diags[int(m.group("k"))].append(error)
    if result.returncode != 0 and not any(diags.values()):
        first = result.output.strip().splitlines()[:1]
        raise ToolUndecided(f"go vet failed: {first[0] if first else ''}")
    return [tool_verdict("go", diags[k], bool(diags[k]), "") for k in sorted(diags)]


# ---------------------------------------------------------------- typescript

_TSC_ERROR = re.compile(
    r"^c(?P<k>\d+)/candidate\.ts\((?P<line>\d+),(?P<col>\d+)\): "
    r"error (?P<code>TS\d+): (?P<msg>.*)$",
    re.M,
)
# "Cannot find name 'require'. Do you need to install type definitions for node?" and the like;
# TS2584: a browser global ('document') without the DOM library.
TSC_ENVIRONMENT = frozenset({"TS2580", "TS2581", "TS2582", "TS2584", "TS2591", "TS2592", "TS2593"})
# The DOM library is a third of tsc's time here; candidates mostly need only its console.
TSC_GLOBALS = (
    "declare var console: {\n"
    "  log(...data: any[]): void; error(...data: any[]): void; warn(...data: any[]): void;\n"
    "  info(...data: any[]): void; debug(...data: any[]): void; table(...data: any[]): void;\n"
    "  assert(condition?: boolean, ...data: any[]): void;\n"
    "};\n"
)
TSC_FLAGS = (
    "--noEmit",
    "--pretty",
    "false",
    "--target",
    "es2022",
    "--lib",
    "es2022",
    "--moduleDetection",
    "force",
    "--skipLibCheck",
)


def compile_typescript(
    codes: Sequence[str], version: str | None, timeout: float, runner: ToolRunner
) -> list[Compilation]:
    files = {f"c{k}/candidate.ts": code for k, code in enumerate(codes, 1)}
    files["globals.d.ts"] = TSC_GLOBALS
    result = runner.run(["tsc", *TSC_FLAGS, *files], files, timeout)
    diags: dict[int, list[Diagnostic]] = {k: [] for k in range(1, len(codes) + 1)}
    for m in _TSC_ERROR.finditer(result.output):
        k = int(m.group("k"))
        if k not in diags or m.group("code") in TSC_ENVIRONMENT:
            continue
        lines = codes[k - 1].split("\n")
        col = _utf16_to_codepoint(lines, int(m.group("line")), int(m.group("col")))
        message = f"{m.group('code')}: {m.group('msg')}"
        diags[k].append(compile_error(int(m.group("line")), col, message, "tsc"))
    if result.returncode and "error TS" not in result.output:
        first = result.output.strip().splitlines()[:1]
        raise ToolUndecided(f"tsc failed: {first[0] if first else ''}")
    return [tool_verdict("tsc", diags[k], bool(diags[k]), "") for k in sorted(diags)]


def _utf16_to_codepoint(lines: list[str], line: int, column: int) -> int:
    """tsc's 1-based UTF-16 column on ``line`` as a 1-based code-point column."""
    if not 1 <= line <= len(lines):
        return max(column, 1)
    units = 0
    for index, ch in enumerate(lines[line - 1]):
        if units >= column - 1:
            return index + 1
        units += 2 if ord(ch) > 0xFFFF else 1
    return len(lines[line - 1]) + 1


def compile_python(
    codes: Sequence[str], version: str | None, timeout: float, runner: ToolRunner
) -> list[Compilation]:
    return [pyflakes_check.compile_python(code) for code in codes]


TOOLS: dict[str, CompileTool] = {
    "python": CompileTool("pyflakes", (), compile_python),
    "java": CompileTool("javac", ("java", "javac"), compile_java),
    "rust": CompileTool("rustc", ("rustc",), compile_rust),
    "c": CompileTool("gcc", ("gcc",), _gcc("gcc")),
    "cpp": CompileTool("g++", ("g++",), _gcc("g++")),
    "go": CompileTool("go", ("go", "sh"), compile_go),
    "typescript": CompileTool("tsc", ("tsc",), compile_typescript),
}
