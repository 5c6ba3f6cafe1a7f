"""Hidden tests of the multi-language benchmark: run candidates against them in the sandbox.

:func:`run_tests` takes a language and items (a key, the candidate's code, the problem's hidden
tests in that language) and returns a :class:`Verdict` per item: whether the tests passed,
whether the candidate itself compiles, and why it failed.

How each language is run (the test conventions of ``multilang_problems/*.yaml``):

- python: the candidate is executed (``__name__`` is not ``"__main__"``), then the tests
  (``assert`` statements) in the same namespace. Compiles: CPython's ``compile``.
- javascript: the tests run in a block after the candidate, with ``assert`` (node:assert).
  Compiles: ``node --check`` on the candidate alone (asked only when the run fails).
- c: the candidate (its ``main``, if any, renamed by a ``#define``), then a ``main`` holding the
  tests, which use ``CHECK(cond)``, ``CHECK_STR(call, "want")`` (compares and frees a returned
  string) and ``cg_same_ints(got, n, want, m)``. ``#line`` directives file the compiler's
  errors under ``candidate.c`` or ``tests.c``: the candidate compiles when none is in
  ``candidate.c`` (an error only in the tests means it compiles but does not fit the
  signature).
- java: the candidate in its own file (named after its public class) and the tests in the
  method ``run()`` of a class ``CgTest`` beside it (``java.util.*`` imported, ``check(cond)``);
  the signatures' convention is a ``public class Solution`` holding static methods.
- rust: each item is a module holding the candidate and, after it, ``fn cg_test()`` with the
  tests (so a missing ``pub`` or a stray ``fn main`` does not matter); edition 2021, debug build.

Java and Rust items are batched: one compiler process for all (Java: a package per item; Rust:
a module per item), one program that calls each item's tests in a thread with a timeout. The
items whose code the compiler blames are set aside and the rest compiled again; an item that
fails in a batch is run again alone, so a neighbour that hangs, exits or exhausts memory cannot
fail it. A test passes only when the pass marker is printed after its last test (a candidate
that exits early with status 0 does not pass).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass

from codegen.execution import runners
from codegen.execution.sandbox import Limits, RunResult, Sandbox

LANGUAGES = ("python", "javascript", "java", "c", "rust")
PASS = "@@CG-PASS@@"
LIMITS = Limits(cpu_s=10, wall_s=15.0, memory_mb=1024, compile_s=120.0)
ITEM_TIMEOUT_S = 5  # one item's tests inside a batch (Java, Rust)


@dataclass(frozen=True)
class Item:
    key: str
    code: str
    tests: str


@dataclass(frozen=True)
class Verdict:
    passed: bool
    compiles: bool | None  # the candidate alone compiles; None: no toolchain here
    reason: str = ""  # why it failed; "" when it passed


def run_tests(sandbox: Sandbox, language: str, items: Sequence[Item]) -> list[Verdict]:
    """Each item's verdict, in order."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown benchmark language '{language}' (choose {', '.join(LANGUAGES)})")
    if not runners.supported(language):
        return [Verdict(False, None, f"no {language} toolchain on this machine")] * len(items)
    if language == "java":
        return _Batch(sandbox, _JavaLayout()).run(items)
    if language == "rust":
        return _Batch(sandbox, _RustLayout()).run(items)
    return _scripted(sandbox, language, items)


def _fill(template: str, **parts: str) -> str:
    for name, text in parts.items():
        template = template.replace(f"/*{name.upper()}*/", text)
    return template


def _passed(result: RunResult) -> bool:
    return result.ok and PASS in result.stdout


def _failure(result: RunResult) -> str:
    if result.ok:
        return "the program ended before its last test"
    checks = [ln for ln in result.stdout.splitlines() if ln.startswith("check failed")]
    errors = [ln for ln in result.stderr.splitlines() if "Error" in ln]
    where = re.findall(r'File "tests\.py", line (\d+)', result.stderr)  # Python's traceback
    why = (checks or errors or [result.reason])[0]
    return (f"tests.py:{where[-1]}: {why}" if where and not checks else why)[:300]


_PY = """
_cg = {"__name__": "candidate"}
exec(compile(/*CODE*/, "candidate.py", "exec"), _cg)
exec(compile(/*TESTS*/, "tests.py", "exec"), _cg)
print("\\n/*MARK*/")
"""


