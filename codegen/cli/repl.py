"""``codegen repl``: the interactive session (also plain ``codegen`` on a terminal)."""

from __future__ import annotations

import argparse
from typing import Any

from codegen import signatures
from codegen.cli.common import add_generation_flags


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "repl",
        help="interactive session: describe, see ranked candidates, save them",
        description="Interactive code generation. Type a description and press Enter; "
        "/help lists the commands.",
    )
    add_generation_flags(parser)


def run(args: argparse.Namespace) -> int:
    import sys

    from codegen import config
    from codegen.backends.factory import check_spec
    from codegen.errors import UsageError
    from codegen.requests import build_request

    flags: dict[str, Any] = {
        name: getattr(args, name)
        for name in ("model", "n", "temperature", "top_p", "max_tokens", "seed")
        if getattr(args, name, None) is not None
    }
    if args.languages:
        flags["languages"] = [p.strip() for item in args.languages for p in item.split(",")]
    settings = config.load(flags)
    probe = build_request({"description": "probe"}, settings)  # same errors as `codegen gen`
    if args.languages:
        settings = settings.with_overrides({"languages": [str(s) for s in probe.languages]}, "flag")
    check_spec(settings.model)
    if not sys.stdin.isatty():
        raise UsageError("repl: needs a terminal on stdin; use 'codegen gen' in scripts")
    from codegen.repl.app import ReplApp

    signature = signatures.from_args(args.signature)
    app = ReplApp(settings, context=tuple(args.context or ()), signature=signature)
    return app.run()
