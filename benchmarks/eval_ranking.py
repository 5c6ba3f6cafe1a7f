"""Ranking quality on hand-written tasks (never HumanEval) and the sandbox's cost per run.

Each task has candidates of which some are wrong; the wrong ones get the higher
log-probabilities, as a fluent but wrong sample would. Prints ONE JSON object: the share of
tasks whose top-ranked candidate is correct for the log-probability ranker, the evidence ranker
without execution and with execution, and the median wall time of one isolated Python run.
"""

from __future__ import annotations

import json
import statistics
import time

from codegen.execution.runners import run_source
from codegen.execution.sandbox import Sandbox
from codegen.ranking.base import LogprobRanker
from codegen.ranking.scorer import EvidenceRanker
from codegen.types import Candidate, GenerationRequest

# (description with examples, [(code, correct)]) - written for this benchmark.
TASKS: list[tuple[str, list[tuple[str, bool]]]] = [
    (
        "Return the largest element of a non-empty list.\n>>> largest([3, 9, 2])\n9",
        [
            ("def largest(xs):\n    return sorted(xs)[0]\n", False),
            ("def largest(xs):\n    return max(xs)\n", True),
            (
                "def largest(items):\n    best = items[0]\n    for x in items:\n"
                "        if x > best:\n            best = x\n    return best\n",
                True,
            ),
        ],
    ),
    (
        "Count the vowels in a string.\ncount_vowels('banana') -> 3\ncount_vowels('xyz') -> 0",
        [
            ("def count_vowels(s):\n    return sum(c in 'aeiou' for c in s.lower())\n", True),
            ("def count_vowels(s):\n    return len([c for c in s if c in 'aeiouy'])\n", False),
            (
                "def count_vowels(text):\n    return sum(1 for ch in text.lower() if ch in 'aeiou')"
                "\n",
                True,
            ),
        ],
    ),
    (
        "Reverse the words of a sentence.\nInput: s = 'ab cd'\nOutput: 'cd ab'",
        [
            ("def reverse_words(s):\n    return s[::-1]\n", False),
            ("def reverse_words(s):\n    return ' '.join(reversed(s.split()))\n", True),
            ("def reverse_words(s):\n    return ' '.join(s.split()[::-1])\n", True),
        ],
    ),
    (
        "Return True when n is prime.\n>>> is_prime(7)\nTrue\n>>> is_prime(9)\nFalse\n"
        ">>> is_prime(1)\nFalse",
        [
            ("def is_prime(n):\n    return all(n % d for d in range(2, n))\n", False),
            (
                "def is_prime(n):\n    if n < 2:\n        return False\n"
                "    return all(n % d for d in range(2, int(n ** 0.5) + 1))\n",
                True,
            ),
            ("def is_prime(n):\n    return n > 1 and all(n % k != 0 for k in range(2, n))\n", True),
        ],
    ),
    (
        "Sum of the digits of a non-negative integer.\ndigit_sum(123) -> 6\ndigit_sum(0) -> 0",
        [
            ("def digit_sum(n):\n    return sum(int(c) for c in str(n))\n", True),
            (
                "def digit_sum(n):\n    total = 0\n    while n > 10:\n        total += n % 10\n"
                "        n //= 10\n    return total\n",
                False,
            ),
            ("def digit_sum(num):\n    return sum(map(int, str(num)))\n", True),
        ],
    ),
]


def candidates(task: list[tuple[str, bool]]) -> list[Candidate]:
    out = []
    for k, (code, correct) in enumerate(task, 1):
        out.append(
            Candidate(
                id=f"python-{k}",
                language="python",
                code=code,
                raw_text=code,
                finish_reason="stop",
                prompt_tokens=10,
                completion_tokens=30,
                mean_logprob=-0.1 if not correct else -0.6 - 0.1 * k,
                valid=True,
            )
        )
    return out


def top1(ranker: object, exec_: bool) -> float:
    hits = 0
    for description, task in TASKS:
        ranked = ranker.rank(candidates(task), GenerationRequest(description, exec=exec_))  # type: ignore[attr-defined]
        correct = {f"python-{k}" for k, (_, ok) in enumerate(task, 1) if ok}
        hits += ranked[0].id in correct
    return round(100 * hits / len(TASKS), 1)


def main() -> None:
    sandbox = Sandbox()
    times = []
    for _ in range(5):
        started = time.perf_counter()
        run_source(sandbox, "python", "print(1)")
        times.append((time.perf_counter() - started) * 1000)
    print(
        json.dumps(
            {
                "tasks": len(TASKS),
                "top1_correct_logprob_pct": top1(LogprobRanker(), False),
                "top1_correct_evidence_no_exec_pct": top1(EvidenceRanker(), False),
                "top1_correct_evidence_exec_pct": top1(EvidenceRanker(), True),
                "sandbox_python_run_median_ms": round(statistics.median(times), 1),
            }
        )
    )


if __name__ == "__main__":
    main()
