"""Repairs never change valid code: property tests over real code and hypothesmith programs."""

from __future__ import annotations

import ast
import functools
import importlib
import inspect

import hypothesmith
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codegen.repair import steps
from codegen.repair.deterministic import DeterministicRepair
from codegen.validation.imports import missing_imports
from codegen.validation.tiered import TieredValidator

# hypothesmith compiles what it draws; CPython's SyntaxWarnings about it are noise here.
pytestmark = pytest.mark.filterwarnings("ignore::SyntaxWarning")

FIXER = DeterministicRepair(TieredValidator())
_MODULES = ("textwrap", "heapq", "bisect", "shlex", "string", "fnmatch", "colorsys", "base64")


@functools.cache
def stdlib_functions() -> list[str]:
    """Top-level functions and classes of a few CPython standard library modules."""
    found = []
    for name in _MODULES:
        source = inspect.getsource(importlib.import_module(name))
        for node in ast.parse(source).body:
            if isinstance(node, ast.FunctionDef | ast.ClassDef):
                segment = ast.get_source_segment(source, node)
                if segment:
                    found.append(segment + "\n")
    return found


real_code = st.sampled_from(stdlib_functions())


@settings(max_examples=60, deadline=None)
@given(real_code)
def test_repair_leaves_real_valid_code_alone(code: str) -> None:
    """Apart from the imports a function cut out of its module lacks (``re`` in textwrap's)."""
    outcome = FIXER.run(code, "python")
    assert outcome.valid
    if not missing_imports(code):
        assert outcome.code == code and outcome.steps == ()
        return
    assert [s.name for s in outcome.steps] == ["add_imports"]
    assert outcome.code.endswith(code) and not missing_imports(outcome.code)
    added = outcome.code[: -len(code)].splitlines()
    assert added and all(line.startswith(("import ", "from ")) for line in added)


@settings(max_examples=60, deadline=None)
@given(real_code)
def test_scanner_sees_real_code_balanced(code: str) -> None:
    state = steps.scan(code, "python")
    assert state.brackets == [] and state.string is None and not state.mismatched
    assert steps.close_open(code, "python") == code.rstrip() + "\n"


@settings(max_examples=60, deadline=None)
@given(real_code)
def test_cleanups_leave_real_code_alone(code: str) -> None:
    assert steps.strip_fences(code, "python") == code
    assert steps.strip_prose(code, "python") == code


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(hypothesmith.from_grammar())
def test_repair_leaves_generated_valid_code_alone(code: str) -> None:
    outcome = FIXER.run(code, "python")
    assert outcome.code == code and outcome.steps == ()
