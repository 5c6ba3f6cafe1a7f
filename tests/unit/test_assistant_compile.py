"""The compile stage in the Assistant (issue 24 items 1-3): a scripted model, the real rustc."""

from __future__ import annotations

import shutil

import jsonschema
import pytest

from codegen import events as ev
from codegen import resources
from codegen.assistant import Assistant
from codegen.backends.base import ScriptedBackend
from codegen.config import Settings
from codegen.requests import build_request
from codegen.store import keys

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
