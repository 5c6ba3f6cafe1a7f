"""Response-cache figures: the cost of a hit inside the process, and of a whole `codegen gen`
command answered from the cache (targets: <= 5 ms and <= 0.5 s). Prints one JSON object.

The cache is filled by one real generation with the small embedded model (temperature 0);
every later figure is a hit, checked to load no model.
Usage: python benchmarks/cache_hit.py [MODEL]   (default embedded-small)
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

MODEL = sys.argv[1] if len(sys.argv) > 1 else "embedded-small"
DESCRIPTION = "Return the n-th Fibonacci number"
GEN = [
    "gen",
    DESCRIPTION,
    "--model",
    MODEL,
    "--temperature",
    "0",
    "-n",
    "1",
    "--max-tokens",
    "48",
    "--json",
]


CPU_TIMES: list[float] = []


def _child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def command(env: dict[str, str]) -> tuple[float, dict[str, object]]:
    """Wall time and output of one `codegen gen`; its CPU time is added to CPU_TIMES."""
    cpu = _child_cpu()
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "codegen", *GEN],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    took = time.perf_counter() - started
    CPU_TIMES.append(_child_cpu() - cpu)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"codegen gen failed ({proc.returncode}): {proc.stderr.strip()}")
    data: dict[str, object] = json.loads(proc.stdout)
    return took, data


def _hits(settings: Any, request: Any, runs: int) -> tuple[list[float], list[float]]:
    from codegen.assistant import Assistant

    times, lookups = [], []
    for _ in range(runs):
        started = time.perf_counter()
        result = Assistant(settings, interface="cli").generate(request)
        times.append((time.perf_counter() - started) * 1000)
        lookups.append(result.timings.get("cache_ms", 0.0))
        assert result.cached, "expected a cache hit"
    return sorted(times), lookups


def in_process(runs: int) -> dict[str, float | bool]:
    """Per hit: the whole facade call as shipped (audit line written and fsynced), the same
    with the audit log off (the cache's own cost), and the database lookup alone."""
    from codegen import config
    from codegen.backends.factory import POOL
    from codegen.requests import build_request

    settings = config.load({"model": MODEL})
    request = build_request(
        {"description": DESCRIPTION, "temperature": 0, "n": 1, "max_tokens": 48}, settings
    )
    _hits(settings, request, 3)  # warm imports and the db
    times, lookups = _hits(settings, request, runs)
    no_audit = settings.with_overrides({"audit.enabled": False}, "benchmark")
    bare, _ = _hits(no_audit, request, runs)
    return {
        "hit_ms_median": round(statistics.median(times), 3),
        "hit_ms_p95": round(times[int(len(times) * 0.95) - 1], 3),
        "hit_ms_median_audit_off": round(statistics.median(bare), 3),
        "hit_ms_p95_audit_off": round(bare[int(len(bare) * 0.95) - 1], 3),
        "lookup_ms_median": round(statistics.median(lookups), 3),
        "model_loaded": bool(POOL._loaded),
    }


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(
            os.environ,
            CODEGEN_CACHE_ENABLED="1",
            NO_COLOR="1",
            CODEGEN_CACHE_PATH=str(Path(tmp) / "responses.sqlite3"),
            CODEGEN_AUDIT_PATH=str(Path(tmp) / "audit.jsonl"),
        )
        os.environ.update(env)
        miss_s, first = command(env)
        assert first["cached"] is False
        hits = []
        for _ in range(7):
            took, data = command(env)
            if data["cached"] is not True:
                stats = subprocess.run(
                    [sys.executable, "-m", "codegen", "cache", "stats"],
                    env=env,
                    capture_output=True,
                    text=True,
                ).stdout
                raise SystemExit(f"the second command was not a hit; cache: {stats}")
            hits.append(took)
        figures = in_process(200)
    print(
        json.dumps(
            {
                "model": MODEL,
                "miss_command_s": round(miss_s, 3),
                "hit_command_s_median": round(statistics.median(hits), 3),
                "hit_command_s_min": round(min(hits), 3),
                # CPU seconds of the hit process: what its wall time is on an idle machine.
                "hit_command_cpu_s_median": round(statistics.median(CPU_TIMES[1:]), 3),
                "target_command_s": 0.5,
                **figures,
                "target_in_process_ms": 5.0,
                "cpu_count": os.cpu_count(),
                "load_average_1m": round(os.getloadavg()[0], 2),
            }
        )
    )


if __name__ == "__main__":
    main()
