"""Rank the candidates a multilang run stored again, with today's ranker, and score the new top.

No model runs: each pipeline record's candidates (their code, compile verdict and, where the
run kept it, mean log-probability) are ranked by ``EvidenceRanker`` on the problem's
description and signature, executing them in the sandbox as the pipeline does; the hidden-test
verdict each candidate got in the run decides whether the new top-1 passes. Records from runs
that did not keep ``mean_logprob`` get the one the stored score implies (the score less the
parts ranked again; left out when that is not a probability), or with ``--logprobs`` the ones an
earlier rescoring's ``--rows`` file holds (infer them once, with the ranker the run used, then
compare rankers on the same figures). Repairs are not redone: a repaired candidate is ranked as
it was stored.

Prints ONE JSON object: per language, problems, top-1 pass as stored and as ranked now, any
candidate passing, and the problems whose top changed.

    python benchmarks/rescore_multilang.py RUN.jsonl [RUN2.jsonl ...] [--languages java,c]
        [--rows OUT.jsonl] [--logprobs ROWS.jsonl]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from multilang_tasks import Problem, load

from codegen import languages
from codegen.evaluation.humaneval import read_records
from codegen.execution.sandbox import Sandbox
from codegen.ranking.scorer import EvidenceRanker
from codegen.types import Candidate, GenerationRequest


def request_for(problem: Problem, language: str, n: int) -> GenerationRequest:
    """The request ``multilang.py`` made (description and this language's signature)."""
    return GenerationRequest(
        description=problem.description,
        languages=(languages.LanguageSpec(language),),
        n=n,
        signature={language: problem.signatures[language]},
        exec=True,
    )


def candidates_of(record: dict[str, Any]) -> list[Candidate]:
    return [
        Candidate(
            id=row["id"],
            language=record["language"],
            code=row["code"],
            raw_text=row["code"],
            finish_reason="stop",
            prompt_tokens=0,
            completion_tokens=0,
            mean_logprob=row.get("mean_logprob"),
            valid=row["valid"],
            compiles=row["compiles_reported"],
        )
        for row in record["candidates"]
    ]


def implied_logprobs(record: dict[str, Any], ranked: Sequence[Candidate]) -> dict[str, float]:
    """Mean log-probabilities the stored scores imply: stored score less today's other parts."""
    stored = {row["id"]: row.get("score") for row in record["candidates"]}
    implied = {}
    for cand in ranked:
        score = stored.get(cand.id)
        if score is None or cand.score is None:
            continue
        prob = score - cand.score  # today's score here has no logprob part
        if 0.0 < prob <= 1.0:
            implied[cand.id] = math.log(prob)
    return implied


def rescore(
    ranker: EvidenceRanker,
    record: dict[str, Any],
    problem: Problem,
    known: dict[str, float | None] | None = None,
) -> dict[str, Any]:
    request = request_for(problem, record["language"], record.get("n", 4))
    cands = candidates_of(record)
    if known is not None and all(c.mean_logprob is None for c in cands):
        cands = [c.evolve(mean_logprob=known.get(c.id)) for c in cands]
    elif all(c.mean_logprob is None for c in cands):
        first = ranker.rank(cands, request)
        implied = implied_logprobs(record, first)
        cands = [c.evolve(mean_logprob=implied.get(c.id)) for c in cands]
    ranked = ranker.rank(cands, request)
    passed = {row["id"]: row["passed"] for row in record["candidates"]}
    top = ranked[0] if ranked and ranked[0].rank is not None else None
    return {
        "problem": record["problem"],
        "language": record["language"],
        "stored_top": record.get("top_id"),
        "stored_passed": bool(record.get("passed")),
        "top": top.id if top else None,
        "passed": bool(top and passed.get(top.id)),
        "any_passed": any(passed.values()),
        "parts": {c.id: dict(c.score_parts) | {"passed": passed.get(c.id)} for c in ranked},
        "mean_logprobs": {c.id: c.mean_logprob for c in ranked},
    }


def summary(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for lang in sorted({r["language"] for r in rows}):
        mine = [r for r in rows if r["language"] == lang]
        n = len(mine)
        out[lang] = {
            "problems": n,
            "stored_top1_pass": round(100 * sum(r["stored_passed"] for r in mine) / n, 1),
            "rescored_top1_pass": round(100 * sum(r["passed"] for r in mine) / n, 1),
            "any_candidate_passes": round(100 * sum(r["any_passed"] for r in mine) / n, 1),
            "changed": [
                f"{r['problem']}: {r['stored_top']} -> {r['top']}"
                for r in mine
                if r["top"] != r["stored_top"]
            ],
        }
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="+", type=Path)
    parser.add_argument("--languages", help="comma separated (default: all in the runs)")
    parser.add_argument("--rows", type=Path, help="write each record's new parts here (JSONL)")
    parser.add_argument("--logprobs", type=Path, help="mean logprobs from an earlier --rows file")
    args = parser.parse_args(argv)
    known = {
        (row["problem"], row["language"]): row["mean_logprobs"]
        for row in (read_records(args.logprobs) if args.logprobs else [])
    }
    wanted = set(args.languages.split(",")) if args.languages else None
    problems = {p.id: p for p in load()}
    latest: dict[tuple[str, str], dict[str, Any]] = {}
    for run in args.runs:
        for rec in read_records(run):
            usable = rec.get("mode") == "pipeline" and "error" not in rec and rec["candidates"]
            if usable and (wanted is None or rec["language"] in wanted):
                latest[(rec["problem"], rec["language"])] = rec  # the later run wins
    ranker = EvidenceRanker(sandbox=Sandbox())
    rows = [
        rescore(ranker, rec, problems[key[0]], known.get(key) if args.logprobs else None)
        for key, rec in sorted(latest.items())
    ]
    if args.rows:
        args.rows.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    print(json.dumps({"benchmark": "rescore_multilang", "languages": summary(rows)}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
