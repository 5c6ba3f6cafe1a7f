"""Python values (an example's arguments and result) written as Java, C, C++, Rust and Go code.

Two levels decide whether an example can be run in a language. ``writable(language, value)``
looks at the value alone: dicts and sets, mixed-type lists, ``None`` where the language has no
null (C, C++, Go), nested lists in C, integers beyond 64 bits, non-finite floats and lone
surrogates are never written; such an example is skipped for that language, never guessed.
``call(...)`` then writes one call of one candidate's declaration; a value that does not fit a
declared type (a list for an ``int``, -1 for a ``usize``) raises ``Unwritable``, and the example
counts as failed for that candidate (its declaration cannot take the example).

A call is setup statements (local variables: C arrays, C++ and Rust values taken by reference)
plus the call expression. C functions that take an array and its length are called with the
length filled in (``sum([1, 2])`` -> ``sum(a0, 2)``), and an ``int *returnSize``-style last
parameter receives the length of a returned array. Two more C conventions show an array after
the call rather than the returned value: an output buffer (the last non-const pointer to
numbers, named like ``out``/``result``/``dst`` or after an array declared ``const``: the
example gives no value for it; as many items are shown as the function returns, or, for a
``void`` function, as many as its input arrays hold together), and an array a ``void``
function changes in place (``rotate(nums, len, k)`` shows ``nums`` afterwards).
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from codegen.execution.decls import Decl, Param
from codegen.execution.decltypes import I64, Ty, parse


class Unwritable(Exception):
    """A value that the declared type cannot hold."""


@dataclass(frozen=True)
class Call:
    setup: tuple[str, ...]
    expr: str
    size_var: str | None = None  # C: the variable a returned array's length is written to
    # C: the array shown after the call (an output buffer, or an argument changed in place)
    # instead of a returned value; ``expr`` is then the statements that make the call.
    shown: str | None = None
    shown_ty: Ty | None = None


def writable(language: str, value: object, depth: int = 0) -> bool:
    """Whether ``value`` can be written in ``language`` at all (for some declared type)."""
    if value is None:
        return language in ("java", "rust")
    if isinstance(value, bool):
        return True
    if isinstance(value, int):
        return I64[0] <= value <= I64[1]
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, str):
        return not re.search(r"[\ud800-\udfff]", value) and (language != "c" or "\0" not in value)
    if isinstance(value, list | tuple):
        if language == "c" and depth >= 1:
            return False  # C takes flat arrays only
        kinds = {_kind(v) for v in value}
        same = len(kinds - {"null"}) <= 1 and not ("null" in kinds and language != "java")
        return same and all(writable(language, v, depth + 1) for v in value)
    return False


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, list | tuple):
        return "list"
    return type(value).__name__


def _string(value: str, language: str) -> str:
    out = []
    for ch in value:
        code = ord(ch)
        if ch in '\\"':
            out.append("\\" + ch)
        elif ch in "\n\t\r":
            out.append({"\n": "\\n", "\t": "\\t", "\r": "\\r"}[ch])
        elif code < 0x20 or code == 0x7F:
            out.append(_control(code, language))
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _control(code: int, language: str) -> str:
    if language in ("c", "cpp"):
        return f"\\{code:03o}"
    if language == "rust":
        return f"\\u{{{code:x}}}"
    return f"\\u{code:04x}"  # Java and Go


def _char(value: object, language: str) -> str:
    if not isinstance(value, str) or len(value) != 1:
        raise Unwritable("a character")
    inner = _string(value, language)[1:-1]
    return "'" + ("\\'" if value == "'" else inner.replace('\\"', '"')) + "'"


def _number(value: object, ty: Ty) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Unwritable(f"a number for {ty.text}")
    if ty.kind == "int":
        if isinstance(value, float) and not value.is_integer():
            raise Unwritable(f"{value} into {ty.text}")
        value = int(value)
        if not ty.range[0] <= value <= ty.range[1]:
            raise Unwritable(f"{value} out of the range of {ty.text}")
        return str(value)
    text = repr(float(value))
    return text


def _scalar(value: object, ty: Ty, language: str) -> str:
    """A literal of a scalar kind, or raise."""
    if ty.kind in ("int", "float"):
        return _number(value, ty)
    if ty.kind == "bool":
        if not isinstance(value, bool):
            raise Unwritable("a boolean")
        return "true" if value else "false"
    if ty.kind == "char":
        return _char(value, language)
    if ty.kind == "str":
        if not isinstance(value, str):
            raise Unwritable("a string")
        return _string(value, language)
    raise Unwritable(f"a value of {ty.text or 'this type'}")


def _items(value: object, ty: Ty) -> Sequence[object]:
    if not isinstance(value, list | tuple):
        raise Unwritable(f"a list for {ty.text}")
    return value


# --- per language ---------------------------------------------------------------------------


def java_value(value: object, ty: Ty) -> str:
    if value is None:
        if not ty.nullable:
            raise Unwritable(f"null for {ty.text}")
        return "null"
    if ty.kind == "list":
        items = [java_value(v, ty.item) for v in _items(value, ty)]
        if ty.form == "array":
            return f"new {ty.text[:-2]}[]{{{', '.join(items)}}}"
        elem = ty.item.text
        if not items:
            return f"new java.util.ArrayList<{elem}>()"
        return (
            f"new java.util.ArrayList<{elem}>(java.util.Arrays.<{elem}>asList({', '.join(items)}))"
        )
    text = _scalar(value, ty, "java")
    if ty.form in ("short", "byte"):
        return f"({ty.form}) {text}"
    return text + {"long": "L", "float": "f"}.get(ty.form, "")


def go_value(value: object, ty: Ty) -> str:
    if ty.kind == "list":
        items = [go_value(v, ty.item) for v in _items(value, ty)]
        return f"{ty.text}{{{', '.join(items)}}}"
    return _scalar(value, ty, "go")


def rust_value(value: object, ty: Ty) -> str:
    if ty.kind == "option":
        return "None" if value is None else f"Some({rust_value(value, ty.item)})"
    if ty.kind == "list":
        items = [rust_value(v, ty.item) for v in _items(value, ty)]
        return f"vec![{', '.join(items)}]"
    if ty.kind == "tuple":
        values = list(_items(value, ty))
        if len(values) != len(ty.items):
            raise Unwritable(f"{len(values)} values into {ty.text}")
        parts = [rust_value(v, t) for v, t in zip(values, ty.items, strict=True)]
        return f"({', '.join(parts)}{',' if len(parts) == 1 else ''})"
    text = _scalar(value, ty, "rust")
    if ty.kind == "str" and ty.form == "owned":
        return f"String::from({text})"
    return text


def cpp_value(value: object, ty: Ty) -> str:
    """A C++ initializer: a literal, or braces for vectors and pairs."""
    if ty.kind in ("list", "tuple"):
        types = ty.items if ty.kind == "tuple" else (ty.item,) * len(_items(value, ty))
        items = list(_items(value, ty))
        if len(items) != len(types):
            raise Unwritable(f"{len(items)} values into {ty.text}")
        return "{" + ", ".join(cpp_value(v, t) for v, t in zip(items, types, strict=True)) + "}"
    if ty.kind == "option":
        return "std::nullopt" if value is None else cpp_value(value, ty.item)
    return _scalar(value, ty, "cpp")


# --- calls ----------------------------------------------------------------------------------

_LENGTH = re.compile(
    r"^(n|len|length|size|count|num|cnt|sz|\w*(size|len|length|count)|n_\w+|num_?\w+|\w+_n)$", re.I
)
_OUT_SIZE = re.compile(r"^(return|ret|out|result|res)_?(size|len|length|count|n)$", re.I)


def call(language: str, decl: Decl, args: Sequence[object], name: str) -> Call:
    """The setup and the call expression of ``name`` (how the harness reaches ``decl``) with
    ``args``; raise Unwritable when the declaration cannot take them."""
    if language in ("c", "cpp"):
        return _c_call(language, decl, args, name)
    if len(args) != len(decl.params):
        raise Unwritable(f"{len(args)} arguments for {len(decl.params)} parameters")
    types = [parse(language, p.type) for p in decl.params]
    if language == "java":
        return Call(
            (), f"{name}({', '.join(java_value(v, t) for v, t in zip(args, types, strict=True))})"
        )
    if language == "go":
        return Call(
            (), f"{name}({', '.join(go_value(v, t) for v, t in zip(args, types, strict=True))})"
        )
    setup, exprs = [], []
    for i, (value, ty) in enumerate(zip(args, types, strict=True)):
        var = f"codegen_a{i}"
        if ty.by == "" or ty.form == "ref":
            exprs.append(rust_value(value, ty))
            continue
        setup.append(f"let mut {var}: {ty.text} = {rust_value(value, ty)};")
        exprs.append(f"{ty.by} {var}" if ty.by == "&mut" else f"&{var}")
    return Call(tuple(setup), f"{name}({', '.join(exprs)})")


def _c_call(language: str, decl: Decl, args: Sequence[object], name: str) -> Call:
    params = list(decl.params)
    out_size = None
    if (
        params
        and _OUT_SIZE.match(params[-1].name)
        and parse(language, params[-1].type).form == "pointer"
    ):
        out_size = params.pop()
    buffer = _buffer(language, params) if out_size is None else None
    buffer_param = params.pop(buffer) if buffer is not None else None
    plan = _c_plan(language, params, len(args))
    setup: list[str] = []
    exprs: list[str] = []
    arrays: list[tuple[str, Ty, int]] = []  # the array arguments: variable, type, length
    values = iter(args)
    last_len = 0
    for i, (param, implied) in enumerate(plan):
        ty = parse(language, param.type)
        if implied:
            exprs.append(str(last_len))
            continue
        value = next(values)
        if isinstance(value, list | tuple):
            last_len = len(value)
        elif isinstance(value, str):
            last_len = len(value.encode("utf-8"))
        exprs.append(_c_arg(language, ty, value, f"codegen_a{i}", setup))
        if ty.form == "pointer":
            arrays.append((f"codegen_a{i}", ty, last_len))
    if buffer is not None and buffer_param is not None:
        exprs.insert(buffer, "codegen_out")
        called = f"{name}({', '.join(exprs)})"
        return _buffer_call(language, decl, buffer_param, arrays, setup, called)
    size_var = None
    if out_size is not None:
        size_var = "codegen_size"
        setup.append(f"int {size_var} = 0;")
        exprs.append(f"&{size_var}")
    called = f"{name}({', '.join(exprs)})"
    in_place = _in_place(language, decl, plan, arrays)
    if in_place is not None:
        var, ty, length = in_place
        setup.append(f"int codegen_n = {length};")
        return Call(tuple(setup), f"{called};", "codegen_n", var, ty)
    return Call(tuple(setup), called, size_var)


_OUT_NAME = re.compile(r"^(out|output|result|res|dst|dest|buf|buffer)(_\w*|[A-Z]\w*)?$")


def _numbers(language: str, param: Param) -> bool:
    ty = parse(language, param.type)
    return ty.form == "pointer" and ty.item.kind in ("int", "float", "bool")


def _buffer(language: str, params: Sequence[Param]) -> int | None:
    """Which parameter is an output buffer: the last non-const pointer to numbers, when it is
    named like one or an array parameter declared ``const`` (an input) comes before it."""
    pointers = [i for i, p in enumerate(params) if parse(language, p.type).form == "pointer"]
    for i in reversed(pointers):
        param = params[i]
        if _const(param) or not _numbers(language, param):
            continue
        inputs = any(_const(params[j]) for j in pointers if j < i)
        return i if _OUT_NAME.match(param.name) or inputs else None
    return None


def _const(param: Param) -> bool:
    return re.search(r"\bconst\b", param.type) is not None


def _buffer_call(
    language: str,
    decl: Decl,
    buffer: Param,
    arrays: Sequence[tuple[str, Ty, int]],
    setup: list[str],
    called: str,
) -> Call:
    """Call with a zeroed output buffer; show as many items as the function returns (a count),
    or for a ``void`` one as many as the input arrays hold together."""
    ty = parse(language, buffer.type)
    total = sum(length for _, _, length in arrays)
    cap = 2 * total + 64
    setup.append(f"{ty.text[:-1]} codegen_out[{cap}] = {{0}};")
    returned = parse(language, decl.returns) if decl.returns else None
    if returned is None:
        setup.append(f"long long codegen_n = {total};")
        return Call(tuple(setup), f"{called};", "codegen_n", "codegen_out", ty)
    if returned.kind != "int" or returned.form:
        raise Unwritable(f"an output buffer and a {decl.returns} result")
    run = (
        f"long long codegen_n = (long long)({called}); "
        f"if (codegen_n < 0 || codegen_n > {cap}) codegen_n = 0;"
    )
    return Call(tuple(setup), run, "codegen_n", "codegen_out", ty)


def _in_place(
    language: str,
    decl: Decl,
    plan: Sequence[tuple[Param, bool]],
    arrays: Sequence[tuple[str, Ty, int]],
) -> tuple[str, Ty, int] | None:
    """The array argument a ``void`` function changes in place: the first one not declared
    as pointing to constant numbers."""
    if decl.returns:
        return None
    given = [p for p, implied in plan if not implied and parse(language, p.type).form == "pointer"]
    for param, array in zip(given, arrays, strict=True):
        if not (_const(param) and _numbers(language, param)):
            return array
    return None


def explicit_params(language: str, decl: Decl) -> list[Param]:
    """The parameters an example gives values for: for C and C++ without the array lengths
    and the returned-size pointer the harness fills in."""
    params = list(decl.params)
    if language not in ("c", "cpp"):
        return params
    if params and _OUT_SIZE.match(params[-1].name):
        params.pop()
    elif (buffer := _buffer(language, params)) is not None:
        params.pop(buffer)
    kept = params[:1]
    for before, here in itertools.pairwise(params):
        implied = parse(language, before.type).form in ("pointer", "cstr") and _LENGTH.match(
            here.name
        )
        if not (implied and parse(language, here.type).kind == "int"):
            kept.append(here)
    return kept


def _c_plan(language: str, params: list[Param], given: int) -> list[tuple[Param, bool]]:
    """Which parameters take the example's arguments and which are implied array lengths."""
    missing = len(params) - given
    if missing < 0:
        raise Unwritable(f"{given} arguments for {len(params)} parameters")
    implied: set[int] = set()
    for i in range(1, len(params)):
        if len(implied) == missing:
            break
        before = parse(language, params[i - 1].type)
        here = parse(language, params[i].type)
        if (
            before.form in ("pointer", "cstr")
            and here.kind == "int"
            and _LENGTH.match(params[i].name)
        ):
            implied.add(i)
    if len(implied) != missing:
        raise Unwritable(f"{given} arguments for {len(params)} parameters")
    return [(p, i in implied) for i, p in enumerate(params)]


def _c_arg(language: str, ty: Ty, value: object, var: str, setup: list[str]) -> str:
    if ty.form == "pointer":
        items = _items(value, ty)
        base = ty.text[:-1]
        if ty.item.kind == "str":
            written = [_scalar(v, ty.item, language) for v in items]
            decl = f"char *{var}[]" if language == "c" else f"const char *{var}[]"
        else:
            written = [_scalar(v, ty.item, language) for v in items]
            decl = f"{base} {var}[]"
        body = ", ".join(written) if written else "0"
        setup.append(f"{decl} = {{{body}}};")
        return f"(char **){var}" if ty.item.kind == "str" and language == "cpp" else var
    if ty.kind == "str" and ty.form == "cstr":
        setup.append(f"char {var}[] = {_scalar(value, ty, language)};")
        return var
    if language == "cpp" and ty.kind not in ("int", "float", "bool", "char"):
        setup.append(f"{ty.text} {var} = {cpp_value(value, ty)};")
        return var
    if language == "cpp" and ty.by:
        setup.append(f"{ty.text} {var} = {cpp_value(value, ty)};")
        return var
    return _scalar(value, ty, language)
