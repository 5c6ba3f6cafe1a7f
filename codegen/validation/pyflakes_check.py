"""Python's compile tier: names used but never bound (pyflakes), which would raise NameError.

CPython compiles such code happily; it fails when the line runs. pyflakes reads the code (it
never runs it) and reports ``undefined name 'x'`` and ``local variable 'x' ... referenced
before assignment``; those two are compile-class errors here. Its other findings (unused
imports, redefinitions, f-strings without placeholders) are style, not errors. A file with a
star import (``from x import *``) cannot be judged by name: pyflakes then reports no
undefined names, so such code compiles.
"""

from __future__ import annotations

import warnings

from pyflakes import checker, messages

from codegen.parsing import python_module
from codegen.types import Diagnostic
from codegen.validation.compiling import Compilation

TOOL = "pyflakes"
_ERRORS = (messages.UndefinedName, messages.UndefinedLocal)


def compile_python(code: str) -> Compilation:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = python_module(code, "<candidate>")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        return Compilation(None, tool=TOOL, note=f"cannot read the code: {exc}", undecided=True)
    try:
        found = checker.Checker(tree, filename="<candidate>").messages
    except RecursionError as exc:
        return Compilation(
            None, tool=TOOL, note=f"too deeply nested ({type(exc).__name__})", undecided=True
        )
    diags = [
        Diagnostic(m.lineno, m.col + 1, m.lineno, m.col + 1, _text(m), TOOL, "error", "compile")
        for m in sorted(found, key=lambda m: (m.lineno, m.col))
        if isinstance(m, _ERRORS)
    ]
    return Compilation(not diags, tuple(diags), TOOL)


def _text(message: messages.Message) -> str:
    text = str(message.message % message.message_args)
    if isinstance(message, messages.UndefinedName):
        return f"{text} (it would raise NameError)"
    return text
