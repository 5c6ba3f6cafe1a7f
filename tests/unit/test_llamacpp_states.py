"""Prompts kept aside by kind: which are kept in memory within the budget, which files stay."""

from __future__ import annotations

import ctypes
import os
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from codegen.backends import llamacpp_states
from codegen.backends.llamacpp_prefix import BLOCK, prompt_key
from codegen.backends.llamacpp_states import KeptPrompts, SavedPrompts


class FakeStateApi:
    """llama.cpp's sequence-state calls over one sequence whose state is ``size`` bytes."""

    __version__ = "test"
    llama_token = ctypes.c_int32

    def __init__(self, size: int) -> None:
        self.size = size
        self.fail = False  # set_data refuses
        self.restored: list[bytes] = []
        self.into: list[Any] = []  # the context each restore went to

    def llama_state_seq_get_size(self, ctx: Any, seq: int) -> int:
        return self.size

    def llama_state_seq_get_data(self, ctx: Any, data: Any, size: int, seq: int) -> int:
        data[0] = len(self.restored) + 1  # tells the copies apart
        return size

    def llama_state_seq_set_data(self, ctx: Any, data: Any, size: int, seq: int) -> int:
        if self.fail:
            return 0
        self.restored.append(bytes(data))
        self.into.append(ctx)
        return size


def test_a_prompt_kind_is_its_first_block() -> None:
    prompt = list(range(3 * BLOCK))
    assert prompt_key(prompt) == prompt_key(prompt[:BLOCK] + [-1] * BLOCK)
    assert prompt_key(prompt) != prompt_key([-1, *prompt[1:]])
    assert prompt_key(prompt[: BLOCK - 1]) is None


def test_kept_prompts_come_back_by_kind_within_the_budget() -> None:
    api = FakeStateApi(size=100)
    kept = KeptPrompts(api, ctx=None, budget=250)
    kept.keep("python", [1, 2])
    kept.keep("javascript", [3, 4])
    assert kept.restore("python") == [1, 2]  # now the most recently used
    kept.keep("java", [5])  # over the budget: the least recently used kind goes
    assert kept.restore("javascript") == []
    assert kept.restore("java") == [5]
    assert kept.restore("python") == [1, 2]
    assert len(api.restored) == 3 and all(len(data) == 100 for data in api.restored)


def test_a_kept_state_that_does_not_restore_is_dropped() -> None:
    api = FakeStateApi(size=10)
    kept = KeptPrompts(api, ctx=None)
    kept.keep("python", [1])
    api.fail = True
    assert kept.restore("python") == []
    api.fail = False
    assert kept.restore("python") == []  # not tried again
    assert api.restored == []


def test_kept_prompts_move_to_a_larger_context() -> None:
    """A context replaced by a larger one hands its kept states over: they are restored into
    the new context, and the old object no longer matters."""
    api = FakeStateApi(size=10)
    kept = KeptPrompts(api, ctx="old")
    kept.keep("python", [1, 2])
    moved = kept.moved_to("new")
    assert moved.restore("python") == [1, 2]
    assert api.into == ["new"]


def test_saved_prompts_keep_the_most_recently_used_files(tmp_path: Path) -> None:
    model = tmp_path / "model.gguf"
    model.write_bytes(b"GGUF")
    saved = SavedPrompts(FakeStateApi(size=1), None, model, tmp_path / "states")
    saved.directory.mkdir()
    names = [saved.path(f"kind{i}") for i in range(llamacpp_states.FILES + 4)]
    for age, path in enumerate(names):
        path.write_bytes(b"x")
        os.utime(path, ns=(age * 10**9, age * 10**9))
    saved._prune()
    left = sorted(saved.directory.glob("*.state"))
    assert left == sorted(names[4:])
    assert len({saved.path("a"), saved.path("b")}) == 2
    other = SavedPrompts(SimpleNamespace(__version__="other"), None, model, saved.directory)
    assert other.path("a") != saved.path("a")  # another llama.cpp: another file
