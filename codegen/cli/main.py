"""``codegen`` entry point: parses flags, dispatches to a command module, maps errors to exit codes.

Command modules import only argparse-level things at module level so ``codegen --help``
stays fast; each imports its heavy machinery inside ``run``.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Sequence
from types import ModuleType

from codegen.version import __version__

# Command name -> module under codegen.cli. Each module defines register(subparsers) and run(args).
COMMANDS: dict[str, str] = {
    "gen": "gen",
    "config": "config_cmd",
    "model": "model",
    "eval": "eval",
    "grammar": "grammar",
    "cache": "cache",
    "audit": "audit",
    "batch": "batch",
    "serve": "serve",
    "repl": "repl",
    "check": "check",
    "repair": "repair",
    "languages": "languages",
}


def _module(name: str) -> ModuleType:
    return importlib.import_module(f"codegen.cli.{COMMANDS[name]}")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="codegen",
        description="Natural-language code generation with syntax validation, repair and ranking.",
    )
    parser.add_argument("--version", action="version", version=f"codegen {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks and debug logs")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        _module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if not args_list and sys.stdin.isatty() and "repl" in COMMANDS:
        args_list = ["repl"]
    args = parser.parse_args(args_list)
    if args.command is None:
        parser.print_help()
        return 2
    logging.basicConfig(
        level=logging.DEBUG if args.debug else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    from codegen.redact import RedactingFilter

    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactingFilter())
    return run_command(args)


def run_command(args: argparse.Namespace) -> int:
    from codegen.errors import EXIT_INTERRUPTED, EXIT_TOOL, CodegenError
    from codegen.redact import redact

    try:
        # users' grammars (`codegen grammar add`) are languages for every command (imported
        # here, not at the top, so that `codegen --help` stays fast)
        from codegen.validation import antlr_user

        antlr_user.register_all()
        code: int = _module(args.command).run(args)
        sys.stdout.flush()
        return code
    except CodegenError as exc:
        if args.debug:
            raise
        print(f"codegen: error: {redact(str(exc))}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("codegen: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return _quiet_pipe()
    except Exception as exc:  # the tool failed in a way no check foresaw: exit 3, one line
        if args.debug:
            raise
        detail = redact(str(exc).splitlines()[0]) if str(exc).strip() else ""
        print(
            f"codegen: internal error: {type(exc).__name__}{': ' + detail if detail else ''} "
            "(rerun with --debug for the traceback)",
            file=sys.stderr,
        )
        return EXIT_TOOL


def _quiet_pipe() -> int:
    """Output piped into `head`: end quietly, and keep Python from complaining at exit."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return 0
