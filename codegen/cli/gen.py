"""``codegen gen DESCRIPTION``: generate, validate, repair and rank; show or save the code."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from codegen.cli.common import add_generation_flags

if TYPE_CHECKING:
    from codegen.assistant import Assistant
    from codegen.config import Settings
    from codegen.types import GenerationRequest, Result


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "gen",
        help="generate code from a description",
        description="Generate code from a natural-language description.",
    )
    parser.add_argument("description", help="what the code should do")
    add_generation_flags(parser)
    from codegen.cli.exec_flags import add_exec_flags

    add_exec_flags(parser)
    parser.add_argument("--json", action="store_true", help="print one JSON object (the schema)")
    parser.add_argument("--out", metavar="DIR", help="write one file per candidate into DIR")
    parser.add_argument(
        "--show-invalid", action="store_true", help="also show candidates that failed validation"
    )
    parser.add_argument(
        "--no-cache", action="store_true", help="do not answer from (or store in) the cache"
    )
    parser.add_argument(
        "--json-schema",
        dest="json_schema",
        metavar="FILE|JSON",
        help="JSON Schema the json answers must follow (a file, or the schema itself)",
    )


def resolve_args(args: argparse.Namespace) -> tuple[Settings, GenerationRequest]:
    """This command's settings and request: its flags, the config file, the environment."""
    from codegen.cli.common import resolve_args as resolve
    from codegen.cli.exec_flags import exec_values

    extra = exec_values(args)
    if args.no_cache:
        extra["cache.enabled"] = False
    if args.json_schema is not None:
        extra["json_schema"] = _schema_text(args.json_schema)
    return resolve(args, description=args.description, **extra)


def _schema_text(given: str) -> str:
    """``--json-schema``: the schema itself when it looks like a JSON object, else a file."""
    if given.lstrip().startswith("{"):
        return given
    from codegen import textfiles

    return textfiles.read_text(Path(given), 1 << 20, "--json-schema")


def run(args: argparse.Namespace) -> int:
    from codegen.assistant import Assistant
    from codegen.backends.factory import check_spec
    from codegen.cli.common import AssemblyProgress, print_json
    from codegen.cli.exec_flags import check_exec, write_explanation
    from codegen.errors import EXIT_NEGATIVE, EXIT_OK
    from codegen.render import blocks, terminal

    settings, request = resolve_args(args)
    check_exec(args, settings, request)
    check_spec(request.model or settings.model)
    from codegen.prompting.context import check_item

    for item in request.context:
        check_item(item, "--context")
    out_dir = Path(args.out) if args.out else None
    if out_dir is not None:
        _check_out_dir(out_dir)
    progress = AssemblyProgress()
    assistant = Assistant(settings, progress=progress, interface="cli")
    try:
        if not args.json and _streams(settings.color):
            result = _generate_live(assistant, request, settings.color)
        else:
            result = assistant.generate(request)
    finally:
        progress.close()
    for warning in result.warnings:
        print(f"codegen: warning: {warning}", file=sys.stderr)
    if out_dir is not None:
        _write_files(result, out_dir)
    if args.json:
        print_json(result.to_dict())
    else:
        terminal.write(
            blocks.result(result, show_invalid=args.show_invalid), setting=settings.color
        )
    if args.explain:
        write_explanation(result, settings, sys.stderr if args.json else sys.stdout)
    return EXIT_NEGATIVE if result.languages_without_valid() else EXIT_OK


def _streams(setting: str) -> bool:
    """Progress is shown as it happens only on a terminal (piped output stays unchanged)."""
    return sys.stdout.isatty() and os.environ.get("TERM") != "dumb" and setting != "never"


def _generate_live(assistant: Assistant, request: GenerationRequest, color_setting: str) -> Result:
    """The request's result, with the first candidate's code and a status line per language
    shown on the terminal while it runs (cleared before the result is printed)."""
    from codegen import events as ev
    from codegen.render.live import LiveView
    from codegen.render.terminal import use_color

    view = LiveView(sys.stdout, use_color(sys.stdout, color_setting))
    try:
        for event in assistant.stream(request, tokens=True):
            view.update(event)
            if isinstance(event, ev.Finished):
                return event.result
            if isinstance(event, ev.Failed):
                raise event.error
    finally:
        view.stop()
    raise RuntimeError("generation ended without a result")  # pragma: no cover


def _check_out_dir(out_dir: Path) -> None:
    from codegen.errors import InputError

    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"--out {out_dir}: exists and is not a directory")


def _write_files(result: Any, out_dir: Path) -> None:
    from codegen import languages
    from codegen.fsutil import atomic_write_text

    for cand in result.candidates:
        ext = languages.get(cand.language).extension
        atomic_write_text(out_dir / f"{cand.id}{ext}", cand.code.rstrip("\n") + "\n")
