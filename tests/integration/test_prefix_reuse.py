"""Prompt-prefix reuse on the real small model: a request keeps the cells of the prompt blocks
it shares with the previous one, and its candidates are the ones a fresh context gives."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from codegen.backends.llamacpp import LlamaCppBackend
from codegen.backends.llamacpp_prefix import BLOCK
from codegen.types import Completion, Message, SamplingParams
from tests.integration.small_model import codegen_prompt, variant
from tests.integration.test_embedded_generation import cancelled_after

# Greedy row 0, sampled rows 1 and 2: both kinds of decoding are compared.
PARAMS = SamplingParams(temperature=0.8, top_p=0.95, max_tokens=48, seed=11, greedy_first=True)


@pytest.fixture(scope="module")
def fresh(small_backend: Any) -> Iterator[LlamaCppBackend]:
    """The same model with prefix reuse off: every prompt evaluated from the start."""
    with variant(small_backend, prefix_cache=False) as backend:
        yield backend


def _follow_up(
    messages: tuple[Message, ...], task: str, language: str = "Python"
) -> tuple[Message, ...]:
    """The same system prompt and examples, another task (as a REPL follow-up sends)."""
    return (*messages[:-1], Message("user", f"Task: {task}\nWrite it in {language}."))


def _same(a: list[Completion], b: list[Completion]) -> None:
    assert [c.text for c in a] == [c.text for c in b]
    assert [c.logprobs for c in a] == [c.logprobs for c in b]


@pytest.fixture(scope="module")
def prompts(small_backend: Any) -> tuple[tuple[Message, ...], tuple[Message, ...]]:
    first = codegen_prompt(small_backend, "Return the larger of two integers")
    return first, _follow_up(first, "Return the smaller of two integers")


def test_a_follow_up_reuses_the_shared_blocks_and_gives_the_same_candidates(
    small_backend: Any, fresh: LlamaCppBackend, prompts: Any
) -> None:
    first, second = prompts
    small_backend.generate(first, PARAMS, 3)
    reused = small_backend.generate(second, PARAMS, 3)
    alone = fresh.generate(second, PARAMS, 3)
    shared = reused[0].prompt_tokens_reused
    assert shared >= 2 * BLOCK and shared % BLOCK == 0  # system prompt and examples kept
    assert shared > reused[0].prompt_tokens - 2 * BLOCK  # all but the new task's blocks
    assert alone[0].prompt_tokens_reused == 0
    assert reused[0].prefill_ms is not None and alone[0].prefill_ms is not None
    _same(reused, alone)  # greedy and seeded sampling alike
    again = small_backend.generate(first, PARAMS, 3)  # back to the first: reuse still right
    _same(again, fresh.generate(first, PARAMS, 3))


def test_a_prompt_of_another_kind_in_between_leaves_the_first_kept(
    small_backend: Any, fresh: LlamaCppBackend, prompts: Any
) -> None:
    """Python, then JavaScript, then Python again: each language's prompt comes back from
    where it was kept aside, with the candidates a fresh context gives."""
    first, second = prompts
    other = codegen_prompt(small_backend, "Return the larger of two integers", "javascript")
    small_backend.generate(first, PARAMS, 3)
    small_backend.generate(other, PARAMS, 2)  # another kind: python's prompt kept aside
    back = small_backend.generate(second, PARAMS, 3)
    assert back[0].prompt_tokens_reused >= 2 * BLOCK
    _same(back, fresh.generate(second, PARAMS, 3))
    other_again = _follow_up(other, "Return the smaller of two integers", "JavaScript")
    again = small_backend.generate(other_again, PARAMS, 3)
    assert again[0].prompt_tokens_reused >= 2 * BLOCK
    _same(again, fresh.generate(other_again, PARAMS, 3))


def test_a_cancelled_request_leaves_the_prefix_usable(
    small_backend: Any, fresh: LlamaCppBackend, prompts: Any
) -> None:
    first, second = prompts
    long_task = _follow_up(first, "Write a long Python module with twenty classes")
    completions, stopped_in = cancelled_after(small_backend, long_task)
    assert stopped_in < 1.0
    assert {c.finish_reason for c in completions} == {"cancelled"}

    # Cancelled before its prompt was evaluated: nothing of it is kept, nothing breaks.
    cancel = threading.Event()
    cancel.set()
    stopped = small_backend.generate(second, PARAMS, 2, cancel)
    assert {c.finish_reason for c in stopped} == {"cancelled"}

    after = small_backend.generate(second, PARAMS, 3)
    assert after[0].prompt_tokens_reused >= 2 * BLOCK
    _same(after, fresh.generate(second, PARAMS, 3))


@pytest.fixture
def states(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache dir for the copies loaded in the test; where they save their prompts."""
    monkeypatch.setenv("CODEGEN_CACHE_DIR", str(tmp_path))
    return tmp_path / "prompt-state"


def _one_shot(small_backend: Any, *asked: tuple[tuple[Message, ...], int]) -> list[Any]:
    """Each prompt answered (n candidates each) by a newly loaded copy of the small model, as
    the next one-shot process would answer them."""
    with variant(small_backend) as backend:
        return [backend.generate(messages, PARAMS, n) for messages, n in asked]


def test_a_new_process_starts_from_the_saved_prompt(
    small_backend: Any, fresh: LlamaCppBackend, prompts: Any, states: Path
) -> None:
    """A one-shot process saves its first prompt; the next one loads it and keeps the blocks it
    shares, with the candidates a fresh context gives."""
    first, second = prompts
    (alone,) = _one_shot(small_backend, (first, 1))
    assert alone[0].prompt_tokens_reused == 0
    assert len(list(states.glob("*.state"))) == 1
    (started,) = _one_shot(small_backend, (second, 3))
    assert started[0].prompt_tokens_reused >= 2 * BLOCK
    _same(started, fresh.generate(second, PARAMS, 3))


def test_each_kind_of_prompt_is_saved_for_the_next_process(
    small_backend: Any, fresh: LlamaCppBackend, prompts: Any, states: Path
) -> None:
    """A one-shot request in two languages saves both prompts; the next process starts its
    second language from the saved one too."""
    first, _ = prompts
    other = codegen_prompt(small_backend, "Return the larger of two integers", "javascript")
    _one_shot(small_backend, (first, 1), (other, 1))
    assert len(list(states.glob("*.state"))) == 2
    follow_up = _follow_up(other, "Return the smaller of two integers", "JavaScript")
    _, started = _one_shot(small_backend, (first, 1), (follow_up, 3))
    assert started[0].prompt_tokens_reused >= 2 * BLOCK
    _same(started, fresh.generate(follow_up, PARAMS, 3))


def test_kept_prompts_survive_a_larger_context(
    small_backend: Any, fresh: LlamaCppBackend, prompts: Any, states: Path
) -> None:
    """A request that needs more cells than the context has gets a larger context; the prompt
    the old one held comes with it (not from a file: none is left), and the next request
    reuses it as before."""
    first, second = prompts
    larger = dataclasses.replace(PARAMS, max_tokens=1024)
    cancel = threading.Event()
    cancel.set()
    with variant(small_backend, context_window=2048) as backend:
        backend.generate(first, PARAMS, 1)
        for saved in states.glob("*.state"):
            saved.unlink()
        grown = backend.generate(first, larger, 4, cancel)  # 4 x 1024 cells: a new context
        back = backend.generate(second, PARAMS, 3)
    assert {c.finish_reason for c in grown} == {"cancelled"}
    assert back[0].prompt_tokens_reused >= 2 * BLOCK
    _same(back, fresh.generate(second, PARAMS, 3))
