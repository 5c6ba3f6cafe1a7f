"""The same request (n = 1 and n = 4) on each backend, side by side: tokens/s and wall time.

- llama.cpp direct: the small embedded model (0.5B, Q4_K_M) in process;
- openai: the OpenAI backend against ``python -m llama_cpp.server`` on the same GGUF, started
  here on 127.0.0.1 (that server ignores ``n``: n = 4 is the concurrent-request fallback),
  with and without logprobs (llama-cpp-python's server computes them in Python over the whole
  vocabulary, about 0.25 s a token on this machine);
- transformers (CPU): the same GGUF de-quantised through transformers (``--hf gguf``; the
  first run converts and caches it), or a tiny model built from a config (``--hf tiny``).

Prints one JSON object.

    python benchmarks/backends.py [--max-tokens 64] [--hf gguf|tiny|none] [--device cpu]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from codegen.backends.embedded import MODELS, ensure
from codegen.backends.factory import POOL
from codegen.config import Settings
from codegen.types import Message, SamplingParams
from tests.integration.llama_server import LlamaServer

PROMPT = [Message("user", "Write a Python function that checks whether a string is a palindrome.")]


def run(backend: Any, n: int, max_tokens: int) -> dict[str, Any]:
    params = SamplingParams(temperature=0.7, top_p=0.95, max_tokens=max_tokens, seed=1)
    started = time.perf_counter()
    completions = backend.generate(PROMPT, params, n)
    wall = time.perf_counter() - started
    tokens = sum(c.completion_tokens for c in completions)
    return {
        "wall_s": round(wall, 2),
        "tokens": tokens,
        "tokens_per_s": round(tokens / wall, 2) if wall > 0 else None,
    }


def bench(make: Any, max_tokens: int) -> dict[str, Any]:
    started = time.perf_counter()
    backend = make()
    row: dict[str, Any] = {"load_s": round(time.perf_counter() - started, 2)}
    backend.generate(PROMPT, SamplingParams(max_tokens=4), 1)  # warm-up
    for n in (1, 4):
        row[f"n{n}"] = run(backend, n, max_tokens)
    return row


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--max-tokens", type=int, default=64)
    parser.add_argument("--hf", choices=("gguf", "tiny", "none"), default="gguf")
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    gguf = ensure(MODELS["embedded-small"])
    out: dict[str, Any] = {"max_tokens": args.max_tokens, "model": "embedded-small (0.5B)"}

    out["llama.cpp"] = bench(
        lambda: POOL.get("embedded-small", Settings(model="embedded-small")), args.max_tokens
    )
    with tempfile.TemporaryDirectory() as tmp:
        server = LlamaServer(gguf, Path(tmp) / "server.log", threads=os.cpu_count()).wait_ready()
        try:
            from codegen.backends.openai import OpenAIBackend

            for logprobs in (True, False):
                out[f"openai (llama.cpp server, logprobs {'on' if logprobs else 'off'})"] = bench(
                    lambda lp=logprobs: OpenAIBackend(f"openai:{server.url}#small", logprobs=lp),
                    args.max_tokens,
                )
        finally:
            server.kill()
        if args.hf != "none":
            out[f"transformers ({args.device}, {args.hf})"] = bench(
                lambda: _hf(args.hf, gguf, Path(tmp), args.device), args.max_tokens
            )
    print(json.dumps(out, indent=2))


def _hf(kind: str, gguf: Path, tmp: Path, device: str) -> Any:
    from codegen.backends.hf import load_gguf, load_hf

    settings = Settings(device=device, backend="transformers")
    if kind == "gguf":
        return load_gguf(gguf, f"gguf:{gguf}", settings)
    from codegen.backends.hf_tiny import build_tiny

    return load_hf(f"hf:{build_tiny(tmp / 'tiny')}", settings)


if __name__ == "__main__":
    main()
