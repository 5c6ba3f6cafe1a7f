"""The source files of a native harness: the candidate, the request's tests, the planned cases.

C and C++: one file; the candidate's own ``main`` is renamed with ``#define main`` around it,
and the tests' ``main`` the same way (tests without one are statements, wrapped in a
function). Rust: one file, the candidate's and tests' ``fn main`` renamed. Java: the candidate
file (tests appended, ``public`` dropped from their classes) and ``CodegenHarness.java``.
Go: the candidate as ``package main`` with its ``main`` renamed, the tests in a file of their
own, the harness in a third.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from codegen.execution import runtimes
from codegen.execution.decltypes import Ty

PROBE_KIND = "probe"
NO_VALUE = object()  # a probe: nothing expected


@dataclass(frozen=True)
class Case:
    kind: str  # "example", "probe" or "test"
    call: str = ""  # Python syntax, the entry already named
    expected: object = NO_VALUE
    ms: int = 1000


@dataclass(frozen=True)
class Planned:
    """A case as the harness runs it: code, or a fixed result when it cannot be run."""

    case: Case
    code: str = ""  # the statements that print its line (language-specific)
    fixed: str | None = None  # a result decided without running (``!missing``, ``!signature``)
    returns: tuple[Ty, ...] = ()


@dataclass(frozen=True)
class Assembly:
    main: str  # the file the language's runner builds (the candidate's, for Java and Go)
    extra: dict[str, str] = field(default_factory=dict)  # further files by name


def assemble(
    language: str, code: str, tests: str, planned: Sequence[Planned], budget_ms: int
) -> Assembly:
    if language in ("c", "cpp"):
        return Assembly(_c(language, code, tests, planned, budget_ms))
    if language == "rust":
        return Assembly(_rust(code, tests, planned, budget_ms))
    if language == "java":
        return _java(code, tests, planned, budget_ms)
    return _go(code, tests, planned, budget_ms)


def _guarded(planned: Sequence[Planned], budget_ms: int, line: str, skip: str) -> list[str]:
    """Each runnable case's line; probes only while the probe budget lasts."""
    out = []
    for i, p in enumerate(planned):
        if p.fixed is not None:
            continue
        if p.case.kind == PROBE_KIND:
            out.append(skip.format(i=i, budget=budget_ms, line=line.format(i=i, ms=p.case.ms)))
        else:
            out.append(line.format(i=i, ms=p.case.ms))
    return out


# --- C and C++ --------------------------------------------------------------------------------


def _c(language: str, code: str, tests: str, planned: Sequence[Planned], budget_ms: int) -> str:
    cpp = language == "cpp"
    parts = [runtimes.CPP_PRELUDE if cpp else runtimes.C_PRELUDE]
    parts += ["#define main codegen_candidate_main", code, "#undef main"]
    if tests.strip():
        parts.append(_c_tests(tests))
    parts.append(runtimes.C_RUNTIME)
    if cpp:
        parts.append(runtimes.CPP_SHOW)
    parts += [p.code for p in planned if p.fixed is None]
    calls = _guarded(
        planned,
        budget_ms,
        "codegen_run({i}, codegen_case_{i}, {ms});",
        "if ((codegen_now() - codegen_t0) * 1000 < {budget}) {line} "
        'else printf("\\n@@CODEGEN-CASE@@{i} !skipped\\n");',
    )
    body = "\n  ".join(["double codegen_t0 = codegen_now();", *calls, "(void)codegen_t0;"])
    parts.append(f"int main(void) {{\n  {body}\n  return 0;\n}}\n")
    return "\n".join(parts)


def _c_tests(tests: str) -> str:
    if re.search(r"\bmain\s*\(", tests):
        has_args = re.search(r"\bmain\s*\(\s*(void\s*)?\)", tests) is None
        call = "codegen_tests_entry(1, codegen_argv)" if has_args else "codegen_tests_entry()"
        return (
            f"#define main codegen_tests_entry\n{tests}\n#undef main\n"
            f'static char *codegen_argv[] = {{(char *)"tests", 0}};\n'
            f"static int codegen_tests_main(void) {{ return {call}; }}"
        )
    return f"static int codegen_tests_main(void) {{\n{tests}\nreturn 0;\n}}"


# --- Rust -------------------------------------------------------------------------------------

_RUST_MAIN = re.compile(r"\bfn\s+main\s*\(")


