"""Start-up figures: `codegen --help` wall time, and cold/warm time to the first candidate.

Cold = a new `codegen gen` process (imports, model load, prompt, generation). Warm = a second
request in the same process with the model loaded. Prints one JSON object.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time

from codegen.assistant import Assistant
from codegen.config import Settings
from codegen.events import CandidateGenerated
from codegen.requests import build_request

MODEL = sys.argv[1] if len(sys.argv) > 1 else "embedded-small"
GEN = ["gen", "Return the n-th Fibonacci number", "-n", "1", "--max-tokens", "128", "--seed", "1"]


def help_time(runs: int = 7) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "codegen", "--help"], capture_output=True, check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def cold_first_candidate() -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "codegen", *GEN, "--model", MODEL], capture_output=True, check=False
    )
    return time.perf_counter() - started


def warm_first_candidate() -> tuple[float, float]:
    settings = Settings(model=MODEL)
    assistant = Assistant(settings, interface="library")
    request = build_request({"description": GEN[1], "n": 1, "max_tokens": 128, "seed": 1}, settings)
    firsts = []
    for _ in range(2):
        started = time.perf_counter()
        for event in assistant.stream(request):
            if isinstance(event, CandidateGenerated):
                firsts.append(time.perf_counter() - started)
                break
    return firsts[0], firsts[1]


def main() -> None:
    in_process_cold, warm = warm_first_candidate()
    print(
        json.dumps(
            {
                "model": MODEL,
                "help_median_s": round(help_time(), 3),
                "cold_process_first_candidate_s": round(cold_first_candidate(), 2),
                "in_process_first_request_s": round(in_process_cold, 2),
                "warm_first_candidate_s": round(warm, 2),
            }
        )
    )


if __name__ == "__main__":
    main()
