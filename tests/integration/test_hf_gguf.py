"""The small embedded GGUF (0.5B) through transformers: de-quantised once into the user cache
dir, then generating code on the CPU; the same seed reproduces."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from codegen.backends.embedded import MODELS, ensure
from codegen.backends.hf import TransformersBackend, gguf_cache_dir, load_gguf
from codegen.config import Settings
from codegen.prompting.extract import extract
from codegen.types import Message, SamplingParams

pytestmark = pytest.mark.integration
ASK = [Message("user", "Write a Python function add(a, b) that returns a + b. One code block.")]


@pytest.fixture(scope="module")
def backend() -> Iterator[TransformersBackend]:
    old = os.environ.get("HF_HUB_OFFLINE")
    os.environ["HF_HUB_OFFLINE"] = "1"
    gguf = ensure(MODELS["embedded-small"])
    settings = Settings(model=f"gguf:{gguf}", backend="transformers", device="cpu")
    yield load_gguf(gguf, f"gguf:{gguf}", settings)
    if old is None:
        os.environ.pop("HF_HUB_OFFLINE", None)
    else:
        os.environ["HF_HUB_OFFLINE"] = old


def test_the_gguf_is_converted_once_and_cached(backend: TransformersBackend) -> None:
    gguf = ensure(MODELS["embedded-small"])
    cached = gguf_cache_dir(gguf)
    assert (cached / "config.json").is_file()
    assert any(cached.glob("*.safetensors"))
    assert backend.info().backend == "transformers"


def test_it_writes_code_and_the_same_seed_reproduces(backend: TransformersBackend) -> None:
    params = SamplingParams(temperature=0.7, max_tokens=64, seed=4, stop_after_code=True)
    first = backend.generate(ASK, params, 2)
    again = backend.generate(ASK, params, 2)
    assert [c.text for c in first] == [c.text for c in again]
    assert [c.logprobs for c in first] == [c.logprobs for c in again]
    codes = [extract(c.text, "python").code for c in first]
    assert any("def add" in code for code in codes), [c.text for c in first]
    assert all(lp <= 0 for c in first for lp in c.logprobs)
