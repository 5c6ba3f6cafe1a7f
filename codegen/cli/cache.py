"""``codegen cache stats|clear``: the response cache (never the model files)."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "cache",
        help="show or clear the response cache",
        description="The response cache of deterministic requests (temperature 0 or a seed). "
        "Clearing it never touches the model files.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    stats = actions.add_parser("stats", help="entries, size, hits and misses")
    stats.add_argument("--json", action="store_true", help="print one JSON object")
    actions.add_parser("clear", help="delete every cached answer")


def run(args: argparse.Namespace) -> int:
    from codegen.cli.common import load_settings, print_json
    from codegen.store.cache import ResponseCache, default_path

    settings = load_settings(args)
    cache = ResponseCache(default_path(settings.cache_path), int(settings.cache_max_mb * (1 << 20)))
    try:
        if args.action == "clear":
            count = cache.clear()
            print(f"cleared {count} cached answer{'s' if count != 1 else ''} from {cache.path}")
            return 0
        stats = {**cache.stats(), "enabled": settings.cache_enabled}
    finally:
        cache.close()
    if args.json:
        print_json(stats)
    else:
        for name in ("path", "enabled", "entries", "bytes", "max_bytes", "hits", "misses"):
            print(f"{name:10} {stats[name]}")
    return 0
