"""The shape of a constrained answer: one fenced code block of the target language.

``lark_answer`` wraps a code grammar (llguidance's Lark) and ``gbnf_answer`` a GBNF one into a
grammar of the whole answer: optionally some prose that holds no fence, then
"```<tag>" and a newline, the code, a newline and "```". Extraction therefore always finds the
block (``codegen.prompting.extract`` wants each fence on a line of its own).

Whether prose may come first is the ``prose`` flag; ``benchmarks/constrained.py`` measures
both ways and ``codegen.validation.constraints`` holds the default that came out of it.
"""

from __future__ import annotations

import json
from typing import Any

# Prose: any text without three backticks in a row, then the fence. One lexeme, so that the
# lexer never has to guess where the prose stops.
_NO_FENCE = r"/(?s:.*)/ & ~/(?s:.*)```(?s:.*)/"


def lark_answer(code: str, rule: str, tag: str, prose: bool) -> str:
    """The Lark grammar of an answer whose code is ``rule`` of the Lark grammar ``code``."""
    opening = f'"```{tag}\\n"'
    lines = [
        f"start: CG_OPEN {rule} CG_CLOSE",
        f"CG_OPEN: ({_NO_FENCE}) {opening}" if prose else f"CG_OPEN: {opening}",
        'CG_CLOSE: "\\n```" "\\n"?',
    ]
    return "\n".join(lines) + "\n" + code


def lark_json_schema(schema: dict[str, Any]) -> tuple[str, str]:
    """A Lark code grammar for JSON that follows ``schema`` (llguidance's ``%json``)."""
    return f"cg_json: %json {json.dumps(schema)}\n", "cg_json"


def gbnf_answer(code: str, rule: str, tag: str, prose: bool) -> str:
    """The GBNF grammar of an answer whose code is ``rule`` of the GBNF grammar ``code``."""
    head = "cg-prose? " if prose else ""
    lines = [f'root ::= {head}"```{tag}\\n" {rule} "\\n```"']
    if prose:
        lines.append('cg-prose ::= ([^`] | "`" [^`] | "``" [^`])+')
    return "\n".join(lines) + "\n" + code
