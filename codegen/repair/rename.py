"""``rename_to_signature``: give the candidate's entry function the signature's name.

A model often answers with the right function under another name (``sortArray`` where the
signature says ``sort_array``), and the validator rejects it for not defining the signature's
name. When that name is missing and the code has exactly one plausible entry point, that one
is renamed: a function named like a case-style variant of the signature's name
(``sort_array``/``sortArray``/``SortArray``) if there is exactly one such, else the only
top-level function (for Java, the only method besides ``main``). Every identifier token with
the old name is renamed (recursive calls too); strings and comments are left alone. The
repairer keeps it only when the code then validates.
"""

from __future__ import annotations

from typing import Any

from codegen import parsing
from codegen.execution import decls
from codegen.validation.names import defines, name_variants, signature_name

STEP = "rename_to_signature"
_SCRIPT_FUNCTIONS = ("function_declaration", "generator_function_declaration")


def entry_points(language: str, code: str) -> list[str]:
    """Names of the functions that could be the one a signature asks for, in source order."""
    if language in decls.LANGUAGES:
        return list(
            dict.fromkeys(d.name for d in decls.functions(language, code) if d.name != "main")
        )
    tree = parsing.parse(language, code)
    if tree is None:
        return []
    data = code.encode("utf-8")
    names = [_top_name(language, node, data) for node in tree.root_node.named_children]
    return list(dict.fromkeys(n for n in names if n))


def _top_name(language: str, node: Any, data: bytes) -> str | None:
    if node.type in ("decorated_definition", "export_statement"):
        inner = node.child_by_field_name("definition") or node.child_by_field_name("declaration")
        return _top_name(language, inner, data) if inner is not None else None
    if node.type in ("function_definition", *_SCRIPT_FUNCTIONS):
        name = node.child_by_field_name("name")
        return _text(name, data) if name is not None else None
    if node.type in ("lexical_declaration", "variable_declaration"):
        for decl in node.named_children:
            value = decl.child_by_field_name("value")
            if value is not None and value.type in (
                "arrow_function",
                "function_expression",
                "function",
            ):
                name = decl.child_by_field_name("name")
                return _text(name, data) if name is not None else None
    return None


def _text(node: Any, data: bytes) -> str:
    return data[node.start_byte : node.end_byte].decode("utf-8", "replace")


def chosen(language: str, code: str, wanted: str) -> str | None:
    """The entry point to rename to ``wanted``; None when none or several are plausible."""
    names = entry_points(language, code)
    variants = [n for n in names if n in name_variants(wanted) and n != wanted]
    if len(variants) == 1:
        return variants[0]
    if not variants and len(names) == 1:
        return names[0]
    return None


def rename(language: str, code: str, old: str, new: str) -> str:
    """``code`` with every identifier token ``old`` spelt ``new``."""
    tree = parsing.parse(language, code)
    if tree is None:
        return code
    data = code.encode("utf-8")
    spans = [
        (leaf.start_byte, leaf.end_byte)
        for leaf in parsing.leaves(tree.root_node, ("string", "string_literal"), drop_comments=True)
        if "identifier" in leaf.type and data[leaf.start_byte : leaf.end_byte] == old.encode()
    ]
    out = data
    for start, end in reversed(spans):
        out = out[:start] + new.encode() + out[end:]
    return out.decode("utf-8")


def to_signature(code: str, language: str, signature: str | None) -> str | None:
    """The renamed code, or None when the signature's name is there or nothing fits."""
    wanted = signature_name(signature) if signature else None
    if not wanted or defines(language, code, wanted):
        return None
    old = chosen(language, code, wanted)
    if old is None:
        return None
    renamed = rename(language, code, old, wanted)
    return renamed if renamed != code else None
