"""Test cases for execution-based ranking: the request's tests and examples in the description.

Examples are found in three shapes: doctest (``>>> f(2)`` then ``4``), arrows (``f(2) -> 4``,
``f(2) ==> 4``, ``f(2) = 4``, ``f(2)  # returns 4``, ...; also ``>>> f(2) == 4`` with no output
line; literal arguments and a literal result only, so a recurrence ``f(n) = f(n-1) + 1`` is not
read as one) and ``Input: … Output: …`` pairs (called on the function named by the signature,
else the candidate's last top-level function). ``without_examples`` removes all of them.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from codegen.errors import InputError
from codegen.execution import decls
from codegen.parsing import python_expression, python_module
from codegen.validation.names import defined_names, name_variants

ENTRY = "__entry__"  # stands for the function name in Input/Output examples


@dataclass(frozen=True)
class Example:
    call: str
    expected: str
    probe: bool = False  # a probe call (probes.py): its output is compared, nothing expected


_ARROW = re.compile(
    r"^\s*(?:[-*•]\s*)?(?:>>>\s*)?(?:(?:for|e\.g\.,?|example:)\s+)?"
    r"`?(?P<call>[A-Za-z_][\w.]*\(.*\))`?\s*(?:#\s*)?"
    r"(?:-->|->|→|➞|==>|=>|==|=|returns?|should return|gives|is)"
    r"\s*`?(?P<exp>[^`]+?)`?\s*[.,;]?\s*$"
)
_INPUT = re.compile(r"^\s*(?:[-*•]\s*)?Input\s*:\s*(?P<args>.+?)\s*$", re.I)
_OUTPUT = re.compile(r"^\s*(?:[-*•]\s*)?Output\s*:\s*(?P<exp>.+?)\s*$", re.I)


def from_description(description: str) -> list[Example]:
    """Examples found in ``description``, in order, without duplicates; a call shown with two
    different results is dropped."""
    unique: list[Example] = []
    for ex, _ in _found(description.splitlines()):
        if ex not in unique and _is_expression(ex.call.replace(ENTRY, "f")):
            unique.append(ex)
    answers = Counter(ex.call for ex in unique)
    return [ex for ex in unique if answers[ex.call] == 1]  # contradicting ones can't be trusted


def examples_for(language: str, description: str, codes: Sequence[str]) -> list[Example]:
    """The examples of ``description`` that call a function some of ``codes`` defines: one that
    calls only functions no candidate has (misspelt or renamed in the description) can only
    fail, and it fails every candidate alike, so it tells nothing and would only set off
    repairs."""
    defined = {ENTRY}.union(*(defined_names(language, code) for code in codes))

    # A Java candidate's sortArray answers the description's sort_array(...); the Python
    # harness calls the name as written, so for Python only the name itself counts.
    def names(ex: Example) -> set[str]:
        called = _called(ex.call)
        return called if language == "python" else {v for n in called for v in name_variants(n)}

    return [ex for ex in from_description(description) if names(ex) & defined]


def _called(call: str) -> set[str]:
    tree = python_expression(call)  # from_description keeps only expressions
    return {
        n.func.id
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
    }


def without_examples(description: str) -> str:
    """``description`` with its examples removed: every doctest statement with its output, and
    the lines of the arrow and Input/Output examples that ``from_description`` would find."""
    lines = description.splitlines(keepends=True)
    blocks = _doctest_blocks(lines)
    dropped = {i for block in blocks for i in block}
    dropped |= {i for _, span in _found(lines, blocks) for i in span}
    return "".join(line for i, line in enumerate(lines) if i not in dropped)


_Found = list[tuple[Example, Sequence[int]]]  # an example and the lines it was read from


def _found(lines: list[str], blocks: list[range] | None = None) -> _Found:
    blocks = _doctest_blocks(lines) if blocks is None else blocks
    return _doctests(lines, blocks) + _arrows(lines, blocks) + _input_output(lines)


def _is_expression(text: str) -> bool:
    try:
        python_expression(text)
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


def _doctests(lines: list[str], blocks: list[range]) -> _Found:
    out: _Found = []
    for block in blocks:
        call = lines[block.start].strip()[3:].strip()
        if len(block) < 2 or lines[block.start + 1].strip().startswith("..."):
            continue  # no output, or a statement over several lines
        if _is_expression(call):
            out.append((Example(call, lines[block.start + 1].strip()), block[:2]))
    return out


def _arrows(lines: list[str], blocks: list[range]) -> _Found:
    out: _Found = []
    answered = {block.start for block in blocks if len(block) > 1}
    for i, line in enumerate(lines):
        if i in answered:
            continue  # a doctest with its output: ``_doctests`` reads it
        match = _ARROW.match(line)
        if not match or not _literal_arguments(match.group("call").strip()):
            continue  # ``f(n) = n * 2`` defines rather than shows
        expected = in_language(match.group("exp").strip(), "python")
        if _is_literal(expected):
            out.append((Example(match.group("call").strip(), expected), range(i, i + 1)))
    return out


def _literal_arguments(call: str) -> bool:
    try:
        node = python_expression(call).body
    except SyntaxError:
        return False
    if not isinstance(node, ast.Call):
        return False
    return all(_is_literal(a) for a in [*node.args, *(k.value for k in node.keywords)])


def _is_literal(node: str | ast.expr) -> bool:
    try:
        ast.literal_eval(node)
    except (SyntaxError, ValueError, TypeError, MemoryError, RecursionError):
        return False
    return True


_WORDS = {
    "python": ("True", "False", "None"),
    "javascript": ("true", "false", "null"),
    "typescript": ("true", "false", "null"),
}
_QUOTED = re.compile(r"(\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*')")


def in_language(text: str, language: str) -> str:
    """``text`` with the words for true, false and nothing in ``language``'s spelling
    (``true`` -> ``True`` for Python, ``None`` -> ``null`` for JavaScript), strings untouched;
    other languages' text as it is."""
    if language not in _WORDS:
        return text
    mine = _WORDS[language]
    theirs = {w: m for words in _WORDS.values() for w, m in zip(words, mine, strict=True)}
    word = re.compile(r"\b(" + "|".join(theirs) + r")\b")
    parts = _QUOTED.split(text)  # odd parts are string literals
    return "".join(
        part if i % 2 else word.sub(lambda m: theirs[m.group(1)], part)
        for i, part in enumerate(parts)
    )


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
                expected = in_language(outp.group("exp").rstrip("."), "python")
                example = Example(f"{ENTRY}({args})", expected)
                out.append((example, (pending[0], i)))
            pending = None
    return out


def _positional(args: str) -> str | None:
    """``a = [1, 2], k = 3`` -> ``[1, 2], 3``; None when it is not a Python argument list."""
    try:
        call = python_expression(f"f({args})").body
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
    if language in decls.LANGUAGES:
        names = [d.name for d in decls.functions(language, code) if d.name != "main"]
        return names[-1] if names else None
    if language == "python":
        try:
            tree = python_module(code)
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
        python_module(tests)
    except SyntaxError as exc:
        raise InputError(
            f"{where}: python tests do not parse: line {exc.lineno}: {exc.msg}"
        ) from None


def split_python_tests(tests: str) -> list[tuple[str, str]]:
    """Top-level statements as ("test", code) for asserts and bare calls, ("setup", code) else."""
    tree = python_module(tests)
    items = []
    for node in tree.body:
        kind = "test" if isinstance(node, ast.Assert | ast.Expr) else "setup"
        items.append((kind, ast.get_source_segment(tests, node) or ast.unparse(node)))
    return items
