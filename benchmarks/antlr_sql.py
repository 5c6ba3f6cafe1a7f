"""How far the ANTLR sql tier agrees with SQLite's own parser, and how fast it is.

Corpus: grammars/testdata/corpus.sql (statements written for codegen) plus single-token
mutations of each statement (delete, duplicate, swap with the next, replace with a keyword or
punctuation), seeded. Ground truth: SQLite's parser (codegen.validation.antlr_ref.sqlite_check).

Prints one JSON object: agreement, false_accept_rate (ANTLR accepts, SQLite rejects),
false_reject_rate (ANTLR rejects, SQLite accepts), statements_per_s, ms_per_50_lines.

    python benchmarks/antlr_sql.py [--mutations-per-statement N] [--seed S]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path

from codegen.validation import antlr
from codegen.validation.antlr_ref import split_sql, sqlite_check

CORPUS = Path(__file__).resolve().parent.parent / "grammars" / "testdata" / "corpus.sql"
TOKEN = re.compile(
    r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|\[[^\]]*\]|`[^`]*`|--[^\n]*|\s+"
    r"|[A-Za-z_][A-Za-z_0-9$]*|\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|\.\d+|->>|->|\|\||<<|>>|<=|>=|==|!=|<>|."
)
REPLACEMENTS = [
    "SELECT",
    "FROM",
    "WHERE",
    "AND",
    "OR",
    "NOT",
    "JOIN",
    "ON",
    "BY",
    "GROUP",
    "ORDER",
    "(",
    ")",
    ",",
    ";",
    "=",
    "+",
    "*",
    ".",
    "AS",
    "NULL",
    "IN",
    "VALUES",
    "SET",
    "TABLE",
    "INTO",
    "CASE",
    "END",
    "WHEN",
    "THEN",
    "LIMIT",
    "1",
    "'x'",
    "x",
]


def statements() -> list[str]:
    code = CORPUS.read_text(encoding="utf-8")
    return [text.strip() for _line, text in split_sql(code) if _significant(text)]


def _significant(text: str) -> bool:
    return any(not part.isspace() and not part.startswith("--") for part in TOKEN.findall(text))


def mutate(statement: str, rng: random.Random) -> str:
    parts = TOKEN.findall(statement)
    idx = [i for i, p in enumerate(parts) if not p.isspace() and not p.startswith("--")]
    i = rng.choice(idx)
    kind = rng.randrange(4)
    if kind == 0:
        parts[i] = ""
    elif kind == 1:
        parts[i] = parts[i] + " " + parts[i]
    elif kind == 2 and idx.index(i) + 1 < len(idx):
        j = idx[idx.index(i) + 1]
        parts[i], parts[j] = parts[j], parts[i]
    else:
        parts[i] = rng.choice(REPLACEMENTS)
    return "".join(parts)


def agreement(cases: list[str]) -> dict[str, float | int]:
    fa = fr = agree = truly_bad = truly_good = both_bad = same_spot = 0
    for case in cases:
        found = antlr.validate(case, "sql")
        ref_found = sqlite_check(case) or []
        ours, ref = not found, not ref_found
        if found and ref_found:
            both_bad += 1
            same_spot += (found[0].line, found[0].column) == (
                ref_found[0].line,
                ref_found[0].column,
            )
        agree += ours == ref
        truly_bad += not ref
        truly_good += ref
        fa += ours and not ref
        fr += ref and not ours
    return {
        "cases": len(cases),
        "sqlite_valid": truly_good,
        "sqlite_invalid": truly_bad,
        "agreement": round(agree / len(cases), 4),
        "false_accept_rate": round(fa / max(truly_bad, 1), 4),
        "false_reject_rate": round(fr / max(truly_good, 1), 4),
        "false_accepts": fa,
        "false_rejects": fr,
        "same_error_position_rate": round(same_spot / max(both_bad, 1), 4),
    }


def scripts_of(stmts: list[str], lines: int = 50) -> list[str]:
    """Scripts of whole statements, each about ``lines`` lines long."""
    out: list[str] = []
    current: list[str] = []
    for stmt in stmts:
        current.append(stmt if stmt.endswith(";") else stmt + ";")
        if sum(part.count("\n") + 1 for part in current) >= lines:
            out.append("\n".join(current))
            current = []
    return out


def _timed(code: str, repeats: int) -> tuple[float, float]:
    """Best-of-``repeats`` wall and CPU milliseconds for one validation (the machine is shared)."""
    wall = cpu = float("inf")
    for _ in range(repeats):
        w0, c0 = time.perf_counter(), time.process_time()
        antlr.validate(code, "sql")
        wall = min(wall, (time.perf_counter() - w0) * 1000)
        cpu = min(cpu, (time.process_time() - c0) * 1000)
    return wall, cpu


def speed(stmts: list[str], rng: random.Random, repeats: int = 5) -> dict[str, float]:
    scripts: list[str] = []
    for _ in range(4):  # the corpus in four seeded orders, cut into ~50-line scripts
        scripts += scripts_of(rng.sample(stmts, len(stmts)))
    antlr.validate("\n".join(scripts), "sql")  # warm the caches, as a long-running process has
    started = time.perf_counter()
    for stmt in stmts:
        antlr.validate(stmt, "sql")
    per_stmt = time.perf_counter() - started
    wall, cpu = [], []
    for script in scripts:
        scale = 50 / (script.count("\n") + 1)
        w, c = _timed(script, repeats)
        wall.append(w * scale)
        cpu.append(c * scale)
    return {
        "statements_per_s": round(len(stmts) / per_stmt, 1),
        "scripts_of_50_lines": len(scripts),
        "ms_per_50_lines_median": round(statistics.median(wall), 2),
        "ms_per_50_lines_max": round(max(wall), 2),
        "cpu_ms_per_50_lines_median": round(statistics.median(cpu), 2),
        "cpu_ms_per_50_lines_max": round(max(cpu), 2),
        "load_average_1m": round(os.getloadavg()[0], 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mutations-per-statement", type=int, default=10)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    stmts = statements()
    first = time.perf_counter()
    antlr.validate(stmts[0], "sql")
    cold_ms = (time.perf_counter() - first) * 1000
    mutants = [mutate(s, rng) for s in stmts for _ in range(args.mutations_per_statement)]
    report: dict[str, object] = {"benchmark": "antlr_sql", "statements": len(stmts)}
    report["original"] = agreement(stmts)
    report["mutated"] = agreement(mutants)
    report["all"] = agreement(stmts + mutants)
    report["first_parse_ms"] = round(cold_ms, 1)
    report.update(speed(stmts, rng))
    sys.stdout.write(json.dumps(report) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