def _python(sandbox: Sandbox, item: Item) -> Verdict:
    try:
        compile(item.code, "candidate.py", "exec")
    except (SyntaxError, ValueError) as exc:
        return Verdict(False, False, f"does not compile: {exc}"[:300])
    result = runners.run_source(sandbox, "python", _source("python", item), limits=LIMITS)
    return Verdict(True, True) if _passed(result) else Verdict(False, True, _failure(result))


_JS = """/*CODE*/
;{
const assert = require("node:assert");
/*TESTS*/
}
console.log("\\n/*MARK*/");
"""


def _javascript(sandbox: Sandbox, item: Item) -> Verdict:
    result = runners.run_source(sandbox, "javascript", _source("javascript", item), limits=LIMITS)
    if _passed(result):
        return Verdict(True, True)
    node = runners.program("javascript", "").argv[0]
    check = sandbox.run((node, "--check", "candidate.js"), {"candidate.js": item.code})
    if not check.ok:
        first = next((ln for ln in check.stderr.splitlines() if "Error" in ln), check.reason)
        return Verdict(False, False, f"does not compile: {first}"[:300])
    return Verdict(False, True, _failure(result))


_C = """#define main cg_candidate_main
#line 1 "candidate.c"
/*CODE*/
#line 1 "harness.c"
#undef main
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#define CHECK(cond) do { if (!(cond)) { \\
    printf("\\ncheck failed: tests.c:%d: %s\\n", __LINE__, #cond); exit(1); } } while (0)
#define CHECK_STR(expr, want) do { char *cg_got = (expr); \\
    CHECK(cg_got != NULL && strcmp(cg_got, (want)) == 0); free(cg_got); } while (0)
static bool cg_same_ints(const int *got, size_t n, const int *want, size_t m) {
    return n == m && (n == 0 || memcmp(got, want, n * sizeof *got) == 0);
}
int main(void) {
#line 1 "tests.c"
/*TESTS*/
    printf("\\n/*MARK*/\\n");
    return 0;
}
"""


def _c(sandbox: Sandbox, item: Item) -> Verdict:
    result = runners.run_source(sandbox, "c", _source("c", item), limits=LIMITS)
    if _passed(result):
        return Verdict(True, True)
    if result.reason.startswith("compilation failed"):
        own = re.search(r"^candidate\.c:\d+:\d+: (?:fatal )?error: .*$", result.stderr, re.M)
        if own:
            return Verdict(False, False, f"does not compile: {own.group(0)}"[:300])
        first = re.search(r"^.*error.*$", result.stderr, re.M)
        why = first.group(0) if first else result.reason
        return Verdict(False, True, f"does not fit the tests: {why}"[:300])
    return Verdict(False, True, _failure(result))


def _source(language: str, item: Item) -> str:
    """The program that runs ``item``'s tests on its candidate (python, javascript, c)."""
    if language == "python":
        return _fill(_PY, code=repr(item.code), tests=repr(item.tests), mark=PASS)
    template = _JS if language == "javascript" else _C
    return _fill(template, code=item.code, tests=item.tests, mark=PASS)


def _scripted(sandbox: Sandbox, language: str, items: Sequence[Item]) -> list[Verdict]:
    """Python, JavaScript and C: every item in one sandbox run (a shell script builds and runs
    each in a directory of its own, under its own time limit); an item that does not pass
    there is run again alone, for its compile verdict and the reason."""
    single = {"python": _python, "javascript": _javascript, "c": _c}[language]
    if len(items) < 2:
        return [single(sandbox, item) for item in items]
    files: dict[str, str] = {}
    script = ["set -u"]
    for k, item in enumerate(items):
        prog = runners.program(language, _source(language, item))
        ((name, text),) = prog.files.items()
        files[f"cg{k}__{name}"] = text
        build = " && ".join(shlex.join(cmd) for cmd in prog.prepare) or "true"
        run = f"timeout -s KILL {int(LIMITS.wall_s)} {shlex.join(prog.argv)} >out 2>/dev/null"
        script.append(  # a subshell each: its cd ends with it
            f"(mkdir cg{k} && mv cg{k}__{name} cg{k}/{name} && cd cg{k}"
            f" && ({build}) >/dev/null 2>&1 && {run}; grep -q {PASS} out 2>/dev/null"
            f" && echo @@CG cg{k} ok)"
        )
    files["batch.sh"] = "\n".join(script) + "\n"
    wall = LIMITS.wall_s * (len(items) + 1)
    limits = Limits(cpu_s=LIMITS.cpu_s, wall_s=wall, memory_mb=LIMITS.memory_mb)
    result = sandbox.run(("/bin/sh", "batch.sh"), files, limits=limits)
    passed = set(re.findall(r"^@@CG (cg\d+) ok$", result.stdout, re.M))
    return [
        Verdict(True, True) if f"cg{k}" in passed else single(sandbox, item)
        for k, item in enumerate(items)
    ]


