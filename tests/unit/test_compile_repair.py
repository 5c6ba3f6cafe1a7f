"""Repair of code that parses but does not compile (issue 24 item 3): the missing imports,
uses and includes with the real compilers, then the model (scripted here) with the messages."""

from __future__ import annotations

import shutil
from collections.abc import Sequence

import pytest

from codegen.backends.base import ScriptedBackend
from codegen.repair.compile_fix import COMPILE_SYSTEM, CompileRepair
from codegen.repair.fixits import apply_fixes
from codegen.repair.guided import GuidedOptions
from codegen.repair.missing import (
    DECLARATION_LINE,
    add_missing,
    go_imports,
    insert_declarations,
    wanted,
)
from codegen.repair.pipeline import PipelineRepairer
from codegen.types import (
    Candidate,
    Diagnostic,
    Fix,
    GenerationRequest,
    Message,
    SamplingParams,
)
from codegen.validation.compile_tier import ToolCompiler
from codegen.validation.compiling import with_compilation
from codegen.validation.tiered import TieredValidator

VALIDATOR = TieredValidator()
COMPILER = ToolCompiler()


def compile_error(message: str, line: int = 1) -> Diagnostic:
    return Diagnostic(line, 1, line, 1, message, "tool", "error", "compile")


def test_lines_come_from_the_compilers_words() -> None:
    java = [compile_error("cannot find symbol; symbol: class HashMap; location: class S")]
    assert wanted("java", java) == ["import java.util.HashMap;"]
    rust = [
        compile_error("E0433: failed to resolve: use of undeclared type `HashSet`"),
        compile_error("E0425: cannot find function `max` in this scope"),
        compile_error("E0599: no method named `lines` found for struct `StdinLock`"),
        compile_error("E0599: no method named `pop` found for struct `HashSet`"),
    ]
    assert wanted("rust", rust) == [
        "use std::collections::HashSet;",
        "use std::cmp::max;",
        "use std::io::BufRead;",
    ]
    c = [
        compile_error("implicit declaration of function 'memcpy' [-Werror=...]"),
        compile_error("unknown type name 'uint8_t'"),
        compile_error("'odd_thing' undeclared (first use in this function)"),
    ]
    assert wanted("c", c) == ["#include <string.h>", "#include <stdint.h>"]
    cpp = [compile_error("'foo' was not declared (did you forget '#include <deque>'?)")]
    assert wanted("cpp", cpp) == ["#include <deque>"]
    syntax = [Diagnostic(1, 1, 1, 1, "cannot find symbol; symbol: class List", "javac")]
    assert wanted("java", syntax) == []  # only compile-stage errors count


def test_declarations_go_after_the_existing_ones() -> None:
    java = "package a.b;\nimport java.util.List;\n\npublic class X {}\n"
    added = insert_declarations(java, ["import java.util.Map;"], DECLARATION_LINE["java"])
    assert added.split("\n")[:4] == [
        "package a.b;",
        "import java.util.List;",
        "import java.util.Map;",
        "",
    ]
    rust = "#![allow(dead_code)]\nfn f() {}\n"
    assert insert_declarations(rust, ["use std::cmp::max;"], DECLARATION_LINE["rust"]).startswith(
        "#![allow(dead_code)]\nuse std::cmp::max;\nfn f()"
    )
    bare = "int f(void) { return 0; }\n"
    assert insert_declarations(bare, ["#include <string.h>"], DECLARATION_LINE["c"]) == (
        "#include <string.h>\n\nint f(void) { return 0; }\n"
    )
    already = "#include <string.h>\nint f(const char *s) { return strlen(s); }\n"
    message = "implicit declaration of function 'strlen'"
    assert add_missing(already, "c", [compile_error(message)]) == already


def test_go_imports_drop_the_unused_and_add_the_undeclared() -> None:
    code = 'package main\n\nimport (\n\t"fmt"\n\t"sort"\n)\n\nfunc F() {}\n'
    unused = [compile_error('"fmt" imported but not used'), compile_error("undeclared name: os")]
    assert go_imports(code, unused) == (
        'package main\nimport "os"\n\nimport (\n\t"sort"\n)\n\nfunc F() {}\n'
    )
    single = 'package main\n\nimport "fmt"\n\nfunc F() {}\n'
    assert go_imports(single, unused[:1]) == "package main\n\n\nfunc F() {}\n"
    block = 'package main\n\nimport (\n\t"fmt"\n)\n\nfunc F() {}\n'
    assert go_imports(block, unused[:1]) == "package main\n\n\nfunc F() {}\n"
    not_a_package = [compile_error("undeclared name: total")]
    assert go_imports(single, not_a_package) == single


