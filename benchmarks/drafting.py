"""Prompt-lookup drafting (issue 25, item 6): repair rounds with and without it, side by side.

The repair prompts are the model-guided repair's own (``repair/guided.py``), for the reference
solutions of ``ranking_tasks.py`` with one syntax error put in (a closing parenthesis or a
colon dropped). Each prompt is answered as the first repair round asks (n = 4: the greedy one
and three sampled at 0.7, seeded), once with ``draft_from_prompt`` and once without, the two
alternating. Reported: seconds per round (median, sum) both ways, their ratio, and whether
every answer is the same text both ways (``greedy_same``: the greedy rows; ``all_same``:
every row). Prints one JSON object.

    python benchmarks/drafting.py [--model embedded] [--limit K]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from ranking_tasks import TASKS

from codegen import config
from codegen.assistant import Stages
from codegen.backends.factory import POOL
from codegen.repair.guided import GuidedOptions, _params, build_prompt
from codegen.types import Message


def broken(code: str) -> str | None:
    """``code`` with its first ``):`` turned into ``:`` (else its first ``:`` dropped)."""
    if "):" in code:
        return code.replace("):", ":", 1)
    return code.replace(":", "", 1) if ":" in code else None


def prompts(settings: config.Settings, limit: int | None) -> list[list[Message]]:
    validator = Stages.default(settings).validator
    out = []
    for task in TASKS[:limit]:
        code = broken(task["reference"])
        if code is None:
            continue
        validation = validator.validate(code, "python")
        if not validation.valid:
            out.append(build_prompt(code, "python", validation.diagnostics))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="embedded")
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()
    settings = config.load({"model": args.model})
    backend = POOL.get(args.model, settings)
    plain = _params(GuidedOptions(), 1)
    drafted = replace(plain, draft_from_prompt=True)
    seconds: dict[str, list[float]] = {"plain": [], "drafted": []}
    greedy_same = all_same = 0
    asked = prompts(settings, args.limit)
    for messages in asked:
        texts: dict[str, list[str]] = {}
        for name, params in (("plain", plain), ("drafted", drafted)):
            started = time.perf_counter()
            texts[name] = [c.text for c in backend.generate(messages, params, 4)]
            seconds[name].append(time.perf_counter() - started)
        greedy_same += texts["plain"][0] == texts["drafted"][0]
        all_same += texts["plain"] == texts["drafted"]
    figures: dict[str, Any] = {"model": args.model, "prompts": len(asked), "n": 4}
    for name, values in seconds.items():
        figures[f"{name}_median_s"] = round(statistics.median(values), 2)
        figures[f"{name}_total_s"] = round(sum(values), 1)
    figures["drafted_over_plain"] = round(sum(seconds["drafted"]) / sum(seconds["plain"]), 3)
    figures["greedy_same"] = f"{greedy_same}/{len(asked)}"
    figures["all_same"] = f"{all_same}/{len(asked)}"
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
