"""Shared fixtures. The real small embedded model is loaded once per test session and shared."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from codegen.config import Settings

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _isolated_config(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test reads the developer's own config file or CODEGEN_* variables."""
    for var in list(os.environ):
        if var.startswith("CODEGEN_") and var != "CODEGEN_CACHE_DIR":
            monkeypatch.delenv(var)
    monkeypatch.setenv("CODEGEN_CONFIG", str(tmp_path_factory.mktemp("cfg") / "config.toml"))
    monkeypatch.setenv("NO_COLOR", "1")
    store = tmp_path_factory.mktemp("store")
    monkeypatch.setenv("CODEGEN_CACHE_ENABLED", "0")  # tests that want the cache turn it on
    monkeypatch.setenv("CODEGEN_CACHE_PATH", str(store / "responses.sqlite3"))
    monkeypatch.setenv("CODEGEN_AUDIT_PATH", str(store / "audit.jsonl"))


@pytest.fixture(scope="session")
def small_settings() -> Settings:
    return Settings(model="embedded-small", n=2, temperature=0.0, max_tokens=256)


@pytest.fixture(scope="session")
def small_backend(small_settings: Settings) -> Iterator[object]:
    """The real 0.5B embedded model on llama.cpp, shared by every integration test."""
    from codegen.backends.factory import POOL

    backend = POOL.get("embedded-small", small_settings)
    yield backend
