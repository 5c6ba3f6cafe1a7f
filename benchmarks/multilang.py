"""Multi-language benchmark: our own problems (``multilang_problems/``) in python, javascript,
java, c and rust, on the bare model and on the pipeline, scored on hidden tests.

raw: the bare model, greedy, one answer per problem and language, from a plain prompt (the
description and the language's signature); the code is extracted as the pipeline extracts it,
with no validation, repair or ranking. pipeline: the Assistant with default settings, ``n``
candidates (default 4), execution on; one request per problem and language, with that
language's signature. The top-ranked candidate is scored (and, for the other figures, every
candidate). The hidden tests run in the sandbox (``multilang_harness.py``) and never reach the
model; whether a candidate compiles is decided there too, independently of the pipeline's own
verdict (which is kept beside it when the pipeline reports one).

Prints ONE JSON object: figures per language (``multilang_report.py``) and the issue's targets.
``--out FILE.jsonl`` keeps one record per problem, language and mode and makes a run resumable:
a rerun skips what the file holds for the same model (and, for the pipeline, the same n). A
problem that crashes is recorded with its error, counted, and tried again by the next run.

    python benchmarks/multilang.py [--model embedded] [--languages java,rust] [--problems 3]
        [--n 4] [--mode raw|pipeline|both] [--out benchmarks/results/multilang-embedded.jsonl]
    python benchmarks/multilang.py --out FILE --report    # the figures of a partial run
    python benchmarks/multilang.py --check-references     # the harness on the references
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import multilang_report
from multilang_harness import LIMITS, Item, Verdict, run_tests
from multilang_tasks import Problem, choose, choose_languages, load

from codegen import config, languages
from codegen.assistant import Assistant
from codegen.backends.base import Backend
from codegen.backends.factory import POOL, check_spec
from codegen.errors import EXIT_INTERRUPTED, CodegenError, UsageError
from codegen.evaluation.humaneval import read_records
from codegen.execution.sandbox import Sandbox
from codegen.prompting.extract import extract
from codegen.types import Candidate, Completion, GenerationRequest, Message, SamplingParams
from codegen.validation.tiered import TieredValidator

MODES = ("raw", "pipeline")
RAW_PROMPT = (
    "Please provide a self-contained {language} solution to the following problem in a "
    "markdown code block.\n\n{description}\n\nThe code must define: `{signature}`"
)


@dataclass
class Runner:
    backend: Backend
    settings: config.Settings
    sandbox: Sandbox
    model: str
    n: int
    validator: TieredValidator = field(default_factory=TieredValidator)

    def raw(self, problem: Problem, language: str) -> dict[str, Any]:
        prompt = [Message("user", raw_prompt(problem, language))]
        started = time.perf_counter()
        completion, code = greedy_code(self.backend, prompt, language, self.settings.max_tokens)
        latency = time.perf_counter() - started
        signature = problem.signatures[language]
        valid = self.validator.validate(code, language, None, signature).valid
        verdict = run_tests(self.sandbox, language, [Item("raw", code, problem.tests[language])])
        return {
            **self.key(problem, language, "raw"),
            "passed": verdict[0].passed,
            "compiles": verdict[0].compiles,
            "valid": valid,
            "reason": verdict[0].reason,
            "latency_s": round(latency, 3),
            "completion_tokens": completion.completion_tokens,
            "finish_reason": completion.finish_reason,
            "code": code,
        }

    def pipeline(self, problem: Problem, language: str) -> dict[str, Any]:
        assistant = Assistant(self.settings, backend=self.backend, interface="eval")
        started = time.perf_counter()
        result = assistant.generate(self.request(problem, language))
        latency = time.perf_counter() - started
        cands = result.for_language(language)
        best = result.best(language)
        items = [Item(c.id, c.code, problem.tests[language]) for c in cands]
        verdicts = run_tests(self.sandbox, language, items)
        rows = [candidate_row(c, v) for c, v in zip(cands, verdicts, strict=True)]
        top = next((row for row in rows if best is not None and row["id"] == best.id), None)
        return {
            **self.key(problem, language, "pipeline"),
            "n": self.n,
            "passed": bool(top and top["passed"]),
            "top_id": top["id"] if top else None,
            "top_compiles": top["compiles"] if top else None,
            "top_valid": top["valid"] if top else None,
            "any_passed": any(row["passed"] for row in rows),
            **violations(rows, top),
            "latency_s": round(latency, 3),
            "compile_ms": result.timings.get("compile_ms"),
            "timings": dict(result.timings),
            "candidates": rows,
        }

    def request(self, problem: Problem, language: str) -> GenerationRequest:
        """What the pipeline is asked: the description and this language's signature only."""
        return GenerationRequest(
            description=problem.description,
            languages=(languages.LanguageSpec(language),),
            n=self.n,
            temperature=self.settings.temperature,
            top_p=self.settings.top_p,
            max_tokens=self.settings.max_tokens,
            seed=0,
            model=self.model,
            signature={language: problem.signatures[language]},
            exec=True,
        )

    def key(self, problem: Problem, language: str, mode: str) -> dict[str, Any]:
        return {"problem": problem.id, "language": language, "mode": mode, "model": self.model}


