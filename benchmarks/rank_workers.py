"""The evidence ranker's time per request, candidates run one at a time against one per core.

Ranks the stored pipeline candidates of a multi-language run (``multilang.py --out``: four
candidates per problem and language, with their code and log-probabilities) again with
execution on, in the sandbox the pipeline uses, with ``workers = 1`` and with ``workers`` =
the ranker's default (one per core, at most 4), interleaved, ``--repeat`` times each. No
model is loaded.

Prints one JSON object: per language, the median seconds per request for each setting, their
ratio, and whether every ranking gave the same order and score parts both ways.

    python benchmarks/rank_workers.py [--languages java,rust,c] [--problems 3] [--repeat 2]
        [--records benchmarks/results/multilang-embedded-n4-v4.jsonl]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from multilang_tasks import Problem, load
from rescore_multilang import candidates_of, request_for

from codegen.config import Settings
from codegen.execution.sandbox import Sandbox
from codegen.ranking.scorer import RUN_WORKERS, EvidenceRanker

RECORDS = Path(__file__).resolve().parent / "results" / "multilang-embedded-n4-v4.jsonl"


def one_request(
    record: dict[str, Any], problem: Problem, sandbox: Sandbox, repeat: int
) -> tuple[list[float], list[float], bool]:
    """Seconds per ranking with one worker and with the default, and whether they agree."""
    request = request_for(problem, record["language"], 4)
    cands = [c for c in candidates_of(record) if c.valid]
    times: dict[int, list[float]] = {1: [], RUN_WORKERS: []}
    seen: set[str] = set()
    for _ in range(repeat):
        for workers in (1, RUN_WORKERS):
            ranker = EvidenceRanker(sandbox=sandbox, workers=workers)  # a fresh memo each time
            started = time.perf_counter()
            ranked = ranker.rank(cands, request)
            times[workers].append(time.perf_counter() - started)
            seen.add(json.dumps([(c.id, c.score_parts) for c in ranked], sort_keys=True))
    return times[1], times[RUN_WORKERS], len(seen) == 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--languages", default="java,rust,c")
    parser.add_argument("--problems", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--records", type=Path, default=RECORDS)
    args = parser.parse_args()
    problems = {p.id: p for p in load()}
    records = [json.loads(line) for line in args.records.read_text().splitlines() if line]
    sandbox = Sandbox.from_settings(Settings())
    out: dict[str, Any] = {"workers": RUN_WORKERS, "repeat": args.repeat}
    for language in args.languages.split(","):
        chosen = [
            r
            for r in records
            if r["language"] == language and r["mode"] == "pipeline" and "candidates" in r
        ][: args.problems]
        alone: list[float] = []
        together: list[float] = []
        same = True
        for record in chosen:
            one, many, agree = one_request(
                record, problems[record["problem"]], sandbox, args.repeat
            )
            alone += one
            together += many
            same = same and agree
        if not alone:
            continue
        out[language] = {
            "problems": [r["problem"] for r in chosen],
            "one_at_a_time_median_s": round(statistics.median(alone), 2),
            "one_per_core_median_s": round(statistics.median(together), 2),
            "ratio": round(statistics.median(together) / statistics.median(alone), 2),
            "same_ranking": same,
        }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
