"""Fixtures shared by the integration tests."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

SECRET = "int leaked = 424242;\n"


@pytest.fixture
def home_secret() -> Iterator[Path]:
    """A planted secret readable only by its owner (root, as the tests run), in the home dir;
    its content (``SECRET``, valid C) must never show up in a sandboxed run's output."""
    path = Path.home() / f".codegen-secret-{uuid.uuid4().hex[:8]}"
    path.write_text(SECRET)
    path.chmod(0o600)
    yield path
    assert path.read_text() == SECRET  # read, never written
    path.unlink()
