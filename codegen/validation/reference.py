"""The reference tier: the languages' own checkers, each run with a timeout in a temp dir.

CPython's ``compile`` runs in-process for python (always present); the others are external
binaries used when they are on PATH: ``node --check``, ``gcc``/``g++ -fsyntax-only``,
``javac``, ``rustc``, ``bash -n``, ``gofmt -e``, ``ruby -c``. Only syntax errors count
(``codegen.validation.tables``). A checker that times out, crashes or cannot start gives an
*undecided* result, never an invalid one.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from codegen.parsing import python_module
from codegen.types import Diagnostic
from codegen.validation import tables, treesitter
from codegen.validation.toolrun import ToolRunner, ToolUndecided

Status = Literal["valid", "invalid", "undecided"]
DEFAULT_TIMEOUT = 10.0


@dataclass(frozen=True)
class CheckResult:
    tier: str
    status: Status
    diagnostics: tuple[Diagnostic, ...] = ()
    note: str = ""


# A checker's run: (code, version, timeout, runner) -> its verdict.
Run = Callable[[str, str | None, float, ToolRunner], CheckResult]


@dataclass(frozen=True)
class Checker:
    """One reference checker: its tier name, the binary it needs, and how to run it."""

    name: str
    binary: str | None
    run: Run

    def available(self, runner: ToolRunner) -> bool:
        return self.binary is None or runner.available(self.binary)


def _verdict(tier: str, diags: list[Diagnostic]) -> CheckResult:
    return CheckResult(tier, "invalid" if diags else "valid", tuple(diags))


# ---------------------------------------------------------------- python (in-process)


def check_python(
    code: str, version: str | None, timeout: float, runner: ToolRunner | None = None
) -> CheckResult:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if version:
                major, minor = _python_version(version)
                python_module(code, "<candidate>", feature_version=(major, minor))
            compile(code, "<candidate>", "exec", dont_inherit=True)
    except SyntaxError as exc:
        line = exc.lineno or 1
        col = max(exc.offset or 1, 1)
        end_line = exc.end_lineno or line
        end_col = exc.end_offset if exc.end_offset and exc.end_offset > 0 else col
        return _verdict("cpython", [Diagnostic(line, col, end_line, end_col, exc.msg, "cpython")])
    except ValueError as exc:  # source code string cannot contain null bytes
        return _verdict("cpython", [Diagnostic(1, 1, 1, 1, str(exc), "cpython")])
    except (RecursionError, MemoryError) as exc:
        return CheckResult("cpython", "undecided", note=f"too deeply nested ({type(exc).__name__})")
    return CheckResult("cpython", "valid")


def _python_version(version: str) -> tuple[int, int]:
    """``3.8`` -> ``(3, 8)``; the request's spec was checked against ``PYTHON_VERSIONS``."""
    major, _, minor = version.partition(".")
    return (int(major), int(minor))


# ---------------------------------------------------------------- external checkers


def _with_tool(tier: str, action: Callable[[], CheckResult]) -> CheckResult:
    """``action``'s verdict, or *undecided* when its tool could not decide."""
    try:
        return action()
    except ToolUndecided as exc:
        return CheckResult(tier, "undecided", note=str(exc))


def _cp_column(code_lines: list[str], line: int, byte_col: int) -> int:
    """A 1-based byte column on ``line`` as a 1-based code-point column."""
    if not 1 <= line <= len(code_lines):
        return max(byte_col, 1)
    raw = code_lines[line - 1].encode("utf-8")
    return len(raw[: max(byte_col - 1, 0)].decode("utf-8", "replace")) + 1


def _point(line: int, col: int, message: str, tier: str) -> Diagnostic:
    line, col = max(line, 1), max(col, 1)
    return Diagnostic(line, col, line, col, message, tier)


# ---------------------------------------------------------------- gcc / g++

_GCC_LINE = re.compile(
    r"^[^:\n]+:(?P<line>\d+):(?P<col>\d+): (?P<kind>fatal error|error|warning): (?P<msg>.*)$",
    re.M,
)


def gcc_errors(output: str, code: str, tier: str) -> list[Diagnostic]:
    """Every error gcc/g++ printed (fatal ones too), at code-point columns."""
    lines = code.split("\n")
    diags: list[Diagnostic] = []
    for m in _GCC_LINE.finditer(output):
        if m.group("kind") == "warning":
            continue
        line = int(m.group("line"))
        col = _cp_column(lines, line, int(m.group("col")))
        diags.append(_point(line, col, m.group("msg"), tier))
    return diags


def parse_gcc(output: str, code: str, tier: str) -> CheckResult:
    errors = gcc_errors(output, code, tier)
    diags: list[Diagnostic] = []
    for diag in errors:
        if "No such file or directory" in diag.message:
            return CheckResult(tier, "undecided", note=f"cannot check: {diag.message}")
        if tables.gcc_is_syntax(diag.message) and not _follows_unknown_name(diag, errors, code):
            diags.append(diag)
    return _verdict(tier, diags)


