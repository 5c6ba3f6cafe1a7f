"""The functions a candidate in a compiled language declares, read with tree-sitter.

A harness (``native.py``) calls a candidate's function with an example's arguments written as
the language's literals; to write them it needs each parameter's declared type, and to print
the result, the return type. ``functions`` gives, for every function or method in the code, its
name, its parameters (name and type as written, C/C++ pointer and reference marks folded into
the type: ``const int *a`` -> ``const int*``), its return type, the class or ``impl`` it
belongs to (Java, C++ and Rust methods), and whether it needs an object to be called on.
``find`` picks the one an example calls, trying the name's case-style variants
(``sort_array`` finds ``sortArray``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from codegen import parsing
from codegen.validation.names import name_variants

LANGUAGES = ("java", "c", "cpp", "rust", "go")


@dataclass(frozen=True)
class Param:
    name: str
    type: str


@dataclass(frozen=True)
class Decl:
    name: str
    params: tuple[Param, ...]
    returns: str  # "" for none (void, Rust's unit, a Go function without results)
    owner: str | None = None  # the class or impl type of a method
    instance: bool = False  # a Java/C++ method that is not static


def functions(language: str, code: str) -> list[Decl]:
    """Every function and method ``code`` declares with a body, in source order."""
    tree = parsing.parse(language, code)
    if tree is None or language not in LANGUAGES:
        return []
    data = code.encode("utf-8")
    reader = {"java": _java, "c": _c_like, "cpp": _c_like, "rust": _rust, "go": _go}[language]
    return list(reader(tree.root_node, data, None))


def find(decls: list[Decl], name: str) -> Decl | None:
    """The declaration called ``name`` (else one of its case-style variants); the last one
    when several share the name, as a later definition is usually the complete one."""
    for variant in name_variants(name):
        found = [d for d in decls if d.name == variant and d.name != "main"]
        if found:
            return found[-1]
    return None


def _text(node: Any, data: bytes) -> str:
    return data[node.start_byte : node.end_byte].decode("utf-8", "replace")


def _field(node: Any, name: str, data: bytes) -> str:
    child = node.child_by_field_name(name)
    return "" if child is None else _text(child, data)


# --- Java -------------------------------------------------------------------------------------


def _java(node: Any, data: bytes, owner: str | None) -> Iterator[Decl]:
    for child in node.named_children:
        if child.type in ("class_declaration", "record_declaration", "enum_declaration"):
            body = child.child_by_field_name("body")
            if body is not None:
                yield from _java(body, data, _field(child, "name", data))
        elif child.type == "method_declaration" and child.child_by_field_name("body"):
            yield _java_method(child, data, owner)


def _java_method(node: Any, data: bytes, owner: str | None) -> Decl:
    params = []
    formal = node.child_by_field_name("parameters")
    for param in formal.named_children if formal is not None else []:
        if param.type != "formal_parameter":
            continue
        dims = _field(param, "dimensions", data).replace(" ", "")
        params.append(Param(_field(param, "name", data), _field(param, "type", data) + dims))
    mods = next((c for c in node.children if c.type == "modifiers"), None)
    static = mods is not None and "static" in _text(mods, data).split()
    returns = _field(node, "type", data)
    returns = "" if returns == "void" else returns
    return Decl(_field(node, "name", data), tuple(params), returns, owner, not static)


# --- C and C++ --------------------------------------------------------------------------------


def _c_like(node: Any, data: bytes, owner: str | None) -> Iterator[Decl]:
    for child in node.named_children:
        if child.type in ("class_specifier", "struct_specifier"):
            body = child.child_by_field_name("body")
            if body is not None:
                yield from _c_like(body, data, _field(child, "name", data))
        elif child.type in ("namespace_definition", "linkage_specification"):
            body = child.child_by_field_name("body")
            if body is not None:
                yield from _c_like(body, data, owner)
        elif child.type == "function_definition":
            decl = _c_function(child, data, owner)
            if decl is not None:
                yield decl


def _c_function(node: Any, data: bytes, owner: str | None) -> Decl | None:
    base = _c_base(node, data)
    declarator, marks = _unwrap(node.child_by_field_name("declarator"), data)
    if declarator is None or declarator.type != "function_declarator":
        return None
    name_node = declarator.child_by_field_name("declarator")
    if name_node is None:
        return None
    params = []
    plist = declarator.child_by_field_name("parameters")
    for param in plist.named_children if plist is not None else []:
        if param.type != "parameter_declaration":
            continue
        inner, pmarks = _unwrap(param.child_by_field_name("declarator"), data)
        pname = _text(inner, data) if inner is not None else ""
        params.append(Param(pname, _c_base(param, data) + pmarks))
    returns = base + marks
    returns = "" if returns.strip() == "void" else returns
    text = _text(node, data).split("(", 1)[0]
    static = "static" in text.split()
    return Decl(
        _text(name_node, data), tuple(params), returns, owner, owner is not None and not static
    )


def _c_base(node: Any, data: bytes) -> str:
    """The type part of a declaration, with its qualifiers (``const unsigned int``)."""
    words = [
        _text(c, data)
        for c in node.children
        if c.type in ("type_qualifier", "sized_type_specifier", "primitive_type")
        or c == node.child_by_field_name("type")
    ]
    return " ".join(w for w in words if w)


def _unwrap(node: Any, data: bytes) -> tuple[Any, str]:
    """The innermost declarator under pointer/reference/array declarators, and their marks."""
    marks = ""
    while node is not None and node.type in (
        "pointer_declarator",
        "reference_declarator",
        "array_declarator",
        "abstract_pointer_declarator",
    ):
        if node.type == "reference_declarator":
            marks += "&&" if _text(node, data).lstrip().startswith("&&") else "&"
            node = next((c for c in node.named_children), None)
            continue
        marks += "*"
        node = node.child_by_field_name("declarator")
    return node, marks


# --- Rust -------------------------------------------------------------------------------------


def _rust(node: Any, data: bytes, owner: str | None) -> Iterator[Decl]:
    for child in node.named_children:
        if child.type == "impl_item" and child.child_by_field_name("trait") is None:
            body = child.child_by_field_name("body")
            if body is not None:
                yield from _rust(body, data, _field(child, "type", data))
        elif child.type == "mod_item":
            continue
        elif child.type == "function_item" and child.child_by_field_name("body"):
            plist = child.child_by_field_name("parameters")
            kids = plist.named_children if plist is not None else []
            if any(k.type == "self_parameter" for k in kids):
                continue  # a method on a value: no example can make the value
            params = tuple(
                Param(_field(k, "pattern", data).removeprefix("mut "), _field(k, "type", data))
                for k in kids
                if k.type == "parameter"
            )
            returns = _field(child, "return_type", data)
            yield Decl(
                _field(child, "name", data), params, "" if returns == "()" else returns, owner
            )


# --- Go ---------------------------------------------------------------------------------------


def _go(node: Any, data: bytes, owner: str | None) -> Iterator[Decl]:
    for child in node.named_children:
        if child.type != "function_declaration" or child.child_by_field_name("body") is None:
            continue
        params: list[Param] = []
        plist = child.child_by_field_name("parameters")
        for decl in plist.named_children if plist is not None else []:
            if decl.type != "parameter_declaration":
                continue  # variadic parameters are not called by examples
            ptype = _field(decl, "type", data)
            names = [c for c in decl.children if c.type == "identifier"]
            params.extend(Param(_text(n, data), ptype) for n in names)
        result = child.child_by_field_name("result")
        returns = "" if result is None else _text(result, data)
        yield Decl(_field(child, "name", data), tuple(params), returns, owner)
