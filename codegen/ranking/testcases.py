"""Test cases for execution-based ranking: the request's tests and examples in the description.

Examples are found in three shapes: doctest (``>>> f(2)`` then ``4``), arrows (``f(2) -> 4``,
``f(2) => 4``, ``f(2) == 4``, ``f(2) returns 4``; also ``>>> f(2) == 4`` with no output line)
and ``Input: … Output: …`` pairs (called on the function named by the signature, else the
candidate's last top-level function). ``without_examples`` removes all of them from a text.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from dataclasses import dataclass

from codegen.errors import InputError

ENTRY = "__entry__"  # stands for the function name in Input/Output examples


@dataclass(frozen=True)
class Example:
    call: str
    expected: str
    probe: bool = False  # a probe call (probes.py): its output is compared, nothing expected


_ARROW = re.compile(
    r"^\s*(?:[-*•]\s*)?(?:>>>\s*)?`?(?P<call>[A-Za-z_][\w.]*\(.*\))`?\s*"
    r"(?:->|→|➞|=>|==|returns?|should return|gives|is)\s*`?(?P<exp>[^`]+?)`?\s*[.,;]?\s*$"
)
_INPUT = re.compile(r"^\s*(?:[-*•]\s*)?Input\s*:\s*(?P<args>.+?)\s*$", re.I)
_OUTPUT = re.compile(r"^\s*(?:[-*•]\s*)?Output\s*:\s*(?P<exp>.+?)\s*$", re.I)


def from_description(description: str) -> list[Example]:
    """Examples found in ``description``, in order, without duplicates."""
    unique: list[Example] = []
    for ex, _ in _found(description.splitlines()):
        if ex not in unique and _is_expression(ex.call.replace(ENTRY, "f")):
            unique.append(ex)
    return unique


def without_examples(description: str) -> str:
    """``description`` with its examples removed: every doctest statement with its output, and
    the lines of the arrow and Input/Output examples that ``from_description`` would find."""
    lines = description.splitlines(keepends=True)
    dropped = {i for block in _doctest_blocks(lines) for i in block}
    dropped |= {i for _, span in _found(lines) for i in span}
    return "".join(line for i, line in enumerate(lines) if i not in dropped)


_Found = list[tuple[Example, Sequence[int]]]  # an example and the lines it was read from


def _found(lines: list[str]) -> _Found:
    return _doctests(lines) + _arrows(lines) + _input_output(lines)


def _is_expression(text: str) -> bool:
    try:
        ast.parse(text, mode="eval")
    except SyntaxError:
        return False
    return True


def _doctest_blocks(lines: list[str]) -> list[range]:
    """Each ``>>>`` statement with the lines that follow it (``...`` continuations, output) up
    to a blank line, the next statement or the end of the docstring."""
    blocks, i = [], 0
    while i < len(lines):
        if not lines[i].strip().startswith(">>>"):
            i += 1
            continue
        end = i + 1
        while end < len(lines) and lines[end].strip() and not _ends_doctest(lines[end]):
            end += 1
        blocks.append(range(i, end))
        i = end
    return blocks


def _ends_doctest(line: str) -> bool:
    return line.strip().startswith((">>>", '"""', "'''"))


def _doctests(lines: list[str]) -> _Found:
    out: _Found = []
    for block in _doctest_blocks(lines):
        call = lines[block.start].strip()[3:].strip()
        if len(block) < 2 or lines[block.start + 1].strip().startswith("..."):
            continue  # no output, or a statement over several lines
        if _is_expression(call):
            out.append((Example(call, lines[block.start + 1].strip()), block[:2]))
    return out


def _arrows(lines: list[str]) -> _Found:
    out: _Found = []
    answered = {block.start for block in _doctest_blocks(lines) if len(block) > 1}
    for i, line in enumerate(lines):
        if i in answered:
            continue  # a doctest with its output: ``_doctests`` reads it
        match = _ARROW.match(line)
        if match and _is_expression(match.group("exp").strip()):
            example = Example(match.group("call").strip(), match.group("exp").strip())
            out.append((example, range(i, i + 1)))
    return out


def _input_output(lines: list[str]) -> _Found:
    out: _Found = []
    pending: tuple[int, str] | None = None
    for i, line in enumerate(lines):
        inp, outp = _INPUT.match(line), _OUTPUT.match(line)
        if inp:
            pending = (i, inp.group("args"))
        elif outp and pending is not None:
            args = _positional(pending[1])
            if args is not None:
                example = Example(f"{ENTRY}({args})", outp.group("exp").rstrip("."))
                out.append((example, (pending[0], i)))
            pending = None
    return out


def _positional(args: str) -> str | None:
    """``a = [1, 2], k = 3`` -> ``[1, 2], 3``; None when it is not a Python argument list."""
    try:
        call = ast.parse(f"f({args})", mode="eval").body
    except SyntaxError:
        return None
    if not isinstance(call, ast.Call):
        return None
    parts = [ast.unparse(a) for a in call.args] + [ast.unparse(k.value) for k in call.keywords]
    return ", ".join(parts)


def entry_name(language: str, code: str, signature: str | None) -> str | None:
    """The function Input/Output examples call: the signature's, else the code's last one."""
    pattern = r"(?:def|function|fn)\s+([A-Za-z_]\w*)|([A-Za-z_]\w*)\s*\("
    if signature:
        match = re.search(pattern, signature)
        if match:
            return match.group(1) or match.group(2)
    if language == "python":
        try:
            tree = ast.parse(code)
        except SyntaxError:
            return None
        names = [n.name for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
        return names[-1] if names else None  # helpers usually come first
    found = re.search(r"function\s+([A-Za-z_$][\w$]*)|const\s+([A-Za-z_$][\w$]*)\s*=", code)
    return (found.group(1) or found.group(2)) if found else None


def check_tests(language: str, tests: str, where: str = "tests") -> None:
    """Raise InputError naming the line when Python tests do not parse."""
    if language != "python":
        return
    try:
        ast.parse(tests)
    except SyntaxError as exc:
        raise InputError(
            f"{where}: python tests do not parse: line {exc.lineno}: {exc.msg}"
        ) from None


def split_python_tests(tests: str) -> list[tuple[str, str]]:
    """Top-level statements as ("test", code) for asserts and bare calls, ("setup", code) else."""
    tree = ast.parse(tests)
    items = []
    for node in tree.body:
        kind = "test" if isinstance(node, ast.Assert | ast.Expr) else "setup"
        items.append((kind, ast.get_source_segment(tests, node) or ast.unparse(node)))
    return items
