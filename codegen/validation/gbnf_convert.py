"""ANTLR grammar -> GBNF, the grammar notation OpenAI-compatible servers take.

llama.cpp's server (``grammar``), vLLM (``guided_grammar``, ``structured_outputs.grammar``)
and SGLang (``ebnf``) read GBNF: a grammar over characters, with no lexer. So every token
reference in a parser rule is followed by ``ws``, the skipped text (``-> skip`` and hidden
rules) repeated, and the code rule starts with ``ws`` too. What GBNF cannot say is left out
on the safe side: a skip rule it cannot express (a non-greedy comment) is simply not allowed,
and a token it cannot express (a Unicode property, a non-greedy loop) stops the conversion.
Without a lexer, keywords are not kept out of names, so the server may accept a little more
than ANTLR; every candidate is still validated.

Names: parser rules ``r-<name>``, tokens ``t-<name>``, all lower case with '-'.
"""

from __future__ import annotations

import re

from codegen.validation.g4 import Alt, AnyChar, CharSet, Lit, Node, Not, Ref, Rep, Seq
from codegen.validation.grammar_plan import Plan
from codegen.validation.lark_convert import (
    Names,
    Unsupported,
    alternatives,
    fold,
    negated_set,
    repeat,
)

_ATOM = re.compile(r'^([\w-]+|"[^"\\]*"|\[[^\]]*\])$')


class _Names(Names):
    """ANTLR names -> GBNF names (lower case and dashes)."""

    def __init__(self) -> None:
        super().__init__(reserved=("root", "ws"), sep="-")

    def get(self, kind: str, name: str) -> str:
        snake = re.sub(r"(?<=[a-z0-9])([A-Z])", r"-\1", name)
        return self.unique(
            kind, name, f"{kind}-" + re.sub(r"[^a-z0-9]+", "-", snake.lower()).strip("-")
        )


def _char(code: int, in_class: bool) -> str:
    char = chr(code)
    special = "^]-[\\" if in_class else '"\\'
    if char.isascii() and char.isprintable() and char not in special:
        return char
    return (
        f"\\x{code:02X}"
        if code < 0x100
        else f"\\u{code:04X}"
        if code < 0x10000
        else (f"\\U{code:08X}")
    )


def _class(node: CharSet, ci: bool) -> str:
    if node.props:
        raise Unsupported("a Unicode property class (\\p{...})")
    ranges = fold(node.ranges) if ci else list(node.ranges)
    if not ranges:
        return "[^\\x00]" if not node.negated else "[\\x00]"
    body = "".join(
        _char(lo, True) if lo == hi else f"{_char(lo, True)}-{_char(hi, True)}" for lo, hi in ranges
    )
    return f"[{'^' if node.negated else ''}{body}]"


class _Render:
    def __init__(self, plan: Plan, names: _Names) -> None:
        self.plan = plan
        self.names = names
        self.ci = plan.case_insensitive

    def lexer(self, node: Node) -> str:
        if isinstance(node, Lit):
            return self.literal(node.text)
        if isinstance(node, CharSet):
            return _class(node, self.ci)
        if isinstance(node, AnyChar):
            return "[^\\x00]"
        if isinstance(node, Not):
            return _class(negated_set(node.item), self.ci)
        if isinstance(node, Ref):
            return self.names.get("t", node.name)
        if isinstance(node, Seq):
            if any(isinstance(i, Rep) and not i.greedy and i.high is None for i in node.items):
                raise Unsupported("a non-greedy loop")
            parts = [self.lexer(i) for i in node.items]
            return " ".join(p for p in parts if p != '""') or '""'
        if isinstance(node, Alt):
            return alternatives([self.lexer(o) for o in node.options])
        if isinstance(node, Rep):
            return repeat(self.lexer(node.item), node.low, node.high, _ATOM)
        raise Unsupported(type(node).__name__)

    def literal(self, text: str) -> str:
        if not self.ci:
            return '"' + "".join(_char(ord(c), False) for c in text) + '"'
        parts = [
            f"[{c.lower()}{c.upper()}]"
            if c.isascii() and c.isalpha()
            else f'"{_char(ord(c), False)}"'
            for c in text
        ]
        return " ".join(parts) or '""'

    def parser(self, node: Node) -> str:
        if isinstance(node, Ref):
            if node.name[:1].isupper() or node.name.startswith("T__"):
                made = self.plan.producers.get(node.name, (node.name,))
                return alternatives([f"{self.names.get('t', t)} ws" for t in made])
            return self.names.get("r", node.name)
        if isinstance(node, Seq):
            parts = [p for p in (self.parser(i) for i in node.items) if p != '""']
            return " ".join(parts) if parts else '""'
        if isinstance(node, Alt):
            return alternatives([self.parser(o) for o in node.options])
        if isinstance(node, Rep):
            return repeat(self.parser(node.item), node.low, node.high, _ATOM)
        raise Unsupported(type(node).__name__)


def _no_left_recursion(name: str, body: Node) -> Node:
    """``a: a x | a y | b | c`` -> ``a: (b | c) (x | y)*``: GBNF engines (llama.cpp's among
    them) cannot follow left recursion, which ANTLR allows directly in a rule's alternatives
    (expressions). A tail that ends in ``a`` again (``a: a '+' a``) ends in the base instead:
    the same strings, without the ambiguity that makes a GBNF engine track many stacks."""
    options = body.options if isinstance(body, Alt) else (body,)
    tails: list[Node] = []
    bases: list[Node] = []
    for option in options:
        items = option.items if isinstance(option, Seq) else (option,)
        if items and items[0] == Ref(name):
            tails.append(Seq(tuple(items[1:])))  # its end fixed below, once the base is known
        else:
            bases.append(option)
    if not tails:
        return body
    if not bases:
        raise Unsupported(f"rule {name} only refers to itself")
    base = bases[0] if len(bases) == 1 else Alt(tuple(bases))
    tails = [_end_in(t, name, base) for t in tails]
    tail = tails[0] if len(tails) == 1 else Alt(tuple(tails))
    return Seq((base, Rep(tail, 0, None)))


def _end_in(tail: Node, name: str, base: Node) -> Node:
    items = tail.items if isinstance(tail, Seq) else (tail,)
    if items and items[-1] == Ref(name):
        return Seq((*items[:-1], base))
    return tail


def convert(plan: Plan) -> tuple[str, str, str]:
    """(GBNF text, code rule, '') or ('', '', why it does not convert)."""
    if plan.problems:
        return "", "", plan.problems[0]
    names = _Names()
    render = _Render(plan, names)
    lines: list[str] = []
    skips: list[str] = []
    try:
        for name, body in plan.fragments.items():
            lines.append(f"{names.get('t', name)} ::= {render.lexer(body)}")
        for term in plan.terminals:
            try:
                lines.append(f"{names.get('t', term.name)} ::= {render.lexer(term.body)}")
            except Unsupported:
                if not term.skip:
                    raise
                continue
            if term.skip:
                skips.append(names.get("t", term.name))
        rules = [
            f"{names.get('r', n)} ::= {render.parser(_no_left_recursion(n, b))}"
            for n, b in plan.rules.items()
        ]
    except Unsupported as exc:
        return "", "", str(exc)
    code = "cg-code"
    head = [f"{code} ::= ws {names.get('r', plan.start)}"]
    head.append(f"ws ::= ({' | '.join(skips)})*" if skips else 'ws ::= ""')
    return "\n".join(head + rules + lines) + "\n", code, ""
