"""Validation and repair on a mutation corpus of real code nobody here wrote; one JSON object.

Corpus: CPython's standard library (python: top-level functions and classes), the JavaScript
files of the npm package installed with node (javascript), the system's C headers (c).
Each snippet gets one mutation: delete/insert/swap a token, drop a bracket, a colon or a
semicolon, truncate at a random point, or indent a line wrongly. Ground truth is the
reference checker (CPython, node --check, gcc -fsyntax-only); undecided cases are skipped.

Figures per language: the tree-sitter tier alone against the reference (false-accept rate,
the key figure; false-reject rate; snippets/s; median ms per 100 lines), the combined tiers'
false rejects on unmutated snippets (must be 0), deterministic repair's fix rate on the
invalid single-mutation snippets and how many repairs dropped a name, and (with
``--model-budget`` > 0) the share fixed with the model on a random sample of the rest.

    python benchmarks/validation_mutations.py [--per-language 300] [--model-budget 0]
        [--model-count N] [--model-attempts K] [--model-max-lines L]
        [--languages python,javascript,c] [--model-languages python,javascript]
"""

from __future__ import annotations

import argparse
import ast
import json
import random
import re
import statistics
import sysconfig
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from codegen.repair.deterministic import DeterministicRepair
from codegen.validation import reference, treesitter
from codegen.validation.tiered import TieredValidator
from codegen.validation.toolrun import LOCAL

TOKEN = re.compile(r"[A-Za-z_]\w*|\d+|\S")
BRACKETS = set("()[]{}")
DROPPED_NAME = re.compile(r"dropped (?!\d)")
REPEATS = 3


def python_snippets(limit: int, rng: random.Random) -> list[str]:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    files = sorted(p for p in stdlib.glob("*.py"))
    rng.shuffle(files)
    out: list[str] = []
    for path in files:
        try:
            source = path.read_text(encoding="utf-8")
            tree = ast.parse(source)
        except (SyntaxError, UnicodeDecodeError, ValueError):
            continue
        taken = 0
        for node in tree.body:
            if isinstance(node, ast.FunctionDef | ast.ClassDef) and taken < 3:
                seg = ast.get_source_segment(source, node)
                if seg and 5 <= seg.count("\n") <= 150:
                    out.append(seg + "\n")
                    taken += 1
        if len(out) >= limit:
            break
    return out[:limit]


def js_snippets(limit: int, rng: random.Random) -> list[str]:
    roots = [Path("/usr/lib/node_modules/npm"), Path("/usr/share/nodejs")]
    files = sorted(p for root in roots if root.exists() for p in root.rglob("*.js"))
    rng.shuffle(files)
    out = []
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        if 5 <= text.count("\n") <= 300 and not text.startswith("#!"):
            out.append(text)
        if len(out) >= limit:
            break
    return out


def c_snippets(limit: int, rng: random.Random) -> list[str]:
    files = sorted(Path("/usr/include").glob("*.h"))
    rng.shuffle(files)
    out = []
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        if 5 <= text.count("\n") <= 400:
            out.append(text)
        if len(out) >= limit:
            break
    return out


def mutate(code: str, language: str, rng: random.Random) -> tuple[str, str]:
    """One random mutation of ``code``: (kind, mutated code)."""
    tokens = [(m.start(), m.end()) for m in TOKEN.finditer(code)]
    kinds = ["delete", "insert", "swap", "bracket", "punct", "truncate", "indent"]
    kind = rng.choice(kinds)
    if kind == "truncate" or len(tokens) < 3:
        return "truncate", code[: rng.randrange(1, max(len(code), 2))]
    if kind == "indent":
        lines = code.split("\n")
        idx = rng.randrange(len(lines))
        lines[idx] = " " * rng.choice((1, 2, 3, 5)) + lines[idx]
        return kind, "\n".join(lines)
    if kind in ("bracket", "punct"):
        wanted = BRACKETS if kind == "bracket" else ({":"} if language == "python" else {";"})
        spots = [t for t in tokens if code[t[0] : t[1]] in wanted]
        if spots:
            s, e = rng.choice(spots)
            return kind, code[:s] + code[e:]
        kind = "delete"
    i = rng.randrange(len(tokens) - 1)
    (s1, e1), (s2, e2) = tokens[i], tokens[i + 1]
    if kind == "delete":
        return kind, code[:s1] + code[e1:]
    if kind == "insert":
        s, e = rng.choice(tokens)
        return kind, code[:s1] + code[s:e] + " " + code[s1:]
    return "swap", code[:s1] + code[s2:e2] + code[e1:s2] + code[s1:e1] + code[e2:]


