"""Sequences with the same tokens so far are decoded once: the llama.cpp loop's groups."""

from __future__ import annotations

from codegen.backends.llamacpp import _groups, _Seq


class Cells:
    """Records the cell copies the grouping asks for."""

    def __init__(self) -> None:
        self.copies: list[tuple[int, int]] = []

    def share(self, source: int, target: int) -> None:
        self.copies.append((source, target))


def _seqs(*tokens: list[int], kv: int = 0) -> list[_Seq]:
    return [_Seq(i, tokens=list(t), kv=kv) for i, t in enumerate(tokens)]


def _indices(groups: list[list[_Seq]]) -> list[list[int]]:
    return [[s.index for s in group] for group in groups]


def test_identical_sequences_stay_one_group_with_no_copy() -> None:
    cells = Cells()
    seqs = _seqs([5, 6], [5, 6], [5, 6])
    assert _indices(_groups(seqs, cells)) == [[0, 1, 2]]
    assert cells.copies == []
    assert [s.kv for s in seqs] == [0, 0, 0]


def test_a_split_gives_each_new_part_its_first_member_and_a_copy_of_the_cells() -> None:
    cells = Cells()
    seqs = _seqs([5, 6], [5, 7], [5, 6], [5, 7], [5, 8])
    assert _indices(_groups(seqs, cells)) == [[0, 2], [1, 3], [4]]
    assert cells.copies == [(0, 1), (0, 4)]
    assert [s.kv for s in seqs] == [0, 1, 0, 1, 4]


def test_the_part_holding_the_owner_keeps_its_cells_even_when_not_first() -> None:
    cells = Cells()
    seqs = _seqs([1, 2], [1, 3], [1, 2], kv=1)
    groups = _groups(seqs, cells)
    assert _indices(groups) == [[0, 2], [1]]
    assert cells.copies == [(1, 0)]
    assert [s.kv for s in seqs] == [0, 1, 0]


def test_when_the_owner_has_finished_the_first_part_keeps_the_cells() -> None:
    cells = Cells()
    live = _seqs([9, 1], [9, 2], [9, 3])[1:]  # sequence 0 (the owner) has stopped
    assert _indices(_groups(live, cells)) == [[1], [2]]
    assert cells.copies == [(0, 2)]
    assert [s.kv for s in live] == [0, 2]


def test_groups_already_apart_are_not_merged() -> None:
    cells = Cells()
    seqs = _seqs([4], [4])
    seqs[1].kv = 1
    assert _indices(_groups(seqs, cells)) == [[0], [1]]
    assert cells.copies == []
