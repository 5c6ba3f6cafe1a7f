"""``codegen languages [--json]``: every language, with the validation tiers active here, the
compiler of its compile tier, and whether the execution sandbox works (checkers and compilers
run only inside it)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from codegen.validation.compile_tier import ToolCompiler
    from codegen.validation.toolrun import ToolRunner


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "languages",
        help="list languages and the validation tiers on this machine",
        description="Each language with its extensions and the tiers that check it here.",
    )
    parser.add_argument("--json", action="store_true", help="machine-readable output")


def rows(runner: ToolRunner) -> list[dict[str, Any]]:
    from codegen import languages
    from codegen.validation import reference, treesitter
    from codegen.validation.compile_tier import ToolCompiler
    from codegen.validation.tiered import antlr_available

    compiler = ToolCompiler(runner)

    out = []
    for lang in languages.all_languages():
        checkers = {}
        for name in lang.checkers:
            checker = reference.checker(name)
            checkers[name] = checker is not None and checker.available(runner)
        tiers = ["tree-sitter"] if treesitter.available(lang.name) else []
        if lang.antlr_grammar and antlr_available():
            tiers.append(f"antlr:{lang.antlr_grammar}")
        tiers += [name for name, ok in checkers.items() if ok]
        out.append(
            {
                "name": lang.name,
                "display": lang.display,
                "extension": lang.extension,
                "aliases": list(lang.aliases),
                "tiers": tiers,
                "checkers": checkers,
                "compiler": _compiler(compiler, lang.name),
            }
        )
    return out


def _compiler(compiler: ToolCompiler, language: str) -> dict[str, Any] | None:
    """The compile tier's tool for ``language`` and whether it can run here (None: none)."""
    tool = compiler.tool(language)
    if tool is None:
        return None
    return {"tool": tool.name, "available": compiler.available(language)}


def sandbox_status() -> dict[str, Any]:
    """Whether isolated execution works here, and why not."""
    from codegen.execution.sandbox import isolation_problem

    problem = isolation_problem()
    return {"ready": problem is None, "problem": problem}


def run(args: argparse.Namespace) -> int:
    from codegen.cli.common import load_settings, print_json
    from codegen.execution.toolrunner import tool_runner

    settings = load_settings(args)
    data = rows(tool_runner(settings))
    sandbox = sandbox_status()
    if args.json:
        print_json({"languages": data, "sandbox": sandbox})
        return 0
    width = max(len(r["name"]) for r in data) + 2
    for r in data:
        missing = [name for name, ok in r["checkers"].items() if not ok]
        tiers = ", ".join(r["tiers"]) or "-"
        if r["compiler"] and r["compiler"]["available"]:
            tiers += f"; compiles with {r['compiler']['tool']}"
        elif r["compiler"]:
            missing.append(r["compiler"]["tool"])
        extra = f"  (not available: {', '.join(missing)})" if missing else ""
        print(f"{r['name']:<{width}}{r['extension']:<7}{tiers}{extra}")
    state = "ready" if sandbox["ready"] else f"unavailable: {sandbox['problem']}"
    print(f"sandbox (--exec, checkers, compilers): {state}")
    return 0
