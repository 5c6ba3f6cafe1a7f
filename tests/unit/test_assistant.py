"""The facade with a scripted model: event order, ids, ranks, cancel, failures."""

from __future__ import annotations

import dataclasses
import threading

import pytest

from codegen import events as ev
from codegen.assistant import Assistant, Stages
from codegen.backends.base import ScriptedBackend
from codegen.config import Settings
from codegen.errors import Cancelled, UsageError
from codegen.languages import LanguageSpec
from codegen.requests import build_request

S = Settings(model="scripted")
GOOD = "```python\ndef f():\n    return 1\n```"
BAD = "```python\ndef f(:\n```"


def test_event_order_ids_and_ranks() -> None:
    backend = ScriptedBackend([GOOD, BAD, GOOD])
    request = build_request({"description": "f", "n": 3}, S)
    no_model_repair = S.with_overrides({"repair_rounds": 0}, "test")
    events = list(Assistant(no_model_repair, backend=backend, interface="library").stream(request))
    kinds = [type(e).__name__ for e in events]
    assert kinds[0] == "Started" and kinds[-1] == "Finished"
    assert kinds.count("CandidateGenerated") == 3 and kinds.count("Ranked") == 1
    assert kinds.count("CandidateRepaired") == 1  # only the invalid one goes to repair
    result = events[-1].result  # type: ignore[union-attr]
    assert [c.id for c in result.candidates][-1] == "python-2"
    ranks = {c.id: c.rank for c in result.candidates}
    assert ranks["python-2"] is None and sorted(r for r in ranks.values() if r) == [1, 2]
    assert result.best("python") is not None
    assert set(result.timings) >= {"generate_ms", "validate_ms", "total_ms"}


def test_cancel_before_generation_fails_with_cancelled() -> None:
    cancel = threading.Event()
    cancel.set()
    request = build_request({"description": "f"}, S)
    events = list(
        Assistant(S, backend=ScriptedBackend([GOOD]), interface="library").stream(request, cancel)
    )
    assert isinstance(events[-1], ev.Failed)
    assert isinstance(events[-1].error, Cancelled)
    with pytest.raises(Cancelled):
        Assistant(S, backend=ScriptedBackend([GOOD]), interface="library").generate(request, cancel)


def test_budget_error_surfaces_as_usage_error() -> None:
    backend = ScriptedBackend([GOOD], context_length=256)
    request = build_request({"description": "f", "max_tokens": 1000}, S)
    with pytest.raises(UsageError, match="context window"):
        Assistant(S, backend=backend, interface="library").generate(request)


def test_every_language_gets_its_own_prompt() -> None:
    backend = ScriptedBackend([GOOD])
    request = build_request({"description": "f", "languages": ["python", "go"], "n": 2}, S)
    no_model_repair = S.with_overrides({"repair_rounds": 0}, "test")
    result = Assistant(no_model_repair, backend=backend, interface="library").generate(request)
    assert [c.id for c in result.candidates if c.language == "go"] == ["go-1", "go-2"] or sorted(
        c.id for c in result.for_language("go")
    ) == ["go-1", "go-2"]
    systems = [call[0][0].content for call in backend.calls]
    assert "Python" in systems[0] and "Go" in systems[1]
    assert [call[2] for call in backend.calls] == [2, 2]


