"""Probe calls built from the function's parameters, for a description that shows no example.

Without an example there is nothing to vary (``probes.py``), and ranking would rest on
log-probability and text similarity alone. The parameters still say what to pass: each gets a
kind from its annotation (``list[str]``, ``int``, ``string[]`` ...), else from its name (``s`` and
``text`` are strings, ``nums`` and ``lst`` lists of numbers, ``n`` a number), and the calls take
ordinary values of those kinds (empty ones, small ones, repeated items, mixed case). The calls
carry no expected value: the candidates' outputs on them are compared, as with every probe.
Parameters come from the request's signature, else from the first candidate that defines the
entry function.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence

from codegen.execution import decls
from codegen.execution.decltypes import Ty, parse
from codegen.execution.literals import explicit_params
from codegen.execution.testcases import ENTRY, entry_name
from codegen.parsing import python_module

# The harnesses that run probe calls.
LANGUAGES = ("python", "javascript", "typescript", *decls.LANGUAGES)

_INTS: list[object] = [0, 1, 2, 3, 5, 10, -1, 7, 12, 4, 100, 9]
_FLOATS: list[object] = [0.0, 1.5, -2.5, 3.0, 10.25, 0.5]
_STRS: list[object] = [
    "", "a", "Hello World", "abcba", "aab", "xyz", "The quick brown fox", "A1b2",
    "  two  spaces ", "Mississippi", "ab", "zZ",
]  # fmt: skip
_BOOLS: list[object] = [True, False]
_CHARS: list[object] = ["a", "z", "E", " ", "7", "b"]
# Runs of equal values next to each other ([1, 1, 2, 2, 2, 3]) are what separates code that
# compares an item with the one before it from code that compares it with the wrong one.
_INT_LISTS: list[object] = [
    [], [1], [1, 2, 3], [3, 1, 2], [5, -2, 5, 0], [2, 4, 6, 8], [7, 7], [-1, -5, 3],
    [10, 9, 8, 1], [0, 0, 1], [1, 2, 3, 4, 5, 6], [1, 1, 2, 2, 2, 3],
]  # fmt: skip
_FLOAT_LISTS: list[object] = [[], [1.0], [1.5, 2.5, 3.0], [-1.0, 0.5, 4.0], [2.0, 2.0]]
_STR_LISTS: list[object] = [
    [], ["a"], ["apple", "bob", "cat"], ["xyz", "ab", "ab"], ["Hello", "world"], ["", "b"],
]  # fmt: skip
_NESTED: list[object] = [[], [[1]], [[1, 2], [3, 4]], [[0, 1, 0], [1, 1, 1]], [[5], [], [2, 3]]]
_DICTS: list[object] = [{}, {"a": 1}, {"a": 1, "B": 2}, {"x": 3, "y": -1, "z": 0}]

POOLS: dict[str, list[object]] = {
    "int": _INTS,
    "float": _FLOATS,
    "str": _STRS,
    "bool": _BOOLS,
    "char": _CHARS,
    "list[int]": _INT_LISTS,
    "list[float]": _FLOAT_LISTS,
    "list[str]": _STR_LISTS,
    "list[list]": _NESTED,
    "dict": _DICTS,
}

_STR_NAMES = re.compile(
    r"^(s|s\d|str\w*|string\w*|\w*text|txt|word|sentence|\w*name|line|msg|message|ch|char"
    r"|letter|date|time|expr\w*|paren\w*|brackets|digits|hex\w*|bin\w*)$",
    re.I,
)
_STR_LIST_NAMES = re.compile(r"^(words|strings|strs|names|lines|tokens|sentences|texts)$", re.I)
_LIST_NAMES = re.compile(
    r"^(l|l\d|lst\w*|list\w*|arr\w*|array\w*|nums\w*|numbers|xs|ys|items|values|vals|data|seq"
    r"|sequence|elements|\w{3,}[^s]s)$",
    re.I,
)
_NESTED_NAMES = re.compile(r"^(grid|matrix|rows|board|intervals|pairs)$", re.I)
_DICT_NAMES = re.compile(r"^(d|dct|dict\w*|mapping|table|counts)$", re.I)


def kind_of(name: str, annotation: str | None) -> str:
    """The pool a parameter's values come from: by annotation, else by name; "int" when unknown."""
    if annotation:
        found = _by_annotation(annotation.replace(" ", "").replace("typing.", "").lower())
        if found:
            return found
    for pattern, kind in (
        (_STR_LIST_NAMES, "list[str]"),
        (_NESTED_NAMES, "list[list]"),
        (_DICT_NAMES, "dict"),
        (_STR_NAMES, "str"),
        (_LIST_NAMES, "list[int]"),
    ):
        if pattern.match(name):
            return kind
    return "int"


