"""The llama.cpp backend keeps weights out of AMX buffers when the library carries AMX kernels."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import llama_cpp
import pytest

from codegen.backends.llamacpp import model_params


def _library(system_info: bytes) -> Any:
    return SimpleNamespace(
        llama_model_default_params=llama_cpp.llama_model_default_params,
        llama_print_system_info=lambda: system_info,
    )


@pytest.mark.parametrize(
    ("info", "extra_buffers"),
    [
        (b"CPU : AVX2 = 1 | AVX512 = 1 | AMX_INT8 = 1 | REPACK = 1 |", False),
        (b"CPU : AVX2 = 1 | AVX512 = 1 | REPACK = 1 |", True),
    ],
)
def test_amx_kernels_turn_extra_weight_buffers_off(info: bytes, extra_buffers: bool) -> None:
    params = model_params(_library(info))
    assert params.use_extra_bufts is extra_buffers
    assert params.n_gpu_layers == 0


def test_the_installed_library_is_read() -> None:
    built_with_amx = b"AMX_INT8 = 1" in llama_cpp.llama_print_system_info()
    assert model_params(llama_cpp).use_extra_bufts is not built_with_amx