def test_versioned_language_result_counts_its_valid_candidates() -> None:
    """The request carries ``python@3.8``; the candidates are ``python``: the Result matches
    them by name (it compared the spec text, so gen exited 1 with valid candidates)."""
    no_repair = S.with_overrides({"repair_rounds": 0}, "test")
    match = "```python\ndef f(x):\n    match x:\n        case 1:\n            return 1\n```"
    request = build_request({"description": "f", "n": 2, "languages": ["python@3.8"]}, S)
    result = Assistant(
        no_repair, backend=ScriptedBackend([GOOD, match]), interface="library"
    ).generate(request)
    assert [c.valid for c in result.candidates] == [True, False]  # match is 3.10 syntax
    assert result.languages_without_valid() == []
    newer = request.with_changes(languages=(LanguageSpec("python", "3.10"),), n=1)
    again = Assistant(no_repair, backend=ScriptedBackend([match]), interface="library").generate(
        newer
    )
    assert again.candidates[0].valid and again.languages_without_valid() == []
    only_match = request.with_changes(n=1)
    invalid = Assistant(no_repair, backend=ScriptedBackend([match]), interface="library").generate(
        only_match
    )
    assert invalid.languages_without_valid() == ["python"]


def test_replacing_one_stage_keeps_the_real_others() -> None:
    """``Stages(repairer=X)`` used to drop the evidence ranker and the fixer silently."""
    from codegen.ranking.scorer import EvidenceRanker
    from codegen.repair.base import NoRepair
    from codegen.repair.feedback import TestFeedbackRepair

    backend = ScriptedBackend([GOOD])
    real = Stages.default(S, lambda spec=None: backend)
    swapped = real.replace(repairer=NoRepair())
    assert isinstance(swapped.repairer, NoRepair)
    assert isinstance(swapped.ranker, EvidenceRanker) and swapped.ranker is real.ranker
    assert isinstance(swapped.fixer, TestFeedbackRepair) and swapped.validator is real.validator
    with pytest.raises(TypeError, match="no stage named 'rankr'"):
        real.replace(rankr=NoRepair())
    with pytest.raises(TypeError):
        Stages(repairer=NoRepair())  # type: ignore[call-arg]


class SplitBackend(ScriptedBackend):
    """Reports its time split as llama.cpp does: prefill and decode, prompt tokens reused."""

    def generate(self, messages, params, n, cancel=None):  # type: ignore[no-untyped-def]
        return [
            dataclasses.replace(c, prefill_ms=30.0, decode_ms=70.0, prompt_tokens_reused=128)
            for c in super().generate(messages, params, n, cancel)
        ]


def test_timings_add_the_backends_prefill_and_decode_split_per_language() -> None:
    request = build_request({"description": "f", "n": 2, "languages": ["python", "c"]}, S)
    result = Assistant(S, backend=SplitBackend([GOOD]), interface="library").generate(request)
    assert result.timings["prefill_ms"] == 60.0 and result.timings["decode_ms"] == 140.0
    assert result.timings["prompt_tokens_reused"] == 256
    plain = Assistant(S, backend=ScriptedBackend([GOOD]), interface="library").generate(request)
    assert "prefill_ms" not in plain.timings  # a backend that cannot tell: no split


def test_a_languages_candidates_are_validated_in_one_batch() -> None:
    """One ``validate_many`` per language (javac: one JVM for all its candidates); the events
    still come as each candidate's generated-then-validated pair."""
    from codegen.validation.tiered import TieredValidator

    class Counting(TieredValidator):
        def __init__(self) -> None:
            super().__init__()
            self.batches: list[tuple[str, int]] = []

        def validate_many(self, codes, language, version=None, signature=None):  # type: ignore[no-untyped-def]
            self.batches.append((language, len(codes)))
            return super().validate_many(codes, language, version, signature)

    validator = Counting()
    backend = ScriptedBackend([GOOD, BAD, GOOD])
    stages = Stages.default(S, lambda spec=None: backend).replace(validator=validator)
    request = build_request({"description": "f", "n": 3}, S)
    no_model_repair = S.with_overrides({"repair_rounds": 0}, "test")
    assistant = Assistant(no_model_repair, backend=backend, stages=stages, interface="library")
    kinds = [type(e).__name__ for e in assistant.stream(request)]
    assert validator.batches[0] == ("python", 3)
    first = kinds.index("CandidateGenerated")
    assert kinds[first : first + 4] == ["CandidateGenerated", "CandidateValidated"] * 2
