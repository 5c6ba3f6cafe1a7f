"""The compile tier with the real compilers on small fixed snippets (issue 24 item 1)."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

from codegen.validation import compile_tier
from codegen.validation.compile_tier import ToolCompiler
from codegen.validation.compilers import parse_driver
from codegen.validation.javadriver import javac_column
from codegen.validation.tiered import TieredValidator
from codegen.validation.toolrun import LOCAL, ToolResult, ToolUndecided

REPO = Path(__file__).resolve().parents[2]


class Recording:
    """Delegates to the local runner and records each call's argv."""

    def __init__(self) -> None:
        self.argvs: list[list[str]] = []

    def available(self, program: str) -> bool:
        return LOCAL.available(program)

    def run(self, argv: Sequence[str], files: Mapping[str, str], timeout: float) -> ToolResult:
        self.argvs.append(list(argv))
        return LOCAL.run(argv, files, timeout)


def errors(verdict: compile_tier.Compilation) -> list[str]:
    assert all(d.stage == "compile" and d.severity == "error" for d in verdict.diagnostics)
    return [d.message for d in verdict.diagnostics]


needs = {
    tool: pytest.mark.skipif(shutil.which(tool) is None, reason=f"{tool} is not installed")
    for tool in ("javac", "rustc", "gcc", "g++", "go")
}

SOLUTION_OK = "public class Solution {\n    static int f(int x) { return x + 1; }\n}\n"
SOLUTION_BAD = (
    "public class Solution {\n"
    "    static int[] f(java.util.List<Integer> xs) { return xs.toArray(new Integer[0]); }\n"
    "}\n"
)
NO_IMPORT = (
    "class Solution {\n"
    "\tstatic int g() { Map<String, Integer> m = new HashMap<>(); return 0; }\n"
    "}\n"
)
FLOW = "public class Main {\n    static int h(int x) { if (x > 0) return 1; }\n}\n"


@needs["javac"]
def test_java_one_jvm_for_all_candidates_even_with_the_same_class_names() -> None:
    runner = Recording()
    verdicts = ToolCompiler(runner).compile([SOLUTION_OK, SOLUTION_BAD, NO_IMPORT, FLOW], "java")
    assert len(runner.argvs) == 1 and runner.argvs[0][0] == "java"
    assert [v.compiles for v in verdicts] == [True, False, False, False]
    assert errors(verdicts[1])[0].startswith("incompatible types")
    assert errors(verdicts[2])[0].startswith("cannot find symbol; symbol: class Map")
    # the tab counts as one column, not javac's eight
    assert (verdicts[2].diagnostics[0].line, verdicts[2].diagnostics[0].column) == (2, 19)
    # each candidate is its own compilation: candidate 2's errors do not hide 4's flow errors
    assert errors(verdicts[3]) == ["missing return statement"]


PARSE_ERROR = "public class Solution {\n    static int f(int x) { return x + ; }\n}\n"
NO_BRACE = "public class Other \n    static int f() { return 1; }\n}\n"


@needs["javac"]
def test_java_syntax_check_of_many_codes_runs_one_jvm_and_agrees_with_one_by_one() -> None:
    codes = [SOLUTION_OK, PARSE_ERROR, SOLUTION_BAD, "", NO_BRACE, FLOW, NO_IMPORT]
    runner = Recording()
    many = TieredValidator(runner=runner).validate_many(codes, "java")
    assert [argv[0] for argv in runner.argvs] == ["java"]  # one JVM for the six non-empty codes
    assert "--parse-only" in runner.argvs[0]
    one = [TieredValidator().validate(code, "java") for code in codes]
    assert [v.valid for v in many] == [v.valid for v in one] == [
        True, False, True, False, False, True, True,
    ]  # fmt: skip
    for batch, single in zip(many, one, strict=True):
        assert [(d.line, d.column, d.source) for d in batch.diagnostics] == [
            (d.line, d.column, d.source) for d in single.diagnostics
        ]
    assert many[1].validators == ("tree-sitter", "javac")
    assert many[1].diagnostics[0].message == "illegal start of expression"


