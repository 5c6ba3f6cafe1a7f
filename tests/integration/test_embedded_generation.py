"""The real small embedded model (Qwen2.5-Coder-0.5B-Instruct on llama.cpp) generating for real."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from typing import Any

from codegen.assistant import Assistant
from codegen.config import Settings
from codegen.requests import build_request
from codegen.types import Completion, Message, SamplingParams


def test_python_javascript_java_each_get_code(small_backend: Any, small_settings: Settings) -> None:
    assistant = Assistant(small_settings, backend=small_backend, interface="library")
    request = build_request(
        {
            "description": "Return the larger of two integers",
            "n": 2,
            "max_tokens": 128,
            "languages": ["python", "javascript", "java"],
        },
        small_settings,
    )
    result = assistant.generate(request)
    for lang, marker in [("python", "def "), ("javascript", "function"), ("java", "class")]:
        cands = result.for_language(lang)
        assert len(cands) == 2
        assert any(marker in c.code for c in cands), (lang, [c.code for c in cands])
        assert all("```" not in c.code for c in cands)
        assert all(c.mean_logprob is not None and c.mean_logprob < 0 for c in cands)
    assert result.best("python") is not None


def _sample(backend: Any, seed: int) -> list[str]:
    messages = [Message("user", "Write a Python function that reverses a string.")]
    params = SamplingParams(temperature=0.8, top_p=0.95, max_tokens=48, seed=seed)
    return [c.text for c in backend.generate(messages, params, 3)]


def test_same_seed_same_candidates_other_seed_differs(small_backend: Any) -> None:
    first = _sample(small_backend, 7)
    again = _sample(small_backend, 7)
    other = _sample(small_backend, 8)
    assert first == again
    assert other != first
    assert len(set(first)) > 1  # the three sequences of one batch differ from each other


def test_greedy_first_puts_the_greedy_answer_in_the_batch(small_backend: Any) -> None:
    messages = [Message("user", "Write a Python function that reverses a string.")]
    greedy = SamplingParams(temperature=0.0, max_tokens=24, seed=3)
    (alone,) = small_backend.generate(messages, greedy, 1)
    mixed = SamplingParams(temperature=1.0, max_tokens=24, seed=3, greedy_first=True)
    batch = [c.text for c in small_backend.generate(messages, mixed, 3)]
    assert batch[0] == alone.text  # decoded greedily inside the same batch
    assert batch[1:] != [alone.text, alone.text]


def cancelled_after(
    backend: Any, messages: Sequence[Message], seconds: float = 1.5
) -> tuple[list[Completion], float]:
    """A long generation (n = 2) cancelled after ``seconds``: its completions, and how long
    it took to stop once asked."""
    cancel = threading.Event()
    params = SamplingParams(temperature=0.7, max_tokens=2000, seed=1)
    out: dict[str, Any] = {}

    def work() -> None:
        out["completions"] = backend.generate(messages, params, 2, cancel)
        out["ended"] = time.perf_counter()

    worker = threading.Thread(target=work)
    worker.start()
    time.sleep(seconds)
    cancel.set()
    asked = time.perf_counter()
    worker.join(timeout=10)
    assert not worker.is_alive()
    return out["completions"], out["ended"] - asked


def test_cancel_stops_a_long_generation_within_a_second(small_backend: Any) -> None:
    messages = [Message("user", "Write a very long Python module with twenty classes.")]
    completions, stopped_in = cancelled_after(small_backend, messages)
    assert stopped_in < 1.0
    assert {c.finish_reason for c in completions} == {"cancelled"}
    assert all(c.completion_tokens < 2000 for c in completions)
