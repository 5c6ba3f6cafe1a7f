"""Pure text transformations the deterministic repairer tries, one function per named step.

Each takes ``(code, language)`` and returns new code (or the same code when it does not
apply). None of them is ever run on valid code: the repairer validates first.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from codegen.validation import imports

_FENCE_LINE = re.compile(r"^\s*(?:`{3,}|~{3,})[\w+#.-]*\s*$")
_PROSE = re.compile(r"^\s*(?:[-*]\s+|\d+[.)]\s+)?[A-Z][\w'’]*(?:[ \t]+[^\s]+){2,}\s*$")
_CODEISH_END = re.compile(r"[;{}()\[\],=\\]\s*$|^\s*(?://|#|/\*|\*|--)")
_PY_STMT_CONT = re.compile(r"^(?:else|elif|except|finally|case)\b|^[)\]}]")
_PAIRS = {"(": ")", "[": "]", "{": "}"}
_CLOSERS = {v: k for k, v in _PAIRS.items()}


def strip_fences(code: str, language: str) -> str:
    """Drop stray Markdown fence lines left inside the code."""
    lines = code.split("\n")
    return "\n".join(line for line in lines if not _FENCE_LINE.match(line))


def _is_prose(line: str) -> bool:
    if not _PROSE.match(line) or _CODEISH_END.search(line):
        return False
    letters = sum(ch.isalpha() or ch.isspace() for ch in line)
    return letters / max(len(line), 1) > 0.85 and len(line.split()) >= 3


def strip_prose(code: str, language: str) -> str:
    """Drop English sentences before the first line of code and after the last one."""
    lines = code.split("\n")
    start, end = 0, len(lines)
    while start < end and (not lines[start].strip() or _is_prose(lines[start])):
        start += 1
    while end > start and (not lines[end - 1].strip() or _is_prose(lines[end - 1])):
        end -= 1
    kept = lines[start:end]
    return "\n".join(kept) + ("\n" if code.endswith("\n") and kept else "")


def expand_tabs(code: str, language: str) -> str:
    """Expand tabs in indentation to 8 columns, as CPython's tokenizer counts them."""
    if language != "python" or "\t" not in code:
        return code
    out = []
    for line in code.split("\n"):
        body = line.lstrip(" \t")
        out.append(line[: len(line) - len(body)].expandtabs(8) + body)
    return "\n".join(out)


def add_imports(code: str, language: str) -> str:
    """Python: the imports of well-known names the code uses and never binds, at the top."""
    return imports.add_imports(code) if language == "python" else code


@dataclass
class Scan:
    """What is still open at the end of ``code``: brackets, a string, a block comment."""

    brackets: list[str] = field(default_factory=list)
    string: str | None = None
    block_comment: bool = False
    mismatched: bool = False
    # Offsets of line ends where a one-line string was left open.
    broken_strings: list[int] = field(default_factory=list)


def _string_openers(language: str) -> tuple[str, ...]:
    if language == "python":
        return ('"""', "'''", '"', "'")
    if language in ("javascript", "typescript"):
        return ('"', "'", "`")
    if language == "rust":
        return ('"',)
    return ('"', "'")


def _comment_markers(language: str) -> tuple[str | None, bool]:
    """(line comment marker, has /* */ comments)."""
    if language in ("python", "bash", "ruby"):
        return "#", False
    return "//", True


def scan(code: str, language: str) -> Scan:
    state = Scan()
    openers = _string_openers(language)
    line_comment, block = _comment_markers(language)
    i, n = 0, len(code)
    while i < n:
        if state.block_comment:
            j = code.find("*/", i)
            if j < 0:
                return state
            state.block_comment, i = False, j + 2
            continue
        if state.string is not None:
            i = _skip_string(code, i, state)
            continue
        ch = code[i]
        if line_comment and code.startswith(line_comment, i):
            j = code.find("\n", i)
            i = n if j < 0 else j
            continue
        if block and code.startswith("/*", i):
            state.block_comment, i = True, i + 2
            continue
        opener = next((o for o in openers if code.startswith(o, i)), None)
        if opener is not None:
            state.string, i = opener, i + len(opener)
            continue
        if ch in _PAIRS:
            state.brackets.append(ch)
        elif ch in _CLOSERS:
            if state.brackets and state.brackets[-1] == _CLOSERS[ch]:
                state.brackets.pop()
            else:
                state.mismatched = True
        i += 1
    return state


