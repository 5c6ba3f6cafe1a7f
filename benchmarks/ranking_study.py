"""Which ranking picks a correct sample most often, on problems written here (never HumanEval).

Phase 1 (the model; resumable with --out): each problem of ``ranking_tasks.py`` goes through
the pipeline exactly as ``codegen eval`` sends a HumanEval problem (n samples, candidate 1
greedy, execution on the docstring's examples); every candidate's code, validity,
log-probability and repairs are stored with whether it passes the hidden tests.
Phase 2 (no model): the stored candidates are scored again against the hidden tests as they
are now (``verdicts_changed_since_stored`` counts the verdicts that differ from the stored ones),
ranked again by each ranker, and the share of problems whose top candidate passes is
reported, next to the greedy sample alone, the best possible pick (oracle) and the mean
sample. ``+greedy B`` adds B to candidate 1's score. ``--hide-examples`` ranks as if the
prompts carried no examples (the samples stay): no example tests, and the probes take values
of the parameters' kinds (``typed_probes.py``) instead of varying examples. ``--gen-tests``
adds the evidence ranker with CodeT dual agreement on asserts the model writes (greedy, one
answer per problem; the model is loaded for it).

Prints one JSON object.

    python benchmarks/ranking_study.py [--model embedded-small] [-n 10] [--temperature 0.8]
        [--out benchmarks/results/ranking-study-embedded-small.jsonl] [--limit K] [--hide-examples]
        [--gen-tests]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from ranking_tasks import TASKS

from codegen import config
from codegen.backends.factory import POOL
from codegen.evaluation import humaneval as he
from codegen.execution.sandbox import Sandbox
from codegen.execution.testcases import without_examples
from codegen.ranking.base import LogprobRanker, Ranker
from codegen.ranking.gentests import ModelTestWriter
from codegen.ranking.scorer import EvidenceRanker, TestWriter
from codegen.types import Candidate, RepairStep

GREEDY = "python-1"
GREEDY_BONUSES = (0.5, 1.0, 2.0)


def check_tasks(sandbox: Sandbox) -> None:
    """Every reference solution passes its hidden tests (else the task is wrong)."""
    for task in TASKS:
        if not he.hidden_test(sandbox, task, task["reference"]):
            raise SystemExit(f"ranking_tasks.py: {task['task_id']}: reference fails its tests")


def generate(runner: he.Runner, sandbox: Sandbox, out: Path, tasks: Sequence[Any]) -> None:
    done = {r["task_id"] for r in he.read_records(out)}
    for task in tasks:
        if task["task_id"] in done:
            continue
        cands, _, latency = runner.generate(task)
        rows = [
            he.sample_row(c, bool(c.valid) and he.hidden_test(sandbox, task, c.code)) for c in cands
        ]
        record = {"task_id": task["task_id"], "latency_s": round(latency, 2), "candidates": rows}
        with out.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(record) + "\n")
        print(f"{task['task_id']}: {sum(r['passed'] for r in rows)}/{len(rows)}", file=sys.stderr)


def rebuild(rows: Sequence[Mapping[str, Any]]) -> list[Candidate]:
    return [
        Candidate(
            id=r["id"],
            language="python",
            code=r["code"],
            raw_text=r["code"],
            finish_reason="stop",
            prompt_tokens=0,
            completion_tokens=0,
            mean_logprob=r["mean_logprob"],
            valid=r["valid"],
            repairs=tuple(RepairStep(name, "", penalty) for name, penalty in r["repairs"]),
        )
        for r in rows
    ]


def scores(ranker: Ranker, runner: he.Runner, task: Any, rows: Any) -> dict[str, float]:
    """Each ranked candidate's score under ``ranker`` (every ranker scores what it ranks)."""
    ranked = ranker.rank(rebuild(rows), runner.request_for(task))
    return {c.id: c.score for c in ranked if c.rank is not None and c.score is not None}


def top_passes(score: Mapping[str, float], passed: Mapping[str, bool], bonus: float) -> bool:
    if not score:
        return False

    def key(cid: str) -> tuple[float, int]:
        return (score[cid] + (bonus if cid == GREEDY else 0.0), -int(cid.rpartition("-")[2]))

    return passed[max(score, key=key)]


