"""What the front ends show, built once: candidates, diagnostics, verdicts, summaries, tables.

Each function returns rich items for ``render.terminal`` to print (``write``) or turn into text
(``to_text``), so ``gen``, ``check``, ``repair``, the REPL and batch word and colour things the
same way: a candidate's header is ``#1 python-2 ✓ valid ✓ compiles score 0.912``, a
diagnostic ``[path:]line:col: error: message [source]``.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import Any

from rich.console import RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from codegen import languages
from codegen.ranking.duplicates import agree_label, distinct
from codegen.render.terminal import Code
from codegen.render.verdicts import COMPILES, compile_badge
from codegen.types import Candidate, Diagnostic, Result

MAX_DIAGNOSTICS = 5
RULE_WIDTH = 72
STYLES = {"error": "red", "warning": "yellow"}


def badge(cand: Candidate) -> Text:
    """``✓ valid`` / ``✗ invalid`` / ``? unchecked``, and a valid one's compile verdict."""
    if cand.valid is None:
        return Text("? unchecked")
    text = Text()  # styles by span: a Text's own style would colour what is appended too
    text.append("✓ valid" if cand.valid else "✗ invalid", style="green" if cand.valid else "red")
    compiled = compile_badge(cand)
    if compiled:
        text.append(" " + compiled, style="green" if compiled == COMPILES else "red")
    return text


def header(cand: Candidate, copies: Sequence[Candidate] = ()) -> Text:
    """Rank (``--`` when unranked), id, badge, ``×3 agree (ids)`` for a candidate shown once for
    its copies, then score, an unusual finish and repairs."""
    text = Text()
    text.append(f"#{cand.rank}" if cand.rank is not None else "--", style="bold")
    text.append(f" {cand.id} ")
    text.append_text(badge(cand))
    if copies:
        text.append(f" {agree_label(copies)} ({', '.join(c.id for c in copies)})")
    if cand.score is not None:
        text.append(f" score {cand.score:.3f}")
    if cand.finish_reason != "stop":
        text.append(f" finish {cand.finish_reason}")
    if cand.repairs:
        text.append(" repaired: " + ", ".join(step.name for step in cand.repairs))
    return text


def diagnostic(diag: Diagnostic, path: str = "", code: str | None = None) -> list[Text]:
    """``path:line:col: error: message [source]`` (indented without a path), and with the code
    at hand, an error's line with a caret under its column."""
    where = f"{path}:" if path else "  "
    head = f"{where}{diag.line}:{diag.column}: {diag.severity}: {diag.message} [{diag.source}]"
    lines = [Text(head, style=STYLES.get(diag.severity, ""))]
    source = code.split("\n") if code is not None else []
    if diag.severity == "error" and 1 <= diag.line <= len(source):
        shown = source[diag.line - 1].replace("\t", " ")
        caret = " " * min(max(diag.column - 1, 0), len(shown)) + "^"
        lines += [Text(f"  {shown}"), Text(f"  {caret}", style="bold red")]
    return lines


def diagnostics(
    diags: Sequence[Diagnostic],
    path: str = "",
    code: str | None = None,
    limit: int | None = MAX_DIAGNOSTICS,
) -> list[Text]:
    """Each diagnostic (the first ``limit``, then how many more)."""
    shown = diags if limit is None else diags[:limit]
    out = [line for d in shown for line in diagnostic(d, path, code)]
    if len(diags) > len(shown):
        out.append(Text(f"  … and {len(diags) - len(shown)} more"))
    return out


def safety(cand: Candidate) -> list[Text]:
    out = []
    for finding in cand.safety:
        where = f" line {finding.line}" if finding.line else ""
        out.append(Text(f"  ! safety.{finding.rule}{where}: {finding.message}", style="magenta"))
    return out


def candidate(
    cand: Candidate, code: bool = True, copies: Sequence[Candidate] = ()
) -> list[RenderableType]:
    """Header, code (highlighted on a terminal), diagnostics, safety findings."""
    items: list[RenderableType] = [header(cand, copies)]
    if code:
        items.append(Code(cand.code, cand.language))
    return [*items, *diagnostics(cand.diagnostics), *safety(cand)]


def rule(title: str, width: int = RULE_WIDTH) -> Text:
    """``── title ────`` across ``width`` (at most ``RULE_WIDTH``), the title cut to fit."""
    width = max(10, min(width, RULE_WIDTH))
    line = f"── {title} "
    if len(line) > width:
        line = line[: width - 2] + "… "
    return Text(line + "─" * (width - len(line)), style="bold")


