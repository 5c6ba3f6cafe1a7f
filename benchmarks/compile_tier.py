"""The compile tier's cost per request per language (issue 24: median <= 1.5 s).

Each request is n = 4 real candidates of one problem in one language, as the small model
wrote them (``benchmarks/results/compile-tier-candidates.json``, made once with
``--generate``: greedy plus three samples at T = 0.8, extracted as the pipeline does, no
repair). Every request is compiled ``--repeat`` times with ``ToolCompiler`` (one JVM for all
Java candidates, one tsc, one go vet; rustc and gcc/g++ concurrently) through the runner the
pipeline uses (confined in the sandbox where it works), or ``--local`` the unconfined one.
Java's baseline, timed in the same run: one ``javac`` process per candidate, all four at once
(what compiling with the syntax checker's command would cost).

Prints one JSON object: per language, the median and p95 milliseconds per request, how many
candidates compile / do not / are unknown, the reference tier's syntax check of the request's
candidates one by one, in one batch (Java: one JVM against one javac each), and in one batch
that compiles them too, followed by the compile tier's run (Java: one JVM in all), how many
of those that parse but do not compile the deterministic compile repair (missing imports,
uses, includes) makes compile, and for Java the baseline's median and p95.

    python benchmarks/compile_tier.py [--repeat R] [--languages java,rust] [--local]
    python benchmarks/compile_tier.py --generate [--model embedded-small]   # the fixture
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from codegen.config import Settings
from codegen.execution.toolrunner import tool_runner
from codegen.repair.compile_fix import CompileRepair
from codegen.repair.deterministic import Outcome
from codegen.validation import reference
from codegen.validation.base import Validation
from codegen.validation.compile_tier import ToolCompiler
from codegen.validation.tiered import TieredValidator
from codegen.validation.toolrun import LOCAL, ToolRunner

FIXTURE = Path(__file__).resolve().parent / "results" / "compile-tier-candidates.json"
LANGUAGES = ("python", "java", "c", "cpp", "rust", "go", "typescript")
PROBLEMS = (
    "Return how many distinct integers a list of integers holds.",
    "Reverse the order of the words in a sentence; words are separated by single spaces.",
    "Return the k largest numbers of a list of integers, largest first.",
    "Tell whether a string reads the same backwards, ignoring case and any non-letter.",
)
N = 4


def generate(model: str, path: Path) -> None:
    """Ask the model once for N candidates per problem and language; store their code."""
    from codegen.backends.factory import POOL
    from codegen.config import Settings
    from codegen.prompting.builder import PromptBuilder
    from codegen.prompting.extract import extract
    from codegen.requests import build_request
    from codegen.types import SamplingParams

    settings = Settings(model=model)
    backend = POOL.get(model, settings)
    builder = PromptBuilder(backend, settings.few_shot, settings.examples)
    params = SamplingParams(
        temperature=0.8, max_tokens=384, seed=11, greedy_first=True, stop_after_code=True
    )
    data: dict[str, list[list[str]]] = {}
    for language in LANGUAGES:
        data[language] = []
        for problem in PROBLEMS:
            request = build_request({"description": problem, "languages": [language]}, settings)
            prompt = builder.build(request, language, None)
            completions = backend.generate(prompt.messages, params, N)
            data[language].append([extract(c.text, language).code for c in completions])
            print(f"{language}: {problem[:40]}", file=sys.stderr)
    path.write_text(json.dumps({"model": model, "n": N, "candidates": data}, indent=1) + "\n")


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000


def _stats(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"median_ms": round(statistics.median(ordered), 1), "p95_ms": round(p95, 1)}


def javac_each(codes: list[str], runner: ToolRunner) -> float:
    """The baseline: one javac per candidate, all at once; milliseconds for the request."""

    def one(code: str) -> None:
        name = reference.java_filename(code)
        argv = ["javac", "-XDshould-stop.ifNoError=FLOW", "-proc:none", "-nowarn", "-d", "o"]
        runner.run([*argv, name], {name: code}, 60)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(codes)) as pool:
        list(pool.map(one, codes))
    return _ms(started)


def measure(
    requests: list[list[str]], language: str, repeat: int, runner: ToolRunner
) -> dict[str, Any]:
    compiler = ToolCompiler(runner, timeout=120)
    times: list[float] = []
    verdicts: list[bool | None] = []
    baseline: list[float] = []
    for _ in range(repeat):
        for codes in requests:
            started = time.perf_counter()
            out = compiler.compile(codes, language)
            times.append(_ms(started))
            verdicts += [v.compiles for v in out]
            if language == "java":
                baseline.append(javac_each(codes, runner))
    row: dict[str, Any] = {
        "requests": len(times),
        **_stats(times),
        "compiles": verdicts.count(True) // repeat,
        "does_not_compile": verdicts.count(False) // repeat,
        "unknown": verdicts.count(None) // repeat,
    }
    if baseline:
        row["baseline_javac_per_candidate"] = _stats(baseline)
    row.update(syntax_check(requests, language, repeat, runner))
    row.update(repaired(requests, language, compiler, runner))
    return row


def syntax_check(
    requests: list[list[str]], language: str, repeat: int, runner: ToolRunner
) -> dict[str, Any]:
    """The validator's reference tier per request: one by one (as the pipeline did before),
    all candidates in one batch (``validate_many``: one JVM for Java's), and the batch with
    the compile tier wired in as the pipeline has it (Java's JVM compiles them too, and the
    compile tier's run that follows takes those verdicts), interleaved; the same verdicts
    every way."""
    timings: dict[str, list[float]] = {"one_by_one": [], "batch": [], "check_and_compile": []}
    same = True
    for _ in range(repeat):
        for codes in requests:
            started = time.perf_counter()
            single = [TieredValidator(runner=runner).validate(code, language) for code in codes]
            timings["one_by_one"].append(_ms(started))
            started = time.perf_counter()
            many = TieredValidator(runner=runner).validate_many(codes, language)
            timings["batch"].append(_ms(started))
            compiler = ToolCompiler(runner, timeout=120)
            started = time.perf_counter()
            wired = TieredValidator(runner=runner, compiler=compiler).validate_many(codes, language)
            compiler.compile([c for c, v in zip(codes, wired, strict=True) if v.valid], language)
            timings["check_and_compile"].append(_ms(started))
            verdicts = [[v.valid for v in run] for run in (single, many, wired)]
            same = same and verdicts[0] == verdicts[1] == verdicts[2]
    out: dict[str, Any] = {f"syntax_check_{k}": _stats(v) for k, v in timings.items()}
    out["syntax_check_same_verdicts"] = same
    return out


def repaired(
    requests: list[list[str]], language: str, compiler: ToolCompiler, runner: ToolRunner
) -> dict[str, int]:
    """How many candidates that parse but do not compile the declarations step fixes."""
    validator = TieredValidator(runner=runner)
    repair = CompileRepair(validator, compiler)
    broken = fixed = 0
    for codes in requests:
        for code, verdict in zip(codes, compiler.compile(codes, language), strict=True):
            if verdict.compiles is not False or not validator.validate(code, language).valid:
                continue
            broken += 1
            start = Outcome(code, (), Validation(verdict.diagnostics, compiles=False))
            fixed += repair.deterministic(start, language, None, None).validation.compiles is True
    return {"parse_but_do_not_compile": broken, "compile_after_declarations_step": fixed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--languages", default=",".join(LANGUAGES))
    parser.add_argument("--generate", action="store_true", help="make the fixture (loads a model)")
    parser.add_argument("--model", default="embedded-small")
    parser.add_argument("--local", action="store_true", help="run the tools unconfined")
    args = parser.parse_args()
    if args.generate:
        generate(args.model, FIXTURE)
        return
    fixture = json.loads(FIXTURE.read_text())
    wanted = [name for name in args.languages.split(",") if name]
    runner = LOCAL if args.local else tool_runner(Settings())
    out: dict[str, Any] = {"model": fixture["model"], "n": fixture["n"], "repeat": args.repeat}
    out["runner"] = type(runner).__name__
    for language in wanted:
        if not ToolCompiler(runner).available(language):
            out[language] = {"skipped": "no compiler here"}
            continue
        out[language] = measure(fixture["candidates"][language], language, args.repeat, runner)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
