"""The response cache: round trip, LRU cap, corruption recovery, model identity, processes."""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
from pathlib import Path

import pytest

from codegen.store import cache as cache_mod
from codegen.store.cache import ResponseCache


def test_round_trip_counts_hits_and_misses(tmp_path: Path) -> None:
    cache = ResponseCache(tmp_path / "c.db")
    assert cache.get("k") is None
    cache.put("k", {"a": [1, "é"]})
    assert cache.get("k") == {"a": [1, "é"]}
    stats = cache.stats()
    assert (stats["entries"], stats["hits"], stats["misses"]) == (1, 1, 1)
    assert stats["bytes"] > 0
    assert (tmp_path / "c.db").stat().st_mode & 0o777 == 0o600
    assert cache.clear() == 1
    assert cache.get("k") is None and cache.stats()["entries"] == 0


def test_lru_eviction_keeps_the_recently_used(tmp_path: Path) -> None:
    value = {"x": "y" * 300}
    cache = ResponseCache(tmp_path / "c.db", max_bytes=700)  # room for two entries
    cache.put("a", value)
    cache.put("b", value)
    assert cache.get("a") is not None  # a is now more recent than b
    cache.put("c", value)
    assert cache.get("b") is None
    assert cache.get("a") is not None and cache.get("c") is not None
    assert cache.stats()["bytes"] <= 700


def test_a_value_larger_than_the_cap_is_not_stored(tmp_path: Path) -> None:
    cache = ResponseCache(tmp_path / "c.db", max_bytes=100)
    cache.put("big", {"x": "y" * 500})
    assert cache.get("big") is None


@pytest.mark.parametrize("garbage", [b"this is not sqlite at all" * 100, b""])
def test_a_corrupted_database_is_moved_aside_and_rebuilt(tmp_path: Path, garbage: bytes) -> None:
    path = tmp_path / "c.db"
    good = ResponseCache(path)
    good.put("k", {"v": 1})
    good.close()
    data = path.read_bytes()
    # Damage the header (first case) or every page after the header (second case).
    damaged = garbage if garbage else data[:100] + b"\xff" * (len(data) - 100)
    path.write_bytes(damaged)
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    cache = ResponseCache(path)
    cache.get("k")  # detects, moves aside, rebuilds; never raises
    cache.put("k2", {"v": 2})
    assert cache.get("k2") == {"v": 2}
    if garbage:
        assert list(tmp_path.glob("c.db.corrupt-*")), "the damaged file was not kept"
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"


def test_file_identity_is_computed_once_per_path_size_mtime(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = tmp_path / "m.gguf"
    model.write_bytes(b"GGUF" + b"\0" * 5000)
    cache = ResponseCache(tmp_path / "c.db")
    first = cache.file_identity(model)
    calls: list[Path] = []
    real = cache_mod._fingerprint

    def counting(path: Path, size: int) -> str:
        calls.append(path)
        return real(path, size)

    monkeypatch.setattr(cache_mod, "_fingerprint", counting)
    assert ResponseCache(tmp_path / "c.db").file_identity(model) == first
    assert calls == []  # served from the models table, the file was not read
    model.write_bytes(b"GGUF" + b"\1" * 5000)
    os.utime(model, ns=(1, 1))
    assert cache.file_identity(model) != first and len(calls) == 1


def _worker(path: str, worker: int, count: int) -> None:
    cache = ResponseCache(Path(path), max_bytes=1 << 30)
    for i in range(count):
        cache.put(f"{worker}-{i}", {"worker": worker, "i": i, "pad": "x" * 2000})
        assert cache.get(f"{worker}-{i}") is not None
        cache.get(f"{(worker + 1) % 4}-{i}")


def test_several_processes_share_one_database(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_worker, args=(str(path), w, 40)) for w in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0, 0, 0, 0]
    cache = ResponseCache(path)
    stats = cache.stats()
    assert stats["entries"] == 160
    assert stats["hits"] + stats["misses"] == 320
    assert cache.get("3-39") == {"worker": 3, "i": 39, "pad": "x" * 2000}
