"""The ANTLR tier: strict grammars for sql, json and users' own languages.

``validate(code, grammar)`` parses ``code`` with the generated parser of ``grammar`` (a
built-in name, "sql" or "json", or a user grammar added with ``codegen grammar add``) and
returns its syntax errors as Diagnostics (1-based line and column in code points). Parsing
runs in two stages: fast SLL prediction that bails out at the first error, then full LL with
error reporting only when SLL failed.

``reference(language, code)`` runs the language's own checker where one exists (SQLite's
parser for sql, ``json.loads`` for json); see ``codegen.validation.antlr_ref``.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from antlr4 import CommonTokenStream, InputStream, Token
from antlr4.atn.PredictionMode import PredictionMode
from antlr4.error.ErrorListener import ErrorListener
from antlr4.error.Errors import ParseCancellationException
from antlr4.error.ErrorStrategy import BailErrorStrategy, DefaultErrorStrategy

from codegen import languages
from codegen.errors import UsageError, did_you_mean
from codegen.types import Diagnostic
from codegen.validation.antlr_ref import json_check, reference, sqlite_check
from codegen.validation.antlr_tool import BUILTIN, BuiltinGrammar

__all__ = [
    "MAX_NESTING",
    "Grammar",
    "json_check",
    "load",
    "reference",
    "sqlite_check",
    "validate",
    "validate_with",
]

SOURCE = "antlr"
# Deeper bracket nesting than this is reported instead of parsed (the recursive-descent
# parser would exhaust Python's stack); SQLite itself stops near 100 levels.
MAX_NESTING = 100
MAX_DIAGNOSTICS = 5
_OPENERS = ("'('", "'['", "'{'")
_CLOSERS = ("')'", "']'", "'}'")


@dataclass
class Grammar:
    """A loaded grammar: generated classes, start rule, and a lock (the DFA cache is shared)."""

    name: str
    lexer_class: Any
    parser_class: Any
    start: str
    lock: threading.Lock

    def token_name(self, ttype: int) -> str:
        if ttype == Token.EOF:
            return "end of input"
        literal = self.parser_class.literalNames
        if 0 <= ttype < len(literal) and literal[ttype] != "<INVALID>":
            return str(literal[ttype])
        symbolic = self.parser_class.symbolicNames
        if 0 <= ttype < len(symbolic):
            return str(symbolic[ttype])
        return f"token {ttype}"


Loader = Callable[[], tuple[Any, Any, str]]
# Keyed by the grammar and, for a user's, the registry entry's loader: an entry registered
# again (``codegen grammar add`` after a remove) has a new loader, so nothing stale is served.
_CACHE: dict[tuple[str, Loader | None], Grammar] = {}
_CACHE_LOCK = threading.Lock()


def load(grammar: str) -> Grammar:
    """The built-in or user grammar called ``grammar`` (UsageError when there is none)."""
    loader = None if grammar in BUILTIN else _user_loader(grammar)
    with _CACHE_LOCK:
        cached = _CACHE.get((grammar, loader))
        if cached is not None:
            return cached
        if loader is None:
            lexer, parser, start = _builtin_classes(BUILTIN[grammar])
        else:
            lexer, parser, start = loader()
        loaded = Grammar(grammar, lexer, parser, start, threading.Lock())
        _CACHE[(grammar, loader)] = loaded
        return loaded


def _builtin_classes(spec: BuiltinGrammar) -> tuple[Any, Any, str]:
    package = f"codegen.validation._generated.{spec.name}"
    lexer = importlib.import_module(f"{package}.{spec.prefix}Lexer")
    parser = importlib.import_module(f"{package}.{spec.prefix}Parser")
    return (
        getattr(lexer, f"{spec.prefix}Lexer"),
        getattr(parser, f"{spec.prefix}Parser"),
        spec.start,
    )


def _user_loader(grammar: str) -> Loader:
    """How to load the user grammar ``grammar``, from its registry entry."""
    users = [lang for lang in languages.all_languages() if lang.antlr_loader is not None]
    for lang in users:
        if lang.antlr_grammar == grammar and lang.antlr_loader is not None:
            return lang.antlr_loader
    known = [lang.name for lang in users]
    raise UsageError(f"unknown grammar '{grammar}'{did_you_mean(grammar, known)}")


class _FastBail(BailErrorStrategy):  # type: ignore[misc]
    """The first, SLL pass only asks "does it parse?": skip the per-loop recovery sync."""

    def sync(self, recognizer: Any) -> None:
        return None


class _Collector(ErrorListener):  # type: ignore[misc]
    def __init__(self, grammar: Grammar) -> None:
        super().__init__()
        self.grammar = grammar
        self.found: list[Diagnostic] = []

    def syntaxError(
        self, recognizer: Any, offending: Any, line: int, column: int, msg: str, e: Any
    ) -> None:
        if len(self.found) >= MAX_DIAGNOSTICS:
            return
        if offending is None:  # a lexer error: ANTLR says what it could not match
            self.found.append(Diagnostic(line, column + 1, line, column + 2, msg, SOURCE))
            return
        self.found.append(self._diagnostic(recognizer, offending, msg))

    def _diagnostic(self, parser: Any, tok: Any, msg: str) -> Diagnostic:
        what = _describe(self.grammar, tok)
        try:
            expected = parser.getExpectedTokens()
        except Exception:  # pragma: no cover - ANTLR cannot always compute it
            expected = None
        names = sorted({self.grammar.token_name(t) for t in _iter_set(expected)}, key=_readable)
        if names:
            shown = ", ".join(names[:12]) + (", …" if len(names) > 12 else "")
            message = f"syntax error at {what}: expected {shown}"
        else:
            message = f"syntax error at {what}: {msg}"
        end_line, end_col = _token_end(tok)
        return Diagnostic(tok.line, tok.column + 1, end_line, end_col, message, SOURCE)


def _readable(name: str) -> tuple[int, str]:
    """Order expected tokens for people: kinds of token and punctuation before keywords."""
    if not name.startswith("'"):
        return 0, name
    return (2 if name[1:-1].replace("_", "").isalpha() else 1), name


def _iter_set(interval_set: Any) -> list[int]:
    if interval_set is None or interval_set.intervals is None:
        return []
    return [t for rng in interval_set.intervals for t in rng]


def _describe(grammar: Grammar, tok: Any) -> str:
    if tok.type == Token.EOF:
        return "end of input"
    text = tok.text if tok.text is not None else ""
    if len(text) > 40:
        text = text[:37] + "..."
    kind = grammar.token_name(tok.type)
    if kind in {"UNEXPECTED_CHAR", "BAD_NUMBER"}:
        return f"unrecognized token {text!r}"
    return repr(text)


def _token_end(tok: Any) -> tuple[int, int]:
    text = tok.text or ""
    if tok.type == Token.EOF or not text:
        return tok.line, tok.column + 1
    newlines = text.count("\n")
    if newlines == 0:
        return tok.line, tok.column + 1 + len(text)
    return tok.line + newlines, len(text) - text.rfind("\n")


def _nesting_error(grammar: Grammar, tokens: CommonTokenStream) -> Diagnostic | None:
    depth = 0
    for tok in tokens.tokens:
        name = grammar.token_name(tok.type)
        if name in _OPENERS:
            depth += 1
            if depth > MAX_NESTING:
                end_line, end_col = _token_end(tok)
                message = f"nesting too deep: more than {MAX_NESTING} levels of brackets"
                return Diagnostic(tok.line, tok.column + 1, end_line, end_col, message, SOURCE)
        elif name in _CLOSERS:
            depth = max(0, depth - 1)
    return None


def validate(code: str, grammar: str) -> list[Diagnostic]:
    """Syntax errors of ``code`` under ``grammar``; an empty list means it parses."""
    return validate_with(code, load(grammar))


def validate_with(code: str, gram: Grammar) -> list[Diagnostic]:
    """``validate`` for an already loaded grammar."""
    with gram.lock:
        return _validate(code, gram)


def _validate(code: str, gram: Grammar) -> list[Diagnostic]:
    collector = _Collector(gram)
    lexer = gram.lexer_class(InputStream(code))
    lexer.removeErrorListeners()
    lexer.addErrorListener(collector)
    tokens = CommonTokenStream(lexer)
    tokens.fill()
    deep = _nesting_error(gram, tokens)
    if deep is not None:
        return [*collector.found, deep]
    parser = gram.parser_class(tokens)
    parser.removeErrorListeners()
    parser._interp.predictionMode = PredictionMode.SLL
    parser._errHandler = _FastBail()
    try:
        getattr(parser, gram.start)()
        return collector.found
    except ParseCancellationException:
        pass
    except RecursionError:
        return [*collector.found, Diagnostic(1, 1, 1, 1, "input too deeply nested", SOURCE)]
    tokens.seek(0)
    parser.reset()
    parser.addErrorListener(collector)
    parser._interp.predictionMode = PredictionMode.LL
    parser._errHandler = DefaultErrorStrategy()
    try:
        getattr(parser, gram.start)()
    except RecursionError:
        collector.found.append(Diagnostic(1, 1, 1, 1, "input too deeply nested", SOURCE))
    if not collector.found:  # SLL failed but LL found nothing: trust LL
        return []
    return collector.found


def check_language(language: str) -> str:
    """The grammar name for a registry language, or a UsageError."""
    lang = languages.get(language)
    if lang.antlr_grammar is None:
        raise UsageError(f"language '{lang.name}' has no ANTLR grammar")
    return lang.antlr_grammar
