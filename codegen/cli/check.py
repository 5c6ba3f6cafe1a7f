"""``codegen check FILE... [-l LANG] [--json]``: syntax-check files like a compiler would.

Prints ``path:line:col: message [tier]`` with the line and a caret. Exit 0 when every file is
valid, 1 when one is not, 2 for bad input, 3 when a checker timed out or crashed and no
file was found invalid.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from codegen.types import Diagnostic
    from codegen.validation.base import Validation
    from codegen.validation.inputs import Source


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "check",
        help="syntax-check source files",
        description="Validate files with tree-sitter and the languages' own checkers.",
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="files to check ('-': stdin)")
    parser.add_argument("-l", "--language", metavar="LANG", help="language (python@3.8 ...)")
    parser.add_argument("--signature", metavar="SIG", help="a name the code must define")
    parser.add_argument("--json", action="store_true", help="machine-readable output")


def run(args: argparse.Namespace) -> int:
    from codegen.cli.common import load_settings, print_json
    from codegen.errors import EXIT_NEGATIVE, EXIT_OK, EXIT_TOOL
    from codegen.execution.toolrunner import tool_runner
    from codegen.validation.inputs import read_source
    from codegen.validation.tiered import TieredValidator

    settings = load_settings(args)
    sources = [read_source(path, args.language) for path in args.files]
    validator = TieredValidator(timeout=settings.validation_timeout, runner=tool_runner(settings))
    checked = [
        (src, validator.validate(src.code, src.language, src.version, args.signature))
        for src in sources
    ]
    if args.json:
        print_json(
            {
                "valid": all(v.valid for _, v in checked),
                "files": [file_report(src, v) for src, v in checked],
            }
        )
    else:
        for src, validation in checked:
            print(render(src, validation), end="")
    if not all(v.valid for _, v in checked):
        return EXIT_NEGATIVE
    return EXIT_TOOL if any(v.undecided for _, v in checked) else EXIT_OK


def file_report(src: Source, validation: Validation) -> dict[str, Any]:
    return {
        "path": src.name,
        "language": src.language,
        "version": src.version,
        "valid": validation.valid,
        "diagnostics": [d.to_dict() for d in validation.diagnostics],
        "validators": list(validation.validators),
        "undecided": list(validation.undecided),
    }


def render(src: Source, validation: Validation) -> str:
    """Compiler-style lines for one file; 'path: valid [tiers]' when there is nothing to say."""
    lines = src.code.split("\n")
    out = []
    for d in validation.diagnostics:
        out.append(_diagnostic(src.name, lines, d))
    if validation.valid:
        out.append(f"{src.name}: valid [{', '.join(validation.validators)}]\n")
    return "".join(out)


def _diagnostic(name: str, lines: list[str], d: Diagnostic) -> str:
    kind = "" if d.severity == "error" else "warning: "
    head = f"{name}:{d.line}:{d.column}: {kind}{d.message} [{d.source}]\n"
    if d.severity != "error" or not 1 <= d.line <= len(lines):
        return head
    text = lines[d.line - 1].replace("\t", " ")
    caret = " " * min(max(d.column - 1, 0), len(text)) + "^"
    return f"{head}  {text}\n  {caret}\n"
