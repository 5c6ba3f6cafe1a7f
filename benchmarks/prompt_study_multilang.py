"""The generation prompt per language, by measurement (issue 24): greedy answers to the
multilang problems (``multilang_problems/``) under several prompt configurations, scored on
the hidden tests.

Why: on the stored multilang runs the pipeline's greedy candidate passed less often than the
bare model's greedy answer to a plain prompt in C and Rust (and not in Python, JavaScript or
Java). Every configuration here is greedy and one answer per problem, so only the prompt
differs:

- ``plain``: ``multilang.py``'s raw prompt (one user message: language, description,
  signature; no system prompt, no examples);
- ``fK``: the prompt ``codegen`` builds with ``few_shot`` K and the K closest examples;
- ``sK``: the same with the bank's first K examples (the default, ``examples = "stable"``).

Per language and configuration: ``greedy_pass_pct``, ``compiles_pct`` (the harness's own
compiler verdict), ``completion_tokens_mean``. Resumable (``--out``: one line per problem,
language and configuration). Prints one JSON object.

    python benchmarks/prompt_study_multilang.py [--model embedded] [--languages c,rust]
        [--configs plain,f0,s2] [--problems K] [--out FILE.jsonl]
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

from multilang import greedy_code, raw_prompt
from multilang_harness import LIMITS, Item, run_tests
from multilang_tasks import Problem, choose, choose_languages, load

from codegen import config, languages
from codegen.backends.base import Backend
from codegen.backends.factory import loader_for
from codegen.evaluation.humaneval import read_records
from codegen.execution.sandbox import Sandbox
from codegen.prompting.builder import PromptBuilder
from codegen.types import GenerationRequest, Message


def messages_for(
    name: str, problem: Problem, language: str, backend: Backend, settings: config.Settings
) -> Sequence[Message]:
    """The prompt configuration ``name`` for one problem and language."""
    if name == "plain":
        return [Message("user", raw_prompt(problem, language))]
    if name[:1] not in ("f", "s") or not name[1:].isdigit():
        raise SystemExit(f"--configs: {name!r} is neither plain, fK nor sK")
    choice = "relevant" if name[0] == "f" else "stable"
    request = GenerationRequest(
        description=problem.description,
        languages=(languages.LanguageSpec(language),),
        n=1,
        max_tokens=settings.max_tokens,
        signature={language: problem.signatures[language]},
    )
    return PromptBuilder(backend, int(name[1:]), choice).build(request, language).messages


def one(
    backend: Backend,
    settings: config.Settings,
    sandbox: Sandbox,
    key: tuple[str, Problem, str],
) -> dict[str, Any]:
    name, problem, language = key
    prompt = messages_for(name, problem, language, backend, settings)
    completion, code = greedy_code(backend, prompt, language, settings.max_tokens, True)
    verdict = run_tests(sandbox, language, [Item(problem.id, code, problem.tests[language])])[0]
    return {
        "config": name,
        "problem": problem.id,
        "language": language,
        "passed": verdict.passed,
        "compiles": verdict.compiles,
        "reason": verdict.reason[:300],
        "prompt_tokens": completion.prompt_tokens,
        "completion_tokens": completion.completion_tokens,
        "code": code,
    }


def summary(rows: Sequence[Mapping[str, Any]]) -> dict[str, float]:
    def pct(values: Sequence[bool]) -> float:
        return round(100 * sum(values) / len(values), 1) if values else 0.0

    return {
        "problems": len(rows),
        "greedy_pass_pct": pct([r["passed"] for r in rows]),
        "compiles_pct": pct([r["compiles"] is True for r in rows]),
        "completion_tokens_mean": round(statistics.mean(r["completion_tokens"] for r in rows), 1)
        if rows
        else 0.0,
    }


def _rows(
    done: Mapping[tuple[str, str, str], Any], name: str, problems: Sequence[Problem], lang: str
) -> list[Any]:
    return [done[(name, p.id, lang)] for p in problems if (name, p.id, lang) in done]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--model", default="embedded")
    parser.add_argument("--languages", default="c,rust")
    parser.add_argument("--configs", default="plain,f0,s2")
    parser.add_argument("--problems", help="a count (the first K) or ids, comma separated")
    parser.add_argument("--out", default="benchmarks/results/prompt-study-multilang.jsonl")
    args = parser.parse_args(argv)
    settings = config.load({"model": args.model})
    sandbox = Sandbox(LIMITS)
    sandbox.check()
    problems = choose(load(), args.problems)
    langs = choose_languages(args.languages)
    out = Path(args.out)
    done = {(r["config"], r["problem"], r["language"]): r for r in read_records(out)}
    backend = loader_for(args.model)(args.model, settings, None)
    configs = args.configs.split(",")
    for name in configs:
        for language in langs:
            for problem in problems:
                if (name, problem.id, language) in done:
                    continue
                row = one(backend, settings, sandbox, (name, problem, language))
                done[(name, problem.id, language)] = row
                with out.open("a", encoding="utf-8") as fh:
                    fh.write(json.dumps(row) + "\n")
                print(f"{name} {language} {problem.id}: {row['passed']}", file=sys.stderr)
    figures = {
        lang: {name: summary(_rows(done, name, problems, lang)) for name in configs}
        for lang in langs
    }
    print(json.dumps({"model": args.model, "languages": figures}))


if __name__ == "__main__":
    main()
