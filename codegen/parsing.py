"""tree-sitter parsers for the registry's languages, loaded lazily and cached per thread.

Shared by the prompt builder (splitting context at definitions: prompting/chunks.py), the
validators and the ranker (token streams). tree-sitter parsers are not thread-safe, so each
thread gets its own.
"""

from __future__ import annotations

import ast
import importlib
import threading
from collections.abc import Collection
from dataclasses import dataclass
from functools import cache
from typing import Any

from codegen import languages

_local = threading.local()
# CPython before 3.13 keeps the AST constructor's recursion depth in interpreter-wide state:
# two threads building ASTs at once (a collection in one lets the other run) fail with
# "SystemError: AST constructor recursion depth mismatch" (CPython issue 106905 and its kin;
# seen here under 8 concurrent /v1/validate requests). Every ast.parse goes through this lock.
_AST_LOCK = threading.Lock()


def python_module(
    source: str, filename: str = "<unknown>", feature_version: tuple[int, int] | None = None
) -> ast.Module:
    """``ast.parse(source)``, safe to call from several threads at once."""
    with _AST_LOCK:
        return ast.parse(source, filename, feature_version=feature_version)


def python_expression(source: str) -> ast.Expression:
    """``ast.parse(source, mode="eval")``, safe to call from several threads at once."""
    with _AST_LOCK:
        return ast.parse(source, mode="eval")


@cache
def ts_language(name: str) -> Any | None:
    """The tree_sitter.Language for a registry language, or None when it has no grammar."""
    lang = languages.find(name)
    if lang is None or lang.treesitter is None:
        return None
    module_name, func = lang.treesitter
    try:
        import tree_sitter

        module = importlib.import_module(module_name)
    except ImportError:
        return None
    return tree_sitter.Language(getattr(module, func)())


def parser_for(name: str) -> Any | None:
    """A tree_sitter.Parser for ``name`` owned by the calling thread, or None."""
    cache_: dict[str, Any] = getattr(_local, "parsers", None) or {}
    _local.parsers = cache_
    if name not in cache_:
        language = ts_language(name)
        if language is None:
            return None
        import tree_sitter

        cache_[name] = tree_sitter.Parser(language)
    return cache_[name]


def parse(name: str, code: str) -> Any | None:
    """The tree_sitter.Tree of ``code``, or None when the language has no grammar."""
    parser = parser_for(name)
    return None if parser is None else parser.parse(code.encode("utf-8"))


def leaves(node: Any, atoms: Collection[str] = (), drop_comments: bool = False) -> list[Any]:
    """The tokens under ``node`` in source order: its leaf nodes that cover some text. A node
    whose type is in ``atoms`` (say, a string literal) counts as one token; comments are left
    out with ``drop_comments``."""
    out: list[Any] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if drop_comments and "comment" in current.type:
            continue
        if current.child_count == 0 or current.type in atoms:
            if current.end_byte > current.start_byte:
                out.append(current)
            continue
        stack.extend(reversed(current.children))
    return out


@dataclass(frozen=True)
class Chunk:
    """A piece of context: a definition, a run of statements, or lines around the cursor.

    ``language`` names the code's language when the source's name does not tell it (text
    from an editor); ``pinned`` chunks are kept in the prompt whatever the budget drops
    first (``prompting.chunks``)."""

    text: str
    start_line: int
    source: str
    language: str = ""
    pinned: bool = False
