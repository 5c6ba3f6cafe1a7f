"""Declared types of Java, C, C++, Rust and Go, read from their text into one small model.

``parse(language, text)`` turns a parameter's or return's type as written (``List<Integer>``,
``const int*``, ``const std::vector<std::string>&``, ``&mut Vec<i64>``, ``[][]int``) into a
``Ty``: a kind (int, float, bool, str, char, list, tuple, option, other), the declared text
without references and ``const`` (what a local variable of that type is declared as), the item
types, the integer range, and a form saying how a list or string is held (a Java array or
``List``, a C pointer, a C++ ``vector``, a Rust ``Vec`` or slice, a Go slice; a C ``char*``, a
Rust ``&str`` or ``String``). Types outside the model are ``other``: no example is written for
them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

I64 = (-(2**63), 2**63 - 1)


@dataclass(frozen=True)
class Ty:
    kind: str  # int, float, bool, str, char, list, tuple, option, other
    text: str = ""
    items: tuple[Ty, ...] = ()
    range: tuple[int, int] = I64
    form: str = ""
    nullable: bool = False  # Java reference types take null
    by: str = ""  # Rust/C++: how an argument is passed: "" value, "&" shared, "&mut" mutable

    @property
    def item(self) -> Ty:
        return self.items[0] if self.items else OTHER


OTHER = Ty("other")


def _bits(bits: int, signed: bool = True) -> tuple[int, int]:
    return (-(2 ** (bits - 1)), 2 ** (bits - 1) - 1) if signed else (0, 2**bits - 1)


def _args(text: str) -> list[str]:
    """The top-level comma-separated parts of a generic argument list."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "<([":
            depth += 1
        elif ch in ">)]":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(text[start:i].strip())
            start = i + 1
    parts.append(text[start:].strip())
    return [p for p in parts if p]


def _generic(text: str) -> tuple[str, list[str]] | None:
    match = re.fullmatch(r"([\w.:]+)\s*<(.*)>", text.strip(), re.S)
    return (match.group(1), _args(match.group(2))) if match else None


# --- Java -------------------------------------------------------------------------------------

_JAVA_SCALARS = {
    "int": Ty("int", "int", range=_bits(32)),
    "long": Ty("int", "long", range=I64, form="long"),
    "short": Ty("int", "short", range=_bits(16), form="short"),
    "byte": Ty("int", "byte", range=_bits(8), form="byte"),
    "double": Ty("float", "double"),
    "float": Ty("float", "float", form="float"),
    "boolean": Ty("bool", "boolean"),
    "char": Ty("char", "char"),
}
_JAVA_BOXED = {
    "Integer": "int",
    "Long": "long",
    "Short": "short",
    "Byte": "byte",
    "Double": "double",
    "Float": "float",
    "Boolean": "boolean",
    "Character": "char",
}
_JAVA_LISTS = ("List", "ArrayList", "Collection", "Iterable", "LinkedList")


def java(text: str) -> Ty:
    text = re.sub(r"\s+", "", text.removeprefix("final ").replace("java.util.", ""))
    if text.endswith("[]"):
        item = java(text[:-2])
        return Ty("list", text, (item,), form="array", nullable=True)
    if text in _JAVA_SCALARS:
        return _JAVA_SCALARS[text]
    if text in _JAVA_BOXED:
        return replace(_JAVA_SCALARS[_JAVA_BOXED[text]], text=text, nullable=True)
    if text in ("String", "CharSequence"):
        return Ty("str", text, nullable=True)
    generic = _generic(text)
    if generic and generic[0] in _JAVA_LISTS and len(generic[1]) == 1:
        return Ty("list", text, (java(generic[1][0]),), form="list", nullable=True)
    return OTHER


# --- C and C++ --------------------------------------------------------------------------------

_C_INTS = {
    "char": None,
    "signed char": _bits(8),
    "unsigned char": _bits(8, False),
    "short": _bits(16),
    "unsigned short": _bits(16, False),
    "int": _bits(32),
    "signed": _bits(32),
    "unsigned": _bits(32, False),
    "unsigned int": _bits(32, False),
    "long": I64,
    "long int": I64,
    "unsigned long": _bits(64, False),
    "long long": I64,
    "long long int": I64,
    "unsigned long long": _bits(64, False),
    "size_t": _bits(64, False),
    "ssize_t": I64,
    "ptrdiff_t": I64,
}


def _c_int(base: str) -> tuple[int, int] | None:
    if base in _C_INTS:
        return _C_INTS[base]
    match = re.fullmatch(r"(u?)int(8|16|32|64)_t", base)
    if match:
        return _bits(int(match.group(2)), not match.group(1))
    return None


def c(text: str, cpp: bool = False) -> Ty:
    """A C (or C++) type; for C++ also ``std::vector``, ``std::string`` and ``std::pair``."""
    text = re.sub(r"\b(const|volatile|static|inline|struct|register)\b", " ", text)
    by = "&" if text.rstrip().endswith("&") else ""
    text = re.sub(r"\s+", " ", text.replace("&", "")).strip()
    text = re.sub(r"\s*\*", "*", text)
    if cpp:
        found = _cpp(text)
        if found is not None:
            return replace(found, by=by)
    stars = len(text) - len(text.rstrip("*"))
    base = text.rstrip("*").strip()
    scalar = _c_scalar(base)
    if stars == 0:
        return scalar
    if stars == 1 and scalar.kind == "char":
        return Ty("str", "char*", form="cstr")
    if stars == 1 and scalar.kind in ("int", "float", "bool"):
        return Ty("list", base + "*", (scalar,), form="pointer")
    if stars == 2 and scalar.kind == "char":
        return Ty("list", "char**", (Ty("str", "char*", form="cstr"),), form="pointer")
    return OTHER


def _c_scalar(base: str) -> Ty:
    if base == "char":
        return Ty("char", "char")
    if base in ("bool", "_Bool"):
        return Ty("bool", base)
    if base in ("double", "float", "long double"):
        return Ty("float", base)
    found = _c_int(base)
    return Ty("int", base, range=found) if found else OTHER


def _cpp(text: str) -> Ty | None:
    bare = text.replace("std::", "")
    if bare in ("string", "string_view"):
        return Ty("str", text, form="owned")
    generic = _generic(text)
    if generic is None:
        return None
    name, args = generic[0].replace("std::", ""), generic[1]
    if name in ("vector", "deque", "list") and len(args) == 1:
        return Ty("list", text, (c(args[0], True),), form="vector")
    if name == "pair" and len(args) == 2:
        return Ty("tuple", text, tuple(c(a, True) for a in args))
    if name == "optional" and len(args) == 1:
        return Ty("option", text, (c(args[0], True),))
    return OTHER


# --- Rust -------------------------------------------------------------------------------------


def rust(text: str) -> Ty:
    text = re.sub(r"\s+", " ", text).strip()
    by = ""
    if text.startswith("&"):
        by = "&mut" if re.match(r"&\s*(?:'\w+\s+)?mut\b", text) else "&"
        text = re.sub(r"^&\s*(?:'\w+\s+)?(?:mut\s+)?", "", text)
    found = _rust_owned(text)
    if found.kind == "str" and by == "&" and text == "str":
        return replace(found, text="&str", form="ref")
    return replace(found, by=by)


def _rust_owned(text: str) -> Ty:
    ints = {f"i{b}": _bits(b) for b in (8, 16, 32, 64)} | {
        f"u{b}": _bits(b, False) for b in (8, 16, 32, 64)
    }
    ints |= {"isize": I64, "usize": _bits(64, False), "i128": I64, "u128": (0, I64[1])}
    if text in ints:
        return Ty("int", text, range=ints[text])
    simple = {
        "f64": "float",
        "f32": "float",
        "bool": "bool",
        "char": "char",
        "String": "str",
        "str": "str",
    }
    if text in simple:
        return Ty(simple[text], text, form="owned" if text == "String" else "")
    if text.startswith("[") and text.endswith("]") and ";" not in text:
        item = rust(text[1:-1])
        return Ty("list", f"Vec<{item.text}>", (item,), form="slice")
    if text.startswith("(") and text.endswith(")"):
        members = tuple(rust(part) for part in _args(text[1:-1]))
        return Ty("tuple", text, members) if members else OTHER
    generic = _generic(text)
    if generic and len(generic[1]) == 1:
        inner = rust(generic[1][0])
        if generic[0] in ("Vec", "VecDeque"):
            return Ty("list", text, (inner,), form="vec")
        if generic[0] == "Option":
            return Ty("option", text, (inner,))
    return OTHER


# --- Go ---------------------------------------------------------------------------------------

_GO = {
    "int": I64,
    "int64": I64,
    "int32": _bits(32),
    "int16": _bits(16),
    "int8": _bits(8),
    "uint": _bits(64, False),
    "uint64": _bits(64, False),
    "uint32": _bits(32, False),
    "uint16": _bits(16, False),
    "uint8": _bits(8, False),
}


def go(text: str) -> Ty:
    text = text.strip()
    if text.startswith("[]"):
        item = go(text[2:])
        return Ty("list", text, (item,), form="slice")
    if text in _GO:
        return Ty("int", text, range=_GO[text])
    simple = {"float64": "float", "float32": "float", "bool": "bool", "string": "str"}
    if text in simple:
        return Ty(simple[text], text)
    if text in ("rune", "byte"):
        return Ty("char", text)
    return OTHER


def parse(language: str, text: str) -> Ty:
    """The ``Ty`` of a declared type in ``language``."""
    if language == "java":
        return java(text)
    if language in ("c", "cpp"):
        return c(text, language == "cpp")
    if language == "rust":
        return rust(text)
    if language == "go":
        return go(text)
    return OTHER


def results(language: str, text: str) -> tuple[Ty, ...]:
    """A function's result types: () for none; Go's ``(int, error)`` gives two."""
    text = text.strip()
    if not text:
        return ()
    if language == "go" and text.startswith("("):
        return tuple(
            go(part.split()[-1]) if part != "error" else Ty("error", "error")
            for part in _args(text[1:-1])
        )
    if language == "go" and text == "error":
        return (Ty("error", "error"),)
    return (parse(language, text),)
