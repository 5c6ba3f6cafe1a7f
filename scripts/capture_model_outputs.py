"""Capture raw answers of the small embedded model for the extraction tests.

Asks with the plain prompt of the baseline measurements in benchmarks/RESULTS.md (no system
prompt, no few-shot, no early stop) on problems written here, samples at temperature 0.8, and
writes tests/unit/data/model_outputs.json: [{language, prompt, text, finish_reason}, ...].
"""

from __future__ import annotations

import json
from pathlib import Path

from codegen.backends.factory import POOL
from codegen.config import Settings
from codegen.types import Message, SamplingParams

PROBLEMS = [
    ("python", "Count how many words in a sentence start with a capital letter."),
    ("python", "Merge two sorted lists of integers into one sorted list."),
    ("python", "Convert a Roman numeral string to an integer."),
    ("python", "Return the run-length encoding of a string, like 'aaab' -> 'a3b1'."),
    ("javascript", "Group an array of objects by the value of a given key."),
    ("javascript", "Debounce a function so it runs only after calls stop for N ms."),
]
TEMPLATE = (
    "Please provide a self-contained {lang} script that solves the following problem "
    "in a markdown code block:\n```\n{problem}\n```"
)


def main() -> None:
    backend = POOL.get("embedded-small", Settings(model="embedded-small"))
    out = []
    for i, (lang, problem) in enumerate(PROBLEMS):
        display = "Python" if lang == "python" else "JavaScript"
        prompt = TEMPLATE.format(lang=display, problem=problem)
        params = SamplingParams(temperature=0.8, top_p=0.95, max_tokens=320, seed=100 + i)
        for comp in backend.generate([Message("user", prompt)], params, 5):
            out.append(
                {
                    "language": lang,
                    "prompt": problem,
                    "text": comp.text,
                    "finish_reason": comp.finish_reason,
                }
            )
    path = Path(__file__).resolve().parents[1] / "tests/unit/data/model_outputs.json"
    path.write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {len(out)} answers to {path}")


if __name__ == "__main__":
    main()
