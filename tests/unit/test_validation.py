"""The tiered validator: tree-sitter messages, CPython, signatures, the combining rule."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from codegen.validation import names, treesitter
from codegen.validation.tiered import TieredValidator

PY = TieredValidator(use_reference=True)


def _write_fake(tmp_path: Path, name: str, body: str) -> None:
    path = tmp_path / name
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)


@pytest.mark.parametrize(
    ("language", "code", "line", "column", "message"),
    [
        ("c", "int main() { int x = (1; }", 1, 24, "missing ')'"),
        ("java", "class A { void f() { int x = 1 } }", 1, 31, "missing ';'"),
        ("javascript", "function f( {\n", 1, 11, "'(' was never closed"),
        ("python", "if x:\n  pass\nelse:\n  y\nelse:\n  z\n", 5, 1, "unexpected 'else'"),
        ("javascript", "let y = x +* 2;\nf();", 1, 11, "unexpected '+'"),
    ],
)
def test_tree_sitter_messages_and_positions(
    language: str, code: str, line: int, column: int, message: str
) -> None:
    diags = treesitter.diagnostics(language, code)
    assert diags
    assert (diags[0].line, diags[0].column, diags[0].message) == (line, column, message)


def test_tree_sitter_columns_are_code_points() -> None:
    diags = treesitter.diagnostics("c", 'int main() { char *s = "é€"; int x = (1; }')
    assert diags and diags[0].column == 40


@pytest.mark.parametrize("code", ['print "x"\n', "f(x for x in y, 1)\n", "def f():\n  x\n y\n"])
def test_cpython_catches_what_tree_sitter_python_accepts(code: str) -> None:
    result = PY.validate(code, "python")
    assert not result.valid
    assert result.diagnostics[0].source == "cpython"
    assert result.validators == ("tree-sitter", "cpython")


def test_python_version_is_the_feature_version() -> None:
    code = "match x:\n    case 1:\n        pass\n"
    assert PY.validate(code, "python").valid
    old = PY.validate(code, "python", version="3.8")
    assert not old.valid and "3.10" in old.diagnostics[0].message


def test_empty_code_is_never_valid() -> None:
    assert not PY.validate("  \n", "python").valid


def test_signature_name_must_be_defined() -> None:
    code = "def add(a, b):\n    return a + b\n"
    assert PY.validate(code, "python", signature="def add(a: int, b: int) -> int").valid
    missing = PY.validate(code, "python", signature="def plus(a, b)")
    assert not missing.valid
    assert missing.diagnostics[-1].source == "signature"


@pytest.mark.parametrize(
    ("signature", "name"),
    [
        ("def add(a, b)", "add"),
        ("function fib(n)", "fib"),
        ("public static int gcd(int a, int b)", "gcd"),
        ("fn parse<T>(s: &str) -> T", "parse"),
        ("class Stack", "Stack"),
    ],
)
def test_signature_names(signature: str, name: str) -> None:
    assert names.signature_name(signature) == name


def test_defined_names_across_languages() -> None:
    assert names.defined_names("c", "int add(int a, int b) { return a + b; }") >= {"add"}
    assert "Stack" in names.defined_names("java", "class Stack { int size() { return 0; } }")
    assert "fib" in names.defined_names("javascript", "const fib = (n) => n;\n")


def test_hanging_checker_is_undecided_not_invalid(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write_fake(tmp_path, "node", "sleep 30")
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    result = TieredValidator(timeout=0.5).validate("const x = 1;\n", "javascript")
    assert result.valid
    assert result.undecided == ("node",)
    assert "timed out" in result.diagnostics[0].message
    assert result.diagnostics[0].severity == "warning"
    broken = TieredValidator(timeout=0.5).validate("const x = (1;\n", "javascript")
    assert not broken.valid and broken.diagnostics[0].source == "tree-sitter"


def test_missing_checker_leaves_tree_sitter_deciding(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    validator = TieredValidator()
    assert validator.tiers("javascript") == ["tree-sitter"]
    result = validator.validate("const x = (1;\n", "javascript")
    assert result.validators == ("tree-sitter",) and not result.valid


def test_crashing_checker_is_undecided(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write_fake(tmp_path, "bash", "kill -SEGV $$")
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    result = TieredValidator().validate("echo hi\n", "bash")
    assert result.valid and result.undecided == ("bash",)
