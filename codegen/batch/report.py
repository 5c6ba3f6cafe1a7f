"""The batch report: ``report.json``, the summary rows, JUnit XML, and the exit code.

Per task, ``result`` is ``Result.to_dict()`` (valid against ``schemas/result.schema.json``);
beside it the task's status, files written, test outcomes and timings.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from codegen.batch.runner import BatchRun
from codegen.errors import EXIT_NEGATIVE, EXIT_OK, EXIT_TOOL
from codegen.fsutil import atomic_write_text
from codegen.languages import spec_name

REPORT = "report.json"
REPORT_VERSION = 1


def summary(run: BatchRun) -> dict[str, Any]:
    counts = {"ok": 0, "failed": 0, "error": 0}
    for record in run.records:
        counts[record["status"]] = counts.get(record["status"], 0) + 1
    minutes = run.wall_ms / 60000
    return {
        "total": len(run.records),
        **counts,
        "resumed": run.resumed,
        "ran": run.ran,
        "wall_ms": run.wall_ms,
        "tasks_per_min": round(run.ran / minutes, 2) if minutes > 0 and run.ran else None,
    }


def build(run: BatchRun, specs: Sequence[str], out: Path, jobs: int) -> dict[str, Any]:
    return {
        "schema_version": REPORT_VERSION,
        "run_id": run.run_id,
        "created": run.started,
        "specs": list(specs),
        "out": str(out),
        "jobs": jobs,
        "summary": summary(run),
        "tasks": run.records,
    }


def write(report: dict[str, Any], out: Path) -> Path:
    path = out / REPORT
    atomic_write_text(path, json.dumps(report, indent=1, ensure_ascii=False) + "\n")
    return path


def exit_code(run: BatchRun) -> int:
    """0 when every task is ok; 3 when the tool failed on some task; else 1."""
    if any(r["status"] == "error" and r.get("exit_code") == EXIT_TOOL for r in run.records):
        return EXIT_TOOL
    if all(r["status"] == "ok" for r in run.records):
        return EXIT_OK
    return EXIT_NEGATIVE


def rows(run: BatchRun) -> list[tuple[str, str, str, str, str]]:
    """(id, status, best candidate per language, tests, seconds) for the summary table."""
    out = []
    for record in run.records:
        status = record["status"] + (" (resumed)" if record.get("resumed") else "")
        out.append((record["id"], status, _best(record), _tests(record), _seconds(record)))
    return out


def _best(record: dict[str, Any]) -> str:
    if record.get("error"):
        return str(record["error"])[:80]
    result = record.get("result") or {}
    parts = []
    for spec in result.get("request", {}).get("languages", []):
        name = spec_name(spec)
        cands = [c for c in result.get("candidates", []) if c["language"] == name]
        best = next((c for c in cands if c.get("rank") == 1), None)
        valid = sum(1 for c in cands if c.get("valid"))
        counts = f"{valid}/{len(cands)} valid"
        if any(c.get("valid") and c.get("compiles") is not None for c in cands):
            counts += f", {sum(1 for c in cands if c.get('compiles'))} compile"
        parts.append(f"{name} {best['id'] if best else 'none'} ({counts})")
    return ", ".join(parts)


def _tests(record: dict[str, Any]) -> str:
    tests = record.get("tests") or {}
    if not tests:
        return "-"
    return ", ".join(f"{lang} {outcome.get('status')}" for lang, outcome in tests.items())


def _seconds(record: dict[str, Any]) -> str:
    total = (record.get("timings") or {}).get("total_ms")
    return f"{total / 1000:.1f}" if isinstance(total, (int, float)) else "-"


def junit(run: BatchRun, name: str = "codegen batch") -> str:
    """JUnit XML: one testcase per task; failed -> <failure>, error -> <error>."""
    stats = summary(run)
    suite = ET.Element(
        "testsuite",
        name=name,
        tests=str(stats["total"]),
        failures=str(stats["failed"]),
        errors=str(stats["error"]),
        skipped="0",
        time=f"{run.wall_ms / 1000:.3f}",
        timestamp=run.started,
    )
    for record in run.records:
        case = ET.SubElement(
            suite,
            "testcase",
            classname=_classname(record.get("spec", "")),
            name=record["id"],
            time=f"{((record.get('timings') or {}).get('total_ms') or 0) / 1000:.3f}",
        )
        if record["status"] == "failed":
            failure = ET.SubElement(case, "failure", message=_failure_message(record))
            failure.text = _failure_text(record)
        elif record["status"] == "error":
            error = ET.SubElement(case, "error", message=str(record.get("error")))
            error.text = str(record.get("error"))
    root = ET.Element("testsuites")
    root.append(suite)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _classname(where: str) -> str:
    return Path(where.split(":")[0]).stem or "batch"


def _failure_message(record: dict[str, Any]) -> str:
    failed = [lang for lang, o in (record.get("tests") or {}).items() if o["status"] == "failed"]
    if failed:
        return f"tests failed: {', '.join(failed)}"
    return "no valid candidate for some language"


def _failure_text(record: dict[str, Any]) -> str:
    lines = [_best(record)]
    for lang, outcome in (record.get("tests") or {}).items():
        if outcome.get("status") == "failed":
            lines.append(f"{lang}: {outcome.get('reason')}\n{outcome.get('output', '')}")
    return "\n".join(lines)
