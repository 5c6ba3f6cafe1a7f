"""Model-written tests (--gen-tests): assert extraction, CodeT dual agreement, ranking effect."""

from __future__ import annotations

from codegen.backends.base import ScriptedBackend
from codegen.ranking.gentests import ModelTestWriter, asserts_of, dual_agreement
from codegen.ranking.scorer import EvidenceRanker
from codegen.types import Candidate, GenerationRequest


def cand(k: int, code: str, logprob: float) -> Candidate:
    return Candidate(
        id=f"python-{k}",
        language="python",
        code=code,
        raw_text=code,
        finish_reason="stop",
        prompt_tokens=1,
        completion_tokens=1,
        mean_logprob=logprob,
        valid=True,
    )


def test_only_parsing_asserts_are_kept() -> None:
    code = "import math\nassert inc(1) == 2\nassert inc(2) ==\nprint(3)\n    assert inc(0) == 1\n"
    assert asserts_of(code) == ["assert inc(1) == 2", "assert inc(0) == 1"]


def test_dual_agreement_rewards_large_consensus_sets_passing_many_tests() -> None:
    results = [(True, True, False), (True, True, False), (False, False, True), (False,) * 3]
    scores = dual_agreement(results)
    assert scores[0] == scores[1] == (2 / 4) * (2 / 3)
    assert scores[2] == (1 / 4) * (1 / 3)
    assert scores[3] == 0.0


def test_generated_tests_lift_the_candidates_that_agree_on_them() -> None:
    reply = "```python\nassert inc(1) == 2\nassert inc(5) == 6\n```"
    backend = ScriptedBackend([reply])
    writer = ModelTestWriter(lambda spec: backend)
    wrong = cand(1, "def inc(x):\n    return x - 1\n", logprob=-0.05)
    right = [cand(k, f"def inc(v{k}):\n    return v{k} + 1\n", logprob=-1.0) for k in (2, 3)]
    request = GenerationRequest("increment a number", exec=True)
    ranked = EvidenceRanker(test_writer=writer).rank([wrong, *right], request)
    assert ranked[-1].id == "python-1"
    assert ranked[0].score_parts["gen_tests"] == round(2 / 3, 6)
    assert ranked[-1].score_parts["gen_tests"] == 0.0
    assert len(backend.calls) == 1  # one greedy call per language
