"""Helpers for tests that compare the shared small model with a differently configured copy."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from codegen.backends.llamacpp import LlamaCppBackend
from codegen.config import Settings
from codegen.prompting.builder import PromptBuilder
from codegen.requests import build_request
from codegen.types import Message


@contextmanager
def variant(small_backend: Any, **options: Any) -> Iterator[LlamaCppBackend]:
    """The shared small model's weights loaded again with other backend ``options``."""
    backend = LlamaCppBackend(Path(small_backend.info().path), spec="embedded-small", **options)
    try:
        yield backend
    finally:
        backend.close()


def codegen_prompt(backend: Any, description: str, language: str = "python") -> tuple[Message, ...]:
    """The messages codegen builds for ``description`` in ``language`` with two examples."""
    request = build_request({"description": description, "languages": [language]}, Settings())
    return PromptBuilder(backend, few_shot=2).build(request, language).messages
