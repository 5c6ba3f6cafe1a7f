"""The one terminal renderer, on rich: what every front end prints goes through ``write`` or
``to_text`` (the REPL, which prints strings through prompt-toolkit).

A piece of output is a list of items: rich renderables (``Text``, ``Table``, ``Panel``) and
``Code``, shown with rich's ``Syntax`` on a colour terminal. Colour only on a terminal, never
when ``NO_COLOR`` is set, ``TERM=dumb``, or ``color = "never"``; without colour the output is
plain text, and code is written exactly as it is (rich would expand its tabs).
``codegen.render.blocks`` builds the items: candidates, diagnostics, verdicts, tables.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TextIO

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.syntax import Syntax
from rich.text import Text

from codegen import languages

THEME = "monokai"
DEFAULT_WIDTH = 100


@dataclass(frozen=True)
class Code:
    """Source code to show: highlighted on a colour terminal, else plain (and, printed on its
    own by ``to_text``, verbatim)."""

    text: str
    language: str  # a registry name, or a pygments lexer name such as "diff"

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        text = self.text.rstrip("\n")
        if console.color_system is None:
            yield Text(text)
        else:
            yield _syntax(Code(text, self.language))


def use_color(stream: TextIO, setting: str = "auto") -> bool:
    if setting == "never" or os.environ.get("NO_COLOR"):
        return False
    if setting == "always":
        return True
    return hasattr(stream, "isatty") and stream.isatty() and os.environ.get("TERM") != "dumb"


def console(stream: TextIO, color: bool, width: int | None = None, live: bool = False) -> Console:
    """A rich console on ``stream`` that colours exactly when ``color`` says, never wraps
    lines (code and compiler-style lines stay whole) and highlights nothing on its own.
    ``live``: it drives a terminal display (cursor moves), coloured or not."""
    return Console(
        file=stream,
        force_terminal=color or live,
        no_color=not color,
        color_system="256" if color else None,
        width=width or DEFAULT_WIDTH,
        highlight=False,
        emoji=False,
        soft_wrap=True,
    )


def stderr_console() -> Console:
    """For progress bars on stderr (rich decides colour and liveness from the stream)."""
    return Console(stderr=True)


def _syntax(code: Code) -> Syntax:
    lang = languages.find(code.language)
    lexer = lang.pygments_lexer if lang else code.language
    return Syntax(
        code.text, lexer, theme=THEME, background_color="default", tab_size=8, word_wrap=False
    )


def to_text(items: Sequence[RenderableType], color: bool, width: int | None = None) -> str:
    """The items as text, one after another, each ending its line."""
    buffer = io.StringIO()
    out = console(buffer, color, width)
    for item in items:
        if isinstance(item, Code) and not color:  # rich would expand its tabs
            buffer.write(item.text.rstrip("\n") + "\n")
        else:
            out.print(item)
    return buffer.getvalue()


def write(
    items: Sequence[RenderableType],
    stream: TextIO | None = None,
    setting: str = "auto",
    width: int | None = None,
) -> None:
    """Print the items to ``stream`` (default stdout), coloured as ``setting`` and the stream
    allow."""
    target = stream or sys.stdout
    target.write(to_text(items, use_color(target, setting), width or width_of(target)))


def width_of(stream: Any) -> int:
    """The terminal's width when ``stream`` is one, else the default."""
    try:
        return os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        return DEFAULT_WIDTH
