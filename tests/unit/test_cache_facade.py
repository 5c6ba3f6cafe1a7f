"""The cache through the facade and `codegen gen`: deterministic requests only, no model load
on a hit, --no-cache, `codegen cache stats|clear`, a corrupted database mid-way."""

from __future__ import annotations

import gc
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from codegen import resources
from codegen.assistant import Assistant
from codegen.backends import factory
from codegen.backends.base import ScriptedBackend
from codegen.cli.main import main
from codegen.config import Settings
from codegen.languages import LanguageSpec
from codegen.requests import build_request
from codegen.store.cache import ResponseCache

GOOD = "```python\ndef add(a, b):\n    return a + b\n```"


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A 'counted' model spec whose every load is recorded."""
    calls: list[str] = []

    def loader(spec: str, settings: Settings, progress: Any) -> ScriptedBackend:
        calls.append(spec)
        return ScriptedBackend([GOOD])

    monkeypatch.setitem(factory.LOADERS, "counted", loader)
    factory.POOL.close()
    yield calls
    factory.POOL.close()


def _settings(tmp_path: Path, **extra: Any) -> Settings:
    values = {"model": "counted", "cache_enabled": True, "cache_path": str(tmp_path / "c.db")}
    return Settings(**{**values, **extra})


def test_a_hit_loads_no_model_and_says_cached(tmp_path: Path, loads: list[str]) -> None:
    settings = _settings(tmp_path)
    request = build_request({"description": "add two numbers", "temperature": 0, "n": 2}, settings)
    first = Assistant(settings, interface="library").generate(request)
    assert not first.cached and loads == ["counted"]
    factory.POOL.close()  # a new process, as far as the pool knows
    second = Assistant(settings, interface="library").generate(request)
    assert loads == ["counted"], "the hit loaded the model"
    assert second.cached and second.request_id != first.request_id
    assert [c.to_dict() for c in second.candidates] == [c.to_dict() for c in first.candidates]
    assert "cache_ms" in second.timings and "load_ms" not in second.timings
    jsonschema.validate(second.to_dict(), resources.schema("result"))


def test_only_deterministic_requests_are_cached(tmp_path: Path, loads: list[str]) -> None:
    settings = _settings(tmp_path)
    sampled = build_request({"description": "add", "temperature": 0.7}, settings)
    seeded = build_request({"description": "add", "temperature": 0.7, "seed": 5}, settings)
    for _ in range(2):
        assert not Assistant(settings, interface="library").generate(sampled).cached
    assert not Assistant(settings, interface="library").generate(seeded).cached
    assert Assistant(settings, interface="library").generate(seeded).cached
    other_seed = seeded.with_changes(seed=6)
    assert not Assistant(settings, interface="library").generate(other_seed).cached


def test_the_key_covers_model_and_parameters(tmp_path: Path, loads: list[str]) -> None:
    settings = _settings(tmp_path)
    base = build_request({"description": "add", "temperature": 0}, settings)
    Assistant(settings, interface="library").generate(base)
    for changed in (
        base.with_changes(max_tokens=77),
        base.with_changes(languages=(LanguageSpec("javascript"),)),
        base.with_changes(description="add three"),
        base.with_changes(model="embedded-small"),
    ):
        key_a = (
            Assistant(settings, interface="library").keeper.admit(base, "x", "counted", None).key
        )
        spec = changed.model or "counted"
        key_b = Assistant(settings, interface="library").keeper.admit(changed, "x", spec, None).key
        assert key_a and key_b and key_a != key_b


def test_gguf_identity_follows_the_file(tmp_path: Path) -> None:
    model = tmp_path / "m.gguf"
    model.write_bytes(b"GGUF" + b"\0" * 100)
    settings = _settings(tmp_path)
    request = build_request({"description": "add", "temperature": 0}, settings)
    keeper = Assistant(
        settings,
        backend=ScriptedBackend([GOOD]),
        cache=ResponseCache(tmp_path / "c.db"),
        interface="library",
    ).keeper
    key1 = keeper.admit(request, "x", f"gguf:{model}", None).key
    assert keeper.admit(request, "x", f"gguf:{model}", None).key == key1
    model.write_bytes(b"GGUF" + b"\1" * 100)
    assert keeper.admit(request, "x", f"gguf:{model}", None).key != key1


def test_an_injected_backend_uses_the_cache_only_when_given_one(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    request = build_request({"description": "add", "temperature": 0}, settings)
    backend = ScriptedBackend([GOOD])
    for _ in range(2):
        Assistant(settings, backend=backend, interface="library").generate(request)
    assert len(backend.calls) == 2
    cache = ResponseCache(tmp_path / "other.db")
    for _ in range(2):
        Assistant(settings, backend=backend, cache=cache, interface="library").generate(request)
    assert len(backend.calls) == 3


def _gen(capsys: pytest.CaptureFixture[str], *extra: str) -> dict[str, Any]:
    code = main(
        ["gen", "add two numbers", "--model", "counted", "--temperature", "0", "--json", *extra]
    )
    out, _ = capsys.readouterr()
    assert code == 0
    data: dict[str, Any] = json.loads(out)
    return data


def test_cli_hit_no_cache_and_cache_commands(
    tmp_path: Path,
    loads: list[str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CODEGEN_CACHE_ENABLED", "1")
    monkeypatch.setenv("CODEGEN_CACHE_PATH", str(tmp_path / "cache" / "c.db"))
    fake_model = tmp_path / "cache" / "models" / "embedded-small-abc.gguf"
    fake_model.parent.mkdir(parents=True)
    fake_model.write_bytes(b"GGUF model bytes")
    assert _gen(capsys)["cached"] is False
    assert _gen(capsys)["cached"] is True
    assert _gen(capsys, "--no-cache")["cached"] is False
    assert main(["cache", "stats", "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["entries"] == 1 and stats["hits"] == 1 and stats["enabled"] is True
    assert main(["cache", "clear"]) == 0
    assert "cleared 1 cached answer " in capsys.readouterr().out
    assert fake_model.read_bytes() == b"GGUF model bytes"
    assert _gen(capsys)["cached"] is False


def test_cli_survives_a_corrupted_cache(
    tmp_path: Path,
    loads: list[str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    db = tmp_path / "c.db"
    monkeypatch.setenv("CODEGEN_CACHE_ENABLED", "1")
    monkeypatch.setenv("CODEGEN_CACHE_PATH", str(db))
    _gen(capsys)
    gc.collect()  # close the first command's connection, as its process would have
    db.write_bytes(b"garbage " * 512)
    for suffix in ("-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    assert _gen(capsys)["cached"] is False  # rebuilt; the request still succeeds
    assert _gen(capsys)["cached"] is True
    assert list(tmp_path.glob("c.db.corrupt-*"))


def test_a_hit_streams_the_same_kinds_of_events_as_a_generation(
    tmp_path: Path, loads: list[str]
) -> None:
    settings = _settings(tmp_path)
    request = build_request(
        {"description": "add", "temperature": 0, "languages": ["python", "javascript"]}, settings
    )
    Assistant(settings, interface="library").generate(request)
    events = list(Assistant(settings, interface="library").stream(request))
    kinds = [type(e).__name__ for e in events]
    n = request.n
    per_language = ["LanguageStarted", *["CandidateGenerated", "CandidateValidated"] * n, "Ranked"]
    assert kinds == ["Started", *per_language, *per_language, "Finished"]
    assert events[-1].result.cached  # type: ignore[union-attr]


def test_settings_that_shape_the_answer_change_the_key(tmp_path: Path) -> None:
    from codegen.store import keys

    base = _settings(tmp_path)
    request = build_request({"description": "add", "temperature": 0}, base)

    def key(settings: Settings) -> str:
        return keys.request_key(request, "m", settings, {})

    assert key(base) == key(base.with_overrides({"cache.max_mb": 1.0, "color": "never"}, "t"))
    assert key(base) != key(base.with_overrides({"few_shot": 0}, "t"))
    assert key(base) != key(base.with_overrides({"repair_rounds": 0}, "t"))
