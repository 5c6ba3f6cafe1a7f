"""The compile tier through the Assistant with the real small model and the real compilers:
every valid candidate gets a verdict, the chosen one compiles when any does (issue 24)."""

from __future__ import annotations

import shutil
from typing import Any

import jsonschema
import pytest

from codegen import events as ev
from codegen import resources
from codegen.assistant import Assistant
from codegen.config import Settings
from codegen.requests import build_request

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(shutil.which("rustc") is None, reason="rustc is not installed"),
]


def test_rust_candidates_are_compiled_ranked_and_repaired(
    small_backend: Any, small_settings: Settings
) -> None:
    settings = small_settings.with_overrides({"repair_rounds": 1}, "test")
    request = build_request(
        {
            "description": "Count the distinct values in a slice of integers using a HashSet.",
            "signature": "pub fn count_distinct(values: &[i32]) -> usize",
            "languages": ["rust"],
            "n": 3,
            "temperature": 0.8,
            "seed": 7,
            "max_tokens": 256,
        },
        settings,
    )
    events = list(Assistant(settings, backend=small_backend, interface="library").stream(request))
    result = events[-1].result  # type: ignore[union-attr]
    compiled = [e.candidate for e in events if isinstance(e, ev.CandidateCompiled)]
    assert [c.id for c in compiled] == ["rust-1", "rust-2", "rust-3"]
    valid = [c for c in result.candidates if c.valid]
    assert valid, [c.code for c in result.candidates]
    assert all(c.compiles is not None for c in result.candidates)  # rustc is here
    for cand in result.candidates:
        stages = {d.stage for d in cand.diagnostics if d.severity == "error"}
        assert (cand.compiles is False and cand.valid) == (stages == {"compile"}), cand
    best = result.best("rust")
    if any(c.compiles for c in valid):
        assert best is not None and best.compiles is True
    assert result.timings["compile_ms"] > 0
    jsonschema.validate(result.to_dict(), resources.schema("result"))