def _skip_string(code: str, i: int, state: Scan) -> int:
    quote = state.string or '"'
    while i < len(code):
        if code[i] == "\\":
            i += 2
            continue
        if code.startswith(quote, i):
            state.string = None
            return i + len(quote)
        if code[i] == "\n" and len(quote) == 1 and quote != "`":
            state.string = None  # an unterminated one-line string: the line ends it
            state.broken_strings.append(i)
            return i + 1
        i += 1
    return i


def close_open(code: str, language: str, semicolon: bool = False) -> str:
    """Close unterminated strings and comments, then open brackets, then a Python block.

    With ``semicolon`` (brace languages), a ';' ends the last statement before the braces.
    """
    code = _close_line_strings(code, language)
    state = scan(code, language)
    if state.mismatched:
        return code
    text = code.rstrip()
    if state.block_comment:
        text += " */"
    if state.string is not None:
        text += state.string
    inner = 0
    while inner < len(state.brackets) and "{" in state.brackets[inner:]:
        inner += 1
    if language == "python":
        text += "".join(_PAIRS[b] for b in reversed(state.brackets))
        if text.rstrip().endswith(":"):
            text += f"\n{_indent_of_last(text)}    pass"
        return text + "\n"
    text += "".join(_PAIRS[b] for b in reversed(state.brackets[inner:]))
    if semicolon and text and text[-1] not in ";{}":
        text += ";"
    for bracket in reversed(state.brackets[:inner]):
        text += f"\n{_PAIRS[bracket]}" if bracket == "{" else _PAIRS[bracket]
    return text + "\n"


def _close_line_strings(code: str, language: str) -> str:
    for offset in reversed(scan(code, language).broken_strings):
        line_start = code.rfind("\n", 0, offset) + 1
        quote = _open_quote(code[line_start:offset], language)
        if quote:
            code = code[:offset] + quote + code[offset:]
    return code


def _open_quote(line: str, language: str) -> str | None:
    state = scan(line + "\n", language)
    return (
        '"'
        if state.broken_strings and line.count('"') % 2
        else ("'" if state.broken_strings else None)
    )


def _indent_of_last(text: str) -> str:
    last = text.rstrip().split("\n")[-1]
    return last[: len(last) - len(last.lstrip())]


def top_level_starts(code: str, language: str) -> list[int]:
    """0-based indices of lines that start a top-level statement (indentation 0)."""
    starts = []
    for idx, line in enumerate(code.split("\n")):
        if not line.strip() or line[0] in " \t":
            continue
        stripped = line.strip()
        if language == "python" and _PY_STMT_CONT.match(stripped):
            continue
        if stripped[0] in ")]}" or stripped.startswith(("#", "//", "*", "/*")):
            continue
        starts.append(idx)
    return starts


def cuts(code: str, language: str) -> Iterator[str]:
    """Versions of ``code`` cut before each top-level statement, last statement first."""
    lines = code.split("\n")
    for idx in reversed(top_level_starts(code, language)):
        if idx == 0:
            continue
        kept = "\n".join(lines[:idx]).rstrip()
        if kept:
            yield kept + "\n"


_EXAMPLE = re.compile(
    r"^\s*(?:print\s*\(|console\.(?:log|error)\s*\(|assert\b|System\.out\.|printf\s*\(|"
    r"println!|puts\b|echo\b|(?:#|//)\s*(?:example|usage|test)|if\s+__name__\s*==|"
    r"[A-Za-z_][\w.]*\s*\(.*\)\s*;?\s*$|[A-Za-z_]\w*\s*=\s*[A-Za-z_][\w.]*\s*\()",
    re.I,
)


def example_tails(code: str, language: str) -> Iterator[str]:
    """``code`` without its trailing example-usage lines, shortest removal first."""
    lines = code.rstrip().split("\n")
    end = len(lines)
    while end > 0:
        line = lines[end - 1]
        if line.strip() and not _EXAMPLE.match(line):
            break
        end -= 1
        if line.strip() and _EXAMPLE.match(line):
            kept = "\n".join(lines[:end]).rstrip()
            if kept:
                yield kept + "\n"


def close_variants(code: str, language: str) -> list[str]:
    """``close_open`` and, for brace languages, the same with a ';' ending the last statement."""
    variants = [close_open(code, language)]
    if language not in ("python", "bash", "ruby"):
        variants.append(close_open(code, language, semicolon=True))
    return variants


def line_cuts(code: str, limit: int = 12) -> Iterator[str]:
    """``code`` cut before each of its last ``limit`` lines, longest first."""
    lines = code.rstrip().split("\n")
    for idx in range(len(lines) - 1, max(len(lines) - 1 - limit, 0), -1):
        kept = "\n".join(lines[:idx]).rstrip()
        if kept:
            yield kept + "\n"