@needs["javac"]
def test_java_syntax_check_and_compile_of_a_request_in_one_jvm() -> None:
    codes = [SOLUTION_OK, PARSE_ERROR, SOLUTION_BAD, FLOW]
    runner = Recording()
    compiler = ToolCompiler(runner)
    checks = TieredValidator(runner=runner, compiler=compiler).validate_many(codes, "java")
    assert [v.valid for v in checks] == [True, False, True, True]
    assert len(runner.argvs) == 1 and "--parse-and-compile" in runner.argvs[0]
    given = compiler.compile([codes[0], codes[2], codes[3], codes[2]], "java")[:3]
    assert len(runner.argvs) == 1  # the compile tier took the verdicts that JVM gave
    fresh = ToolCompiler(runner).compile([codes[0], codes[2], codes[3]], "java")
    assert len(runner.argvs) == 2
    assert given == fresh and [v.compiles for v in given] == [True, False, False]
    compiler.compile([codes[0]], "java")  # each given verdict is used once
    assert len(runner.argvs) == 3


def test_java_batch_check_that_times_out_leaves_the_grammar_to_decide() -> None:
    class Hangs(Recording):
        def available(self, program: str) -> bool:
            return True

        def run(self, argv: Sequence[str], files: Mapping[str, str], timeout: float) -> ToolResult:
            self.argvs.append(list(argv))
            raise ToolUndecided(f"{argv[0]} timed out after {timeout:g} s")

    runner = Hangs()
    many = TieredValidator(timeout=2, runner=runner).validate_many(
        [SOLUTION_OK, PARSE_ERROR], "java"
    )
    assert len(runner.argvs) == 1  # not tried again one by one
    assert [v.valid for v in many] == [True, False]
    assert all(v.undecided == ("javac",) for v in many)
    assert many[0].diagnostics[0].message == "javac: java timed out after 4 s (undecided)"
    assert many[1].diagnostics[0].source == "tree-sitter"


@needs["rustc"]
def test_rust_type_and_method_errors_are_compile_errors_not_syntax() -> None:
    code = (
        "use std::collections::HashSet;\n"
        "pub fn g() -> u64 { let mut s = HashSet::new(); s.insert(1u32); s.pop(); 0 }\n"
    )
    ok = "pub fn add(a: u32, b: u32) -> u32 { a + b }\n"
    assert TieredValidator().validate(code, "rust").valid
    bad, good = ToolCompiler().compile([code, ok], "rust", "2021")
    assert good.compiles is True
    assert bad.compiles is False and errors(bad)[0].startswith("E0599: no method named `pop`")
    assert (bad.diagnostics[0].line, bad.diagnostics[0].column) == (2, 67)


@needs["gcc"]
def test_c_implicit_declarations_do_not_compile_and_carry_the_header_hint() -> None:
    code = "int f(const char *s) { return strlen(s); }\n"
    ok = "#include <string.h>\nint f(const char *s) { return (int)strlen(s); }\n"
    bad, good = ToolCompiler().compile([code, ok], "c")
    assert good.compiles is True and bad.compiles is False
    assert "implicit declaration of function 'strlen'" in errors(bad)[0]
    assert "#include <string.h>" in errors(bad)[0]


@needs["g++"]
def test_cpp_missing_include_parses_but_does_not_compile() -> None:
    code = "#include <iostream>\nint f() { std::vector<int> v; return (int)v.size(); }\n"
    check = TieredValidator().validate(code, "cpp")
    assert check.valid, check.diagnostics  # the parse error is the unknown name's consequence
    broken = TieredValidator().validate("int f() { return 1 }\n", "cpp")
    assert not broken.valid
    [verdict] = ToolCompiler().compile([code], "cpp")
    assert verdict.compiles is False
    assert "did you forget '#include <vector>'" in errors(verdict)[0]


def test_python_undefined_names_are_compile_errors() -> None:
    codes = [
        "def f(s):\n    return re.sub('a', 'b', s)\n",
        "import re\ndef f(s):\n    return re.sub('a', 'b', s)\n",
        "from math import *\ndef f(x):\n    return sqrt(x)\n",
        "def g():\n    x = 1\n    def h():\n        x += 1\n    return h\n",
    ]
    verdicts = ToolCompiler().compile(codes, "python")
    assert [v.compiles for v in verdicts] == [False, True, True, False]
    assert errors(verdicts[0]) == ["undefined name 're' (it would raise NameError)"]
    assert "referenced before assignment" in errors(verdicts[3])[0]  # UnboundLocalError
    assert verdicts[0].diagnostics[0].column == 12


