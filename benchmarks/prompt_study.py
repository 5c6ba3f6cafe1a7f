"""Few-shot examples and sampling temperature, by measurement (issue 25, items 2 and 5).

Each configuration generates n = 3 candidates (candidate 1 greedy, the others sampled) for
every problem of ``ranking_tasks.py`` (written here; never HumanEval) with the prompt
``codegen`` builds, and scores each candidate against the problem's hidden tests:

- ``greedy_pass_pct``: candidate 1 passes (what few-shot changes most);
- ``any_pass_pct``, ``mean_pass_pct``: some candidate passes, the mean candidate passes;
- ``distinct_mean``: different candidates per problem after ``duplicate_of`` folding (1 to 3);
- ``prompt_tokens_mean``, ``prefill_ms_mean``: what the prompt costs to evaluate from scratch
  (prefix reuse off).

Configurations: ``fK``, ``few_shot`` K with the K examples closest to the problem
(``examples = "relevant"``); ``sK``, the bank's first K (``examples = "stable"``, every
prompt's start the same); ``tX``, temperature X for the sampled candidates at the default
``few_shot``. Resumable (``--out``: one line per problem and
configuration). Prints one JSON object.

    python benchmarks/prompt_study.py [--model embedded] [--limit K]
        [--configs f0,f1,f2,s2,t0.8,t1.0] [--out benchmarks/results/prompt-study-embedded.jsonl]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from ranking_tasks import TASKS

from codegen import config
from codegen.backends.base import Backend
from codegen.backends.factory import loader_for
from codegen.evaluation import humaneval as he
from codegen.execution.sandbox import Sandbox
from codegen.prompting.builder import PromptBuilder
from codegen.prompting.extract import extract
from codegen.ranking.duplicates import mark_duplicates
from codegen.requests import build_request
from codegen.types import Candidate, SamplingParams

N = 3
MAX_TOKENS = 384


def parse_config(name: str, settings: config.Settings) -> tuple[int, float, str]:
    """``f2`` -> (few_shot 2, default temperature, the 2 most relevant examples); ``s2`` -> the
    bank's first 2 (``examples = "stable"``); ``t0.8`` -> (default few_shot, 0.8, default)."""
    if name[:1] in ("f", "s"):
        return int(name[1:]), settings.temperature, "relevant" if name[0] == "f" else "stable"
    if name.startswith("t"):
        return settings.few_shot, float(name[1:]), settings.examples
    raise SystemExit(f"--configs: {name!r} is neither fK, sK nor tX")


def candidates(texts: Sequence[str]) -> list[Candidate]:
    return [
        Candidate(f"python-{k}", "python", extract(t, "python").code, t, "stop", 0, 0)
        for k, t in enumerate(texts, 1)
    ]


def one(
    backend: Backend,
    settings: config.Settings,
    task: Mapping[str, Any],
    shown: tuple[int, str],
    temperature: float,
    sandbox: Sandbox,
) -> dict[str, Any]:
    """One problem under one configuration: each candidate's verdict, and the prompt's cost."""
    fields = {
        "description": he.RAW_PROMPT.format(prompt=task["prompt"]),
        "signature": he.signature_of(task),
    }
    request = build_request(fields, settings)
    prompt = PromptBuilder(backend, *shown).build(request, "python").messages
    params = SamplingParams(
        temperature=temperature,
        top_p=settings.top_p,
        max_tokens=MAX_TOKENS,
        seed=7,
        stop_after_code=True,
        greedy_first=True,
    )
    cold = backend.generate(prompt, params, N)
    cands = mark_duplicates(candidates([c.text for c in cold]))
    return {
        "task_id": task["task_id"],
        "passed": [he.hidden_test(sandbox, task, c.code) for c in cands],
        "distinct": sum(c.duplicate_of is None for c in cands),
        "prompt_tokens": cold[0].prompt_tokens,
        "prefill_ms": cold[0].prefill_ms,
    }


def summary(rows: Sequence[Mapping[str, Any]]) -> dict[str, float]:
    def pct(values: Sequence[bool]) -> float:
        return round(100 * sum(values) / len(values), 1)

    return {
        "problems": len(rows),
        "greedy_pass_pct": pct([r["passed"][0] for r in rows]),
        "any_pass_pct": pct([any(r["passed"]) for r in rows]),
        "mean_pass_pct": pct([p for r in rows for p in r["passed"]]),
        "distinct_mean": round(statistics.mean(r["distinct"] for r in rows), 2),
        "prompt_tokens_mean": round(statistics.mean(r["prompt_tokens"] for r in rows), 1),
        "prefill_ms_mean": round(statistics.mean(r["prefill_ms"] for r in rows), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="embedded")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--configs", default="f0,f1,f2,t0.8,t1.0")
    parser.add_argument("--out", default="benchmarks/results/prompt-study-embedded.jsonl")
    args = parser.parse_args()
    settings = config.load({"model": args.model})
    sandbox = Sandbox(he.TEST_LIMITS)
    sandbox.check()
    out = Path(args.out)
    done = {(r["config"], r["task_id"]): r for r in he.read_records(out)}
    tasks = TASKS[: args.limit] if args.limit else TASKS
    cold = settings.with_overrides({"prefix_cache": False}, "study")
    backend = loader_for(args.model)(args.model, cold, None)
    figures = {}
    for name in args.configs.split(","):
        few_shot, temperature, examples = parse_config(name, settings)
        for task in tasks:
            if (name, task["task_id"]) in done:
                continue
            row = {"config": name} | one(
                backend, settings, task, (few_shot, examples), temperature, sandbox
            )
            done[(name, task["task_id"])] = row
            with out.open("a", encoding="utf-8") as fh:
                fh.write(json.dumps(row) + "\n")
            print(f"{name} {task['task_id']}: {row['passed']}", file=sys.stderr)
        figures[name] = summary([done[(name, t["task_id"])] for t in tasks])
    print(json.dumps({"model": args.model, "n": N, "configs": figures}))


if __name__ == "__main__":
    main()
