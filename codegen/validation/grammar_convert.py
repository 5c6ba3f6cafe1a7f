"""Convert an ANTLR grammar (one combined file, or a parser and its lexer) for constrained
decoding: llguidance's Lark for the llama.cpp backend, GBNF for servers.

``convert`` reads the ``.g4`` texts, plans them (``grammar_plan``) and renders both notations;
``check_examples`` runs the grammar's examples through the converted Lark grammar, which must
accept every one of them (they all parse with ANTLR already). A grammar that does not convert,
or rejects an example, keeps its ``problems`` and is validated and repaired as before.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from codegen.validation import g4, gbnf_convert, grammar_plan, lark_convert


@dataclass(frozen=True)
class CodeGrammar:
    """The converted grammar of a language's code; ``problems`` say why there is none."""

    lark: str = ""
    rule: str = ""
    gbnf: str = ""
    gbnf_rule: str = ""
    problems: tuple[str, ...] = ()
    gbnf_problem: str = ""

    @property
    def ok(self) -> bool:
        return bool(self.lark) and not self.problems

    def summary(self) -> str:
        """One line: what the problems are (the first three), for warnings."""
        shown = "; ".join(self.problems[:3])
        more = len(self.problems) - 3
        return shown + (f" (and {more} more)" if more > 0 else "")

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1) + "\n"

    @classmethod
    def from_json(cls, text: str) -> CodeGrammar:
        raw = json.loads(text)
        raw["problems"] = tuple(raw.get("problems", ()))
        return cls(**raw)


def convert(sources: Sequence[tuple[str, str]], start: str | None = None) -> CodeGrammar:
    """``sources``: (file name, text) of each ``.g4`` file (a combined grammar, or a parser
    grammar and its lexer grammar in either order)."""
    try:
        trees = [g4.parse(text, name) for name, text in sources]
    except g4.G4Error as exc:
        return CodeGrammar(problems=(f"cannot read the grammar: {exc}",))
    plan = grammar_plan.plan(trees, start)
    lark = lark_convert.convert(plan)
    if not lark.ok:
        return CodeGrammar(problems=lark.problems)
    gbnf, gbnf_rule, why = gbnf_convert.convert(plan)
    return CodeGrammar(lark.lark, lark.rule, gbnf, gbnf_rule, gbnf_problem=why)


def convert_files(paths: Sequence[Path], start: str | None = None) -> CodeGrammar:
    return convert([(p.name, p.read_text(encoding="utf-8")) for p in paths], start)


def check_examples(grammar: CodeGrammar, codes: Sequence[str]) -> CodeGrammar:
    """``grammar`` with a problem for each example its Lark form rejects (at most three)."""
    if not grammar.ok:
        return grammar
    rejected = []
    for index, code in enumerate(codes, 1):
        why = lark_convert.accepts(grammar.lark, grammar.rule, code)
        if why:
            rejected.append(f"the converted grammar rejects examples[{index}] ({why})")
            if len(rejected) == 3:
                break
    if not rejected:
        return grammar
    return CodeGrammar(problems=tuple(rejected))
