"""Open documents at the server boundary: their language, text between LSP positions, and
where generated code goes (below a comment, in place of a selection, at the cursor)."""

from __future__ import annotations

from dataclasses import dataclass

from lsprotocol import types as lsp

from codegen import languages
from codegen.server.positions import codepoint_index, utf16_column

# LSP language identifiers that are not a codegen language name or alias.
LSP_LANGUAGE_IDS = {
    "shellscript": "bash",
    "javascriptreact": "javascript",
    "typescriptreact": "typescript",
}


def language_of(uri: str, language_id: str | None) -> languages.Language | None:
    """The codegen language of a document: by its LSP languageId, else its file extension."""
    found = None
    if language_id:
        found = languages.find(LSP_LANGUAGE_IDS.get(language_id, language_id))
    return found or languages.from_extension(uri)


def slice_text(lines: list[str], start: lsp.Position, end: lsp.Position) -> str:
    """The text between two LSP (UTF-16) positions."""
    if start.line >= len(lines):
        return ""
    last = min(end.line, len(lines) - 1)
    a = codepoint_index(lines[start.line], start.character)
    b = codepoint_index(lines[last], end.character)
    if start.line == last:
        return lines[start.line][a:b]
    middle = lines[start.line + 1 : last]
    return "\n".join([lines[start.line][a:], *middle, lines[last][:b]])


def indentation(line: str) -> str:
    return line[: len(line) - len(line.lstrip())]


def indent(code: str, prefix: str, first: bool = True) -> str:
    """``code`` with ``prefix`` before every non-blank line (not the first unless ``first``)."""
    out = []
    for i, line in enumerate(code.split("\n")):
        out.append(prefix + line if line.strip() and (first or i > 0) else line)
    return "\n".join(out)


@dataclass(frozen=True)
class Placement:
    """Where code goes: the range it replaces (empty: an insertion) and the text put there."""

    range: lsp.Range
    text: str

    def edit(self, uri: str) -> lsp.WorkspaceEdit:
        return lsp.WorkspaceEdit(
            changes={uri: [lsp.TextEdit(range=self.range, new_text=self.text)]}
        )


def below(lines: list[str], insert_line: int, anchor_line: int, code: str) -> Placement:
    """Insert ``code`` as whole lines at ``insert_line`` (0-based), indented like the comment
    on ``anchor_line``; past the end of the document, after a line break."""
    body = indent(code.rstrip("\n"), indentation(lines[anchor_line] if lines else "")) + "\n"
    if insert_line >= len(lines):  # the comment is the last line, with no newline after it
        last = len(lines) - 1
        at = lsp.Position(line=last, character=utf16_column(lines[last], len(lines[last]) + 1))
        return Placement(lsp.Range(start=at, end=at), "\n" + body.rstrip("\n"))
    at = lsp.Position(line=insert_line, character=0)
    return Placement(lsp.Range(start=at, end=at), body)


def replacing(lines: list[str], selection: lsp.Range, code: str) -> Placement:
    """Put ``code`` in place of the selection; lines after the first are indented like the
    selection's first line, and a selection of whole lines keeps its final line break."""
    first = lines[selection.start.line] if selection.start.line < len(lines) else ""
    at_line_start = selection.start.character == 0
    text = indent(code.rstrip("\n"), indentation(first), first=at_line_start)
    whole_lines = selection.end.character == 0 and selection.end.line > selection.start.line
    return Placement(selection, text + "\n" if whole_lines else text)