def _rust(code: str, tests: str, planned: Sequence[Planned], budget_ms: int) -> str:
    parts = ["#![allow(unused, dead_code)]", _RUST_MAIN.sub("fn codegen_candidate_main(", code)]
    if tests.strip():
        parts.append(_rust_tests(tests))
    parts.append(runtimes.RUST_RUNTIME)
    body = _cases(
        planned,
        budget_ms,
        "if codegen_t0.elapsed().as_millis() < {budget} {{ {line} }} "
        'else {{ println!("\\n@@CODEGEN-CASE@@{i} !skipped"); }}',
    )
    parts.append(
        "fn main() {\n    std::panic::set_hook(Box::new(|_| {}));\n"
        "    let codegen_t0 = std::time::Instant::now();\n"
        f"{body}\n    std::process::exit(0);\n}}\n"
    )
    return "\n".join(parts)


def _rust_tests(tests: str) -> str:
    if re.search(r"\bfn\s+\w+", tests):
        names = re.findall(r"#\[test\]\s*(?:pub\s+)?fn\s+(\w+)", tests)
        calls = [f"{n}();" for n in names]
        if _RUST_MAIN.search(tests):
            calls.insert(0, "codegen_tests_entry();")
        renamed = _RUST_MAIN.sub("fn codegen_tests_entry(", tests)
        return f"{renamed}\nfn codegen_tests_main() {{ {' '.join(calls)} }}"
    return f"fn codegen_tests_main() {{\n{tests}\n}}"


def _cases(planned: Sequence[Planned], budget_ms: int, skip: str) -> str:
    """The lines that run the cases (Rust, Java, Go): each case's own code, a probe's guarded
    by the time left in the probe budget (``skip``: the guard, with ``{line}`` for the code)."""
    guarded = _guarded(planned, budget_ms, "{{line}}", skip)
    codes = [p.code for p in planned if p.fixed is None]
    out = [text.replace("{line}", code.strip()) for text, code in zip(guarded, codes, strict=True)]
    return "\n".join("    " + t for t in out)


# --- Java -------------------------------------------------------------------------------------


def _java(code: str, tests: str, planned: Sequence[Planned], budget_ms: int) -> Assembly:
    source = code
    call_tests = ""
    if tests.strip():
        source, call_tests = _java_tests(code, tests)
    body = "    long codegen_t0 = System.nanoTime();\n" + _cases(
        planned,
        budget_ms,
        "if ((System.nanoTime() - codegen_t0) / 1000000 < {budget}) {{ {line} }} "
        'else System.out.print("\\n@@CODEGEN-CASE@@{i} !skipped\\n");',
    )
    harness = runtimes.JAVA_HARNESS % {"cases": body}
    if call_tests:
        harness = harness.replace(
            "  public static void main",
            f"  static void codegen_tests() throws Throwable {{ {call_tests} }}\n\n"
            "  public static void main",
        )
    return Assembly(source, {"CodegenHarness.java": harness})


def _java_tests(code: str, tests: str) -> tuple[str, str]:
    body = re.sub(r"\bpublic\s+(?=(?:final\s+|abstract\s+)*class\b)", "", tests)
    if re.search(r"\bclass\s+\w+", body):
        main = re.search(
            r"class\s+(\w+)[^{]*\{(?:(?!\bclass\b).)*?static\s+void\s+main", body, re.S
        )
        call = f"{main.group(1)}.main(new String[0]);" if main else ""
        return f"{code}\n{body}\n", call
    wrapped = f"class CodegenTests {{\n  static void run() throws Throwable {{\n{body}\n  }}\n}}\n"
    return f"{code}\n{wrapped}", "CodegenTests.run();"


# --- Go ---------------------------------------------------------------------------------------

_GO_MAIN = re.compile(r"\bfunc\s+main\s*\(")
_GO_PACKAGE = re.compile(r"^\s*package\s+\w+", re.M)


def _go_file(text: str, main_name: str) -> str:
    text = _GO_MAIN.sub(f"func {main_name}(", text)
    if _GO_PACKAGE.search(text):
        return _GO_PACKAGE.sub("package main", text, count=1)
    return "package main\n\n" + text


def _go(code: str, tests: str, planned: Sequence[Planned], budget_ms: int) -> Assembly:
    extra: dict[str, str] = {}
    if tests.strip():
        if _GO_MAIN.search(tests):
            extra["codegen_tests.go"] = _go_file(tests, "codegenTestsMain")
        else:
            extra["codegen_tests.go"] = f"package main\n\nfunc codegenTestsMain() {{\n{tests}\n}}\n"
    body = "\tcodegenT0 := time.Now()\n" + _cases(
        planned,
        budget_ms,
        "if time.Since(codegenT0).Milliseconds() < {budget} {{ {line} }} "
        'else {{ fmt.Printf("\\n@@CODEGEN-CASE@@{i} !skipped\\n") }}',
    )
    body += "\n\t_ = codegenT0"
    extra["codegen_harness.go"] = runtimes.GO_HARNESS % {"cases": body}
    return Assembly(_go_file(code, "codegenCandidateMain"), extra)
