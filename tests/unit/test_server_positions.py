"""Position conversion at the server boundary: 1-based code points <-> 0-based UTF-16."""

from __future__ import annotations

from codegen.server.comments import clean, description_at
from codegen.server.positions import codepoint_index, lsp_diagnostic, utf16_column
from codegen.types import Diagnostic

ASTRAL = "s = '😀😀' + x"  # each emoji is one code point, two UTF-16 units


def test_ascii_column_is_shifted_by_one() -> None:
    assert utf16_column("abc", 1) == 0
    assert utf16_column("abc", 3) == 2


def test_astral_characters_count_two_utf16_units() -> None:
    col_of_x = ASTRAL.index("x") + 1  # 1-based code point column
    assert col_of_x == 12
    assert utf16_column(ASTRAL, col_of_x) == 13  # two emoji -> two extra units
    assert codepoint_index(ASTRAL, 13) == ASTRAL.index("x")


def test_bmp_non_ascii_is_one_unit() -> None:
    assert utf16_column("é = ü", 5) == 4


def test_columns_past_the_end_are_clamped() -> None:
    assert utf16_column("😀", 9) == 2
    assert codepoint_index("😀a", 99) == 2


def test_diagnostic_to_lsp_range() -> None:
    code = "ok = 1\n" + ASTRAL + "\n"
    diag = Diagnostic(2, 12, 2, 13, "bad x", "tree-sitter")
    out = lsp_diagnostic(diag, code.split("\n"))
    assert out["range"] == {
        "start": {"line": 1, "character": 13},
        "end": {"line": 1, "character": 14},
    }
    assert out["severity"] == 1 and out["message"] == "bad x"


def test_diagnostic_beyond_last_line_lands_at_end() -> None:
    out = lsp_diagnostic(Diagnostic(9, 1, 9, 1, "eof", "cpython"), ["a😀"])
    assert out["range"]["start"] == {"line": 0, "character": 3}


def test_comment_block_becomes_description() -> None:
    lines = ["x = 1", "# return the sum", "# of two numbers", "", "y = 2"]
    assert description_at(lines, 2, None, None) == ("return the sum of two numbers", 3)
    assert description_at(lines, 0, None, None) is None


def test_selection_wins_and_markers_are_stripped() -> None:
    assert description_at(["// sort a list"], 0, "// sort a list", None) == ("sort a list", 1)
    assert clean("/* parse JSON */") == "parse JSON"
