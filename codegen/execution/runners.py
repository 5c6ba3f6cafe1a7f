"""How to build and run one source file per language in the sandbox.

Python and JavaScript always; C, C++, Java, Rust and Go when their toolchain is found
(``toolchains``: the sandbox binds a toolchain outside ``/usr``, such as rustup's, read-only);
TypeScript when node and the ``typescript`` package (found beside ``tsc`` on PATH) are here: it
is stripped of its types with ``ts.transpileModule`` (no type check) and run on node.
The build commands run in the same sandbox as the program, before it, with the compile timeout.
JVMs are told they have one processor, so their thread pools fit the run's process limit.
A harness may add files (``extra``): Java compiles them with the candidate and runs the first
one's class, Go builds them into one program.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from codegen.execution import toolchains
from codegen.execution.sandbox import Limits, RunResult, Sandbox
from codegen.execution.toolchains import JVM_ONE_CPU


@dataclass(frozen=True)
class Program:
    files: dict[str, str]
    prepare: tuple[tuple[str, ...], ...]
    argv: tuple[str, ...]
    memory_limit: bool = True


def python_interpreter() -> str | None:
    tool = toolchains.python()
    return tool.path if tool else None


def _tool(name: str) -> str | None:
    tool = toolchains.find(name)
    return tool.path if tool else None


def supported(language: str) -> bool:
    """Whether candidates in ``language`` can be executed on this machine."""
    needs = {
        "python": (python_interpreter() is not None,),
        "javascript": (_tool("node") is not None,),
        "c": (_tool("gcc") is not None,),
        "cpp": (_tool("g++") is not None,),
        "java": (_tool("javac") is not None, _tool("java") is not None),
        "rust": (_tool("rustc") is not None,),
        "go": (_tool("go") is not None,),
        "typescript": (_tool("node") is not None, typescript_library() is not None),
    }.get(language, (False,))
    return all(needs)


@cache
def typescript_library() -> str | None:
    """The ``typescript.js`` of the TypeScript compiler whose ``tsc`` is on PATH, if any."""
    tsc = _tool("tsc")
    if tsc is None:
        return None
    lib = Path(os.path.realpath(tsc)).parent.parent / "lib" / "typescript.js"
    if not lib.is_file():
        return None
    # The unprivileged uid of the sandbox must be able to read it.
    readable = lib.stat().st_mode & 0o004 and all(p.stat().st_mode & 0o001 for p in lib.parents)
    return str(lib) if readable else None


_TS_STRIP = """
const ts = require(process.argv[2]);
const fs = require("fs");
const options = {target: ts.ScriptTarget.ES2020, module: ts.ModuleKind.CommonJS};
const out = ts.transpileModule(fs.readFileSync("main.ts", "utf8"), {compilerOptions: options});
fs.writeFileSync("main.js", out.outputText);
"""


def program(language: str, source: str, extra: Mapping[str, str] | None = None) -> Program:
    """The files and commands that build and run ``source`` (a complete program), with the
    ``extra`` files of a harness (Java, Go)."""
    extra = dict(extra or {})
    if language == "python":
        interp = python_interpreter() or "python3"
        return Program({"main.py": source}, (), (interp, "-I", "-B", "main.py"))
    if language == "javascript":
        node = _tool("node") or "node"
        return Program({"main.js": source}, (), (node, "--max-old-space-size=256", "main.js"))
    if language == "typescript":
        node = _tool("node") or "node"
        strip = (node, "codegen_strip.js", typescript_library() or "typescript")
        files = {"main.ts": source, "codegen_strip.js": _TS_STRIP}
        return Program(files, (strip,), (node, "--max-old-space-size=256", "main.js"))
    build: tuple[str, ...]
    if language == "go":
        files = {"main.go": source, **extra}
        build = (_tool("go") or "go", "build", "-o", "prog", *sorted(files))
        return Program(files, (build,), ("./prog",), memory_limit=False)
    if language in ("c", "cpp"):
        compiler = (_tool("gcc") if language == "c" else _tool("g++")) or "cc"
        name = "main.c" if language == "c" else "main.cpp"
        build = (compiler, "-O1", "-w", "-o", "prog", name, "-lm")
        return Program({name: source}, (build,), ("./prog",))
    if language == "rust":
        build = (_tool("rustc") or "rustc", "-O", "--edition=2021", "-o", "prog", "main.rs")
        return Program({"main.rs": source}, (build,), ("./prog",))
    if language == "java":
        cls = _java_main_class(source)
        files = {f"{cls}.java": source, **extra}
        javac = _tool("javac") or "javac"
        flags = (*(f"-J{flag}" for flag in JVM_ONE_CPU), "-nowarn", "-encoding", "UTF-8")
        build = (javac, *flags, *files)
        java = _tool("java") or "java"
        run = (java, "-ea", "-Xmx256m", "-Xss8m", *JVM_ONE_CPU, "-XX:TieredStopAtLevel=1")
        entry = next((name[:-5] for name in extra if name.endswith(".java")), cls)
        return Program(files, (build,), (*run, "-cp", ".", entry), memory_limit=False)
    raise ValueError(f"cannot execute {language} code")


def _java_main_class(source: str) -> str:
    public = re.search(r"public\s+(?:final\s+)?class\s+(\w+)", source)
    if public:
        return public.group(1)
    main = re.search(r"class\s+(\w+)[^{]*\{(?:(?!\bclass\b).)*static\s+void\s+main", source, re.S)
    return main.group(1) if main else "Main"


def run_source(
    sandbox: Sandbox, language: str, source: str, stdin: str = "", limits: Limits | None = None
) -> RunResult:
    prog = program(language, source)
    return sandbox.run(
        prog.argv,
        prog.files,
        stdin=stdin,
        memory_limit=prog.memory_limit,
        prepare=prog.prepare,
        limits=limits,
    )