CASES = {
    "java": (
        "class Solution {\n"
        "    static int g(int[] a) {\n"
        "        Map<Integer, Integer> m = new HashMap<>();\n"
        "        Arrays.sort(a);\n"
        "        return m.size();\n"
        "    }\n"
        "}\n",
        "add_imports",
        "+import java.util.HashMap;",
    ),
    "rust": (
        "pub fn g(v: &[i32]) -> usize {\n"
        "    let s: HashSet<i32> = v.iter().cloned().collect();\n"
        "    max(s.len(), 1)\n"
        "}\n",
        "add_uses",
        "+use std::collections::HashSet;",
    ),
    "c": (
        "#include <stdio.h>\n\nbool f(const char *s) { return strlen(s) > 0; }\n",
        "add_includes",
        "+#include <string.h>",
    ),
    "cpp": (
        "#include <iostream>\nint f() { std::vector<int> v = {3, 1}; return v[0] + INT_MAX; }\n",
        "add_includes",
        "+#include <vector>",
    ),
    # g++ names <vector> only once size_t is declared: two passes
    "cpp-cascade": (
        "#include <unordered_set>\n\n"
        "size_t distinct(const std::vector<int>& xs) {\n"
        "    std::unordered_set<int> seen(xs.begin(), xs.end());\n"
        "    return seen.size();\n"
        "}\n",
        "add_includes",
        "+#include <vector>",
    ),
    "go": (
        'package main\n\nimport "fmt"\n\nfunc Shout(s string) string {\n'
        "\treturn strings.ToUpper(s)\n}\n",
        "fix_imports",
        '+import "strings"',
    ),
}
TOOLS = {
    "java": "javac",
    "rust": "rustc",
    "c": "gcc",
    "cpp": "g++",
    "cpp-cascade": "g++",
    "go": "go",
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_missing_declarations_are_added_with_the_real_compiler(case: str) -> None:
    if shutil.which(TOOLS[case]) is None:
        pytest.skip(f"{TOOLS[case]} is not installed")
    code, step_name, line = CASES[case]
    language = case.partition("-")[0]
    assert VALIDATOR.validate(code, language).valid
    [verdict] = COMPILER.compile([code], language)
    assert verdict.compiles is False
    outcome = CompileRepair(VALIDATOR, COMPILER).run(
        code, language, None, None, verdict.diagnostics, GuidedOptions(rounds=0)
    )
    assert outcome.validation.compiles is True and outcome.validation.parses
    [step] = outcome.steps
    assert step.name == step_name and line in step.diff.splitlines()
    assert step.penalty == 0.0


def test_a_step_that_does_not_reduce_the_errors_is_not_kept() -> None:
    code = "def f(s):\n    return Cuonter(s)\n"  # a misspelt name: nothing to import
    [verdict] = COMPILER.compile([code], "python")
    outcome = CompileRepair(VALIDATOR, COMPILER).run(
        code, "python", None, None, verdict.diagnostics, GuidedOptions(rounds=0)
    )
    assert outcome.steps == () and outcome.code == code


TYPE_ERROR = "def total(xs):\n    return sum(xs) + offset\n"
FIXED = "```python\ndef total(xs):\n    offset = 0\n    return sum(xs) + offset\n```"
RENAMED = "```python\ndef sum_all(xs):\n    return sum(xs)\n```"
STILL_BROKEN = "```python\ndef total(xs):\n    return sum(xs) + offsett\n```"


def scripted(*replies: str) -> tuple[ScriptedBackend, list[list[Message]]]:
    seen: list[list[Message]] = []

    def script(messages: Sequence[Message], params: SamplingParams, n: int) -> list[str]:
        seen.append(list(messages))
        return [replies[i % len(replies)] for i in range(n)]

    return ScriptedBackend(script), seen


def test_the_model_gets_the_compiler_messages_and_must_compile_and_keep_names() -> None:
    backend, seen = scripted(RENAMED, STILL_BROKEN, FIXED, RENAMED)
    [verdict] = COMPILER.compile([TYPE_ERROR], "python")
    repair = CompileRepair(VALIDATOR, COMPILER, lambda spec: backend)
    outcome = repair.run(
        TYPE_ERROR, "python", None, None, verdict.diagnostics, GuidedOptions(rounds=1)
    )
    system, user = seen[0]
    assert system.content == COMPILE_SYSTEM
    assert "undefined name 'offset'" in user.content and "does not compile" in user.content
    assert outcome.validation.compiles is True
    assert [s.name for s in outcome.steps] == ["model_repair_1"]
    assert "offset = 0" in outcome.code


def test_no_attempt_that_compiles_and_keeps_the_names_means_no_change() -> None:
    backend, _ = scripted(RENAMED, STILL_BROKEN)
    [verdict] = COMPILER.compile([TYPE_ERROR], "python")
    repair = CompileRepair(VALIDATOR, COMPILER, lambda spec: backend)
    outcome = repair.run(
        TYPE_ERROR, "python", None, None, verdict.diagnostics, GuidedOptions(rounds=2)
    )
    assert outcome.steps == () and outcome.code == TYPE_ERROR


def candidate(code: str, language: str = "python") -> Candidate:
    check = VALIDATOR.validate(code, language)
    cand = Candidate(
        id=f"{language}-1",
        language=language,
        code=code,
        raw_text=code,
        finish_reason="stop",
        prompt_tokens=1,
        completion_tokens=1,
        valid=check.valid,
        diagnostics=check.diagnostics,
        validators=check.validators,
    )
    [verdict] = COMPILER.compile([code], language)
    return with_compilation(cand, verdict, True)


def test_the_pipeline_repairer_sends_non_compiling_code_to_the_compile_repair() -> None:
    backend, seen = scripted(FIXED)
    repairer = PipelineRepairer(VALIDATOR, lambda spec: backend, rounds=1, compiler=COMPILER)
    request = GenerationRequest(description="total of a list")
    cand = candidate(TYPE_ERROR)
    assert cand.valid and cand.compiles is False
    fixed = repairer.repair(cand, request, None)
    assert fixed.compiles is True and fixed.valid and "offset = 0" in fixed.code
    assert not any(d.stage == "compile" for d in fixed.diagnostics)
    assert [s.name for s in fixed.repairs] == ["model_repair_1"]
    compiling = candidate("def total(xs):\n    return sum(xs)\n")
    assert repairer.repair(compiling, request, None) is compiling  # never touched
    assert len(seen) == 1


RUST_MUT = """pub fn binary_gap(n: u32) -> u32 {
    let steps = Vec::new();
    while n > 0 && n % 2 == 0 {
        n /= 2;
        steps.push(n);
    }
    steps.len() as u32
}
"""


@pytest.mark.skipif(shutil.which("rustc") is None, reason="rustc is not installed")
def test_rustcs_own_suggestions_are_applied_first() -> None:
    [verdict] = COMPILER.compile([RUST_MUT], "rust")
    assert verdict.compiles is False
    assert all(d.fixes for d in verdict.diagnostics)  # E0384 and E0596 each offer `mut `
    outcome = CompileRepair(VALIDATOR, COMPILER).run(
        RUST_MUT, "rust", None, None, verdict.diagnostics, GuidedOptions(rounds=0)
    )
    assert outcome.validation.compiles is True
    [step] = outcome.steps
    assert step.name == "compiler_fixes"
    assert "+pub fn binary_gap(mut n: u32) -> u32 {" in step.diff.splitlines()
    assert "+    let mut steps = Vec::new();" in step.diff.splitlines()


def test_fixes_apply_from_the_end_by_code_points_and_skip_overlaps() -> None:
    code = "fn é(a: u8) {\n    a = 1;\n}\n"
    fixes = (Fix(1, 6, 1, 6, "mut "), Fix(1, 6, 1, 7, "b"), Fix(9, 1, 9, 2, "x"))
    diag = Diagnostic(2, 5, 2, 5, "E0384: ...", "rustc", "error", "compile", fixes)
    warning = Diagnostic(1, 1, 1, 1, "w", "rustc", "warning", "compile", (Fix(1, 1, 1, 1, "!"),))
    assert apply_fixes(code, [diag, warning]) == "fn é(mut a: u8) {\n    a = 1;\n}\n"
    assert Diagnostic.from_dict(diag.to_dict()) == diag
    assert "fixes" not in Diagnostic(1, 1, 1, 1, "m", "rustc").to_dict()
