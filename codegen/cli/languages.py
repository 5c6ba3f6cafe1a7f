"""``codegen languages [--json]``: every language, with the validation tiers active here."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "languages",
        help="list languages and the validation tiers on this machine",
        description="Each language with its extensions and the tiers that check it here.",
    )
    parser.add_argument("--json", action="store_true", help="machine-readable output")


def run(args: argparse.Namespace) -> int:
    from codegen.cli.common import print_json
    from codegen.validation.tiered import language_rows

    data = language_rows()
    if args.json:
        print_json({"languages": data})
        return 0
    width = max(len(r["name"]) for r in data) + 2
    for r in data:
        missing = [name for name, ok in r["checkers"].items() if not ok]
        extra = f"  (not installed: {', '.join(missing)})" if missing else ""
        print(f"{r['name']:<{width}}{r['extension']:<7}{', '.join(r['tiers']) or '-'}{extra}")
    return 0
