"""``codegen languages [--json]``: every language, with the validation tiers active here, the
compiler of its compile tier, and whether the execution sandbox works (checkers and compilers
run only inside it)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    pass


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "languages",
        help="list languages and the validation tiers on this machine",
        description="Each language with its extensions and the tiers that check it here.",
    )
    parser.add_argument("--json", action="store_true", help="machine-readable output")


def sandbox_status() -> dict[str, Any]:
    """Whether isolated execution works here, and why not."""
    from codegen.execution.sandbox import isolation_problem

    problem = isolation_problem()
    return {"ready": problem is None, "problem": problem}


def run(args: argparse.Namespace) -> int:
    from codegen.cli.common import load_settings, print_json
    from codegen.execution.toolrunner import tool_runner
    from codegen.validation.tiered import language_rows

    settings = load_settings(args)
    data = language_rows(tool_runner(settings))
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
