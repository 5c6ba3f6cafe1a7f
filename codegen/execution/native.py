"""Examples, probes and tests for Java, C, C++, Rust and Go candidates: one build, one run.

Each example call (Python syntax, from the description or a probe) is written in the target
language against the candidate's own declaration (``decls.py``, ``literals.py``) and becomes a
case of one harness program built around the candidate (``runtimes.py``); each case prints its
result as JSON, which is compared here with the expected value (typed by the declared return:
``1`` matches ``true`` for a C ``int``, ``2`` matches ``2.0`` for a ``double``, a Go ``rune``
prints as a code point). The request's tests become one more case: the test program's ``main``
(renamed) or its statements (wrapped in a function), passing when it returns without an
assertion, exception, panic or non-zero exit.

What cannot be written for a language at all (``literals.writable``) is skipped before any
candidate is seen, so every candidate of a language is checked on the same examples; what one
candidate's declaration cannot take or return counts as a failed case for it (``!signature``).
"""

from __future__ import annotations

import ast
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass

from codegen.execution import decls, runners
from codegen.execution.decltypes import Ty, results
from codegen.execution.literals import Call, Unwritable, call, writable
from codegen.execution.runtimes import MARK
from codegen.execution.sandbox import Sandbox
from codegen.execution.sources import NO_VALUE, Assembly, Case, Planned, assemble

LANGUAGES = decls.LANGUAGES


def literal_call(text: str) -> tuple[str, list[object]] | None:
    """``f(1, [2])`` -> ("f", [1, [2]]) when the callee is a name and every argument a literal."""
    try:
        node = ast.parse(text, mode="eval").body
    except SyntaxError:
        return None
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name) or node.keywords:
        return None
    try:
        return node.func.id, [ast.literal_eval(arg) for arg in node.args]
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None


def literal(text: str) -> object:
    """The value of a literal text, NO_VALUE when it is not one."""
    try:
        return ast.literal_eval(text.strip())
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return NO_VALUE


def runnable(language: str, call_text: str, expected: str | None) -> bool:
    """Whether an example (or a probe, ``expected`` None) can be written in ``language``."""
    parsed = literal_call(call_text)
    if parsed is None or not all(writable(language, a) for a in parsed[1]):
        return False
    if expected is None:
        return True
    value = literal(expected)
    return value is not NO_VALUE and writable(language, value)


def plan(language: str, code: str, cases: Sequence[Case]) -> list[Planned]:
    found = decls.functions(language, code)
    return [_plan_one(language, found, case, i) for i, case in enumerate(cases)]


def _plan_one(language: str, found: list[decls.Decl], case: Case, index: int) -> Planned:
    if case.kind == "test":
        return Planned(case, _TEST[language].format(i=index, ms=case.ms))
    parsed = literal_call(case.call)
    decl = decls.find(found, parsed[0]) if parsed else None
    if parsed is None or decl is None:
        return Planned(case, fixed="!missing")
    returns = results(language, decl.returns)
    try:
        written = call(language, decl, parsed[1], _callee(language, decl))
    except Unwritable:
        return Planned(case, fixed="!signature", returns=returns)
    if written.shown is not None and written.shown_ty is not None:  # C: an array after the call
        returns = (written.shown_ty,)
    elif not _printable(language, returns):
        return Planned(case, fixed="!signature", returns=returns)
    if language in ("c", "cpp") and returns[0].form == "pointer" and not written.size_var:
        return Planned(case, fixed="!signature", returns=returns)
    if language == "cpp" and decl.instance:
        setup = (f"{decl.owner} codegen_obj;", *written.setup)
        written = Call(setup, written.expr, written.size_var, written.shown, written.shown_ty)
    return Planned(case, _case_code(language, index, case.ms, written, returns), returns=returns)


def _printable(language: str, returns: tuple[Ty, ...]) -> bool:
    kinds = [t.kind for t in returns if t.kind != "error"]
    if not kinds or "other" in kinds:
        return False
    return language == "go" or len(returns) == 1


def _callee(language: str, decl: decls.Decl) -> str:
    if decl.owner is None:
        return decl.name
    if language == "java":
        return f"new {decl.owner}().{decl.name}" if decl.instance else f"{decl.owner}.{decl.name}"
    if language == "cpp":
        return f"codegen_obj.{decl.name}" if decl.instance else f"{decl.owner}::{decl.name}"
    return f"{decl.owner}::{decl.name}"  # Rust: an associated function of an impl


_TEST = {
    "c": "static void codegen_case_{i}(void) {{ int rc = codegen_tests_main(); "
    "codegen_begin({i}); codegen_bool(rc == 0); codegen_end(); }}",
    "cpp": "static void codegen_case_{i}(void) {{ int rc = codegen_tests_main(); "
    "codegen_begin({i}); codegen_bool(rc == 0); codegen_end(); }}",
    "java": "    CodegenHarness.run({i}, {ms}, () -> {{ codegen_tests(); return true; }});",
    "rust": '    codegen_case({i}, {ms}, || {{ codegen_tests_main(); "true".to_string() }});',
    "go": '\tcodegenCase({i}, {ms}, func() string {{ codegenTestsMain(); return "true" }})',
}


