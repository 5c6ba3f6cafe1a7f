"""'✓ compiles' / '✗ does not compile' with the first error in the terminal, the REPL and the
server's progress (issue 24 item 1's front ends)."""

from __future__ import annotations

import io

import pytest

from codegen import events as ev
from codegen.languages import LanguageSpec
from codegen.render import blocks, terminal
from codegen.render.terminal import Code, to_text
from codegen.render.verdicts import compile_badge, compile_verdict
from codegen.repl.render import EventView, badge, summary
from codegen.server.progress import _payload
from codegen.types import Candidate, Diagnostic, GenerationRequest, Result

WARNING = Diagnostic(1, 1, 1, 1, "'re' is used but never imported", "imports", "warning")
ERROR = Diagnostic(2, 5, 2, 5, "E0599: no method named `pop` found", "rustc", "error", "compile")


def cand(k: int, compiles: bool | None, valid: bool = True, *diags: Diagnostic) -> Candidate:
    return Candidate(
        id=f"rust-{k}",
        language="rust",
        code="pub fn f() {}\n",
        raw_text="",
        finish_reason="stop",
        prompt_tokens=1,
        completion_tokens=1,
        valid=valid,
        compiles=compiles,
        diagnostics=diags,
        rank=k if valid else None,
    )


def test_the_verdict_names_the_first_compile_error() -> None:
    assert compile_verdict(True, ()) == "✓ compiles"
    assert compile_verdict(False, (WARNING, ERROR)) == (
        "✗ does not compile: E0599: no method named `pop` found"
    )
    assert compile_verdict(None, (ERROR,)) is None
    assert compile_badge(cand(1, False, False, ERROR)) is None  # invalid says so already
    long = Diagnostic(1, 1, 1, 1, "x" * 200, "javac", "error", "compile")
    shown = compile_badge(cand(1, False, True, long)) or ""
    assert len(shown) == 80 and shown.endswith("…")


def _plain(candidate: Candidate) -> str:
    return to_text([blocks.header(candidate)], color=False).rstrip("\n")


def test_terminal_and_repl_show_it_beside_validity() -> None:
    header = _plain(cand(1, False, True, ERROR))
    assert header == "#1 rust-1 ✓ valid ✗ does not compile: E0599: no method named `pop` found"
    assert _plain(cand(2, True)) == "#2 rust-2 ✓ valid ✓ compiles"
    assert _plain(cand(3, None)) == "#3 rust-3 ✓ valid"
    assert badge(cand(2, True), color=False) == "✓ valid ✓ compiles"
    view = EventView(color=False, width=80)
    line = view.show(ev.CandidateCompiled("r", cand(1, False, True, ERROR)))
    assert line == "  rust-1: ✓ valid ✗ does not compile: E0599: no method named `pop` found"
    assert view.show(ev.CandidateCompiled("r", cand(2, None))) == ""
    result = Result(
        "r",
        GenerationRequest("f", languages=(LanguageSpec("rust"),)),
        "m",
        (cand(1, True), cand(2, False)),
    )
    assert summary(result, color=False).startswith("done: rust 2/2 valid, 1 compile in")


def test_server_progress_reports_compiled_candidates() -> None:
    payload = _payload(ev.CandidateCompiled("r", cand(1, True)))
    assert payload is not None and payload["event"] == "candidate_compiled"
    assert payload["candidate"]["compiles"] is True


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_one_renderer_colours_a_terminal_only_and_keeps_plain_code_verbatim(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    items = [blocks.header(cand(2, True)), Code("func f() {\n\treturn\n}", "go")]
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.delenv("NO_COLOR", raising=False)
    tty, piped = _Tty(), io.StringIO()
    terminal.write(items, tty)
    terminal.write(items, piped)
    assert "\x1b[" in tty.getvalue()  # Syntax highlighting, styled badges
    assert piped.getvalue() == "#2 rust-2 ✓ valid ✓ compiles\nfunc f() {\n\treturn\n}\n"
    monkeypatch.setenv("NO_COLOR", "1")
    quiet = _Tty()
    terminal.write(items, quiet)
    assert quiet.getvalue() == piped.getvalue()


def test_check_gen_and_the_repl_word_a_diagnostic_the_same_way() -> None:
    from codegen.cli.check import render
    from codegen.validation.base import Validation
    from codegen.validation.inputs import Source

    src = Source("a.rs", "pub fn f() {\n    v.pop();\n}\n", "rust", None)
    checked = to_text(render(src, Validation((ERROR,), ("tree-sitter",))), color=False)
    assert checked.splitlines() == [
        "a.rs:2:5: error: E0599: no method named `pop` found [rustc]",
        "      v.pop();",
        "      ^",
    ]
    shown = to_text(blocks.candidate(cand(1, False, True, ERROR), code=False), color=False)
    repl = EventView(color=False, width=80).show(
        ev.Ranked("r", "rust", (cand(1, False, True, ERROR),))
    )
    line = "  2:5: error: E0599: no method named `pop` found [rustc]"
    assert shown.splitlines()[1] == line and line in repl.splitlines()
