"""The compile stage in the Assistant (issue 24 items 1-3): a scripted model, the real rustc."""

from __future__ import annotations

import shutil
import threading

import jsonschema
import pytest

from codegen import events as ev
from codegen import resources
from codegen.assistant import Assistant, Stages
from codegen.backends.base import ScriptedBackend
from codegen.config import Settings
from codegen.requests import build_request
from codegen.store import keys
from codegen.types import Candidate, GenerationRequest

pytestmark = pytest.mark.skipif(shutil.which("rustc") is None, reason="rustc is not installed")

S = Settings(model="scripted").with_overrides({"repair_rounds": 0}, "test")
# E0599, for which rustc suggests no edit (a mismatched type would get its `.into()` applied).
TYPE_ERROR = (
    "```rust\npub fn total(v: &[u32]) -> u64 {\n    v.iter().map(|x| x.len() as u64).sum()\n}\n```"
)
COMPILES = (
    "```rust\npub fn total(v: &[u32]) -> u64 {\n    v.iter().map(|&x| x as u64).sum()\n}\n```"
)
NO_USE = (
    "```rust\npub fn total(v: &[u32]) -> u64 {\n"
    "    let seen: HashSet<u32> = v.iter().cloned().collect();\n"
    "    seen.iter().map(|&x| x as u64).sum()\n}\n```"
)


def test_verdicts_repairs_and_order() -> None:
    # ScriptedBackend gives the first reply the best log-probability.
    backend = ScriptedBackend([TYPE_ERROR, COMPILES, NO_USE])
    request = build_request({"description": "total", "languages": ["rust"], "n": 3}, S)
    events = list(Assistant(S, backend=backend, interface="library").stream(request))
    compiled = [e.candidate for e in events if isinstance(e, ev.CandidateCompiled)]
    assert [(c.id, c.compiles) for c in compiled] == [
        ("rust-1", False),
        ("rust-2", True),
        ("rust-3", False),
    ]
    kinds = [type(e).__name__ for e in events]
    assert kinds.index("CandidateCompiled") > max(
        i for i, k in enumerate(kinds) if k == "CandidateValidated"
    )
    result = events[-1].result  # type: ignore[union-attr]
    by_id = {c.id: c for c in result.candidates}
    assert by_id["rust-3"].compiles is True  # `use std::collections::HashSet;` added
    assert [s.name for s in by_id["rust-3"].repairs] == ["add_uses"]
    assert by_id["rust-1"].compiles is False
    assert by_id["rust-1"].diagnostics[0].stage == "compile"
    assert by_id["rust-1"].diagnostics[0].message.startswith("E0599: no method named `len`")
    # the best log-probability does not compile: it ranks last of the valid ones
    assert result.best("rust").id != "rust-1" and by_id["rust-1"].rank == 3
    assert result.timings["compile_ms"] > 0
    data = result.to_dict()
    jsonschema.validate(data, resources.schema("result"))
    assert data["candidates"][-1]["diagnostics"][0]["stage"] == "compile"
    # the cache round trip keeps both verdicts
    again = keys.decode_candidates(keys.encode(result.model, result.candidates))
    assert again == result.candidates


class Recording:
    """A repairer that notes who was given the model and fixes those named in ``fixes``."""

    def __init__(self, fixes: frozenset[str] = frozenset()) -> None:
        self.fixes = fixes
        self.calls: list[tuple[str, bool]] = []

    def repair(
        self,
        candidate: Candidate,
        request: GenerationRequest,
        version: str | None,
        cancel: threading.Event | None = None,
        *,
        model: bool = True,
    ) -> Candidate:
        self.calls.append((candidate.id, model))
        if model and candidate.id in self.fixes:
            return candidate.evolve(code=COMPILES.strip("`").removeprefix("rust\n"), compiles=True)
        return candidate


def other_error(k: int) -> str:
    return TYPE_ERROR.replace("x.len()", f"x.len() + {k}")


@pytest.mark.parametrize(
    ("replies", "fixes", "expected"),
    [
        # none compiles: the model goes to the first two, deterministic steps only for the third
        ([TYPE_ERROR, other_error(1), other_error(2)], [], [True, True, False]),
        # the first one it repairs compiles: the rest get no model rounds
        ([TYPE_ERROR, other_error(1), other_error(2)], ["rust-1"], [True, False, False]),
        # one compiled from the start: no model rounds at all
        ([TYPE_ERROR, COMPILES, other_error(2)], [], [False, False]),
    ],
)
def test_model_compile_repair_budget(
    replies: list[str], fixes: list[str], expected: list[bool]
) -> None:
    recording = Recording(frozenset(fixes))
    stages = Stages.default(S).replace(repairer=recording)
    request = build_request({"description": "total", "languages": ["rust"], "n": 3}, S)
    backend = ScriptedBackend(replies)
    Assistant(S, backend=backend, stages=stages, interface="library").generate(request)
    assert [model for _, model in recording.calls] == expected
    budget = S.with_overrides({"repair.compile_candidates": 0}, "test")
    recording = Recording()
    stages = Stages.default(budget).replace(repairer=recording)
    Assistant(
        budget, backend=ScriptedBackend(replies), stages=stages, interface="library"
    ).generate(request)
    assert not any(model for _, model in recording.calls)
