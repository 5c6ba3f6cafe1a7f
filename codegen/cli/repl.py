"""``codegen repl``: the interactive session (also plain ``codegen`` on a terminal)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from codegen.cli.common import add_generation_flags

if TYPE_CHECKING:
    from codegen.config import Settings
    from codegen.types import GenerationRequest


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "repl",
        help="interactive session: describe, see ranked candidates, save them",
        description="Interactive code generation. Type a description and press Enter; "
        "/help lists the commands.",
    )
    add_generation_flags(parser)


def resolve_args(args: argparse.Namespace) -> tuple[Settings, GenerationRequest]:
    """The session's settings (every turn's request comes from them, ``ReplState``) and the
    checked fields of its first request: the same flags and checks as ``codegen gen``."""
    from codegen.cli.common import resolve_args as resolve

    return resolve(args)


def run(args: argparse.Namespace) -> int:
    import sys

    from codegen.backends.factory import check_spec
    from codegen.errors import UsageError

    settings, start = resolve_args(args)
    check_spec(settings.model)
    if not sys.stdin.isatty():
        raise UsageError("repl: needs a terminal on stdin; use 'codegen gen' in scripts")
    from codegen.repl.app import ReplApp

    app = ReplApp(settings, context=start.context, signature=start.signature)
    return app.run()
