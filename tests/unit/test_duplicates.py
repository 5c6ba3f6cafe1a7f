"""Candidates that are the same code: marked in the JSON, shown once with how many agree."""

from __future__ import annotations

from codegen.config import Settings
from codegen.ranking.duplicates import agree_label, distinct, mark_duplicates
from codegen.render import blocks
from codegen.render.terminal import to_text
from codegen.repl.render import ranked_block
from codegen.requests import build_request
from codegen.types import Candidate, Result
from tests.unit.test_rank_languages import cand as rank_cand

ADD = "def add(a, b):\n    return a + b\n"
ADD_NOTED = "def add(a, b):  # sum\n\n    return a+b\n"
ADD_RENAMED = "def plus(a, b):\n    return a + b\n"
ADD_MOVED = "def add(a, b):\n    x = a + b\nreturn x\n"
ADD_NESTED = "def add(a, b):\n    x = a + b\n    return x\n"


def cand(lang: str, k: int, code: str, rank: int | None = None) -> Candidate:
    return rank_cand(lang, k, code, -0.1).evolve(rank=rank)


def test_comments_and_layout_do_not_count_names_and_nesting_do() -> None:
    marked = mark_duplicates(
        [
            cand("python", 1, ADD),
            cand("python", 2, ADD_NOTED),
            cand("python", 3, ADD_RENAMED),
            cand("python", 4, ADD_MOVED),
            cand("python", 5, ADD_NESTED),
        ]
    )
    assert [c.duplicate_of for c in marked] == [None, "python-1", None, None, None]


def test_the_first_by_id_is_the_original_whatever_the_order_given() -> None:
    ranked = [cand("python", 3, ADD, 1), cand("python", 1, ADD_NOTED, 2), cand("python", 2, ADD, 3)]
    marked = mark_duplicates(ranked)
    assert [c.id for c in marked] == ["python-3", "python-1", "python-2"]  # order kept
    assert [c.duplicate_of for c in marked] == ["python-1", None, "python-1"]


def test_languages_are_kept_apart() -> None:
    same = "x = 1\n"
    marked = mark_duplicates([cand("python", 1, same), cand("ruby", 1, same)])
    assert [c.duplicate_of for c in marked] == [None, None]


def test_distinct_shows_the_first_of_each_group_to_appear_with_its_copies() -> None:
    marked = mark_duplicates(
        [cand("python", 3, ADD, 1), cand("python", 2, ADD_RENAMED, 2), cand("python", 1, ADD, 3)]
    )
    shown = distinct(marked)
    assert [(c.id, [x.id for x in copies]) for c, copies in shown] == [
        ("python-3", ["python-1"]),
        ("python-2", []),
    ]
    assert agree_label(shown[0][1]) == "×2 agree"
    assert agree_label(shown[1][1]) == ""


def test_the_terminal_shows_identical_code_once_and_the_json_keeps_every_candidate() -> None:
    cands = mark_duplicates([cand("python", k, ADD, k) for k in (1, 2, 3)])
    request = build_request({"description": "add", "n": 3}, Settings())
    result = Result("r1", request, "m", tuple(cands), {}, "2026-01-01T00:00:00+00:00")
    text = to_text(blocks.result(result), color=False)
    assert text.count("def add") == 1
    assert "×3 agree (python-2, python-3)" in text
    data = result.to_dict()
    assert [c["duplicate_of"] for c in data["candidates"]] == [None, "python-1", "python-1"]


def test_the_repl_shows_identical_code_once_through_the_same_renderer() -> None:
    cands = tuple(mark_duplicates([cand("python", k, ADD, k) for k in (1, 2, 3)]))
    text = ranked_block("python", cands, color=False, width=72)
    assert text.count("def add") == 1
    assert "×3 agree (python-2, python-3)" in text
