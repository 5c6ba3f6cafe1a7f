"""How to build and run one source file per language in the sandbox.

Python and JavaScript always; C, C++, Java and Rust when their toolchain is found
(``toolchains``: the sandbox binds a toolchain outside ``/usr``, such as rustup's, read-only).
The build commands run in the same sandbox as the program, before it, with the compile timeout.
JVMs are told they have one processor, so their thread pools fit the run's process limit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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
    }.get(language, (False,))
    return all(needs)


def program(language: str, source: str) -> Program:
    """The files and commands that build and run ``source`` (a complete program)."""
    if language == "python":
        interp = python_interpreter() or "python3"
        return Program({"main.py": source}, (), (interp, "-I", "-B", "main.py"))
    if language == "javascript":
        node = _tool("node") or "node"
        return Program({"main.js": source}, (), (node, "--max-old-space-size=256", "main.js"))
    build: tuple[str, ...]
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
        javac = _tool("javac") or "javac"
        build = (javac, *(f"-J{flag}" for flag in JVM_ONE_CPU), "-nowarn", f"{cls}.java")
        java = _tool("java") or "java"
        run = (java, "-Xmx256m", "-Xss8m", *JVM_ONE_CPU, "-XX:TieredStopAtLevel=1", "-cp")
        return Program({f"{cls}.java": source}, (build,), (*run, ".", cls), memory_limit=False)
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