@dataclass
class _Unit:
    """One item placed in a batch: its name there and where its code lies."""

    name: str
    item: Item
    candidate: str = ""  # Java: the candidate's file
    lines: range = range(0)  # Rust: the candidate's lines in main.rs
    test_lines: range = range(0)  # Rust: the lines of its tests (and module wrapper)


@dataclass
class _Build:
    files: dict[str, str]
    prepare: tuple[tuple[str, ...], ...]
    argv: tuple[str, ...]


class _Batch:
    """Compile many items in one compiler process and run them in one program."""

    def __init__(self, sandbox: Sandbox, layout: _JavaLayout | _RustLayout) -> None:
        self.sandbox = sandbox
        self.layout = layout

    def run(self, items: Sequence[Item], alone: bool = False) -> list[Verdict]:
        alone = alone or len(items) == 1
        verdicts: dict[int, Verdict] = {}
        pending = list(range(len(items)))
        while pending:
            units = [_Unit(f"cg{i}", items[i]) for i in pending]
            result = self._execute(units)
            if not result.reason.startswith("compilation failed"):
                verdicts.update(zip(pending, _read(result, units), strict=True))
                break
            blamed = self.layout.blame(result.stderr, units)
            if alone:  # an error the compiler does not file under the tests is the candidate's
                why = f"does not compile: {result.reason}"[:300]
                verdicts[pending[0]] = blamed.get(0) or Verdict(False, False, why)
                break
            if not blamed:  # the compiler named no item: each alone
                verdicts.update({i: self.run([items[i]], alone=True)[0] for i in pending})
                break
            verdicts.update({pending[k]: v for k, v in blamed.items()})
            pending = [i for k, i in enumerate(pending) if k not in blamed]
        if not alone:  # a failure in a batch is confirmed alone
            for i, verdict in list(verdicts.items()):
                if (
                    not verdict.passed
                    and verdict.compiles
                    and not verdict.reason.startswith("does")
                ):
                    verdicts[i] = self.run([items[i]], alone=True)[0]
        return [verdicts[i] for i in range(len(items))]

    def _execute(self, units: list[_Unit]) -> RunResult:
        build = self.layout.build(units)
        wall = LIMITS.wall_s + ITEM_TIMEOUT_S * len(units)
        limits = Limits(cpu_s=int(wall), wall_s=wall, memory_mb=1024, compile_s=120.0)
        return self.sandbox.run(
            build.argv,
            build.files,
            memory_limit=isinstance(self.layout, _RustLayout),
            prepare=build.prepare,
            limits=limits,
        )


def _read(result: RunResult, units: list[_Unit]) -> list[Verdict]:
    found = dict(re.findall(r"^@@CG (cg\d+) (.*)$", result.stdout, re.M))
    out = []
    for unit in units:
        outcome = found.get(unit.name)
        if outcome == "ok":
            out.append(Verdict(True, True))
        else:
            why = outcome or result.reason or "the program ended before this item's tests"
            out.append(Verdict(False, True, why[:300]))
    return out


def _blamed(errors: list[tuple[_Unit, bool, str]], units: list[_Unit]) -> dict[int, Verdict]:
    """Per unit index: the verdict its compile errors give (own: in the candidate's code)."""
    out: dict[int, Verdict] = {}
    for unit, own, message in errors:
        k = units.index(unit)
        if k not in out or (own and out[k].compiles):
            why = "does not compile" if own else "does not fit the tests"
            out[k] = Verdict(False, not own, f"{why}: {message}"[:300])
    return out


_CG_TEST_JAVA = """package /*PKG*/;
import java.util.*;

public class CgTest {
    private static int checks = 0;

    static void check(boolean ok) {
        checks++;
        if (!ok) {
            throw new AssertionError("check " + checks + " failed");
        }
    }

    public static void run() throws Exception {
/*TESTS*/
    }
}
"""

_CG_RUNNER_JAVA = """public class CgRunner {
    public static void main(String[] args) throws Exception {
        long limit = Long.parseLong(args[0]);
        for (int i = 1; i < args.length; i++) {
            final String pkg = args[i];
            final String[] outcome = {"timed out"};
            Thread thread = new Thread(() -> {
                try {
                    Class.forName(pkg + ".CgTest").getMethod("run").invoke(null);
                    outcome[0] = "ok";
                } catch (java.lang.reflect.InvocationTargetException e) {
                    outcome[0] = String.valueOf(e.getCause());
                } catch (Throwable e) {
                    outcome[0] = String.valueOf(e);
                }
            });
            thread.setDaemon(true);
            thread.start();
            thread.join(limit);
            System.out.println("\\n@@CG " + pkg + " " + outcome[0].replace('\\n', ' '));
            System.out.flush();
        }
        System.exit(0);
    }
}
"""