def verdicts(sandbox: Sandbox, task: Any, rows: Sequence[Mapping[str, Any]]) -> dict[str, bool]:
    """Whether each stored candidate passes the task's hidden tests as they are now."""
    return {r["id"]: bool(r["valid"]) and he.hidden_test(sandbox, task, r["code"]) for r in rows}


def hide_examples(task: Mapping[str, Any]) -> dict[str, Any]:
    """The task as a user who gives no examples would ask it: its examples dropped from the
    prompt (what the ranker sees; the hidden tests stay)."""
    return {**task, "prompt": without_examples(task["prompt"])}


def analyse(
    runner: he.Runner,
    sandbox: Sandbox,
    records: Sequence[Mapping[str, Any]],
    hidden_examples: bool = False,
    test_writer: TestWriter | None = None,
) -> dict[str, Any]:
    by_id = {t["task_id"]: t for t in TASKS}
    rankers: dict[str, Ranker] = {
        "logprob": LogprobRanker(),
        "evidence": EvidenceRanker(probes=0),
        "evidence+probes": EvidenceRanker(),
    }
    if test_writer is not None:
        rankers["evidence+probes+gen_tests"] = EvidenceRanker(test_writer=test_writer)
    hits: dict[str, int] = {}
    changed = 0

    def count(name: str, ok: bool) -> None:
        hits[name] = hits.get(name, 0) + int(ok)

    mean_sample = 0.0
    for record in records:
        task, rows = by_id[record["task_id"]], record["candidates"]
        passed = verdicts(sandbox, task, rows)
        changed += sum(passed[r["id"]] != r["passed"] for r in rows)
        mean_sample += sum(passed.values()) / len(rows)
        count("greedy_only", passed.get(GREEDY, False))
        count("oracle", any(passed.values()))
        for name, ranker in rankers.items():
            asked = hide_examples(task) if hidden_examples else task
            score = scores(ranker, runner, asked, rows)
            count(name, top_passes(score, passed, 0.0))
            for bonus in GREEDY_BONUSES if name != "logprob" else ():
                count(f"{name} +greedy {bonus}", top_passes(score, passed, bonus))
    total = len(records)

    def pct(x: float) -> float:
        return round(100 * x / total, 1) if total else 0.0

    return {
        "tasks": total,
        "top1_pct": {name: pct(value) for name, value in hits.items()},
        "mean_sample_pass_pct": pct(mean_sample),
        "verdicts_changed_since_stored": changed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="embedded-small")
    parser.add_argument("-n", type=int, default=10)
    parser.add_argument("--temperature", type=float, default=0.8)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--out", default="benchmarks/results/ranking-study-embedded-small.jsonl")
    parser.add_argument(
        "--hide-examples",
        action="store_true",
        help="phase 2 ranks as if the prompts had no examples (the samples stay)",
    )
    parser.add_argument(
        "--gen-tests",
        action="store_true",
        help="phase 2 also ranks with the asserts the model writes (CodeT; loads the model)",
    )
    args = parser.parse_args()
    settings = config.load({"model": args.model}).with_overrides({"exec": True}, "study")
    sandbox = Sandbox(he.TEST_LIMITS)
    sandbox.check()
    check_tasks(sandbox)
    opts = he.EvalOptions(modes=("pipeline",), n=args.n, temperature=args.temperature)
    out = Path(args.out)
    tasks = TASKS[: args.limit] if args.limit else TASKS
    wanted = {t["task_id"] for t in tasks}
    todo = wanted - {r["task_id"] for r in he.read_records(out)}
    # The model is loaded only when there is something to generate: phase 2 alone needs none.
    backend: Any = POOL.get(args.model, settings) if todo or args.gen_tests else None
    runner = he.Runner(backend, settings, sandbox, opts, args.model)
    generate(runner, sandbox, out, tasks)
    records = [r for r in he.read_records(out) if r["task_id"] in wanted]
    writer = ModelTestWriter(lambda _: backend) if args.gen_tests else None
    figures = analyse(runner, sandbox, records, args.hide_examples, writer)
    print(json.dumps({"model": args.model, "n": args.n, **figures}))


if __name__ == "__main__":
    main()