def counts(cands: Sequence[Candidate]) -> str:
    """``2/3 valid``, and how many compile where a compiler gave verdicts."""
    text = f"{sum(1 for c in cands if c.valid)}/{len(cands)} valid"
    if any(c.valid and c.compiles is not None for c in cands):
        text += f", {sum(1 for c in cands if c.compiles)} compile"
    return text


def language(
    name: str,
    cands: Sequence[Candidate],
    width: int = RULE_WIDTH,
    show_invalid: bool = True,
    invalid_hint: str | None = None,
) -> list[RenderableType]:
    """One language's candidates, best first, under a rule with the counts; candidates with
    the same code (``duplicate_of``) once, with ``×3 agree``. An invalid one is shown
    (``show_invalid``) with its code, or with ``invalid_hint`` (``{id}`` filled in) instead
    of it."""
    lang = languages.find(name)
    items: list[RenderableType] = [rule(f"{lang.display if lang else name} {counts(cands)}", width)]
    ordered = sorted(cands, key=lambda c: (c.rank is None, c.rank or 0, c.id))
    shown = [c for c in ordered if show_invalid or c.rank is not None]
    if not shown:
        items.append(Text("  no valid candidate (use --show-invalid to see them)"))
    for cand, copies in distinct(shown):
        hidden = cand.rank is None and invalid_hint is not None
        items += candidate(cand, code=not hidden, copies=copies)
        if hidden and invalid_hint is not None:
            items.append(Text("  " + invalid_hint.format(id=cand.id), style="dim"))
        items.append(Text(""))
    return items


def result(
    answer: Result, width: int = RULE_WIDTH, show_invalid: bool = False
) -> list[RenderableType]:
    """Every language of a result, in the order asked for (``codegen gen``)."""
    return [
        item
        for name in answer.request.language_names
        for item in language(name, answer.for_language(name), width, show_invalid)
    ]


def summary(answer: Result) -> Text:
    """The REPL's line after a request: counts per language and the time taken."""
    parts = [
        f"{name} {counts(answer.for_language(name))}" for name in answer.request.language_names
    ]
    seconds = answer.timings.get("total_ms", 0.0) / 1000
    text = f"done: {', '.join(parts)} in {seconds:.1f} s · /show N, /save N PATH, /help"
    return Text(text, style="dim")


def explain(cand: Candidate) -> list[RenderableType]:
    """Why a candidate stands where it does: the evidence the stages recorded."""
    lines = [f"tokens: prompt {cand.prompt_tokens}, completion {cand.completion_tokens}"]
    if cand.mean_logprob is not None:
        lines.append(f"mean log-probability: {cand.mean_logprob:.3f}")
    if cand.score_parts:
        lines.append(
            "score parts: " + ", ".join(f"{k} {v:.3f}" for k, v in cand.score_parts.items())
        )
    lines.append(f"checked by: {', '.join(cand.validators) or 'nothing'}")
    body = Text("\n".join(lines))
    items: list[RenderableType] = [Panel(body, title=header(cand), title_align="left")]
    items += diagnostics(cand.diagnostics)
    for step in cand.repairs:
        note = f" ({step.note})" if step.note else ""
        items.append(Text(f"  repair {step.name}{note}, penalty {step.penalty:.2f}:"))
        items.append(Code(step.diff, "diff"))
    return items


def diff(a: Candidate, b: Candidate) -> list[RenderableType]:
    text = "".join(
        difflib.unified_diff(
            a.code.splitlines(keepends=True),
            b.code.splitlines(keepends=True),
            fromfile=a.id,
            tofile=b.id,
        )
    )
    return [Code(text, "diff")] if text else [Text(f"{a.id} and {b.id} are identical")]


def verdict_line(path: str, verdict: str, tiers: Sequence[str]) -> Text:
    """``path: valid, compiles [tree-sitter, javac]`` (``codegen check``'s last line a file)."""
    return Text(f"{path}: {verdict} [{', '.join(tiers)}]", style="bold")


def table(title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> Table:
    """A table (batch summaries); a column named ``s`` holds seconds, right-aligned."""
    out = Table(title=title, title_justify="left")
    for column in columns:
        out.add_column(column, justify="right" if column == "s" else "left")
    for row in rows:
        out.add_row(*(str(cell) for cell in row))
    return out