def greedy_code(
    backend: Backend,
    prompt: Sequence[Message],
    language: str,
    max_tokens: int,
    stop_after_code: bool = False,
) -> tuple[Completion, str]:
    """The model's one greedy answer to ``prompt`` and the code extracted from it."""
    params = SamplingParams(
        temperature=0.0, top_p=1.0, max_tokens=max_tokens, stop_after_code=stop_after_code
    )
    completion = backend.generate(prompt, params, 1)[0]
    return completion, extract(completion.text, language).code


def raw_prompt(problem: Problem, language: str) -> str:
    return RAW_PROMPT.format(
        language=languages.get(language).display,
        description=problem.description,
        signature=problem.signatures[language],
    )


def candidate_row(cand: Candidate, verdict: Verdict) -> dict[str, Any]:
    return {
        "id": cand.id,
        "rank": cand.rank,
        "valid": bool(cand.valid),
        "compiles": verdict.compiles,
        "compiles_reported": cand.compiles,
        "passed": verdict.passed,
        "reason": verdict.reason,
        "score": cand.score,
        "score_parts": dict(cand.score_parts),
        "mean_logprob": cand.mean_logprob,
        "repairs": [step.name for step in cand.repairs],
        "code": cand.code,
    }


def violations(rows: Sequence[dict[str, Any]], top: dict[str, Any] | None) -> dict[str, bool]:
    """Whether the chosen candidate fails to compile while another of its language compiles,
    by the harness's verdict and by the pipeline's own (where it reports one)."""

    def broken(key: str) -> bool:
        some = any(row[key] is True for row in rows)
        return top is not None and top[key] is False and some

    return {"violation": broken("compiles"), "reported_violation": broken("compiles_reported")}


def run(
    runner: Runner,
    todo: Sequence[tuple[Problem, str, str]],
    out: Path | None,
) -> list[dict[str, Any]]:
    """Run each (problem, language, mode); a crash becomes a record with its error."""
    records = []
    for number, (problem, language, mode) in enumerate(todo, 1):
        started = time.perf_counter()
        try:
            record = getattr(runner, mode)(problem, language)
        except Exception as exc:  # one problem's crash is recorded; the run goes on
            record = {
                **runner.key(problem, language, mode),
                "error": f"{type(exc).__name__}: {exc}"[:500],
                "latency_s": round(time.perf_counter() - started, 3),
            }
        records.append(record)
        if out is not None:
            with out.open("a", encoding="utf-8") as fh:
                fh.write(json.dumps(record) + "\n")
        status = record.get("error") or ("pass" if record["passed"] else "fail")
        sys.stderr.write(f"[{number}/{len(todo)}] {problem.id} {language} {mode}: {status}\n")
    return records