def _follows_unknown_name(diag: Diagnostic, errors: list[Diagnostic], code: str) -> bool:
    """A parse error that an unknown name before it on its line explains (C++ cannot parse
    ``std::vector<int> v;`` without ``<vector>``), where tree-sitter parses that line: the
    code parses, it does not compile (the compile tier reports the name)."""
    unknown = [
        e
        for e in errors
        if e.line == diag.line and e.column <= diag.column and tables.gcc_unknown_name(e.message)
    ]
    if not unknown:
        return False
    language = "c" if diag.source == "gcc" else "cpp"
    parsed = treesitter.diagnostics(language, code)
    return parsed is not None and not any(t.line == diag.line for t in parsed)


# Standards whose final name older gcc does not know yet (gcc 12 has only -std=c2x).
_GCC_SPELLING = {"23": "2x"}
GCC_FLAGS = ("-fsyntax-only", "-fdiagnostics-plain-output", "-fdiagnostics-column-unit=byte")


def gcc_argv(compiler: str, version: str | None, extra: tuple[str, ...] = ("-w",)) -> list[str]:
    """``gcc``/``g++ -fsyntax-only`` with plain, byte-column diagnostics and the standard."""
    argv = [compiler, *GCC_FLAGS, *extra, "-fmax-errors=20"]
    if version:
        standard = _GCC_SPELLING.get(version, version)
        prefix = "" if standard.startswith("gnu") else "c" if compiler == "gcc" else "c++"
        argv.append(f"-std={prefix}{standard}")
    return argv


def gcc_filename(compiler: str) -> str:
    return "candidate.c" if compiler == "gcc" else "candidate.cpp"


def _gcc(compiler: str) -> Run:
    def run(code: str, version: str | None, timeout: float, runner: ToolRunner) -> CheckResult:
        name = gcc_filename(compiler)
        argv = [*gcc_argv(compiler, version), name]
        return _with_tool(
            compiler,
            lambda: parse_gcc(runner.run(argv, {name: code}, timeout).output, code, compiler),
        )

    return run


# ---------------------------------------------------------------- javac

_JAVAC_LINE = re.compile(
    r"^[^:\n]+\.java:(?P<line>\d+):(?P<col>\d+): "
    r"compiler\.err\.(?P<key>[\w.-]+)(?::(?P<args>.*))?$",
    re.M,
)
_PUBLIC_CLASS = re.compile(
    r"^\s*public\s+(?:(?:final|abstract|sealed|strictfp|static)\s+)*"
    r"(?:class|interface|enum|record|@interface)\s+(\w+)",
    re.M,
)


def java_filename(code: str) -> str:
    match = _PUBLIC_CLASS.search(code)
    return f"{match.group(1) if match else 'Main'}.java"


def parse_javac(output: str) -> CheckResult:
    diags: list[Diagnostic] = []
    for m in _JAVAC_LINE.finditer(output):
        key = m.group("key")
        if not tables.javac_is_syntax(key):
            continue
        msg = tables.javac_message(key, m.group("args") or "")
        diags.append(_point(int(m.group("line")), int(m.group("col")), msg, "javac"))
    return _verdict("javac", diags)


def java_release(version: str | None) -> list[str]:
    return ["--release", version] if version and version.isdigit() else []


def check_javac(code: str, version: str | None, timeout: float, runner: ToolRunner) -> CheckResult:
    name = java_filename(code)
    argv = ["javac", "-XDrawDiagnostics", "-XDshould-stop.ifNoError=ENTER", "-proc:none"]
    argv += ["-implicit:none", "-nowarn", "-d", "out", "-encoding", "UTF-8"]
    argv += [*java_release(version), name]

    def action() -> CheckResult:
        result = runner.run(argv, {name: code}, timeout)
        if result.returncode != 0 and "compiler.err" not in result.output:
            raise ToolUndecided(f"javac failed: {result.output.strip().splitlines()[:1]}")
        return parse_javac(result.output)

    return _with_tool("javac", action)


# ---------------------------------------------------------------- rustc

_RUSTC_LINE = re.compile(
    r"^[^:\n]+\.rs:(?P<line>\d+):(?P<col>\d+): error(?:\[(?P<code>E\d+)\])?: (?P<msg>.*)$", re.M
)


def parse_rustc(output: str) -> CheckResult:
    diags: list[Diagnostic] = []
    for m in _RUSTC_LINE.finditer(output):
        if not tables.rustc_is_syntax(m.group("code"), m.group("msg")):
            continue
        diags.append(_point(int(m.group("line")), int(m.group("col")), m.group("msg"), "rustc"))
    return _verdict("rustc", diags)


def rustc_argv(version: str | None, name: str, error_format: str = "short") -> list[str]:
    """``rustc`` checking ``name`` as a library crate (metadata only) of the edition."""
    edition = version if version in {"2015", "2018", "2021", "2024"} else "2021"
    argv = ["rustc", "--crate-type", "lib", "--edition", edition, f"--error-format={error_format}"]
    return [*argv, "--emit=metadata", "--cap-lints", "allow", "-o", "out.rmeta", name]


