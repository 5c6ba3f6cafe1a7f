"""What an ANTLR grammar means once its ANTLR-only parts are resolved: the ``Plan``.

A ``Plan`` is the input of the renderers (``lark_convert`` for llguidance, ``gbnf_convert``
for servers). It holds the lexer's terminals in ANTLR's priority order (the implicit tokens of
literals written in parser rules first, then the lexer rules as written), which of them are
skipped (``-> skip`` or a hidden channel), the fragments, and the parser rules with every
token reference resolved: a literal becomes the token ANTLR makes of it, ``EOF`` disappears
(the code ends where the grammar ends), and ``~(A | B)`` or ``.`` become the tokens they
stand for.

``problems`` names each construct no other notation can carry, with its place: semantic
predicates, actions, rule arguments, lexer modes, ``more``, imports, recursive lexer rules.
A grammar with problems is not converted; it stays validated and repaired as before.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from codegen.validation import g4
from codegen.validation.g4 import Alt, AnyChar, CharSet, Code, Lit, Node, Not, Ref, Rep, Seq

_OK_COMMANDS = {"skip", "channel", "type"}


@dataclass(frozen=True)
class Terminal:
    name: str  # the ANTLR token rule name, or T__k for a literal's implicit token
    body: Node
    skip: bool = False
    token: str = ""  # the token type it produces (``-> type(X)``), default its name


@dataclass(frozen=True)
class Plan:
    name: str
    start: str
    case_insensitive: bool
    terminals: tuple[Terminal, ...]
    fragments: dict[str, Node]
    rules: dict[str, Node]
    problems: tuple[str, ...] = ()
    # token type -> the terminals that produce it
    producers: dict[str, tuple[str, ...]] = field(default_factory=dict)


def plan(grammars: list[g4.Grammar], start: str | None = None) -> Plan:
    """The plan of a combined grammar, or of a parser grammar with its lexer grammar."""
    lexer_rules = [r for g in grammars if g.kind != "parser" for r in g.rules if r.kind != "parser"]
    parser_rules = [r for g in grammars if g.kind != "lexer" for r in g.rules if r.kind == "parser"]
    problems = _file_problems(grammars)
    start = start or (parser_rules[0].name if parser_rules else "")
    rules = {r.name: r for r in parser_rules}
    reachable = _reachable(start, rules)
    for rule in (r for r in parser_rules if r.name in reachable):
        problems += _code_problems(rule, rule.body)
    for rule in lexer_rules:
        problems += _code_problems(rule, rule.body)
        problems += _command_problems(rule)
    fragments = {r.name: r.body for r in lexer_rules if r.kind == "fragment"}
    problems += _lexer_recursion(lexer_rules)
    literals = _implicit(parser_rules, lexer_rules)
    terminals = [Terminal(name, Lit(text)) for text, name in literals.items() if name[:3] == "T__"]
    terminals += [_terminal(r) for r in lexer_rules if r.kind == "lexer"]
    producers: dict[str, list[str]] = {}
    for term in terminals:
        if not term.skip:
            producers.setdefault(term.token or term.name, []).append(term.name)
    resolver = _Resolver(literals, producers, problems)
    resolved = {r.name: resolver.resolve(r.body, r) for r in parser_rules if r.name in reachable}
    case = any(g.options.get("caseInsensitive") == "true" for g in grammars if g.kind != "parser")
    name = next((g.name for g in grammars if g.kind != "lexer"), "")
    return Plan(
        name=name,
        start=start,
        case_insensitive=case,
        terminals=tuple(terminals),
        fragments=fragments,
        rules=resolved,
        problems=tuple(dict.fromkeys(resolver.problems)),
        producers={k: tuple(v) for k, v in producers.items()},
    )


def _file_problems(grammars: list[g4.Grammar]) -> list[str]:
    problems = []
    for gram in grammars:
        problems += [f"grammar import ({name}) in {gram.file}" for name in gram.imports]
        problems += [f"lexer mode {mode} in {gram.file}" for mode in gram.modes]
        if "superClass" in gram.options:
            problems.append(f"superClass option (code of its own) in {gram.file}")
    return problems


def _reachable(start: str, rules: dict[str, g4.Rule]) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        name = todo.pop()
        if name in seen or name not in rules:
            continue
        seen.add(name)
        todo += [n for n in _refs(rules[name].body) if n[:1].islower()]
    return seen


def _leaves(node: Node) -> list[Node]:
    """The nodes below ``node`` that hold no other node (references, literals, code...)."""
    if isinstance(node, Seq):
        return [leaf for item in node.items for leaf in _leaves(item)]
    if isinstance(node, Alt):
        return [leaf for item in node.options for leaf in _leaves(item)]
    if isinstance(node, (Rep, Not)):
        return _leaves(node.item)
    return [node]


def _refs(node: Node) -> list[str]:
    return [leaf.name for leaf in _leaves(node) if isinstance(leaf, Ref)]


def _codes(node: Node) -> list[Code]:
    return [leaf for leaf in _leaves(node) if isinstance(leaf, Code)]


def _code_problems(rule: g4.Rule, body: Node) -> list[str]:
    found = [*rule.header, *_codes(body)]
    return [f"{code.kind} at {code.where} (rule {rule.name})" for code in found]


def _command_problems(rule: g4.Rule) -> list[str]:
    problems = []
    for name, _ in rule.commands:
        if name in ("mode", "pushMode", "popMode"):
            problems.append(f"lexer mode switch ({name}) at {rule.where} (rule {rule.name})")
        elif name not in _OK_COMMANDS:
            problems.append(f"lexer command '{name}' at {rule.where} (rule {rule.name})")
    return problems


def _lexer_recursion(rules: list[g4.Rule]) -> list[str]:
    """Lexer rules that reach themselves (a terminal must be a regular expression)."""
    bodies = {r.name: r.body for r in rules}
    problems = []
    for rule in rules:
        seen: set[str] = set()
        todo = [n for n in _refs(rule.body) if n in bodies]
        while todo:
            name = todo.pop()
            if name == rule.name:
                problems.append(f"recursive lexer rule {rule.name} at {rule.where}")
                break
            if name not in seen:
                seen.add(name)
                todo += [n for n in _refs(bodies[name]) if n in bodies]
    return problems


def _implicit(parser_rules: list[g4.Rule], lexer_rules: list[g4.Rule]) -> dict[str, str]:
    """Literal text in parser rules -> its token: the lexer rule that is exactly that literal,
    else an implicit ``T__k`` (ANTLR numbers them in order of first use)."""
    exact = {
        r.body.text: r.name
        for r in reversed(lexer_rules)
        if r.kind == "lexer" and isinstance(r.body, Lit) and not r.commands
    }
    found: dict[str, str] = {}
    for rule in parser_rules:
        for text in _literals(rule.body):
            if text not in found:
                found[text] = exact.get(text) or f"T__{sum(v[:3] == 'T__' for v in found.values())}"
    return found


def _literals(node: Node) -> list[str]:
    return [leaf.text for leaf in _leaves(node) if isinstance(leaf, Lit)]


def _terminal(rule: g4.Rule) -> Terminal:
    skip = any(name in ("skip", "channel") for name, _ in rule.commands)
    retyped = next((arg for name, arg in rule.commands if name == "type" and arg), "")
    return Terminal(rule.name, _drop_eof(rule.body), skip=skip, token=retyped)


def _drop_eof(node: Node) -> Node:
    """Lexer alternatives that end at EOF are left out: constrained code never reaches EOF
    inside a token (a fence follows it)."""
    if isinstance(node, Alt):
        kept = tuple(_drop_eof(o) for o in node.options if not _has_eof(o))
        return kept[0] if len(kept) == 1 else Alt(kept)
    if isinstance(node, Seq):
        return Seq(tuple(_drop_eof(i) for i in node.items))
    if isinstance(node, Rep):
        return Rep(_drop_eof(node.item), node.low, node.high, node.greedy)
    return node


def _has_eof(node: Node) -> bool:
    return "EOF" in _refs(node)


class _Resolver:
    """Parser rule bodies with literals, EOF, ``~`` and ``.`` turned into token references."""

    def __init__(
        self, literals: dict[str, str], producers: dict[str, list[str]], problems: list[str]
    ) -> None:
        self.literals = literals
        self.tokens = list(producers)
        self.producers = producers
        self.problems = list(problems)

    def resolve(self, node: Node, rule: g4.Rule) -> Node:
        if isinstance(node, Lit):
            return Ref(self.literals[node.text])
        if isinstance(node, Ref):
            return self._ref(node, rule)
        if isinstance(node, Seq):
            return Seq(tuple(self.resolve(i, rule) for i in node.items))
        if isinstance(node, Alt):
            return Alt(tuple(self.resolve(o, rule) for o in node.options))
        if isinstance(node, Rep):
            return Rep(self.resolve(node.item, rule), node.low, node.high, True)
        if isinstance(node, AnyChar):
            return Alt(tuple(Ref(t) for t in self.tokens))
        if isinstance(node, Not):
            excluded = {r.name for r in _flat(self.resolve(node.item, rule)) if isinstance(r, Ref)}
            return Alt(tuple(Ref(t) for t in self.tokens if t not in excluded))
        if isinstance(node, CharSet):
            self.problems.append(f"character set in parser rule {rule.name} at {rule.where}")
        return node

    def _ref(self, node: Ref, rule: g4.Rule) -> Node:
        if node.name == "EOF":
            return Seq(())
        if node.name[:1].isupper() and node.name not in self.producers:
            self.problems.append(
                f"token {node.name} has no lexer rule (used in rule {rule.name} at {rule.where})"
            )
        return node


def _flat(node: Node) -> list[Node]:
    return [n for o in node.options for n in _flat(o)] if isinstance(node, Alt) else [node]
