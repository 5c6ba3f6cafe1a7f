"""Terminal output of results: candidates grouped by language, highlighted with pygments.

Colour only on a terminal, never when NO_COLOR is set or ``color = "never"``.
"""

from __future__ import annotations

import os
import sys
from typing import Any, TextIO

from codegen import languages
from codegen.render.verdicts import compile_badge
from codegen.types import Candidate, Result


def use_color(stream: TextIO, setting: str = "auto") -> bool:
    if setting == "never" or os.environ.get("NO_COLOR"):
        return False
    if setting == "always":
        return True
    return hasattr(stream, "isatty") and stream.isatty() and os.environ.get("TERM") != "dumb"


def stderr_console() -> Any:
    from rich.console import Console

    return Console(stderr=True)


def highlight(code: str, language: str, color: bool) -> str:
    if not color:
        return code
    from pygments import highlight as pyg_highlight
    from pygments.formatters import Terminal256Formatter
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    lang = languages.find(language)
    try:
        lexer = get_lexer_by_name(lang.pygments_lexer if lang else language)
    except ClassNotFound:
        return code
    return str(pyg_highlight(code, lexer, Terminal256Formatter(style="monokai"))).rstrip("\n")


def _bold(text: str, color: bool) -> str:
    return f"\x1b[1m{text}\x1b[0m" if color else text


def _dim(text: str, color: bool) -> str:
    return f"\x1b[2m{text}\x1b[0m" if color else text


def candidate_header(cand: Candidate, color: bool) -> str:
    rank = f"#{cand.rank}" if cand.rank is not None else "invalid"
    parts = [rank, cand.id, f"finish={cand.finish_reason}", f"tokens={cand.completion_tokens}"]
    if cand.score is not None:
        parts.append(f"score={cand.score:.3f}")
    if cand.repairs:
        parts.append("repaired: " + ", ".join(step.name for step in cand.repairs))
    badge = "✓ valid" if cand.valid else "✗ invalid"
    compiled = compile_badge(cand)
    if compiled:
        badge += f"  {compiled}"
    return _bold(" ".join(parts), color) + "  " + badge


def render_candidate(cand: Candidate, color: bool) -> str:
    lines = [candidate_header(cand, color), highlight(cand.code, cand.language, color)]
    for diag in cand.diagnostics[:5]:
        lines.append(_dim(f"  {diag.line}:{diag.column}: {diag.message} [{diag.source}]", color))
    for finding in cand.safety:
        where = f" line {finding.line}" if finding.line else ""
        lines.append(f"  ! safety.{finding.rule}{where}: {finding.message}")
    return "\n".join(lines)


def render_result(result: Result, color: bool, show_invalid: bool = False) -> str:
    out: list[str] = []
    for name in result.request.language_names:
        lang = languages.find(name)
        cands = result.for_language(name)
        shown = [c for c in cands if show_invalid or c.valid]
        valid = sum(1 for c in cands if c.valid)
        title = f"── {lang.display if lang else name} ({valid}/{len(cands)} valid) "
        out.append(_bold(title.ljust(60, "─"), color))
        if not shown:
            out.append("  no valid candidate (use --show-invalid to see them)")
        for cand in shown:
            out.append(render_candidate(cand, color))
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def write_result(
    result: Result, stream: TextIO | None = None, setting: str = "auto", show_invalid: bool = False
) -> None:
    stream = stream or sys.stdout
    stream.write(render_result(result, use_color(stream, setting), show_invalid))
