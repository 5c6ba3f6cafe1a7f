"""Reading ANTLR 4 grammar files (``.g4``) into a small syntax tree.

The tree is what ``codegen.validation.grammar_plan`` needs to turn a grammar into other
notations (llguidance's Lark, GBNF): rules with their alternatives, literals, character sets,
repetition, negation, references, lexer commands, and the code blocks (actions, semantic
predicates) that no other notation can express. Labels, element options and rule headers
(arguments, returns, locals) are read and dropped, except that headers and code blocks are
kept as ``Code`` so the converter can name them.

ANTLR itself has already accepted a grammar before it gets here (``codegen grammar add`` runs
the tool first), so the reader is forgiving about what ANTLR would have rejected, and strict
only about what it cannot follow: ``G4Error`` names the file, line and column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

RuleKind = Literal["parser", "lexer", "fragment"]


class G4Error(Exception):
    """The reader could not follow the grammar text (``file:line:col: what``)."""


@dataclass(frozen=True)
class Lit:
    """A string literal, escapes decoded: ``'abc'``."""

    text: str


@dataclass(frozen=True)
class CharSet:
    """Characters: ``[a-z_]``, ``'a'..'z'``, ``~[\\n]`` (negated); ``props`` holds ``\\p{..}``."""

    ranges: tuple[tuple[int, int], ...]
    negated: bool = False
    props: tuple[str, ...] = ()


@dataclass(frozen=True)
class AnyChar:
    """``.``: any character in a lexer rule, any token in a parser rule."""


@dataclass(frozen=True)
class Ref:
    """A rule or token name (``EOF`` included)."""

    name: str


@dataclass(frozen=True)
class Seq:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Alt:
    options: tuple[Node, ...]


@dataclass(frozen=True)
class Rep:
    """``x?`` (0, 1), ``x*`` (0, None), ``x+`` (1, None); ``greedy`` False for ``x*?`` etc."""

    item: Node
    low: int
    high: int | None
    greedy: bool = True


@dataclass(frozen=True)
class Not:
    """``~x``: a character not in x (lexer), a token not in x (parser)."""

    item: Node


@dataclass(frozen=True)
class Code:
    """Target-language code the grammar runs: an action, a predicate, a rule header."""

    kind: str  # "action", "semantic predicate", "rule arguments", ...
    where: str


Node = Lit | CharSet | AnyChar | Ref | Seq | Alt | Rep | Not | Code


@dataclass(frozen=True)
class Rule:
    name: str
    kind: RuleKind
    body: Node
    where: str
    mode: str = "DEFAULT_MODE"
    # Lexer commands: ("skip", None), ("channel", "HIDDEN"), ("type", "ID"), ("pushMode", "X")
    commands: tuple[tuple[str, str | None], ...] = ()
    header: tuple[Code, ...] = ()


@dataclass(frozen=True)
class Grammar:
    name: str
    kind: Literal["combined", "lexer", "parser"]
    file: str
    rules: tuple[Rule, ...]
    options: dict[str, str] = field(default_factory=dict)
    tokens: tuple[str, ...] = ()
    imports: tuple[str, ...] = ()
    modes: tuple[str, ...] = ()

    def rule(self, name: str) -> Rule | None:
        return next((r for r in self.rules if r.name == name), None)


# ------------------------------------------------------------------------ tokens

_TOKEN_RE = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>//[^\n]*|/\*.*?\*/)
  | (?P<id>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<int>[0-9]+)
  | (?P<string>'(?:\\.|[^'\\\n])*')
  | (?P<punct>->|\.\.|\+=|::|[:;|()?*+~.,=#<>@!^$])
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class Tok:
    kind: str  # id, int, string, set, action, punct, eof
    text: str
    line: int
    col: int


class _Scanner:
    def __init__(self, text: str, file: str) -> None:
        self.text = text
        self.file = file
        self.pos = 0
        self.line = 1
        self.line_start = 0

    def where(self, pos: int | None = None) -> str:
        pos = self.pos if pos is None else pos
        line = self.text.count("\n", 0, pos) + 1
        col = pos - (self.text.rfind("\n", 0, pos) + 1) + 1
        return f"{self.file}:{line}:{col}"

    def tokens(self) -> list[Tok]:
        out: list[Tok] = []
        while self.pos < len(self.text):
            start = self.pos
            char = self.text[start]
            if char == "{":
                end = self._balanced(start, "{", "}")
                out.append(self._tok("action", start, end))
            elif char == "[":
                end = self._brackets(start)
                out.append(self._tok("set", start, end))
            else:
                match = _TOKEN_RE.match(self.text, start)
                if match is None or match.end() == start:
                    raise G4Error(f"{self.where()}: unexpected character {char!r}")
                kind = match.lastgroup or ""
                if kind not in ("ws", "comment"):
                    out.append(self._tok(kind, start, match.end()))
                self.pos = match.end()
        out.append(Tok("eof", "", *self._line_col(len(self.text))))
        return out

    def _tok(self, kind: str, start: int, end: int) -> Tok:
        self.pos = end
        return Tok(kind, self.text[start:end], *self._line_col(start))

    def _line_col(self, pos: int) -> tuple[int, int]:
        line = self.text.count("\n", 0, pos) + 1
        return line, pos - (self.text.rfind("\n", 0, pos) + 1) + 1

    def _balanced(self, start: int, open_: str, close: str) -> int:
        """The end of a ``{...}`` block: nested braces, skipping strings and comments."""
        depth = 0
        pos = start
        text = self.text
        while pos < len(text):
            char = text[pos]
            if char in "\"'":
                pos = self._skip_string(pos, char)
                continue
            if text.startswith("//", pos):
                pos = text.find("\n", pos) if "\n" in text[pos:] else len(text)
                continue
            if text.startswith("/*", pos):
                end = text.find("*/", pos + 2)
                pos = len(text) if end < 0 else end + 2
                continue
            if char == open_:
                depth += 1
            elif char == close:
                depth -= 1
                if depth == 0:
                    return pos + 1
            pos += 1
        raise G4Error(f"{self.where(start)}: '{open_}' is never closed")

    def _skip_string(self, pos: int, quote: str) -> int:
        end = pos + 1
        while end < len(self.text) and self.text[end] not in (quote, "\n"):
            end += 2 if self.text[end] == "\\" else 1
        return end + 1

    def _brackets(self, start: int) -> int:
        pos = start + 1
        while pos < len(self.text):
            if self.text[pos] == "\\":
                pos += 2
                continue
            if self.text[pos] == "]":
                return pos + 1
            pos += 1
        raise G4Error(f"{self.where(start)}: '[' is never closed")


# ------------------------------------------------------------------------ escapes

_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f", "\\": "\\", "'": "'"}


def _decode(body: str, where: str, in_set: bool = False) -> list[str]:
    """Characters of a literal or set body; in a set a ``\\p{..}`` stays whole, and an
    escaped ``-`` or ``]`` is marked with a leading NUL so it is not read as syntax."""
    out: list[str] = []
    i = 0
    while i < len(body):
        char = body[i]
        if char != "\\":
            out.append(char)
            i += 1
            continue
        nxt = body[i + 1 : i + 2]
        if nxt == "u":
            code, i = _unicode_escape(body, i, where)
            out.append(chr(code))
            continue
        if in_set and nxt in ("p", "P") and body[i + 2 : i + 3] == "{":
            end = body.index("}", i)
            out.append(body[i : end + 1])
            i = end + 1
            continue
        if in_set and nxt in ("-", "]", "["):
            out.append("\0" + nxt)
        elif nxt in _ESCAPES:
            out.append(_ESCAPES[nxt])
        else:
            out.append(nxt)
        i += 2
    return out


def _unicode_escape(body: str, i: int, where: str) -> tuple[int, int]:
    if body[i + 2 : i + 3] == "{":
        end = body.index("}", i)
        return int(body[i + 3 : end], 16), end + 1
    digits = body[i + 2 : i + 6]
    if len(digits) != 4 or not all(c in "0123456789abcdefABCDEF" for c in digits):
        raise G4Error(f"{where}: bad unicode escape '\\u{digits}'")
    return int(digits, 16), i + 6


def char_set(raw: str, where: str) -> CharSet:
    """``[a-z_\\n]`` -> CharSet."""
    items = _decode(raw[1:-1], where, in_set=True)
    ranges: list[tuple[int, int]] = []
    props: list[str] = []
    i = 0
    while i < len(items):
        item = items[i]
        if len(item) > 1 and item.startswith("\\"):
            props.append(item)
            i += 1
            continue
        low = ord(item[-1])
        if i + 2 < len(items) and items[i + 1] == "-":
            high = ord(items[i + 2][-1])
            ranges.append((low, high))
            i += 3
        else:
            ranges.append((low, low))
            i += 1
    return CharSet(tuple(ranges), props=tuple(props))


def literal(raw: str, where: str) -> str:
    return "".join(_decode(raw[1:-1], where))


# ------------------------------------------------------------------------ parser


def parse(text: str, file: str = "<grammar>") -> Grammar:
    """Read one ``.g4`` file; ``G4Error`` when its text cannot be followed."""
    return _Parser(_Scanner(text, file).tokens(), file).grammar()


class _Parser:
    def __init__(self, toks: list[Tok], file: str) -> None:
        self.toks = toks
        self.i = 0
        self.file = file
        self.mode = "DEFAULT_MODE"
        self.lexer = False

    # -- helpers
    @property
    def tok(self) -> Tok:
        return self.toks[self.i]

    def peek(self, offset: int = 1) -> Tok:
        return self.toks[min(self.i + offset, len(self.toks) - 1)]

    def where(self, tok: Tok | None = None) -> str:
        tok = tok or self.tok
        return f"{self.file}:{tok.line}:{tok.col}"

    def fail(self, what: str) -> G4Error:
        shown = self.tok.text[:20] or "end of file"
        return G4Error(f"{self.where()}: {what}, found '{shown}'")

    def take(self, kind: str, text: str | None = None) -> Tok:
        tok = self.tok
        if tok.kind != kind or (text is not None and tok.text != text):
            raise self.fail(f"expected {text or kind}")
        self.i += 1
        return tok

    def accept(self, text: str) -> bool:
        if self.tok.kind in ("punct", "id") and self.tok.text == text:
            self.i += 1
            return True
        return False

    # -- file level
    def grammar(self) -> Grammar:
        kind: Literal["combined", "lexer", "parser"] = "combined"
        if self.tok.text in ("lexer", "parser") and self.peek().text == "grammar":
            kind = "lexer" if self.take("id").text == "lexer" else "parser"
        self.take("id", "grammar")
        name = self.take("id").text
        self.take("punct", ";")
        options: dict[str, str] = {}
        tokens: list[str] = []
        imports: list[str] = []
        modes: list[str] = []
        rules: list[Rule] = []
        while self.tok.kind != "eof":
            if self.accept("options"):
                options.update(self.options_block())
            elif self.tok.text in ("tokens", "channels") and self.peek().kind == "action":
                block = self.take("id").text
                names = re.findall(r"[A-Za-z_]\w*", self.take("action").text)
                tokens += names if block == "tokens" else []
            elif self.accept("import"):
                imports += self.name_list()
            elif self.tok.text == "@":
                self.named_action()
            elif self.tok.text == "mode" and self.peek().kind == "id":
                self.i += 1
                self.mode = self.take("id").text
                modes.append(self.mode)
                self.take("punct", ";")
            else:
                rules.append(self.rule())
        return Grammar(name, kind, self.file, tuple(rules), options, tuple(tokens),
                       tuple(imports), tuple(modes))  # fmt: skip

    def options_block(self) -> dict[str, str]:
        body = self.take("action").text[1:-1]
        found = re.findall(r"([A-Za-z_]\w*)\s*=\s*([^;]+);", body)
        return {key: value.strip() for key, value in found}

    def name_list(self) -> list[str]:
        names = [self.take("id").text]
        while self.accept(","):
            names.append(self.take("id").text)
        self.take("punct", ";")
        return names

    def named_action(self) -> Code:
        start = self.tok
        self.take("punct", "@")
        self.take("id")
        if self.accept("::"):
            self.take("id")
        self.take("action")
        return Code("named action", self.where(start))

    # -- rules
    def rule(self) -> Rule:
        start = self.tok
        fragment = self.accept("fragment")
        name = self.take("id").text
        kind: RuleKind = "fragment" if fragment else ("lexer" if name[0].isupper() else "parser")
        self.lexer = kind != "parser"
        header = self.rule_header()
        self.take("punct", ":")
        body, commands = self.alternatives(top=True)
        self.take("punct", ";")
        while self.tok.text in ("catch", "finally"):
            header.append(Code("exception handler", self.where()))
            self.i += 1
            if self.tok.kind == "set":
                self.i += 1
            self.take("action")
        mode = self.mode if kind != "parser" else "DEFAULT_MODE"
        return Rule(name, kind, body, self.where(start), mode, commands, tuple(header))

    def rule_header(self) -> list[Code]:
        header: list[Code] = []
        while self.tok.text != ":":
            tok = self.tok
            if tok.kind == "set":
                header.append(Code("rule arguments", self.where()))
                self.i += 1
            elif tok.text in ("returns", "locals") and self.peek().kind == "set":
                header.append(Code(f"rule {tok.text}", self.where()))
                self.i += 2
            elif tok.text == "throws":
                self.i += 1
                self.name_list_until(":")
            elif tok.text == "options":
                self.i += 1
                self.options_block()
            elif tok.text == "@":
                header.append(self.named_action())
            else:
                raise self.fail("expected ':' after the rule name")
        return header

    def name_list_until(self, stop: str) -> None:
        while self.tok.text != stop and self.tok.kind != "eof":
            self.i += 1

    def alternatives(self, top: bool = False) -> tuple[Node, tuple[tuple[str, str | None], ...]]:
        options: list[Node] = []
        commands: tuple[tuple[str, str | None], ...] = ()
        while True:
            alt, cmds = self.alternative()
            options.append(alt)
            if cmds and top:
                commands = cmds
            elif cmds:
                options[-1] = Seq((alt, Code("lexer command inside a block", self.where())))
            if not self.accept("|"):
                break
        node = options[0] if len(options) == 1 else Alt(tuple(options))
        return node, commands

    def alternative(self) -> tuple[Node, tuple[tuple[str, str | None], ...]]:
        if self.tok.text == "<":
            self.element_options()
        items: list[Node] = []
        while self.tok.text not in ("|", ";", ")", "#", "->") and self.tok.kind != "eof":
            items.append(self.element())
        if self.accept("#"):
            self.take("id")
        commands = self.commands() if self.accept("->") else ()
        node = items[0] if len(items) == 1 else Seq(tuple(items))
        return node, commands

    def commands(self) -> tuple[tuple[str, str | None], ...]:
        found: list[tuple[str, str | None]] = []
        while True:
            name = self.take("id").text
            arg = None
            if self.accept("("):
                arg = self.tok.text
                self.i += 1
                self.take("punct", ")")
            found.append((name, arg))
            if not self.accept(","):
                return tuple(found)

    def element_options(self) -> None:
        self.take("punct", "<")
        while not self.accept(">"):
            if self.tok.kind == "eof":
                raise self.fail("'<' of element options is never closed")
            self.i += 1

    def element(self) -> Node:
        tok = self.tok
        if tok.kind == "action":
            self.i += 1
            if self.accept("?"):
                return Code("semantic predicate", self.where(tok))
            return Code("action", self.where(tok))
        if tok.kind == "id" and self.peek().text in ("=", "+="):
            self.i += 2  # a label
        atom = self.atom()
        return self.suffix(atom)

    def suffix(self, atom: Node) -> Node:
        text = self.tok.text if self.tok.kind == "punct" else ""
        bounds = {"?": (0, 1), "*": (0, None), "+": (1, None)}.get(text)
        if bounds is None:
            return atom
        self.i += 1
        greedy = not self.accept("?")
        return Rep(atom, bounds[0], bounds[1], greedy)

    def atom(self) -> Node:
        tok = self.tok
        if tok.kind == "string":
            self.i += 1
            if self.accept(".."):
                high = self.take("string")
                low_c, high_c = literal(tok.text, self.where(tok)), literal(high.text, "")
                return CharSet(((ord(low_c), ord(high_c)),))
            return Lit(literal(tok.text, self.where(tok)))
        if tok.kind == "set":
            self.i += 1
            return char_set(tok.text, self.where(tok))
        if tok.kind == "id":
            self.i += 1
            if self.tok.text == "<":
                self.element_options()
            return Ref(tok.text)
        if self.accept("."):
            return AnyChar()
        if self.accept("~"):
            return Not(self.atom())
        if self.accept("("):
            return self.block()
        raise self.fail("expected a rule element")

    def block(self) -> Node:
        if self.tok.text == "options" and self.peek().kind == "action":
            self.i += 2
            self.take("punct", ":")
        node, _ = self.alternatives()
        self.take("punct", ")")
        return node
