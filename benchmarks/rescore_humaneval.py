"""Score the samples kept in ``codegen eval`` result files again with today's hidden-test harness.

A run's records keep each sample's code, so a change to how samples are scored (not to how
they are made) can be measured on them without the model. For every record of the chosen
problems this runs each kept sample's code through ``humaneval.hidden_test`` again and reports
the verdicts that differ from the stored ones: per record the top candidate's verdict and the
count of passing samples, before and after. The files are not changed.

Prints one JSON object.

    python benchmarks/rescore_humaneval.py RESULTS.jsonl [MORE.jsonl ...] [--problems 10,38]
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from codegen.evaluation import humaneval as he
from codegen.execution.sandbox import Sandbox


def rescore(
    sandbox: Sandbox, problem: Mapping[str, Any], record: Mapping[str, Any], file: str
) -> dict[str, Any]:
    """The record's top verdict and passing count, stored and now."""
    samples = record.get("samples", [])
    now = [
        bool(s["valid"] if "valid" in s else he.parses(s["code"]))
        and he.hidden_test(sandbox, problem, s["code"])
        for s in samples
    ]
    if record["mode"] == "raw":
        top: int | None = 0
    else:
        top = next((i for i, s in enumerate(samples) if s.get("rank") == 1), None)
    return {
        "file": file,
        "task_id": record["task_id"],
        "mode": record["mode"],
        "top_stored": bool(record["passed_top"]),
        "top_now": bool(top is not None and now[top]),
        "correct_stored": sum(bool(s["passed"]) for s in samples),
        "correct_now": sum(now),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--problems", default="", help="numbers or ids, comma-separated")
    args = parser.parse_args(argv)
    everything = he.load_problems()
    ids = [p for p in args.problems.split(",") if p.strip()]
    problems = {p["task_id"]: p for p in (he.choose(everything, ids) if ids else everything)}
    sandbox = Sandbox(he.TEST_LIMITS)
    rows = []
    for path in args.files:
        for record in he.read_records(path):
            if "samples" in record and record["task_id"] in problems:
                rows.append(rescore(sandbox, problems[record["task_id"]], record, path.name))
    changed = [
        r
        for r in rows
        if (r["top_stored"], r["correct_stored"]) != (r["top_now"], r["correct_now"])
    ]
    summary = {
        "records": len(rows),
        "records_changed": len(changed),
        "top_won": sum(r["top_now"] and not r["top_stored"] for r in rows),
        "top_lost": sum(r["top_stored"] and not r["top_now"] for r in rows),
        "changed": changed,
    }
    print(json.dumps(summary, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
