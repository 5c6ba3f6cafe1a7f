"""``codegen languages [--json]``: every language, with the validation tiers active here and
the compiler of its compile tier."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from codegen.validation.compile_tier import ToolCompiler


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "languages",
        help="list languages and the validation tiers on this machine",
        description="Each language with its extensions and the tiers that check it here.",
    )
    parser.add_argument("--json", action="store_true", help="machine-readable output")


def rows() -> list[dict[str, Any]]:
    from codegen import languages
    from codegen.validation import reference, treesitter
    from codegen.validation.compile_tier import ToolCompiler
    from codegen.validation.tiered import antlr_available
    from codegen.validation.toolrun import LOCAL

    compiler = ToolCompiler(LOCAL)

    out = []
    for lang in languages.all_languages():
        checkers = {}
        for name in lang.checkers:
            checker = reference.checker(name)
            checkers[name] = checker is not None and checker.available(LOCAL)
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


def run(args: argparse.Namespace) -> int:
    from codegen.cli.common import print_json

    data = rows()
    if args.json:
        print_json({"languages": data})
        return 0
    width = max(len(r["name"]) for r in data) + 2
    for r in data:
        missing = [name for name, ok in r["checkers"].items() if not ok]
        tiers = ", ".join(r["tiers"]) or "-"
        if r["compiler"] and r["compiler"]["available"]:
            tiers += f"; compiles with {r['compiler']['tool']}"
        elif r["compiler"]:
            missing.append(r["compiler"]["tool"])
        extra = f"  (not installed: {', '.join(missing)})" if missing else ""
        print(f"{r['name']:<{width}}{r['extension']:<7}{tiers}{extra}")
    return 0