@needs["go"]
def test_go_type_errors_but_not_vet_findings() -> None:
    bad = "package main\n\nfunc Add(a, b int) int { return a + b + x }\n"
    vet_only = 'package main\n\nimport "fmt"\n\nfunc Show(n int) { fmt.Printf("%s", n) }\n'
    bad_v, vet_v = ToolCompiler().compile([bad, vet_only], "go")
    assert bad_v.compiles is False and "x" in errors(bad_v)[0]
    assert bad_v.diagnostics[0].line == 3
    assert vet_v.compiles is True


def _tsc() -> str | None:
    local = REPO / "vscode-extension" / "node_modules" / ".bin"
    return shutil.which("tsc") or shutil.which("tsc", path=str(local))


@pytest.mark.skipif(_tsc() is None, reason="no tsc (npm typescript; `make vscode` installs it)")
def test_typescript_type_errors_in_one_tsc_run(monkeypatch: pytest.MonkeyPatch) -> None:
    tsc = _tsc()
    assert tsc is not None
    monkeypatch.setenv("PATH", f"{Path(tsc).parent}:{Path(shutil.which('node') or '').parent}")
    runner = Recording()
    codes = [
        "function add(a: number, b: number): number { return a + b + 'x'; }\n",
        "function add(a: number, b: number): number { return a + b; }\nconst fs = require('fs');\n",
    ]
    bad, good = ToolCompiler(runner).compile(codes, "typescript")
    assert len(runner.argvs) == 1  # one tsc for both, and no clash on the two add()
    assert good.compiles is True  # require() without @types/node says nothing about the code
    assert bad.compiles is False and errors(bad)[0].startswith("TS2322:")


def test_languages_without_a_compiler_are_unknown() -> None:
    [verdict] = ToolCompiler().compile(["function f() {}\n"], "javascript")
    assert verdict.compiles is None and not verdict.undecided


def test_a_missing_compiler_is_null_with_one_warning_per_process(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Nothing(Recording):
        def available(self, program: str) -> bool:
            return False

    monkeypatch.setattr(compile_tier, "_warned", set())
    compiler = ToolCompiler(Nothing())
    with caplog.at_level(logging.WARNING):
        first = compiler.compile([SOLUTION_OK, SOLUTION_OK], "java")
        second = compiler.compile([SOLUTION_OK], "java")
    assert [v.compiles for v in [*first, *second]] == [None, None, None]
    assert not any(v.undecided for v in first)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == ["java: java and javac not found, so compiles is null for java code"]


def test_a_compiler_that_hangs_or_crashes_is_null_and_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    class Hangs(Recording):
        def available(self, program: str) -> bool:
            return True

        def run(self, argv: Sequence[str], files: Mapping[str, str], timeout: float) -> ToolResult:
            raise ToolUndecided(f"{argv[0]} timed out after {timeout:g} s")

    with caplog.at_level(logging.WARNING):
        java = ToolCompiler(Hangs(), timeout=3).compile([SOLUTION_OK, FLOW], "java")
        rust = ToolCompiler(Hangs()).compile(["pub fn f() {}\n"], "rust")
    assert [v.compiles for v in [*java, *rust]] == [None, None, None]
    assert all(v.undecided for v in [*java, *rust])
    assert "java timed out after 3 s" in caplog.text


@needs["javac"]
def test_a_real_timeout_is_null_never_false() -> None:
    verdicts = ToolCompiler(timeout=0.05).compile([FLOW], "java")
    assert verdicts[0].compiles is None and verdicts[0].undecided


def test_driver_output_with_a_missing_verdict_is_null() -> None:
    out = "0\tE\t2\t5\tcompiler.err.x\tbad\\nthing\n0\tEND\tfalse\n1\tCRASH\tboom\n"
    out += "2\tPEND\ttrue\n"  # a parse-only task's line is not the compilation's
    first, second, third = parse_driver(out, ["a\n    xyz\n", "b\n", "c\n"])
    assert first.compiles is False and errors(first) == ["bad; thing"]
    assert second.compiles is None and "boom" in second.note
    assert third.compiles is None


def test_javac_columns_expand_tabs_to_eight() -> None:
    assert javac_column("\t\tx", 17) == 3
    assert javac_column("ab\tx", 9) == 4
    assert javac_column("abc", 2) == 2
