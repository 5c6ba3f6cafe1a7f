"""False positives of the code-safety rules on real code: the CPython standard library.

The standard library is not hostile code, so every finding is counted as a false positive
(a few are true constructs used on purpose, e.g. TLS verification switched off in ssl's
own helpers; the sample lists them). Prints one JSON object.
Usage: python benchmarks/safety_false_positives.py [DIR]  (default: this Python's stdlib, *.py)
"""

from __future__ import annotations

import collections
import json
import sys
import sysconfig
import time
from pathlib import Path

from codegen.safety import CODE_RULES, find


def main() -> None:
    root = Path(sys.argv[1] if len(sys.argv) > 1 else sysconfig.get_paths()["stdlib"])
    files = sorted(root.glob("*.py"))
    per_rule: collections.Counter[str] = collections.Counter()
    flagged_files: collections.Counter[str] = collections.Counter()
    samples: dict[str, list[str]] = collections.defaultdict(list)
    lines = 0
    started = time.perf_counter()
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        lines += text.count("\n") + 1
        seen = set()
        for match in find(text, CODE_RULES):
            per_rule[match.rule.name] += 1
            seen.add(match.rule.name)
            if len(samples[match.rule.name]) < 5:
                line = text.splitlines()[match.line - 1].strip()
                samples[match.rule.name].append(f"{path.name}:{match.line}: {line[:100]}")
        for rule in seen:
            flagged_files[rule] += 1
    took = time.perf_counter() - started
    total = sum(per_rule.values())
    print(
        json.dumps(
            {
                "corpus": str(root),
                "files": len(files),
                "lines": lines,
                "findings": total,
                "findings_per_1000_lines": round(1000 * total / max(lines, 1), 3),
                "files_with_findings": len({f for f in flagged_files}),
                "per_rule": {r.name: per_rule.get(r.name, 0) for r in CODE_RULES},
                "files_per_rule": dict(flagged_files),
                "scan_ms_per_1000_lines": round(1000 * took * 1000 / max(lines, 1), 3),
                "samples": samples,
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