def done_records(out: Path | None, model: str, n: int) -> dict[tuple[str, str, str], Any]:
    """What ``out`` already holds for this model (pipeline records: for this n), by key."""
    done = {}
    for rec in read_records(out):
        if rec.get("model") != model or "error" in rec:
            continue
        if rec["mode"] == "pipeline" and rec.get("n") != n:
            continue
        done[(rec["problem"], rec["language"], rec["mode"])] = rec
    return done


def check_references(sandbox: Sandbox, problems: Sequence[Problem], langs: Sequence[str]) -> Any:
    """Every reference solution against its hidden tests: the harness, without a model."""
    report: dict[str, Any] = {}
    for lang in langs:
        started = time.perf_counter()
        items = [Item(p.id, p.reference[lang], p.tests[lang]) for p in problems]
        verdicts = run_tests(sandbox, lang, items)
        report[lang] = {
            "passed": sum(v.passed for v in verdicts),
            "total": len(items),
            "failing": [
                f"{i.key}: {v.reason}" for i, v in zip(items, verdicts, strict=True) if not v.passed
            ],
            "seconds": round(time.perf_counter() - started, 2),
        }
    return {"benchmark": "multilang", "check": "references", "languages": report}


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="multilang.py", description=__doc__.split("\n\n")[0] if __doc__ else None
    )
    parser.add_argument("--model", default="embedded", help="model spec (default: embedded)")
    parser.add_argument("--languages", help="comma list (default: all five)")
    parser.add_argument("--problems", help="a count (the first K) or ids, comma separated")
    parser.add_argument("--n", type=int, default=4, help="pipeline candidates (default 4)")
    parser.add_argument("--mode", default="both", choices=("raw", "pipeline", "both"))
    parser.add_argument("--out", help="JSONL of records; a rerun resumes from it")
    parser.add_argument("--unsafe-exec", action="store_true", help="run tests unisolated")
    parser.add_argument(
        "--check-references", action="store_true", help="score the reference solutions only"
    )
    parser.add_argument(
        "--report", action="store_true", help="figures from --out as it is; run nothing"
    )
    args = parser.parse_args(argv)
    if args.n < 1 or args.n > 64:
        raise UsageError(f"--n: must be between 1 and 64, got {args.n}")
    if args.report and not args.out:
        raise UsageError("--report: needs --out FILE (the records to report on)")
    if args.out and not Path(args.out).parent.is_dir():
        raise UsageError(f"--out {args.out}: directory {Path(args.out).parent} does not exist")
    return args


def measure(args: argparse.Namespace) -> dict[str, Any]:
    problems = choose(load(), args.problems)
    langs = choose_languages(args.languages)
    sandbox = Sandbox(LIMITS, unsafe=args.unsafe_exec)
    sandbox.check()
    if args.check_references:
        return dict(check_references(sandbox, problems, langs))
    check_spec(args.model)
    modes = MODES if args.mode == "both" else (args.mode,)
    out = Path(args.out) if args.out else None
    done = done_records(out, args.model, args.n)
    todo = [
        (p, lang, mode)
        for p in problems
        for lang in langs
        for mode in modes
        if (p.id, lang, mode) not in done and not args.report
    ]
    settings = config.load({"model": args.model}).with_overrides({"exec": True}, "multilang")
    fresh = []
    if todo:
        backend = POOL.get(args.model, settings)
        fresh = run(Runner(backend, settings, sandbox, args.model, args.n), todo, out)
    records = [*done.values(), *fresh]
    chosen = {p.id for p in problems}
    wanted = [r for r in records if r["problem"] in chosen and r["mode"] in modes]
    examples = {p.id: p.has_examples for p in problems}
    return {
        "benchmark": "multilang",
        "model": args.model,
        "n": args.n,
        "modes": list(modes),
        "problems": len(problems),
        "run_now": len(todo),
        **multilang_report.summarize(wanted, langs, examples),
    }


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = parse_args(sys.argv[1:] if argv is None else argv)
        summary = measure(args)
    except CodegenError as exc:
        sys.stderr.write(f"multilang: {exc}\n")
        return exc.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("multilang: interrupted\n")
        return EXIT_INTERRUPTED
    sys.stdout.write(json.dumps(summary, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
