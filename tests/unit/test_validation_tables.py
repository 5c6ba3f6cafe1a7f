"""The checkers' tables sort real compiler output into syntax and non-syntax, both ways."""

from __future__ import annotations

import pytest

from codegen.validation import reference, tables

# Real output, captured from gcc 12 (LC_ALL=C, -fdiagnostics-plain-output).
GCC_SYNTAX = """a.c: In function 'main':
a.c:1:24: error: expected ')' before ';' token
a.c:1:26: error: expected ',' or ';' before '}' token
a.c:1:26: error: expected declaration or statement at end of input
e.c:2:18: error: missing terminating " character
"""
GCC_NON_SYNTAX = """b.c: In function 'main':
b.c:1:21: error: unknown type name 'undefined_t'
f.cpp: In function 'int main()':
f.cpp:2:50: error: 'undefined' was not declared in this scope
f.cpp:2:63: error: 'Foo' was not declared in this scope
b.c:1:14: error: implicit declaration of function 'foo' [-Wimplicit-function-declaration]
"""
# javac 17 -XDrawDiagnostics.
JAVAC_SYNTAX = """D.java:1:33: compiler.err.unclosed.str.lit
D.java:1:42: compiler.err.premature.eof
A.java:3:17: compiler.err.illegal.start.of.expr
C.java:2:23: compiler.err.expected: ';'
3 errors
"""
JAVAC_NON_SYNTAX = """B.java:2:14: compiler.err.cant.resolve.location: kindname.class, Strin, , , (compiler.misc.location: kindname.class, B, null)
B.java:2:24: compiler.err.cant.resolve.location: kindname.variable, undefinedVar, , , (compiler.misc.location: kindname.class, B, null)
B.java:2:46: compiler.err.prob.found.req: (compiler.misc.inconvertible.types: java.lang.String, int)
Foo.java:1:8: compiler.err.class.public.should.be.in.file: kindname.class, Foo
3 errors
"""  # noqa: E501
# rustc 1.95 --error-format=short.
RUSTC_SYNTAX = """a.rs:1:21: error: mismatched closing delimiter: `}`: mismatched closing delimiter, unclosed delimiter
c.rs:1:18: error[E0765]: unterminated double quote string
error: aborting due to 2 previous errors
"""  # noqa: E501
RUSTC_NON_SYNTAX = """b.rs:1:33: error[E0308]: mismatched types: expected `String`, found integer
b.rs:1:36: error[E0425]: cannot find function `undefined_fn` in this scope: not found in this scope
error: aborting due to 2 previous errors
"""
NODE_SYNTAX = """/tmp/rc/c.js:2
console.log(x
            ^

SyntaxError: missing ) after argument list
    at wrapSafe (node:internal/modules/cjs/loader:1464:18)

Node.js v20.20.2
"""
BASH_SYNTAX = """b.sh: line 3: syntax error near unexpected token `fi'
b.sh: line 3: `fi'
"""


def test_gcc_syntax_messages_count() -> None:
    result = reference.parse_gcc(
        GCC_SYNTAX, 'int main() { int x = (1; }\nint g() { return "a\n', "gcc"
    )
    assert result.status == "invalid"
    assert [(d.line, d.column) for d in result.diagnostics] == [(1, 24), (1, 26), (1, 26), (2, 18)]
    assert result.diagnostics[0].message == "expected ')' before ';' token"


def test_gcc_name_and_type_errors_do_not_count() -> None:
    assert reference.parse_gcc(GCC_NON_SYNTAX, "", "gcc").status == "valid"


def test_gcc_missing_include_is_undecided() -> None:
    out = "a.c:1:10: fatal error: nothere.h: No such file or directory\n"
    assert reference.parse_gcc(out, "", "gcc").status == "undecided"


def test_javac_keys_both_ways() -> None:
    result = reference.parse_javac(JAVAC_SYNTAX)
    assert result.status == "invalid"
    assert [d.message for d in result.diagnostics] == [
        "unclosed string literal",
        "reached end of file while parsing",
        "illegal start of expression",
        "';' expected",
    ]
    assert reference.parse_javac(JAVAC_NON_SYNTAX).status == "valid"


@pytest.mark.parametrize("key", sorted(tables.JAVAC_SYNTAX_KEYS))
def test_every_javac_syntax_key_counts(key: str) -> None:
    assert tables.javac_is_syntax(key)


@pytest.mark.parametrize("key", sorted(tables.JAVAC_NON_SYNTAX_KEYS))
def test_no_javac_non_syntax_key_counts(key: str) -> None:
    assert not tables.javac_is_syntax(key)


def test_rustc_codes_both_ways() -> None:
    result = reference.parse_rustc(RUSTC_SYNTAX)
    assert [(d.line, d.column) for d in result.diagnostics] == [(1, 21), (1, 18)]
    assert reference.parse_rustc(RUSTC_NON_SYNTAX).status == "valid"


def test_node_syntax_error_position_from_caret() -> None:
    result = reference.parse_node(NODE_SYNTAX, "x = 1\nconsole.log(x\n")
    assert result.status == "invalid"
    (diag,) = result.diagnostics
    assert (diag.line, diag.column, diag.message) == (2, 13, "missing ) after argument list")
    assert tables.node_is_syntax("SyntaxError")
    assert not tables.node_is_syntax("ReferenceError")


def test_bash_only_syntax_lines_count() -> None:
    result = reference.parse_bash(BASH_SYNTAX)
    assert len(result.diagnostics) == 1
    assert result.diagnostics[0].line == 3
    warning = "b.sh: line 4: warning: here-document at line 1 delimited by end-of-file\n"
    assert reference.parse_bash(warning).status == "valid"


def test_java_file_is_named_after_its_public_class() -> None:
    assert reference.java_filename("import x.y;\npublic final class Stack<T> {}") == "Stack.java"
    assert reference.java_filename("class Hidden {}") == "Main.java"


def test_es_modules_are_detected() -> None:
    assert reference.is_module("import fs from 'fs';\n")
    assert reference.is_module("export function f() {}\n")
    assert not reference.is_module("const m = import('x');\nconst exported = 1;\n")