def check_rustc(code: str, version: str | None, timeout: float, runner: ToolRunner) -> CheckResult:
    argv = rustc_argv(version, "candidate.rs")
    return _with_tool(
        "rustc",
        lambda: parse_rustc(runner.run(argv, {"candidate.rs": code}, timeout).output),
    )


# ---------------------------------------------------------------- node

_NODE_HEAD = re.compile(r"^.*?\.m?js:(?P<line>\d+)$", re.M)
_NODE_ERROR = re.compile(r"^(?P<kind>\w*Error): (?P<msg>.*)$", re.M)
_ESM = re.compile(r"^\s*(?:import\s*[\w{*'\"]|export\s)", re.M)


def is_module(code: str) -> bool:
    """An ES module: a top-level ``import``/``export`` statement (not ``import(...)``)."""
    return _ESM.search(code) is not None


def parse_node(output: str, code: str) -> CheckResult:
    error = _NODE_ERROR.search(output)
    if error is None:
        return CheckResult("node", "undecided", note="node failed without a SyntaxError")
    if not tables.node_is_syntax(error.group("kind")):
        return CheckResult("node", "valid")
    head = _NODE_HEAD.search(output)
    line = int(head.group("line")) if head else 1
    col = 1
    if head:
        rest = output[head.end() :].split("\n")
        if len(rest) > 2 and "^" in rest[2]:
            col = rest[2].index("^") + 1
    return _verdict("node", [_point(line, col, error.group("msg"), "node")])


def check_node(code: str, version: str | None, timeout: float, runner: ToolRunner) -> CheckResult:
    name = "candidate.mjs" if is_module(code) else "candidate.js"

    def action() -> CheckResult:
        result = runner.run(["node", "--check", name], {name: code}, timeout)
        return (
            CheckResult("node", "valid")
            if result.returncode == 0
            else parse_node(result.output, code)
        )

    return _with_tool("node", action)


# ---------------------------------------------------------------- bash, gofmt, ruby

_BASH_LINE = re.compile(r"^[^:\n]+: line (?P<line>\d+): (?P<msg>.*)$", re.M)


def parse_bash(output: str) -> CheckResult:
    diags = [
        _point(int(m.group("line")), 1, m.group("msg"), "bash")
        for m in _BASH_LINE.finditer(output)
        if tables.bash_is_syntax(m.group("msg"))
    ]
    return _verdict("bash", diags)


def check_bash(code: str, version: str | None, timeout: float, runner: ToolRunner) -> CheckResult:
    files = {"candidate.sh": code}
    return _with_tool(
        "bash",
        lambda: parse_bash(runner.run(["bash", "-n", "candidate.sh"], files, timeout).output),
    )


_COLON_LINE = re.compile(r"^[^:\n]+:(?P<line>\d+):(?:(?P<col>\d+):)? ?(?P<msg>.*)$", re.M)


def _simple(tier: str, argv: list[str], filename: str) -> Run:
    """Checkers whose every error is a syntax error, printed as ``file:line[:col]: message``."""

    def run(code: str, version: str | None, timeout: float, runner: ToolRunner) -> CheckResult:
        def action() -> CheckResult:
            result = runner.run([*argv, filename], {filename: code}, timeout)
            if result.returncode == 0:
                return CheckResult(tier, "valid")
            diags = [
                _point(int(m.group("line")), int(m.group("col") or 1), m.group("msg"), tier)
                for m in _COLON_LINE.finditer(result.output)
            ]
            return _verdict(tier, diags or [_point(1, 1, result.output.strip()[:200], tier)])

        return _with_tool(tier, action)

    return run


def _antlr_reference(language: str, tier: str) -> Run:
    """SQLite's own parser and ``json.loads`` (``codegen.validation.antlr_ref``), in-process."""

    def run(code: str, version: str | None, timeout: float, runner: ToolRunner) -> CheckResult:
        try:
            from codegen.validation import antlr_ref
        except ImportError:
            return CheckResult(tier, "undecided", note="reference module not installed")
        found = antlr_ref.reference(language, code)
        if found is None:
            return CheckResult(tier, "undecided", note=f"no reference checker for {language}")
        return _verdict(tier, list(found))

    return run


CHECKERS: dict[str, Checker] = {
    "cpython": Checker("cpython", None, check_python),
    "node": Checker("node", "node", check_node),
    "gcc": Checker("gcc", "gcc", _gcc("gcc")),
    "g++": Checker("g++", "g++", _gcc("g++")),
    "javac": Checker("javac", "javac", check_javac),
    "rustc": Checker("rustc", "rustc", check_rustc),
    "bash": Checker("bash", "bash", check_bash),
    "gofmt": Checker("gofmt", "gofmt", _simple("gofmt", ["gofmt", "-e", "-l"], "candidate.go")),
    "ruby": Checker("ruby", "ruby", _simple("ruby", ["ruby", "-c"], "candidate.rb")),
    "sqlite": Checker("sqlite", None, _antlr_reference("sql", "sqlite")),
    "json": Checker("json", None, _antlr_reference("json", "json")),
}


def checker(name: str) -> Checker | None:
    return CHECKERS.get(name)
