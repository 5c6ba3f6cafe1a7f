"""``codegen grammar add|list|remove``: teach codegen a language from an ANTLR grammar."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "grammar",
        help="add, list or remove your own ANTLR grammars (DSLs)",
        description="Generate a parser from an ANTLR 4 grammar and register it as a language, "
        "so gen, check, the REPL and the server accept it. Adding needs Java 17+.",
    )
    actions = parser.add_subparsers(dest="grammar_action", metavar="ACTION")
    add = actions.add_parser("add", help="generate a parser for a grammar and register it")
    add.add_argument("grammar", metavar="PATH.g4", help="combined or parser grammar")
    add.add_argument("lexer", metavar="LEXER.g4", nargs="?", help="lexer grammar (split grammars)")
    add.add_argument("--name", required=True, help="language name to register (e.g. rules)")
    add.add_argument("--start", metavar="RULE", help="entry rule (default: the first rule)")
    add.add_argument("--examples", metavar="FILE.yaml", help="few-shot examples for prompts")
    add.add_argument("--extension", metavar="EXT", help="file extension (default: .NAME)")
    listing = actions.add_parser("list", help="show the grammars added")
    listing.add_argument("--json", action="store_true", help="print one JSON object")
    remove = actions.add_parser("remove", help="remove an added grammar")
    remove.add_argument("name")
    parser.set_defaults(grammar_parser=parser)


def run(args: argparse.Namespace) -> int:
    from codegen.validation import antlr_user

    action = getattr(args, "grammar_action", None)
    if action == "add":
        manifest = antlr_user.add(
            antlr_user.AddRequest(
                grammar=Path(args.grammar),
                lexer=Path(args.lexer) if args.lexer else None,
                name=args.name,
                start=args.start,
                examples=Path(args.examples) if args.examples else None,
                extension=args.extension,
            )
        )
        sys.stdout.write(
            f"added grammar '{manifest.name}' (start rule '{manifest.start}', "
            f"extension {manifest.extension}"
            f"{', with examples' if manifest.examples else ''}) in {manifest.folder}\n"
        )
        _say_conversion(manifest.name)
        return 0
    if action == "list":
        return _list(args)
    if action == "remove":
        removed = antlr_user.remove(args.name)
        sys.stdout.write(f"removed grammar '{removed.name}'\n")
        return 0
    args.grammar_parser.print_help(sys.stderr)
    return 2


def _say_conversion(name: str) -> None:
    """One line: whether decoding can be constrained to the grammar, and if not, why."""
    from codegen.validation import antlr_user

    converted = antlr_user.code_grammar(name)
    if converted.ok:
        sys.stdout.write(
            f"converted to llguidance's Lark: decoding of {name} is constrained to the grammar "
            "(--constrain auto|on)\n"
        )
        return
    sys.stderr.write(
        f"codegen: warning: grammar '{name}': decoding will not be constrained: "
        f"{converted.summary()}; candidates are validated and repaired instead\n"
    )


def _list(args: argparse.Namespace) -> int:
    from codegen.cli.common import print_json
    from codegen.validation import antlr_user

    found = antlr_user.list_grammars()
    if args.json:
        print_json(
            {
                "grammars": [
                    {
                        "name": m.name,
                        "start": m.start,
                        "extension": m.extension,
                        "sources": list(m.sources),
                        "examples": m.examples,
                        "path": str(m.folder),
                        "constrained": antlr_user.code_grammar(m.name).ok,
                    }
                    for m in found
                ]
            }
        )
        return 0
    if not found:
        sys.stdout.write("no grammars added (codegen grammar add PATH.g4 --name NAME)\n")
    for m in found:
        extra = ", examples" if m.examples else ""
        extra += ", constrained" if antlr_user.code_grammar(m.name).ok else ""
        sys.stdout.write(f"{m.name}\tstart={m.start}\t{m.extension}{extra}\t{m.folder}\n")
    return 0
