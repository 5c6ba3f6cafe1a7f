"""Grammar-constrained decoding against free decoding, same model, same run. Prints one JSON
object.

For sql, json and Machine (a DSL written for this benchmark, ``constrained_data/Machine.g4``,
added with ``codegen grammar add`` into a temporary data dir), each task (``constrained_tasks``)
is generated with n candidates and ``constrain`` off, then on, with no repair round, and:

- ``valid_before_repair``: the share of candidates the validator accepts as generated;
- ``repairs_needed``: how many candidates would go to the repairer (invalid ones);
- ``tokens_per_s``: completion tokens over decode time (the prompt's prefill excluded where
  the backend reports it, else over the whole generation) and ``overhead_per_token``, on vs
  off, from the mean milliseconds per token;
- sql: ``hidden_test_pass`` (share of candidates whose rows on the shop database match the
  reference's) and ``top1_pass`` (the ranked first candidate's); json: ``schema_conformant``
  for the tasks that carry a JSON Schema.

``--prose`` also runs sql and Machine constrained with text allowed before the fenced block
(``prose_on``), to decide whether to allow it (``codegen.validation.constraints.PROSE``).

Usage: python benchmarks/constrained.py [--model embedded-small] [--n 8] [--max-tokens 160]
       [--languages sql,json,machine] [--prose] [--seed 1]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import constrained_tasks as tasks

MODES = ("off", "on", "prose_on")


def _add_machine_grammar() -> dict[str, Any]:
    from codegen.validation import antlr_user

    manifest = antlr_user.add(
        antlr_user.AddRequest(
            grammar=tasks.MACHINE_GRAMMAR,
            lexer=None,
            name="machine",
            start="machines",
            examples=tasks.MACHINE_EXAMPLES,
            extension="sm",
        )
    )
    antlr_user.register_all()
    converted = antlr_user.code_grammar(manifest.name)
    return {"converted": converted.ok, "problems": list(converted.problems)}


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        from codegen.assistant import Assistant, Stages
        from codegen.backends.factory import POOL
        from codegen.config import Settings
        from codegen.repair.base import NoRepair

        self.args = args
        self.settings = Settings(
            model=args.model,
            n=args.n,
            max_tokens=args.max_tokens,
            temperature=0.8,
            repair_rounds=0,
            cache_enabled=False,  # every figure from a real generation
            audit_enabled=False,
        )
        self.backend = POOL.get(args.model, self.settings)
        stages = Stages.default(self.settings).replace(repairer=NoRepair())
        self.assistant = Assistant(
            self.settings, interface="library", backend=self.backend, stages=stages
        )

    def run(self, language: str, mode: str, fields: dict[str, Any]) -> Any:
        from codegen.requests import build_request
        from codegen.validation import constraints

        raw = {
            "languages": [language],
            "n": self.args.n,
            "max_tokens": self.args.max_tokens,
            "seed": self.args.seed,
            "constrain": "off" if mode == "off" else "on",
            **fields,
        }
        constraints.PROSE = mode == "prose_on"
        try:
            return self.assistant.generate(build_request(raw, self.settings))
        finally:
            constraints.PROSE = False

    def warm_up(self, language: str) -> float:
        """Seconds of a 2-token constrained call: llguidance's tokenizer is built from the
        vocabulary on the first one, and each grammar compiled on its first use; measured
        apart so that the figures below are of steady decoding."""
        started = time.perf_counter()
        self.run(language, "on", {"description": "warm up", "n": 1, "max_tokens": 2})
        return round(time.perf_counter() - started, 2)


class Tally:
    """Figures of one language in one mode."""

    def __init__(self) -> None:
        self.candidates = self.valid = self.constrained = self.tokens = 0
        self.decode_ms = 0.0
        self.passed: list[bool] = []
        self.top1: list[bool] = []
        self.conformant: list[bool] = []

    def add(self, result: Any, language: str) -> None:
        cands = result.for_language(language)
        self.candidates += len(cands)
        self.valid += sum(1 for c in cands if c.valid)
        self.constrained += sum(1 for c in cands if c.constrained)
        self.tokens += sum(c.completion_tokens for c in cands)
        timings = result.timings
        self.decode_ms += timings.get("decode_ms") or timings.get("generate_ms", 0.0)

    def figures(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "candidates": self.candidates,
            "valid_before_repair": _share(self.valid, self.candidates),
            "repairs_needed": self.candidates - self.valid,
            "constrained": _share(self.constrained, self.candidates),
            "completion_tokens": self.tokens,
            "tokens_per_s": round(self.tokens / (self.decode_ms / 1000), 1)
            if self.decode_ms
            else None,
        }
        if self.passed:
            out["hidden_test_pass"] = _share(sum(self.passed), len(self.passed))
            out["top1_pass"] = _share(sum(self.top1), len(self.top1))
        if self.conformant:
            out["schema_conformant"] = _share(sum(self.conformant), len(self.conformant))
        return out


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def _sql(bench: Bench, modes: tuple[str, ...]) -> dict[str, Tally]:
    tallies = {m: Tally() for m in modes}
    for task in tasks.SQL_TASKS:
        for mode in modes:
            result = bench.run("sql", mode, {"description": task.description})
            tally = tallies[mode]
            tally.add(result, "sql")
            tally.passed += [tasks.passes(task, c.code) for c in result.for_language("sql")]
            best = result.best("sql")
            tally.top1.append(best is not None and tasks.passes(task, best.code))
            _log(f"sql {task.id} {mode}: {tally.figures()}")
    return tallies


def _json(bench: Bench, modes: tuple[str, ...]) -> dict[str, Tally]:
    import jsonschema

    tallies = {m: Tally() for m in modes}
    for task in tasks.JSON_TASKS:
        fields: dict[str, Any] = {"description": task.description}
        if task.schema is not None:
            fields["json_schema"] = dict(task.schema)
        for mode in modes:
            result = bench.run("json", mode, fields)
            tallies[mode].add(result, "json")
            if task.schema is not None:
                for cand in result.for_language("json"):
                    tallies[mode].conformant.append(_conforms(cand.code, task.schema, jsonschema))
            _log(f"json {task.id} {mode}: {tallies[mode].figures()}")
    return tallies


def _conforms(code: str, schema: Any, jsonschema: Any) -> bool:
    try:
        jsonschema.validate(json.loads(code), schema)
    except (ValueError, jsonschema.ValidationError):
        return False
    return True


def _machine(bench: Bench, modes: tuple[str, ...]) -> dict[str, Tally]:
    tallies = {m: Tally() for m in modes}
    for name, description in tasks.MACHINE_TASKS:
        for mode in modes:
            result = bench.run("machine", mode, {"description": description})
            tallies[mode].add(result, "machine")
            _log(f"machine {name} {mode}: {tallies[mode].figures()}")
    return tallies


def _overhead(tallies: dict[str, Tally]) -> float | None:
    """On vs off: the relative change of milliseconds per completion token."""
    off, on = tallies["off"], tallies["on"]
    if not (off.tokens and on.tokens and off.decode_ms):
        return None
    return round((on.decode_ms / on.tokens) / (off.decode_ms / off.tokens) - 1, 3)


def _log(line: str) -> None:
    sys.stderr.write(line + "\n")


RUNS: dict[str, Callable[[Bench, tuple[str, ...]], dict[str, Tally]]] = {
    "sql": _sql,
    "json": _json,
    "machine": _machine,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="embedded-small")
    parser.add_argument("--n", type=int, default=8)
    parser.add_argument("--max-tokens", type=int, default=160)
    parser.add_argument("--languages", default="sql,json,machine")
    parser.add_argument("--prose", action="store_true")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    chosen = [lang for lang in args.languages.split(",") if lang]
    unknown = [lang for lang in chosen if lang not in RUNS]
    if unknown:
        parser.error(f"unknown language {unknown[0]!r}; choose from {', '.join(RUNS)}")
    with tempfile.TemporaryDirectory(prefix="codegen-constrained-") as data:
        os.environ["CODEGEN_DATA_DIR"] = data  # where the Machine grammar is added
        report = _measure(args, chosen)
    print(json.dumps(report, indent=1))
    return 0


def _measure(args: argparse.Namespace, chosen: list[str]) -> dict[str, Any]:
    started = time.perf_counter()
    report: dict[str, Any] = {
        "model": args.model,
        "n": args.n,
        "max_tokens": args.max_tokens,
        "temperature": 0.8,
        "seed": args.seed,
    }
    if "machine" in chosen:
        report["machine_grammar"] = _add_machine_grammar()
    bench = Bench(args)
    report["first_constrained_call_s"] = {lang: bench.warm_up(lang) for lang in chosen}
    overheads = []
    for language in chosen:
        modes = ("off", "on", "prose_on") if args.prose and language != "json" else ("off", "on")
        tallies = RUNS[language](bench, modes)
        figures = {mode: tally.figures() for mode, tally in tallies.items()}
        report[language] = figures
        report[language]["overhead_per_token"] = _overhead(tallies)
        overheads.append(report[language]["overhead_per_token"])
    report["targets"] = _targets(report, chosen, overheads)
    report["wall_s"] = round(time.perf_counter() - started, 1)
    return report


def _targets(report: dict[str, Any], chosen: list[str], overheads: list[Any]) -> dict[str, Any]:
    """Issue 26's targets, from the figures above."""
    known = [o for o in overheads if o is not None]
    out: dict[str, Any] = {
        "all_valid_when_on": all(
            report[lang]["on"]["valid_before_repair"] == 1.0 for lang in chosen
        ),
        "overhead_per_token_max": max(known) if known else None,
        "overhead_per_token_median": statistics.median(known) if known else None,
    }
    if "sql" in chosen:
        sql = report["sql"]
        out["sql_pass_not_lower"] = sql["on"]["hidden_test_pass"] >= sql["off"]["hidden_test_pass"]
    return out


if __name__ == "__main__":
    raise SystemExit(main())