def _case_code(language: str, i: int, ms: int, written: Call, returns: tuple[Ty, ...]) -> str:
    setup = " ".join(written.setup)
    if language == "java":
        return f"    CodegenHarness.run({i}, {ms}, () -> {written.expr});"
    if language == "rust":
        return f"    codegen_case({i}, {ms}, || {{ {setup} codegen_text({written.expr}) }});"
    if language == "go":
        err = "true" if returns[-1].kind == "error" else "false"
        body = f"return codegenText(codegenPack({written.expr}), {err})"
        return f"\tcodegenCase({i}, {ms}, func() string {{ {body} }})"
    auto = "__auto_type" if language == "c" else "auto"
    show = _c_show(language, returns[0], written.size_var)
    run = (
        f"{written.expr} {auto} codegen_r = {written.shown};"  # statements, then the array
        if written.shown
        else f"{auto} codegen_r = {written.expr};"
    )
    return (
        f"static void codegen_case_{i}(void) {{ {setup} {run} "
        f"codegen_begin({i}); {show} codegen_end(); }}"
    )


def _c_show(language: str, ty: Ty, size_var: str | None) -> str:
    if ty.form == "pointer" and size_var:
        item = _c_show(language, ty.item, None).replace("codegen_r", "codegen_r[k]")
        return (
            f"putchar('['); for (int k = 0; k < {size_var}; k++) "
            f"{{ if (k) putchar(','); {item} }} putchar(']');"
        )
    if language == "cpp":
        return "codegen_show(codegen_r);"
    if ty.kind == "int":
        return "codegen_uint(codegen_r);" if ty.range[0] == 0 else "codegen_int(codegen_r);"
    printer = {"float": "double", "bool": "bool", "char": "char", "str": "str"}[ty.kind]
    return f"codegen_{printer}(codegen_r);"


# --- running and reading the results --------------------------------------------------------


@dataclass(frozen=True)
class Ran:
    texts: tuple[str, ...]  # per case: the JSON printed, or a marker starting with "!"
    reason: str = ""


def run(
    sandbox: Sandbox, language: str, code: str, cases: Sequence[Case], tests: str, budget_ms: int
) -> tuple[list[Planned], Ran]:
    """Plan the cases for ``code``, build one program and run it; the planned cases with what
    each printed."""
    planned = plan(language, code, cases)
    if all(p.fixed is not None for p in planned):
        return planned, Ran(tuple(p.fixed or "!crash" for p in planned))
    assembly: Assembly = assemble(language, code, tests, planned, budget_ms)
    prog = runners.program(language, assembly.main, assembly.extra)
    result = sandbox.run(
        prog.argv, prog.files, memory_limit=prog.memory_limit, prepare=prog.prepare
    )
    printed = _lines(result.stdout)
    texts = tuple(
        p.fixed if p.fixed is not None else printed.get(i, "!crash") for i, p in enumerate(planned)
    )
    return planned, Ran(texts, result.reason if not result.ok or not printed else "")


def _lines(stdout: str) -> dict[int, str]:
    out: dict[int, str] = {}
    for line in stdout.splitlines():
        if line.startswith(MARK):
            head, _, payload = line[len(MARK) :].partition(" ")
            if head.isdigit():
                out[int(head)] = payload.strip()
    return out


def value_of(text: str) -> object:
    """The printed JSON as a value (NO_VALUE for a marker or unreadable text)."""
    if text.startswith("!"):
        return NO_VALUE
    try:
        return json.loads(text)
    except ValueError:
        return NO_VALUE


def canonical(text: str, returns: tuple[Ty, ...] = ()) -> str:
    """The printed result in one spelling (whole floats as integers, code points of a Go
    ``rune`` as characters), so equal values agree between candidates."""
    value = value_of(text)
    if value is NO_VALUE:
        return text if text.startswith("!") else "!unreadable"
    char = len(returns) == 1 and returns[0].kind == "char"
    return json.dumps(_normal(value, char), separators=(",", ":"), ensure_ascii=False)[:500]


def _normal(value: object, char: bool = False) -> object:
    if isinstance(value, list):
        return [_normal(v, char) for v in value]
    if char and isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 0x110000:
        return chr(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def same(expected: object, got: object) -> bool:
    """Whether a printed value equals the expected Python value (numbers with a tolerance,
    booleans and 0/1 alike, tuples as lists)."""
    if isinstance(expected, list | tuple):
        return (
            isinstance(got, list)
            and len(got) == len(expected)
            and all(same(e, g) for e, g in zip(expected, got, strict=True))
        )
    if expected is None or got is None:
        return expected is got
    if isinstance(expected, bool) or isinstance(got, bool):
        if isinstance(got, int | float) and isinstance(expected, int | float):
            return float(expected) == float(got)
        return False
    if isinstance(expected, int | float) and isinstance(got, int | float):
        return math.isclose(expected, got, rel_tol=1e-9, abs_tol=1e-12)
    return type(expected) is type(got) and expected == got


def matches(expected: object, text: str, returns: tuple[Ty, ...]) -> bool:
    got = value_of(text)
    if got is NO_VALUE:
        return False
    return same(expected, _normal(got, len(returns) == 1 and returns[0].kind == "char"))
