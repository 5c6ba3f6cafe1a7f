"""Batched candidates vs sequential single-sequence calls on the embedded models.

Prints one JSON object: for each model and n in (1, 4, 8), wall seconds and tokens for one
batched call of n sequences, and for n sequential calls of one sequence each; plus the ratio
of batched n=8 to n=1 (target <= 2).

    python benchmarks/batching.py [--models embedded-small,embedded] [--max-tokens 128]
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

from codegen.backends.factory import POOL
from codegen.config import Settings
from codegen.types import Message, SamplingParams

PROMPT = [
    Message(
        "user",
        "Write a Python module with a class for a bank account, with deposit, "
        "withdraw and a transaction history, fully documented.",
    )
]


def timed(backend: Any, n: int, params: SamplingParams) -> tuple[float, int]:
    started = time.perf_counter()
    completions = backend.generate(PROMPT, params, n)
    return time.perf_counter() - started, sum(c.completion_tokens for c in completions)


def bench_model(spec: str, max_tokens: int) -> dict[str, Any]:
    settings = Settings(model=spec)
    started = time.perf_counter()
    backend = POOL.get(spec, settings)
    load_s = time.perf_counter() - started
    params = SamplingParams(temperature=0.8, top_p=0.95, max_tokens=max_tokens, seed=1)
    timed(backend, 1, SamplingParams(max_tokens=8))  # warm-up
    rows: dict[str, Any] = {"load_s": round(load_s, 2)}
    for n in (1, 4, 8):
        wall, tokens = timed(backend, n, params)
        seq_wall, seq_tokens = 0.0, 0
        for i in range(n):
            w, t = timed(
                backend,
                1,
                SamplingParams(temperature=0.8, top_p=0.95, max_tokens=max_tokens, seed=100 + i),
            )
            seq_wall += w
            seq_tokens += t
        rows[f"n{n}"] = {
            "batched_s": round(wall, 2),
            "batched_tokens": tokens,
            "batched_tok_per_s": round(tokens / wall, 1),
            "sequential_s": round(seq_wall, 2),
            "sequential_tokens": seq_tokens,
            "sequential_tok_per_s": round(seq_tokens / seq_wall, 1),
        }
    rows["n8_over_n1_wall"] = round(rows["n8"]["batched_s"] / rows["n1"]["batched_s"], 2)
    rows["n8_speedup_vs_sequential"] = round(
        rows["n8"]["sequential_s"] / rows["n8"]["batched_s"], 2
    )
    POOL.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--models", default="embedded-small,embedded")
    parser.add_argument("--max-tokens", type=int, default=128)
    args = parser.parse_args()
    out = {"max_tokens": args.max_tokens}
    for spec in args.models.split(","):
        out[spec] = bench_model(spec, args.max_tokens)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
