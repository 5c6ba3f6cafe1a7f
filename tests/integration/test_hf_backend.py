"""The transformers backend on a tiny Qwen2 model built here from a config (local files only)."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from codegen.backends.hf import TransformersBackend, gguf_cache_dir, load_hf
from codegen.config import Settings
from codegen.errors import ModelError
from codegen.types import Message, SamplingParams

pytestmark = pytest.mark.integration
MESSAGES = [Message("user", "Write a function that returns the sum of two numbers.")]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    from codegen.backends.hf_tiny import build_lora, build_tiny

    old = os.environ.get("HF_HUB_OFFLINE")
    os.environ["HF_HUB_OFFLINE"] = "1"
    root = tmp_path_factory.mktemp("hf")
    model = build_tiny(root / "tiny")
    yield model, build_lora(model, root / "lora")
    if old is None:
        os.environ.pop("HF_HUB_OFFLINE", None)
    else:
        os.environ["HF_HUB_OFFLINE"] = old


@pytest.fixture(scope="module")
def backend(tiny: tuple[Path, Path]) -> TransformersBackend:
    return load_hf(f"hf:{tiny[0]}", Settings(device="cpu"))


def test_n_sequences_in_one_call_with_per_token_logprobs(backend: TransformersBackend) -> None:
    out = backend.generate(MESSAGES, SamplingParams(temperature=0.9, max_tokens=10, seed=3), 3)
    assert len(out) == 3
    for comp in out:
        assert comp.finish_reason in ("stop", "length")
        assert 0 < comp.completion_tokens == len(comp.logprobs) <= 10
        assert all(lp <= 0 for lp in comp.logprobs)
        assert comp.prompt_tokens == backend.count_tokens(MESSAGES)
    assert len({c.logprobs for c in out}) > 1


def test_same_seed_reproduces_and_another_differs(backend: TransformersBackend) -> None:
    def run(seed: int) -> list[tuple[str, tuple[float, ...]]]:
        params = SamplingParams(temperature=0.9, max_tokens=8, seed=seed)
        return [(c.text, c.logprobs) for c in backend.generate(MESSAGES, params, 2)]

    assert run(5) == run(5)
    assert run(5) != run(6)


def test_lora_adapter_changes_the_output(
    tiny: tuple[Path, Path], backend: TransformersBackend
) -> None:
    adapted = load_hf(f"hf:{tiny[0]}", Settings(device="cpu", adapter=str(tiny[1])))
    greedy = SamplingParams(temperature=0.0, max_tokens=8)
    plain = backend.generate(MESSAGES, greedy, 1)[0]
    changed = adapted.generate(MESSAGES, greedy, 1)[0]
    assert plain.logprobs != changed.logprobs
    assert adapted.info().extra["adapter"] == str(tiny[1])


def test_cancel_stops_generation_at_once(backend: TransformersBackend) -> None:
    cancel = threading.Event()
    cancel.set()
    out = backend.generate(MESSAGES, SamplingParams(max_tokens=64, seed=1), 2, cancel)
    assert all(c.finish_reason == "cancelled" and c.completion_tokens <= 1 for c in out)


def test_directory_without_weights_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text("{}")
    with pytest.raises(ModelError, match="no model weights"):
        load_hf(f"hf:{tmp_path}", Settings())


def test_not_a_model_directory(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match=r"no config\.json"):
        load_hf(f"hf:{tmp_path}", Settings())


def test_missing_adapter_is_a_clear_error(tiny: tuple[Path, Path], tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="not a PEFT adapter"):
        load_hf(f"hf:{tiny[0]}", Settings(device="cpu", adapter=str(tmp_path)))


def test_cuda_without_gpu_exits_3(
    tiny: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import torch

    from codegen.cli.main import main

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    code = main(["gen", "add two numbers", "--model", f"hf:{tiny[0]}", "--device", "cuda"])
    err = capsys.readouterr().err
    assert code == 3
    assert "--device cuda: no CUDA GPU is available" in err and "Traceback" not in err


def test_gguf_conversion_cache_is_keyed_by_file(tmp_path: Path) -> None:
    one, two = tmp_path / "a.gguf", tmp_path / "b.gguf"
    one.write_bytes(b"GGUF1")
    two.write_bytes(b"GGUF22")
    assert gguf_cache_dir(one) != gguf_cache_dir(two)
    assert gguf_cache_dir(one) == gguf_cache_dir(one)


def test_stop_after_code_criterion_marks_a_closed_block(backend: TransformersBackend) -> None:
    import torch

    from codegen.backends.hf import _Stop

    tok = backend._tok
    prompt = tok("<|user|>hi<|end|>", add_special_tokens=False)["input_ids"]
    done_text = tok("```python\nprint(1)\n```\n", add_special_tokens=False)["input_ids"]
    open_text = tok("```python\nprint(1)\n", add_special_tokens=False)["input_ids"]
    width = max(len(done_text), len(open_text))
    rows = [prompt + done_text, prompt + open_text + [tok.pad_token_id] * (width - len(open_text))]
    rows[0] += [tok.pad_token_id] * (width - len(done_text))
    stop = _Stop(None, tok, len(prompt), code=True)
    flags = stop(torch.tensor(rows), None).tolist()
    assert flags == [True, False] and stop.code_done == {0}
