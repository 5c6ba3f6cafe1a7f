"""Per-run start-up overhead of the execution sandbox, before and after the hardening (issue 28).

"before" is the namespace-only sandbox (unshare + sh + setpriv, per-process rlimits), loaded
from git at ``--baseline`` (default d0ed7ba, the last commit that had it); "after" is this
checkout's (bubblewrap, a cgroup per run, a uid per run, a tmpfs work dir, seccomp). Both run
the same programs in the same process, interleaved: ``/bin/true`` (the overhead itself: the
program takes about a millisecond) and a Python ``print`` (a typical ranking run), plus a C
program built and run (the compiler now inside the same sandbox). Target: at most 50 ms added
per run. Prints one JSON object; the machine may be shared, so compare medians.

    python benchmarks/sandbox.py [--runs 40] [--baseline REV]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from codegen.execution import runners
from codegen.execution import sandbox as after

REPO = Path(__file__).resolve().parent.parent
PROGRAMS: dict[str, tuple[list[str], dict[str, str]]] = {
    "true": (["/bin/true"], {}),
    "python_print": (["/usr/bin/python3", "-I", "main.py"], {"main.py": "print(6 * 7)\n"}),
}


def baseline(rev: str) -> ModuleType:
    """The sandbox module as it was at ``rev`` (imports only codegen.errors)."""
    source = subprocess.run(
        ["git", "-C", str(REPO), "show", f"{rev}:codegen/execution/sandbox.py"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    path = Path(tempfile.mkdtemp(prefix="codegen-bench-")) / "sandbox_before.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("sandbox_before", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["sandbox_before"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def _time(module: ModuleType, argv: list[str], files: dict[str, str]) -> float:
    box = module.Sandbox(module.Limits(wall_s=30.0))
    started = time.perf_counter()
    result = box.run(argv, files)
    elapsed = (time.perf_counter() - started) * 1000
    if not result.ok:
        raise SystemExit(f"{module.__name__}: {argv}: {result.reason}")
    return elapsed


def _c_build(module: ModuleType) -> float:
    prog = runners.program("c", '#include <stdio.h>\nint main(void) { puts("hi"); }\n')
    box = module.Sandbox(module.Limits(wall_s=30.0))
    started = time.perf_counter()
    result = box.run(prog.argv, prog.files, prepare=prog.prepare)
    if not result.ok:
        raise SystemExit(f"{module.__name__}: C build: {result.reason}")
    return (time.perf_counter() - started) * 1000


def _figures(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"median_ms": round(statistics.median(ordered), 1), "p95_ms": round(p95, 1)}


def _timer(argv: list[str], files: dict[str, str]) -> Callable[[ModuleType], float]:
    return lambda module: _time(module, argv, files)


def measure(runs: int, before: ModuleType) -> dict[str, Any]:
    out: dict[str, Any] = {}
    jobs = {name: _timer(argv, files) for name, (argv, files) in PROGRAMS.items()}
    if runners.supported("c"):
        jobs["c_build_and_run"] = _c_build
    for name, job in jobs.items():
        count = runs if name != "c_build_and_run" else max(5, runs // 4)
        samples: dict[str, list[float]] = {"before": [], "after": []}
        for module in (before, after):  # warm-up: isolation probes, caches
            job(module)
        for _ in range(count):
            samples["before"].append(job(before))
            samples["after"].append(job(after))
        both = {key: _figures(values) for key, values in samples.items()}
        out[name] = {
            **both,
            "added_median_ms": round(both["after"]["median_ms"] - both["before"]["median_ms"], 1),
            "added_p95_ms": round(both["after"]["p95_ms"] - both["before"]["p95_ms"], 1),
            "runs": count,
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--baseline", default="d0ed7ba")
    args = parser.parse_args()
    problem = after.isolation_problem()
    if problem:
        raise SystemExit(f"sandbox unavailable: {problem}")
    before = baseline(args.baseline)
    figures = measure(args.runs, before)
    overhead = figures["true"]
    print(
        json.dumps(
            {
                "baseline": args.baseline,
                "startup_overhead": overhead,
                "target_added_ms": 50,
                "meets_target": overhead["added_median_ms"] <= 50,
                "programs": figures,
                "python": sys.version.split()[0],
            }
        )
    )


if __name__ == "__main__":
    main()
