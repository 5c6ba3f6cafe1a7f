"""ANTLR grammar -> llguidance's Lark dialect, for grammar-constrained decoding.

Lexer rules become terminals (regular expressions, one lexeme each), fragments terminals they
use, parser rules CFG rules, and ``skip`` or hidden-channel rules one ``%ignore``. ANTLR's
lexer picks the longest match and, between equally long ones, the rule written first; the
Earley lexer of llguidance only knows the longest match, so a terminal that an earlier rule
can also match has those strings taken out with llguidance's and-not operators
(``T_IDENTIFIER: (...) & ~(T_SELECT | T_FROM | ...)``): a keyword then never stands where a
name is expected. Which earlier rules overlap is found by asking llguidance itself, on a
tokenizer of single bytes. A non-greedy loop (``'/*' .*? '*/'``) becomes "anything that does
not contain what follows, then what follows".

Names are prefixed so that no ANTLR name can clash with the answer's own rules: tokens
``T_<NAME>``, parser rules ``r_<name>``. ``Converted.rule`` is the rule the code starts at;
the grammar defines no ``start`` (the answer's shape adds it, see
``codegen.validation.fenced``).

One difference stays: llguidance's lexer only considers the lexemes the parser can take at a
point, so two tokens that ANTLR's lexer would read as one longer token (``SELECTa``) can be
produced side by side. Every candidate is still validated.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from codegen.validation import fenced
from codegen.validation.g4 import Alt, AnyChar, CharSet, Code, Lit, Node, Not, Ref, Rep, Seq
from codegen.validation.grammar_plan import Plan, Terminal

ANY = "/(?s:.)/"
_PLAIN = re.compile(r"^[ !#-\[\]-~]+$")  # printable ASCII without '"' and '\'
_WORD = re.compile(r"^[A-Za-z0-9_]$")


class Unsupported(Exception):
    """A construct of the grammar this renderer cannot express."""


@dataclass(frozen=True)
class Converted:
    """A converted grammar, or why there is none (``problems``)."""

    lark: str = ""
    rule: str = ""
    problems: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return bool(self.lark) and not self.problems


class Names:
    """ANTLR names -> Lark names, unique and in Lark's case rules. ``unique`` serves other
    output syntaxes too (``gbnf_convert``): ``reserved`` names are never given out, and a
    taken name gets ``sep`` and a number."""

    def __init__(self, reserved: tuple[str, ...] = (), sep: str = "_") -> None:
        self._map: dict[tuple[str, str], str] = {}
        self._used: set[str] = set(reserved)
        self._sep = sep

    def term(self, name: str) -> str:
        return self.unique("T", name, "T_" + re.sub(r"\W", "_", name).upper())

    def rule(self, name: str) -> str:
        snake = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()
        return self.unique("r", name, "r_" + re.sub(r"\W", "_", snake))

    def unique(self, kind: str, name: str, wanted: str) -> str:
        """The output name of ANTLR name ``name`` of ``kind``: ``wanted`` unless taken."""
        key = (kind, name)
        if key not in self._map:
            candidate, k = wanted, 2
            while candidate in self._used:
                candidate, k = f"{wanted}{self._sep}{k}", k + 1
            self._used.add(candidate)
            self._map[key] = candidate
        return self._map[key]


def escape_char(code: int) -> str:
    char = chr(code)
    return char if _WORD.match(char) else f"\\x{{{code:X}}}"


def fold(ranges: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """``ranges`` plus the other case of every ASCII letter in them."""
    out = list(ranges)
    for low, high in ranges:
        for first, last, shift in ((65, 90, 32), (97, 122, -32)):
            lo, hi = max(low, first), min(high, last)
            if lo <= hi:
                out.append((lo + shift, hi + shift))
    return out


def char_class(node: CharSet, case_insensitive: bool, negate: bool = False) -> str:
    ranges = fold(node.ranges) if case_insensitive else list(node.ranges)
    parts = [
        escape_char(lo) if lo == hi else f"{escape_char(lo)}-{escape_char(hi)}" for lo, hi in ranges
    ]
    parts += list(node.props)
    if not parts:
        return "(?s:.)" if node.negated != negate else "[^\\x{0}-\\x{10FFFF}]"
    return f"[{'^' if node.negated != negate else ''}{''.join(parts)}]"


def negated_set(node: Node) -> CharSet:
    """``~x`` in a lexer rule: x must be a set of single characters."""
    sets = node.options if isinstance(node, Alt) else (node,)
    ranges: list[tuple[int, int]] = []
    props: list[str] = []
    for item in sets:
        if isinstance(item, Lit) and len(item.text) == 1:
            ranges.append((ord(item.text), ord(item.text)))
        elif isinstance(item, CharSet) and not item.negated:
            ranges += item.ranges
            props += item.props
        else:
            raise Unsupported("'~' of something other than single characters")
    return CharSet(tuple(ranges), negated=True, props=tuple(props))


class _Lexer:
    """Lexer rule bodies -> Lark terminal expressions."""

    def __init__(self, names: Names, case_insensitive: bool) -> None:
        self.names = names
        self.ci = case_insensitive

    def render(self, node: Node, top: bool = False) -> str:
        if isinstance(node, Lit):
            return self.literal(node.text)
        if isinstance(node, CharSet):
            return f"/{char_class(node, self.ci)}/"
        if isinstance(node, AnyChar):
            return ANY
        if isinstance(node, Ref):
            return self.names.term(node.name)
        if isinstance(node, Not):
            return f"/{char_class(negated_set(node.item), self.ci)}/"
        if isinstance(node, Seq):
            return self.seq(list(node.items), top)
        if isinstance(node, Alt):
            return alternatives([self.render(o) for o in node.options])
        if isinstance(node, Rep):
            return repeat(self.render(node.item), node.low, node.high)
        raise Unsupported(f"{node.kind} at {node.where}" if isinstance(node, Code) else str(node))

    def literal(self, text: str) -> str:
        if _PLAIN.match(text):
            return f'"{text}"{"i" if self.ci else ""}'
        body = "".join(escape_char(ord(c)) for c in text)
        return f"/(?i:{body})/" if self.ci else f"/{body}/"

    def seq(self, items: list[Node], top: bool) -> str:
        out: list[str] = []
        for i, item in enumerate(items):
            if isinstance(item, Rep) and not item.greedy and item.high is None:
                rest = items[i + 1 :]
                loop = repeat(self.render(item.item), item.low, None)
                if not rest:
                    if not top:
                        raise Unsupported("a non-greedy loop at the end of a block")
                    out.append(repeat(self.render(item.item), item.low, item.low or 0))
                    break
                tail = self.seq(rest, top)
                out.append(f"(({loop}) & ~(/(?s:.*)/ {tail} /(?s:.*)/)) {tail}")
                break
            out.append(self.render(item))
        return " ".join(out) if out else '""'


def alternatives(options: list[str]) -> str:
    kept = [o for o in options if o != '""']
    if not kept:
        return '""'
    body = kept[0] if len(kept) == 1 else "(" + " | ".join(kept) + ")"
    return f"({body})?" if len(kept) < len(options) else body


_ATOM = re.compile(r'^(\w+|"[^"\\]*"i?|/[^/]*/)$')


def repeat(item: str, low: int, high: int | None, atom_re: re.Pattern[str] = _ATOM) -> str:
    """``item`` repeated ``low`` to ``high`` (None: unbounded) times."""
    if item == '""' or (low, high) == (1, 1):
        return item
    atom = item if atom_re.match(item) else f"({item})"
    suffix = {(0, 1): "?", (0, None): "*", (1, None): "+"}.get((low, high))
    return atom + (suffix or f"{{{low},{'' if high is None else high}}}")


class _Parser:
    """Parser rule bodies (tokens already resolved by the plan) -> Lark rule expressions."""

    def __init__(self, names: Names, producers: dict[str, tuple[str, ...]]) -> None:
        self.names = names
        self.producers = producers

    def render(self, node: Node) -> str:
        if isinstance(node, Ref):
            if node.name[:1].isupper() or node.name.startswith("T__"):
                made = self.producers.get(node.name, (node.name,))
                return alternatives([self.names.term(t) for t in made])
            return self.names.rule(node.name)
        if isinstance(node, Seq):
            parts = [p for p in (self.render(i) for i in node.items) if p != '""']
            return " ".join(parts) if parts else '""'
        if isinstance(node, Alt):
            return alternatives([self.render(o) for o in node.options])
        if isinstance(node, Rep):
            return repeat(self.render(node.item), node.low, node.high)
        raise Unsupported(f"{type(node).__name__} in a parser rule")


def convert(plan: Plan) -> Converted:
    """The Lark text of ``plan``, or the problems that stop it."""
    if plan.problems:
        return Converted(problems=plan.problems)
    if plan.start not in plan.rules:
        return Converted(problems=(f"no parser rule '{plan.start}' to start from",))
    names = Names()
    lexer = _Lexer(names, plan.case_insensitive)
    try:
        bodies = {t.name: lexer.render(t.body, top=True) for t in plan.terminals}
        fragments = {n: lexer.render(b, top=True) for n, b in plan.fragments.items()}
        rules = {n: _Parser(names, plan.producers).render(b) for n, b in plan.rules.items()}
    except Unsupported as exc:
        return Converted(problems=(str(exc),))
    base = [f"{names.term(n)}: {b}" for n, b in {**fragments, **bodies}.items()]
    try:
        exclude = _overlaps(plan.terminals, base, names, plan.case_insensitive)
    except ValueError as exc:
        return Converted(problems=(f"llguidance rejects the converted lexer: {exc}",))
    lines = [f"// {plan.name}: converted from ANTLR by codegen; the code starts at "
             f"{names.rule(plan.start)}"]  # fmt: skip
    lines += [f"{names.rule(n)}: {b}" for n, b in rules.items()]
    lines += [f"{names.term(n)}: {b}" for n, b in fragments.items()]
    for term in plan.terminals:
        body = bodies[term.name]
        if exclude.get(term.name):
            body = f"({body}) & ~({' | '.join(exclude[term.name])})"
        lines.append(f"{names.term(term.name)}: {body}")
    skipped = [names.term(t.name) for t in plan.terminals if t.skip]
    if skipped:
        lines.append(f"%ignore {' | '.join(skipped)}")
    return Converted("\n".join(lines) + "\n", names.rule(plan.start))


def _overlaps(
    terminals: Sequence[Terminal], base: list[str], names: Names, ci: bool
) -> dict[str, list[str]]:
    """For each terminal, the earlier terminals that match some of its strings."""
    probe = _Probe("\n".join(base))
    out: dict[str, list[str]] = {}
    for index, term in enumerate(terminals):
        for earlier in terminals[:index]:
            if _overlap(probe, term, earlier, names, ci):
                out.setdefault(term.name, []).append(names.term(earlier.name))
    return out


def _overlap(probe: _Probe, term: Terminal, earlier: Terminal, names: Names, ci: bool) -> bool:
    a, b = term.body, earlier.body
    if isinstance(a, Lit) and isinstance(b, Lit):
        return a.text.lower() == b.text.lower() if ci else a.text == b.text
    if isinstance(b, Lit):
        return probe.matches(names.term(term.name), b.text, ci)
    if isinstance(a, Lit):
        return probe.matches(names.term(earlier.name), a.text, ci)
    return probe.intersects(names.term(term.name), names.term(earlier.name))


class _Probe:
    """Questions about terminals, answered by llguidance on a tokenizer of single bytes."""

    def __init__(self, definitions: str) -> None:
        self.definitions = definitions
        self._matchers: dict[str, Any] = {}

    def _matcher(self, start: str, extra: str = "") -> Any:
        import llguidance

        grammar = llguidance.LLMatcher.grammar_from_lark(
            f"start: {start}\n{self.definitions}\n{extra}"
        )
        error = llguidance.LLMatcher.validate_grammar(grammar, byte_tokenizer())
        if error:
            raise ValueError(error.splitlines()[0])
        return llguidance.LLMatcher(byte_tokenizer(), grammar, log_level=0)

    def matches(self, terminal: str, text: str, ci: bool) -> bool:
        """Does ``terminal`` match all of ``text`` (in some letter case, when ``ci``)?"""
        matcher = self._matchers.get(terminal)
        if matcher is None:
            matcher = self._matchers[terminal] = self._matcher(terminal)
        for variant in {text, text.lower(), text.upper()} if ci else {text}:
            data = list(variant.encode("utf-8"))
            taken = matcher.try_consume_tokens(data)
            whole = taken == len(data) and matcher.is_accepting()
            matcher.rollback(taken)
            if whole:
                return True
        return False

    def intersects(self, first: str, second: str) -> bool:
        matcher = self._matcher("CG_PROBE", f"CG_PROBE: {first} & {second}")
        if matcher.is_accepting():
            return True
        mask = matcher.compute_bitmask()
        return any(mask[:32])  # a byte (tokens 0-255) can start a common string


@cache
def byte_tokenizer() -> Any:
    """An llguidance tokenizer whose tokens are the 256 bytes (and an end token): enough to
    ask a grammar about text, without any model."""
    import llguidance

    class _Bytes:
        eos_token_id = 256
        bos_token_id = None

        def __init__(self) -> None:
            self.tokens = [bytes([i]) for i in range(256)] + [b"\xff<eos>"]
            self.special_token_ids = [256]

        def __call__(self, text: str | bytes) -> list[int]:
            return list(text.encode("utf-8") if isinstance(text, str) else text)

    return llguidance.LLTokenizer(llguidance.TokenizerWrapper(_Bytes()), slices=[])


def accepts(lark: str, rule: str, code: str) -> str:
    """'' when ``code``, as the one fenced block of an answer, matches ``rule`` of ``lark``;
    else where it was rejected (line:column of the code)."""
    import llguidance

    answer = fenced.lark_answer(lark, rule, "code", prose=False)
    matcher = llguidance.LLMatcher(
        byte_tokenizer(), llguidance.LLMatcher.grammar_from_lark(answer), log_level=0
    )
    if matcher.is_error():
        return matcher.get_error().splitlines()[0]
    opening = b"```code\n"
    data = opening + code.rstrip("\n").encode("utf-8") + b"\n```"
    taken = matcher.try_consume_tokens(list(data))
    if taken == len(data) and matcher.is_accepting():
        return ""
    offset = max(0, taken - len(opening))
    body = data[len(opening) :]
    line = body[:offset].count(b"\n") + 1
    column = len(body[:offset].decode("utf-8", "replace").rsplit("\n", 1)[-1]) + 1
    where = "at the end" if taken == len(data) else f"at {line}:{column}"
    return f"rejected {where}"
