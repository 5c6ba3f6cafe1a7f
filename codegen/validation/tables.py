"""Which of a reference checker's messages are syntax errors (they count) and which are not.

Only syntax errors make a candidate invalid: a missing symbol or a type error is the ranker's
business, not the validator's. Each checker has a table here; each table is unit-tested with
real compiler output both ways (tests/unit/test_validation_tables.py).
"""

from __future__ import annotations

import re

# javac -XDrawDiagnostics keys (after "compiler.err.") produced by its parser and lexer.
JAVAC_SYNTAX_KEYS = frozenset(
    {
        "expected",
        "expected2",
        "expected3",
        "expected4",
        "illegal.start.of.expr",
        "illegal.start.of.type",
        "illegal.start.of.stmt",
        "premature.eof",
        "not.stmt",
        "orphaned",
        "else.without.if",
        "catch.without.try",
        "finally.without.try",
        "try.without.catch.finally.or.resource.decls",
        "unclosed.str.lit",
        "unclosed.char.lit",
        "unclosed.comment",
        "unclosed.text.block",
        "illegal.char",
        "illegal.esc.char",
        "illegal.unicode.esc",
        "illegal.line.end.in.char.lit",
        "illegal.text.block.open",
        "empty.char.lit",
        "malformed.fp.lit",
        "invalid.hex.number",
        "invalid.binary.number",
        "int.number.too.large",
        "illegal.underscore",
        "illegal.dot",
        "dot.class.expected",
        "invalid.meth.decl.ret.type.req",
        "variable.not.allowed",
        "class.not.allowed",
        "array.dimension.missing",
        "this.as.identifier",
        "repeated.modifier",
        "varargs.must.be.last",
        "enum.constant.expected",
        "illegal.array.creation.both.dimension.and.initialization",
    }
)
# Keys from later phases (naming, resolution, types): never syntax.
JAVAC_NON_SYNTAX_KEYS = frozenset(
    {
        "class.public.should.be.in.file",
        "cant.resolve",
        "cant.resolve.location",
        "cant.resolve.location.args",
        "cant.apply.symbol",
        "prob.found.req",
        "duplicate.class",
        "already.defined",
        "missing.ret.stmt",
        "unreported.exception.need.to.catch.or.throw",
        "var.might.not.have.been.initialized",
        "does.not.override.abstract",
        "incomparable.types",
        "operator.cant.be.applied",
        "operator.cant.be.applied.1",
        "doesnt.exist",
        "non-static.cant.be.ref",
        "modifier.not.allowed.here",
        "not.def.public.cant.access",
    }
)


def javac_is_syntax(key: str) -> bool:
    if key in JAVAC_SYNTAX_KEYS:
        return True
    if key in JAVAC_NON_SYNTAX_KEYS:
        return False
    return key.startswith(("illegal.", "expected", "unclosed.", "premature."))


_JAVAC_TEXT = {
    "premature.eof": "reached end of file while parsing",
    "illegal.start.of.expr": "illegal start of expression",
    "illegal.start.of.type": "illegal start of type",
    "illegal.start.of.stmt": "illegal start of statement",
    "not.stmt": "not a statement",
    "else.without.if": "'else' without 'if'",
    "unclosed.str.lit": "unclosed string literal",
    "unclosed.char.lit": "unclosed character literal",
    "unclosed.comment": "unclosed comment",
    "invalid.meth.decl.ret.type.req": "invalid method declaration; return type required",
    "class.public.should.be.in.file": "public class should be declared in a file of its name",
}


def javac_message(key: str, args: str) -> str:
    """``expected: ';'`` -> ``';' expected``; other keys read as words."""
    args = args.strip()
    if key.startswith("expected") and args:
        return f"{' or '.join(a.strip() for a in args.split(','))} expected"
    text = _JAVAC_TEXT.get(key, key.replace(".", " "))
    return f"{text}: {args}" if args else text


# rustc: parse errors mostly carry no error code; these codes are lexer/parser errors too.
RUSTC_SYNTAX_CODES = frozenset(
    {"E0585", "E0586", "E0748", "E0753", "E0758", "E0762", "E0763", "E0765", "E0766", "E0178"}
)
_RUSTC_NON_SYNTAX_TEXT = re.compile(
    r"aborting due to|could not compile|cannot find|unresolved|mismatched types|"
    r"can't find crate|unknown feature|main function not found|`main` function not found"
)


def rustc_is_syntax(code: str | None, message: str) -> bool:
    if code is not None:
        return code in RUSTC_SYNTAX_CODES
    return _RUSTC_NON_SYNTAX_TEXT.search(message) is None


# gcc/g++: messages about names, types and files come first (they are not syntax) ...
_GCC_NON_SYNTAX = re.compile(
    r"undeclared|implicit declaration|unknown type name|was not declared|not declared in|"
    r"does not name a type|has no member|is not a member|incompatible|conflicting types|"
    r"redefinition|redeclared|previous (?:declaration|definition)|too (?:few|many) arguments|"
    r"invalid conversion|no matching|cannot convert|lvalue required|storage size|"
    r"No such file or directory|invalid use of|discards|makes (?:integer|pointer) from|"
    r"passing argument|called object|subscripted value|request for member|deprecated|"
    r"cannot be used as a function|uninitialized|no return statement|control reaches|"
    r"invalid operands|not a type|ambiguous|abstract|private|protected|no member named|"
    r"initializer element is not|variable-sized|array size|int-conversion|"
    r"cannot bind|invalid initialization|no viable|has incomplete type|was not declared"
)
# ... then the parser's own words.
_GCC_SYNTAX = re.compile(
    r"expected|stray '|missing terminating|unterminated|at end of input|unexpected|"
    r"without #if|unbalanced|invalid preprocessing directive|empty character constant|"
    r"invalid suffix|extra tokens|#else after #else|#endif without|no macro name|"
    r"invalid digit|exponent has no digits|unknown escape|before numeric constant|"
    r"two or more data types|multiple types in one declaration|duplicate '"
)


_GCC_UNKNOWN_NAME = re.compile(
    r"is not a member of|was not declared|does not name a (?:template )?type|undeclared|"
    r"unknown type name|has not been declared"
)


def gcc_unknown_name(message: str) -> bool:
    """gcc/g++ saying a name is unknown (a missing header or declaration)."""
    return _GCC_UNKNOWN_NAME.search(message) is not None


def gcc_is_syntax(message: str) -> bool:
    if _GCC_NON_SYNTAX.search(message):
        return False
    return _GCC_SYNTAX.search(message) is not None


def bash_is_syntax(message: str) -> bool:
    return "syntax error" in message or "unexpected" in message


def node_is_syntax(kind: str) -> bool:
    """node --check reports ``SyntaxError: ...``; anything else is not about syntax."""
    return kind == "SyntaxError"