class _JavaLayout:
    """A package per item. The sandbox writes files flat, so a first step (``sh``, confined)
    moves each into its package's directory: a public class must sit in a file of its name."""

    def build(self, units: list[_Unit]) -> _Build:
        files = {"CgRunner.java": _CG_RUNNER_JAVA}
        placed: dict[str, str] = {}  # flat name -> path in its package
        for unit in units:
            code = re.sub(r"^\s*package\s+[\w.]+\s*;", "", unit.item.code, count=1, flags=re.M)
            cls = runners._java_main_class(code) if "class" in code else "Solution"
            unit.candidate = f"{unit.name}/{cls}.java"
            test = _fill(_CG_TEST_JAVA, pkg=unit.name, tests=unit.item.tests)
            for path, text in (
                (unit.candidate, f"package {unit.name};\n{code}\n"),
                (f"{unit.name}/CgTest.java", test),
            ):
                placed[path.replace("/", "__")] = path
                files[path.replace("/", "__")] = text
        dirs = " ".join(u.name for u in units)
        moves = "".join(f"mv {flat} {path}\n" for flat, path in placed.items())
        files["setup.sh"] = f"set -e\nmkdir {dirs}\n{moves}"
        plain = runners.program("java", "public class Main {}")
        sources = ("CgRunner.java", *placed.values())
        javac = (plain.prepare[0][0], "-nowarn", "-encoding", "UTF-8", "-d", ".", *sources)
        run = (*plain.argv[:-1], "CgRunner", str(ITEM_TIMEOUT_S * 1000))
        return _Build(files, (("/bin/sh", "setup.sh"), javac), (*run, *(u.name for u in units)))

    def blame(self, stderr: str, units: list[_Unit]) -> dict[int, Verdict]:
        errors = []
        for path, message in re.findall(r"^(cg\d+/\w+\.java):\d+: error: (.*)$", stderr, re.M):
            for unit in units:
                if path.startswith(unit.name + "/"):
                    errors.append((unit, path == unit.candidate, message))
        return _blamed(errors, units)


_RUST_RUNNER = """
fn main() {
    let limit = std::time::Duration::from_millis(/*LIMIT*/);
    let items: Vec<(&str, fn())> = vec![/*ITEMS*/];
    for (name, test) in items {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let ok = std::panic::catch_unwind(test).is_ok();
            let _ = tx.send(ok);
        });
        let outcome = match rx.recv_timeout(limit) {
            Ok(true) => "ok",
            Ok(false) => "panicked",
            Err(_) => "timed out",
        };
        println!("\\n@@CG {} {}", name, outcome);
    }
    std::process::exit(0);
}
"""


class _RustLayout:
    def build(self, units: list[_Unit]) -> _Build:
        lines = ["#![allow(warnings)]"]
        for unit in units:
            lines.append(f"mod {unit.name} {{")
            code = unit.item.code.splitlines()
            unit.lines = range(len(lines) + 1, len(lines) + 1 + len(code))
            lines += code
            lines.append("pub fn cg_test() {")
            tests = unit.item.tests.splitlines()
            lines += [*tests, "}", "}"]
            unit.test_lines = range(unit.lines.stop, len(lines) + 1)
        items = ", ".join(f'("{u.name}", {u.name}::cg_test as fn())' for u in units)
        runner = _fill(_RUST_RUNNER, limit=str(ITEM_TIMEOUT_S * 1000), items=items)
        source = "\n".join(lines) + "\n" + runner
        rustc = runners.program("rust", "").prepare[0][0]
        build = (rustc, "--edition=2021", "--error-format=short", "-o", "prog", "main.rs")
        return _Build({"main.rs": source}, (build,), ("./prog",))

    def blame(self, stderr: str, units: list[_Unit]) -> dict[int, Verdict]:
        errors = []
        pattern = r"^main\.rs:(\d+):\d+: error(?:\[\w+\])?: (.*)$"
        for line, message in re.findall(pattern, stderr, re.M):
            for unit in units:
                if int(line) in unit.lines or int(line) in unit.test_lines:
                    errors.append((unit, int(line) in unit.lines, message))
        return _blamed(errors, units)
