"""What an editor completion generates at the cursor, and the text each candidate inserts.

A spot is one of: the end of a comment line (the code goes on the next lines); a blank line
right below a comment (the code starts at the cursor); the end of a started definition
(``def area(r):``, ``function f(a) {``: the candidate must define it, and only what follows
the typed part is inserted); with ``invoked`` (the user asked explicitly), any other partial
line. Text after the cursor means no spot: completions only extend a line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from codegen.languages import Language
from codegen.server.comments import description_at, is_comment
from codegen.server.documents import indent, indentation
from codegen.server.positions import codepoint_index

# A started definition: a keyword form (def, fn, function, class, ...) or a C-like header
# ``type name(params)`` with an optional brace; never a statement (no ';').
_KEYWORD_DEFINITION = re.compile(
    r"^(?:(?:export|pub|public|private|protected|static|async|abstract|final)\s+)*"
    r"(?:def|fn|func|function|class|struct|impl|interface|trait|enum)\b[^;]*$"
)
_C_HEADER = re.compile(r"^[\w<>\[\]*&:,]+(?:\s+[\w<>\[\]*&:,]+)*\s+\**\w+\s*\([^;()]*\)\s*\{?$")


@dataclass(frozen=True)
class Spot:
    """``prefix``: the typed start of the line (without its indentation) that candidates
    must continue ('' after a comment); ``newline``: insert a line break first; ``indent``:
    the indentation of the inserted lines."""

    description: str
    signature: str | None = None
    prefix: str = ""
    newline: bool = False
    indent: str = ""


_CONTROL = {"if", "else", "while", "for", "switch", "catch", "return", "new", "throw", "await"}


def _is_definition(text: str) -> bool:
    if _KEYWORD_DEFINITION.match(text):
        return True
    return bool(_C_HEADER.match(text)) and not _CONTROL & set(re.findall(r"\w+", text))


def spot_at(
    lines: list[str], line: int, character: int, lang: Language, invoked: bool = False
) -> Spot | None:
    """The spot at a cursor (0-based line, UTF-16 character), or None."""
    if not 0 <= line < len(lines):
        return None
    text = lines[line]
    at = codepoint_index(text, character)
    before, after = text[:at], text[at:]
    if after.strip():
        return None
    typed = before.strip()
    if is_comment(text, lang):
        found = description_at(lines, line, None, lang)
        return Spot(found[0], newline=True, indent=indentation(text)) if found else None
    if not typed:
        if line == 0 or not is_comment(lines[line - 1], lang):
            return None
        found = description_at(lines, line - 1, None, lang)
        return Spot(found[0], indent=before) if found else None
    return _partial(lines, line, typed, lang, invoked)


def _partial(lines: list[str], line: int, typed: str, lang: Language, invoked: bool) -> Spot | None:
    comment = None
    if line > 0 and is_comment(lines[line - 1], lang):
        found = description_at(lines, line - 1, None, lang)
        comment = found[0] if found else None
    where = indentation(lines[line])
    if _is_definition(typed):
        header = typed.rstrip("{:").strip()
        what = comment or f"Write `{header}`"
        description = f"{what} (complete the {lang.display} code starting `{typed}`)"
        return Spot(description, header, typed, indent=where)
    if invoked:
        what = f"{comment}: " if comment else ""
        description = f"{what}continue this line of {lang.display} code: `{typed}`"
        return Spot(description, None, typed, indent=where)
    return None


def insertion(spot: Spot, code: str) -> str | None:
    """What a candidate inserts at the cursor (None: it does not continue the typed line)."""
    code = code.strip("\n")
    if not code.strip():
        return None
    if not spot.prefix:
        if spot.newline:
            return "\n" + indent(code, spot.indent)
        return indent(code, spot.indent, first=False)
    code_lines = code.split("\n")
    for i, text in enumerate(code_lines):
        at = text.find(spot.prefix)
        if at < 0 or text[:at].strip():
            continue
        base = indentation(text)
        rest = [_reindent(row, base, spot.indent) for row in code_lines[i + 1 :]]
        tail = text[at + len(spot.prefix) :]
        out = "\n".join([tail, *rest]).rstrip()
        return out if out.strip() else None
    return None


def _reindent(row: str, old: str, new: str) -> str:
    if not row.strip():
        return ""
    return new + (row[len(old) :] if row.startswith(old) else row.lstrip())
