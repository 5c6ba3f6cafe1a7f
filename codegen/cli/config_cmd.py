"""``codegen config show|path``: the resolved settings and where each value came from."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "config",
        help="show the configuration",
        description="Show the resolved configuration or the file's path.",
    )
    parser.add_argument("action", choices=["show", "path"], help="show values, or the file path")
    parser.add_argument("--json", action="store_true", help="machine-readable output")


def run(args: argparse.Namespace) -> int:
    from codegen import config
    from codegen.cli.common import print_json

    if args.action == "path":
        print(config.config_path())
        return 0
    settings = config.load()
    rows = config.show_rows(settings)
    if args.json:
        print_json({key: {"value": value, "source": source} for key, value, source in rows})
        return 0
    width = max(len(key) for key, _, _ in rows)
    vwidth = max(len(value) for _, value, _ in rows)
    for key, value, source in rows:
        print(f"{key.ljust(width)}  {value.ljust(vwidth)}  ({source})")
    return 0
