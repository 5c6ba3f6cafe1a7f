"""Names a piece of code defines (functions, classes, top-level variables), via tree-sitter.

Used by the signature check (a candidate must define the signature's name) and by repair
(a repair that drops a top-level name is penalised; a model repair must keep every name).
"""

from __future__ import annotations

import re
from typing import Any

from codegen import parsing

_DEFINING = (
    "definition",
    "declaration",
    "declarator",
    "item",
    "signature",
    "method",
    "class",
    "function",
    "assignment",
    "constructor",
    "specifier",
)
_SIG_NAME = re.compile(r"([A-Za-z_$][\w$]*)\s*(?:<[^()]*>)?\s*\(")
_SIG_TYPE = re.compile(r"\b(?:class|struct|interface|enum|trait|record|type)\s+([A-Za-z_$][\w$]*)")
_KEYWORD_DEF = r"\b(?:def|class|function|fn|func|struct|interface|enum|trait|let|const|var)\s+"
_KEYWORDS = frozenset({"def", "fn", "func", "function", "if", "for", "while", "return", "async"})


def signature_name(signature: str) -> str | None:
    """The name a signature defines: ``def add(a, b)`` -> ``add``; ``class Stack`` -> ``Stack``."""
    for match in _SIG_NAME.finditer(signature):
        if match.group(1) not in _KEYWORDS:
            return match.group(1)
    typed = _SIG_TYPE.search(signature)
    if typed:
        return typed.group(1)
    words = re.findall(r"[A-Za-z_$][\w$]*", signature)
    return words[-1] if words else None


def defined_names(language: str, code: str, top_level_only: bool = False) -> set[str]:
    """Identifiers that some definition in ``code`` names (regex fallback without a grammar)."""
    tree = parsing.parse(language, code)
    if tree is None:
        return set(re.findall(r"\b(?:def|function|class|fn|func)\s+([A-Za-z_$][\w$]*)", code))
    data = code.encode("utf-8")
    found: set[str] = set()
    roots = list(tree.root_node.children)
    for root in roots:
        _collect(root, data, found, depth=0, limit=3 if top_level_only else 64)
    return found


def _collect(node: Any, data: bytes, found: set[str], depth: int, limit: int) -> None:
    if depth > limit:
        return
    name = node.child_by_field_name("name") if node.is_named else None
    if name is None and any(word in node.type for word in _DEFINING):
        name = node.child_by_field_name("declarator") or node.child_by_field_name("left")
    if name is not None and "identifier" in name.type:
        found.add(data[name.start_byte : name.end_byte].decode("utf-8", "replace"))
    elif name is not None:
        _collect(name, data, found, depth + 1, limit)
    for child in node.children:
        if child.type in ("ERROR", "comment", "string"):
            continue
        _collect(child, data, found, depth + 1, limit)


def defines(language: str, code: str, name: str) -> bool:
    if name in defined_names(language, code):
        return True
    # Grammars name definitions differently; a definition keyword before the name also counts.
    return re.search(_KEYWORD_DEF + re.escape(name) + r"\b", code) is not None


def name_variants(name: str) -> list[str]:
    """``name`` first, then its other case styles: ``sort_array`` -> ``sortArray``,
    ``SortArray``; ``sortArray`` -> ``sort_array``, ``SortArray`` (no duplicates)."""
    words = [w for w in re.split(r"_+|(?<=[a-z0-9])(?=[A-Z])", name) if w]
    if not words:
        return [name]
    lower = [w.lower() for w in words]
    camel = lower[0] + "".join(w.capitalize() for w in lower[1:])
    out = [name, "_".join(lower), camel, camel[:1].upper() + camel[1:]]
    return list(dict.fromkeys(out))