def reference_check(language: str) -> Callable[[str], str]:
    name = {"python": "cpython", "javascript": "node", "c": "gcc"}[language]
    checker = reference.checker(name)
    assert checker is not None

    def check(code: str) -> str:
        return checker.run(code, None, 20.0, LOCAL).status

    return check


def tree_sitter_timing(language: str, codes: list[str]) -> tuple[list[float], float]:
    """Per-snippet ms per 100 lines (median of REPEATS runs each) and snippets/s.

    Timed in a pass of its own: timing inside the main loop measured each parse right after a
    ``node --check`` process had run on the other core, which inflated javascript's figure.
    """
    per_100: list[float] = []
    total = 0.0
    for code in codes:
        runs = []
        for _ in range(REPEATS):
            started = time.perf_counter()
            treesitter.diagnostics(language, code)
            runs.append(time.perf_counter() - started)
        total += sum(runs)
        per_100.append(statistics.median(runs) * 1000 * 100 / max(code.count("\n"), 1))
    return per_100, round(len(codes) * REPEATS / max(total, 1e-9), 1)


def bench_language(language: str, snippets: list[str], rng: random.Random) -> dict[str, Any]:
    ref = reference_check(language)
    validator = TieredValidator(timeout=20.0)
    fixer = DeterministicRepair(validator)
    stats: dict[str, Any] = {"snippets": 0, "mutants": 0, "invalid_mutants": 0}
    timed: list[str] = []
    full_ms_per_100: list[float] = []
    false_accept = false_reject = ref_valid = combined_reject_orig = 0
    fixed = dropped_names = 0
    invalid_samples: list[str] = []
    for original in snippets:
        if ref(original) != "valid":
            continue  # only files the reference accepts enter the corpus
        stats["snippets"] += 1
        lines = max(original.count("\n"), 1)
        started = time.perf_counter()
        combined = validator.validate(original, language)
        full_ms_per_100.append((time.perf_counter() - started) * 1000 * 100 / lines)
        combined_reject_orig += not combined.valid
        kind, mutant = mutate(original, language, rng)
        truth = ref(mutant)
        if truth == "undecided" or not mutant.strip():
            continue
        stats["mutants"] += 1
        for code, verdict in ((original, "valid"), (mutant, truth)):
            timed.append(code)
            ts_valid = not treesitter.diagnostics(language, code)
            if verdict == "valid":
                ref_valid += 1
                false_reject += not ts_valid
            elif ts_valid:
                false_accept += 1
        if truth != "invalid":
            continue
        stats["invalid_mutants"] += 1
        outcome = fixer.run(mutant, language, truncated=kind == "truncate")
        if outcome.valid:
            fixed += 1
            dropped_names += any(DROPPED_NAME.search(s.note) for s in outcome.steps)
        else:
            invalid_samples.append(mutant)
    invalid = max(stats["invalid_mutants"], 1)
    ts_ms_per_100, ts_snippets_per_s = tree_sitter_timing(language, timed)
    stats.update(
        {
            "tree_sitter_false_accept_rate": round(false_accept / invalid, 4),
            "tree_sitter_false_reject_rate": round(false_reject / max(ref_valid, 1), 4),
            "tree_sitter_snippets_per_s": ts_snippets_per_s,
            "tree_sitter_median_ms_per_100_lines": round(statistics.median(ts_ms_per_100), 3),
            "full_check_median_ms_per_100_lines": round(statistics.median(full_ms_per_100), 3),
            "combined_false_rejects_on_unmutated": combined_reject_orig,
            "deterministic_fix_rate": round(fixed / invalid, 4),
            "deterministic_repairs_dropping_a_name": dropped_names,
        }
    )
    stats["_unfixed"] = invalid_samples
    return stats


