"""Shared fixtures. The real small embedded model is loaded once per test session and shared."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from codegen.config import Settings

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session", autouse=True)
def _isolated_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Servers and other processes started by module- or session-scoped fixtures come up
    before the per-test isolation below: give the whole session its own config, data dir,
    response cache and audit log (the assembled models stay where they are)."""
    root = tmp_path_factory.mktemp("session")
    (root / "config.toml").touch()  # CODEGEN_CONFIG must name a file that exists
    values = {
        "CODEGEN_CONFIG": str(root / "config.toml"),
        "CODEGEN_DATA_DIR": str(root / "data"),
        "CODEGEN_CACHE_ENABLED": "0",
        "CODEGEN_CACHE_PATH": str(root / "responses.sqlite3"),
        "CODEGEN_AUDIT_PATH": str(root / "audit.jsonl"),
    }
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(autouse=True)
def _isolated_config(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test reads the developer's own config file or CODEGEN_* variables."""
    for var in list(os.environ):
        if var.startswith("CODEGEN_") and var not in ("CODEGEN_CACHE_DIR", "CODEGEN_DATA_DIR"):
            monkeypatch.delenv(var)
    config_file = tmp_path_factory.mktemp("cfg") / "config.toml"
    config_file.touch()
    monkeypatch.setenv("CODEGEN_CONFIG", str(config_file))
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
