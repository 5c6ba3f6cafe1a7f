"""Response cache and audit log with real `codegen gen` processes and the real small model:
a miss generates, a hit (in new processes, four at once) answers without loading the model,
and each request leaves one audit line marked with its interface."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema

from codegen import resources

GEN = [
    sys.executable,
    "-m",
    "codegen",
    "gen",
    "Return the larger of two integers",
    "--model",
    "embedded-small",
    "--temperature",
    "0",
    "-n",
    "1",
    "--max-tokens",
    "48",
    "--json",
]


def test_miss_then_concurrent_hits_then_no_cache(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "NO_COLOR": "1",
        "CODEGEN_CACHE_ENABLED": "1",
        "CODEGEN_CACHE_PATH": str(tmp_path / "responses.sqlite3"),
        "CODEGEN_AUDIT_PATH": str(tmp_path / "audit.jsonl"),
    }
    miss = subprocess.run(GEN, capture_output=True, text=True, env=env, timeout=600)
    assert miss.returncode in (0, 1), miss.stderr
    first = json.loads(miss.stdout)
    assert first["cached"] is False and "load_ms" in first["timings"]

    procs = [
        subprocess.Popen(GEN, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        for _ in range(4)
    ]
    outputs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [miss.returncode] * 4, outputs
    for out, _ in outputs:
        hit = json.loads(out)
        jsonschema.validate(hit, resources.schema("result"))
        assert hit["cached"] is True and "load_ms" not in hit["timings"]
        assert hit["candidates"] == first["candidates"]
        assert hit["request_id"] != first["request_id"]

    fresh = subprocess.run(
        [*GEN, "--no-cache"], capture_output=True, text=True, env=env, timeout=600
    )
    assert json.loads(fresh.stdout)["cached"] is False

    lines = (tmp_path / "audit.jsonl").read_text().splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) == 6
    assert {r["interface"] for r in records} == {"cli"}
    assert [r["cached"] for r in records].count(True) == 4
    assert (tmp_path / "audit.jsonl").stat().st_mode & 0o777 == 0o600
