"""``codegen check FILE... [-l LANG] [--syntax-only] [--json]``: check files like a compiler.

Two verdicts per file: *valid* (it parses) and, unless ``--syntax-only``, *compiles* (the
language's compiler accepts it; unknown where there is none, or it timed out). Prints
``path:line:col: error: message [tier]`` with the line and a caret for each problem, then
``path: valid, compiles [tiers]`` or ``path: valid, does not compile: E0599 … [tiers]``.
Exit 0 when every file is valid (and compiles, or has no compiler here), 1 when one is invalid
or does not compile, 2 for bad input, 3 when a checker or compiler timed out or crashed and no
file was found invalid or not compiling.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.text import Text

    from codegen.validation.base import Validation
    from codegen.validation.compiling import Compilation, Compiler
    from codegen.validation.inputs import Source


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "check",
        help="check that source files parse and compile",
        description="Validate files with tree-sitter and the languages' own checkers, then "
        "compile them (javac, rustc, gcc/g++, tsc, go vet, pyflakes) where a compiler is here.",
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="files to check ('-': stdin)")
    parser.add_argument("-l", "--language", metavar="LANG", help="language (python@3.8 ...)")
    parser.add_argument("--signature", metavar="SIG", help="a name the code must define")
    parser.add_argument(
        "--syntax-only", action="store_true", help="only check that the files parse"
    )
    parser.add_argument("--json", action="store_true", help="machine-readable output")


def run(args: argparse.Namespace) -> int:
    from codegen.cli.common import load_settings, print_json
    from codegen.errors import EXIT_NEGATIVE, EXIT_OK, EXIT_TOOL
    from codegen.execution.toolrunner import tool_runner
    from codegen.repair.pipeline import compile_timeout
    from codegen.validation.compile_tier import ToolCompiler
    from codegen.validation.inputs import load_source
    from codegen.validation.tiered import TieredValidator

    settings = load_settings(args)
    sources = [load_source(path, args.language) for path in args.files]
    runner = tool_runner(settings)  # checkers and compilers run confined in the sandbox
    validator = TieredValidator(timeout=settings.validation_timeout, runner=runner)
    checked = [
        (src, validator.validate(src.code, src.language, src.version, args.signature))
        for src in sources
    ]
    compiled: list[Compilation | None] = [None] * len(checked)
    if not args.syntax_only:
        compiled = compile_files(checked, ToolCompiler(runner, compile_timeout(settings)))
    rows = list(zip(checked, compiled, strict=True))
    if args.json:
        print_json(
            {
                "valid": all(v.valid for _, v in checked),
                "compiles": _all_compile([c for c in compiled if c is not None]),
                "files": [file_report(src, v, c) for (src, v), c in rows],
            }
        )
    else:
        from codegen.render import terminal

        terminal.write([line for (src, v), c in rows for line in render(src, v, c)])
    if not all(v.valid for _, v in checked) or any(c and c.compiles is False for c in compiled):
        return EXIT_NEGATIVE
    undecided = any(v.undecided for _, v in checked) or any(c and c.undecided for c in compiled)
    return EXIT_TOOL if undecided else EXIT_OK


def compile_files(
    checked: list[tuple[Source, Validation]], compiler: Compiler
) -> list[Compilation | None]:
    """The compile verdict of each valid file (None for an invalid one): one compiler run
    per language and version for all its files."""
    groups: dict[tuple[str, str | None], list[int]] = {}
    for index, (src, validation) in enumerate(checked):
        if validation.valid:
            groups.setdefault((src.language, src.version), []).append(index)
    out: list[Compilation | None] = [None] * len(checked)
    for (language, version), indexes in groups.items():
        codes = [checked[i][0].code for i in indexes]
        for i, verdict in zip(indexes, compiler.compile(codes, language, version), strict=True):
            out[i] = verdict
    return out


def _all_compile(compiled: list[Compilation]) -> bool | None:
    if any(c.compiles is False for c in compiled):
        return False
    return True if compiled and all(c.compiles for c in compiled) else None


def file_report(
    src: Source, validation: Validation, compilation: Compilation | None = None
) -> dict[str, Any]:
    diagnostics = [*validation.diagnostics, *(compilation.diagnostics if compilation else ())]
    return {
        "path": src.name,
        "language": src.language,
        "version": src.version,
        "valid": validation.valid,
        "compiles": compilation.compiles if compilation else None,
        "compiler": compilation.tool if compilation and compilation.tool else None,
        "compile_note": compilation.note if compilation else "",
        "diagnostics": [d.to_dict() for d in diagnostics],
        "validators": list(validation.validators),
        "undecided": list(validation.undecided),
    }


def render(
    src: Source, validation: Validation, compilation: Compilation | None = None
) -> list[Text]:
    """Compiler-style lines for one file, then 'path: valid, compiles [tiers]' (or why not)."""
    from codegen.render import blocks

    shown = [*validation.diagnostics, *(compilation.diagnostics if compilation else ())]
    out = blocks.diagnostics(shown, src.name, src.code, limit=None)
    if validation.valid:
        tiers = list(validation.validators)
        ran = compilation is not None and compilation.compiles is not None
        if compilation and ran and compilation.tool not in tiers:
            tiers.append(compilation.tool)
        out.append(blocks.verdict_line(src.name, "valid" + _compile_verdict(compilation), tiers))
    return out


def _compile_verdict(compilation: Compilation | None) -> str:
    if compilation is None or not compilation.tool:
        return ""  # --syntax-only, or no compiler for the language
    if compilation.compiles:
        return ", compiles"
    if compilation.compiles is False:
        first = next((d for d in compilation.diagnostics if d.severity == "error"), None)
        return ", does not compile" + (f": {first.message}" if first else "")
    return f", compiles: unknown ({compilation.note})"
