"""How to build and run one source file per language in the sandbox.

Python and JavaScript always (the interpreter must be reachable by the unprivileged uid, so a
system ``python3`` is preferred over one under ``/root``); C, C++, Java and Rust when their
toolchain is on PATH. Compilers run before the confined run, with a timeout, in the same dir.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from dataclasses import dataclass
from functools import cache

from codegen.execution.sandbox import Limits, RunResult, Sandbox, world_reachable


@dataclass(frozen=True)
class Program:
    files: dict[str, str]
    prepare: tuple[tuple[str, ...], ...]
    argv: tuple[str, ...]
    memory_limit: bool = True


@cache
def python_interpreter() -> str | None:
    choices = [sys.executable, "/usr/bin/python3", "/usr/local/bin/python3", "/bin/python3"]
    for path in choices:
        if path and os.path.exists(path) and world_reachable(path):
            return os.path.realpath(path)
    return None


@cache
def _tool(name: str) -> str | None:
    return shutil.which(name)


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
        build = (_tool("javac") or "javac", "-nowarn", f"{cls}.java")
        java = os.path.realpath(_tool("java") or "java")
        run = (java, "-Xmx256m", "-Xss8m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp")
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
