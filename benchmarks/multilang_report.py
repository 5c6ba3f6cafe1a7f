"""The figures of the multi-language benchmark, from its records (one per problem, language and
mode; see ``multilang.py``). Pure functions: no model, no sandbox."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

GAIN_LANGUAGES = ("java", "c", "rust")  # the issue wants pipeline >= raw + 10 points for these
GAIN_POINTS = 10.0
PYTHON_GAP_POINTS = 10.0
COMPILE_TIER_MS = 1500.0


def _share(count: int, total: int) -> float | None:
    return round(100.0 * count / total, 1) if total else None


def _median(values: Sequence[float]) -> float | None:
    return round(statistics.median(values), 2) if values else None


def language_figures(
    records: Iterable[Mapping[str, Any]], examples: Mapping[str, bool]
) -> dict[str, Any]:
    """The figures of one language's records. ``examples``: problem id -> whether its
    description shows examples."""
    rows = list(records)
    raw = [r for r in rows if r["mode"] == "raw" and "error" not in r]
    pipe = [r for r in rows if r["mode"] == "pipeline" and "error" not in r]
    cands = [c for r in pipe for c in r["candidates"]]
    raw_pass = _share(sum(r["passed"] for r in raw), len(raw))
    pipe_pass = _share(sum(r["passed"] for r in pipe), len(pipe))
    compile_ms = [r["compile_ms"] for r in pipe if r.get("compile_ms") is not None]
    figures: dict[str, Any] = {
        "raw_problems": len(raw),
        "pipeline_problems": len(pipe),
        "raw_top1_pass": raw_pass,
        "pipeline_top1_pass": pipe_pass,
        "gain_points": None
        if raw_pass is None or pipe_pass is None
        else round(pipe_pass - raw_pass, 1),
        "share_compiling": _share(sum(c["compiles"] is True for c in cands), len(cands)),
        "share_valid": _share(sum(bool(c["valid"]) for c in cands), len(cands)),
        "top1_share_compiling": _share(sum(r["top_compiles"] is True for r in pipe), len(pipe)),
        "raw_share_compiling": _share(sum(r["compiles"] is True for r in raw), len(raw)),
        "raw_share_valid": _share(sum(bool(r["valid"]) for r in raw), len(raw)),
        "any_candidate_passes": _share(sum(r["any_passed"] for r in pipe), len(pipe)),
        "median_latency_s": _median([r["latency_s"] for r in pipe]),
        "raw_median_latency_s": _median([r["latency_s"] for r in raw]),
        "compile_tier_median_ms": _median(compile_ms),
        "compile_violations": sum(r["violation"] for r in pipe),
        "reported_compile_violations": sum(bool(r.get("reported_violation")) for r in pipe),
        "no_choice": sum(r["top_id"] is None for r in pipe),
        "errors": sum("error" in r for r in rows),
    }
    for label, wanted in (("with_examples", True), ("without_examples", False)):
        part = [r for r in pipe if examples.get(r["problem"]) is wanted]
        figures[f"pipeline_top1_pass_{label}"] = _share(sum(r["passed"] for r in part), len(part))
        figures[f"pipeline_problems_{label}"] = len(part)
    return figures


def targets(per_language: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """The issue's targets, checked on the figures (None where a figure is missing)."""
    python = per_language.get("python", {}).get("pipeline_top1_pass")
    out: dict[str, Any] = {
        "no_compile_violations": all(f["compile_violations"] == 0 for f in per_language.values()),
        "within_10_of_python": {},
        "pipeline_gain_10": {},
        "compile_tier_median_le_1500_ms": {},
    }
    for lang, fig in per_language.items():
        top = fig["pipeline_top1_pass"]
        if lang != "python":
            ok = None if python is None or top is None else top >= python - PYTHON_GAP_POINTS
            out["within_10_of_python"][lang] = ok
        if lang in GAIN_LANGUAGES:
            gain = fig["gain_points"]
            out["pipeline_gain_10"][lang] = None if gain is None else gain >= GAIN_POINTS
        tier = fig["compile_tier_median_ms"]
        out["compile_tier_median_le_1500_ms"][lang] = (
            None if tier is None else tier <= COMPILE_TIER_MS
        )
    return out


def summarize(
    records: Iterable[Mapping[str, Any]],
    languages: Sequence[str],
    examples: Mapping[str, bool],
) -> dict[str, Any]:
    """Per language figures plus the targets, from the records of the chosen problems."""
    rows = list(records)
    per_language = {
        lang: language_figures((r for r in rows if r["language"] == lang), examples)
        for lang in languages
    }
    return {"languages": per_language, "targets": targets(per_language)}