def _by_annotation(text: str) -> str | None:
    outer, _, inner = text.partition("[")
    if outer in ("optional", "union") and inner:  # the first non-None member decides
        members = [m for m in inner[:-1].split(",") if m != "none"]
        return _by_annotation(members[0]) if members else None
    if "|" in text and "[" not in text:  # int | None
        return _by_annotation(next((m for m in text.split("|") if m != "none"), ""))
    if text.endswith("[]"):  # TypeScript: number[], string[]
        outer, inner = "list", text[:-2]
    if outer in ("list", "sequence", "iterable", "tuple", "set", "array"):
        element = _by_annotation(inner.rstrip("]").split(",")[0]) if inner else None
        if element in ("str", "float"):
            return f"list[{element}]"
        return "list[list]" if element and element.startswith("list") else "list[int]"
    if outer in ("dict", "mapping", "record"):
        return "dict"
    for words, kind in (
        (("str", "string"), "str"),
        (("bool", "boolean"), "bool"),
        (("char", "character", "rune"), "char"),
        (("float",), "float"),
        (("int", "number", "bigint"), "int"),
    ):
        if outer in words:
            return kind
    return None


def parameters(language: str, source: str, name: str | None) -> list[tuple[str, str | None]]:
    """(name, annotation) of each parameter of function ``name`` (the first one when None)
    defined in ``source`` (a signature or code); [] when none is found."""
    if language == "python":
        return _python_parameters(source, name)
    if language in decls.LANGUAGES:
        return _native_parameters(language, source, name)
    ident = re.escape(name) if name else r"[\w$]+"
    found = re.search(rf"function\s*\*?\s*{ident}\s*\(([^)]*)\)", source) or re.search(
        rf"{ident}\s*=\s*(?:async\s*)?\(([^)]*)\)\s*=>", source
    )
    if not found:
        return []
    out: list[tuple[str, str | None]] = []
    for part in found.group(1).split(","):
        param, _, annotation = part.split("=")[0].partition(":")
        if param.strip().isidentifier():
            out.append((param.strip(), annotation.strip() or None))
    return out


def _python_parameters(source: str, name: str | None) -> list[tuple[str, str | None]]:
    text = source.rstrip()
    if text.startswith(("def ", "async def ")) and "\n" not in text:  # a bare signature line
        text += "" if text.endswith(":") else ":"
    try:
        tree = python_module(text + ("\n    pass" if text.endswith(":") else ""))
    except SyntaxError:
        return []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and name in (None, node.name):
            args = node.args.posonlyargs + node.args.args
            return [
                (a.arg, ast.unparse(a.annotation) if a.annotation else None)
                for a in args
                if a.arg not in ("self", "cls")
            ]
    return []


def _native_parameters(
    language: str, source: str, name: str | None
) -> list[tuple[str, str | None]]:
    """A compiled language's parameters, each with its type as a Python annotation (``int[]``
    -> ``list[int]``), the lengths a C harness fills in left out."""
    found = decls.functions(language, source)
    decl = decls.find(found, name) if name else (found[-1] if found else None)
    if decl is None:
        return []
    return [(p.name, _annotation(parse(language, p.type))) for p in explicit_params(language, decl)]


def _annotation(ty: Ty) -> str | None:
    if ty.kind == "list":
        inner = _annotation(ty.item)
        return f"list[{inner}]" if inner else None
    if ty.kind == "option":
        return _annotation(ty.item)
    return ty.kind if ty.kind in ("int", "float", "str", "bool", "char") else None


def typed_calls(params: Sequence[tuple[str, str | None]], limit: int) -> list[str]:
    """Up to ``limit`` distinct calls of the entry function with values of each parameter's
    kind; parameter i takes its pool's values from offset 3*i, so arguments vary together."""
    if not params:
        return []
    pools = [POOLS[kind_of(name, annotation)] for name, annotation in params]
    out: list[str] = []
    for j in range(max(len(p) for p in pools)):
        args = [pool[(j + 3 * i) % len(pool)] for i, pool in enumerate(pools)]
        call = f"{ENTRY}({', '.join(repr(a) for a in args)})"
        if call not in out:
            out.append(call)
        if len(out) >= limit:
            break
    return out


def entry_parameters(
    language: str, signature: str | None, codes: Sequence[str]
) -> list[tuple[str, str | None]]:
    """The entry function's parameters, read from the signature, else from the first of
    ``codes`` that defines it; [] for a language without probe harness."""
    if language not in LANGUAGES:
        return []
    for source in [signature or "", *codes]:
        params = parameters(language, source, entry_name(language, source, signature))
        if params:
            return params
    return []


def calls_for(language: str, signature: str | None, codes: Sequence[str], limit: int) -> list[str]:
    """Typed probe calls of the entry function (``entry_parameters``)."""
    return typed_calls(entry_parameters(language, signature, codes), limit)