def model_fix_rate(
    language: str, unfixed: list[str], args: argparse.Namespace, rng: random.Random
) -> dict[str, Any]:
    """Share of the deterministic repair's failures the model fixes: a random sample of them
    (at most ``--model-max-lines`` lines, at most ``--model-count``), within a time budget."""
    from codegen.backends.factory import POOL
    from codegen.config import Settings
    from codegen.repair.guided import GuidedOptions
    from codegen.repair.pipeline import PipelineRepairer

    settings = Settings(model=args.model)
    validator = TieredValidator(timeout=20.0)
    repairer = PipelineRepairer(validator, lambda s: POOL.get(args.model, settings), rounds=2)
    tried = fixed = 0
    deadline = time.monotonic() + args.model_budget
    short = [c for c in unfixed if c.count("\n") <= args.model_max_lines]
    sample = rng.sample(short, min(len(short), args.model_count))
    started = time.perf_counter()
    for code in sample:
        if time.monotonic() > deadline:
            break
        tokens = max(128, min(1024, len(code) // 2))
        options = GuidedOptions(2, tokens, attempts=args.model_attempts)
        report = repairer.repair_code(code, language, options=options)
        tried += 1
        fixed += report.outcome.valid
    return {
        "model": args.model,
        "model_attempts_per_round": args.model_attempts,
        "model_subset": f"random unfixed snippets of at most {args.model_max_lines} lines "
        f"({len(short)} of {len(unfixed)} unfixed)",
        "model_tried": tried,
        "model_fixed": fixed,
        "model_s_per_snippet": round((time.perf_counter() - started) / max(tried, 1), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--per-language", type=int, default=300)
    parser.add_argument("--model-budget", type=float, default=0.0, help="seconds per language")
    parser.add_argument("--model", default="embedded-small")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--model-max-lines", type=int, default=60)
    parser.add_argument("--model-count", type=int, default=1000, help="snippets per language")
    parser.add_argument("--model-attempts", type=int, default=4, help="attempts per round")
    parser.add_argument("--languages", default="python,javascript,c")
    parser.add_argument(
        "--model-languages", default="python,javascript", help="languages given --model-budget"
    )
    args = parser.parse_args()
    rng = random.Random(args.seed)
    sources = {"python": python_snippets, "javascript": js_snippets, "c": c_snippets}
    report: dict[str, Any] = {"seed": args.seed, "languages": {}}
    for language, source in sources.items():
        if language not in args.languages.split(","):
            continue
        if language != "python" and not reference.CHECKERS[
            {"javascript": "node", "c": "gcc"}[language]
        ].available(LOCAL):
            continue
        started = time.perf_counter()
        stats = bench_language(language, source(args.per_language, rng), rng)
        unfixed = stats.pop("_unfixed")
        if args.model_budget > 0 and language in args.model_languages.split(","):
            model = model_fix_rate(language, unfixed, args, random.Random(args.seed))
            stats.update(model)
            total = max(stats["invalid_mutants"], 1)
            det = stats["deterministic_fix_rate"] * total
            if model["model_tried"] == len(unfixed) and model["model_tried"]:
                stats["with_model_fix_rate"] = round((det + model["model_fixed"]) / total, 4)
            elif model["model_tried"]:
                # A sample: extrapolate the model's rate on it to all unfixed snippets.
                share = model["model_fixed"] / model["model_tried"]
                estimate = (det + share * len(unfixed)) / total
                stats["with_model_fix_rate_estimated"] = round(estimate, 4)
                # Counting every snippet the model did not try as not fixed.
                lower = (det + model["model_fixed"]) / total
                stats["with_model_fix_rate_lower_bound"] = round(lower, 4)
        stats["wall_s"] = round(time.perf_counter() - started, 1)
        report["languages"][language] = stats
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
