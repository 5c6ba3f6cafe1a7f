"""Flags for execution-based ranking (``--exec``, ``--unsafe-exec``, ``--test``, ``--tests``,
``--gen-tests``) and ``--explain``'s score breakdown, shared by the commands that generate."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TextIO

MAX_TESTS_BYTES = 5 << 20

if TYPE_CHECKING:
    from codegen.config import Settings
    from codegen.types import Candidate, GenerationRequest, Result


def add_exec_flags(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("execution and ranking")
    group.add_argument(
        "--exec",
        dest="exec_",
        action="store_true",
        help="run candidates in the isolated sandbox to rank them",
    )
    group.add_argument(
        "--unsafe-exec",
        action="store_true",
        help="like --exec, but run without isolation where namespaces are unavailable (risky)",
    )
    group.add_argument(
        "--test", action="append", metavar="CODE", help="test code (e.g. an assert), repeatable"
    )
    group.add_argument("--tests", metavar="FILE", help="a file of tests for the candidates")
    group.add_argument(
        "--gen-tests", action="store_true", help="also rank by tests the model writes (with exec)"
    )
    group.add_argument("--explain", action="store_true", help="print each score's breakdown")


def exec_values(args: argparse.Namespace) -> dict[str, Any]:
    """What the execution flags set, by config key (``exec``, ``unsafe_exec``,
    ``rank.gen_tests``) and request field (``tests``, from --test and --tests)."""
    values: dict[str, Any] = {}
    if getattr(args, "unsafe_exec", False):
        values.update({"unsafe_exec": True, "exec": True})
    if getattr(args, "exec_", False):
        values["exec"] = True
    if getattr(args, "gen_tests", False):
        values["rank.gen_tests"] = True
    parts = list(getattr(args, "test", None) or [])
    path = getattr(args, "tests", None)
    if path:
        from codegen import textfiles

        parts.append(textfiles.read_text(path, MAX_TESTS_BYTES, "--tests"))
    if parts:
        values["tests"] = "\n".join(parts)
    return values


def check_exec(args: argparse.Namespace, settings: Settings, request: GenerationRequest) -> None:
    """With execution on, the sandbox must be usable (else the reason, exit 2/3); the
    --test/--tests code must parse in each language the request asks for."""
    if settings.exec:
        from codegen.execution.sandbox import Sandbox

        Sandbox.from_settings(settings).check()
    from codegen.execution.testcases import check_tests

    path = getattr(args, "tests", None)
    where = f"--tests {path}" if path else "--test"
    for name, code in request.tests.items():
        check_tests(name, code, where)


def explain_lines(result: Result, weights: Mapping[str, float]) -> list[str]:
    """One line per candidate: rank, score and each weighted part."""
    lines = []
    for cand in result.candidates:
        rank = f"rank {cand.rank}" if cand.rank is not None else "invalid"
        if cand.score is None:
            lines.append(f"{cand.id:<14} {rank}")
            continue
        terms = []
        for name, weight in weights.items():
            if name in cand.score_parts:
                value = cand.score_parts[name]
                terms.append(f"{name} {weight:g}×{value:.3f}")
        line = f"{cand.id:<14} {rank:<8} score {cand.score:.3f} = " + " + ".join(terms)
        if "tests_total" in cand.score_parts:
            passed, total = cand.score_parts["tests_passed"], cand.score_parts["tests_total"]
            line += f"  ({passed:g}/{total:g} tests and examples passed)"
        lines.append(line + _compile_part(cand))
    return lines


def _compile_part(cand: Candidate) -> str:
    """The compile verdict, which orders candidates before their score does."""
    if cand.compiles is None:
        return "; compiles: unknown (ranked between compiling and not compiling)"
    if cand.compiles:
        return "; compiles (ranked before those that do not)"
    return "; does not compile (ranked after those that do)"


def write_explanation(result: Result, settings: Settings, stream: TextIO) -> None:
    from codegen.ranking.scorer import ranker_from_settings

    weights = ranker_from_settings(settings).explain_weights()
    stream.write("score breakdown (unweighted parts; weights from config rank.w_*):\n")
    for line in explain_lines(result, weights):
        stream.write(line + "\n")
    stream.write(timings_line(result.timings) + "\n")


# Stages in the order a request goes through them; the figures in ``Result.timings``.
_STAGES = ("cache", "load", "prompt", "generate", "validate", "compile", "repair", "rank", "fix")


def timings_line(timings: Mapping[str, float]) -> str:
    """Where the request's time went, one line: each stage in seconds; the model's time split
    into evaluating the prompt (and how many of its tokens an earlier request had evaluated)
    and decoding, where the backend tells them."""
    parts = []
    for stage in _STAGES:
        ms = timings.get(f"{stage}_ms")
        if ms is None:
            continue
        part = f"{stage} {ms / 1000:.2f} s"
        if stage == "generate" and "prefill_ms" in timings:
            reused = int(timings.get("prompt_tokens_reused", 0))
            part += (
                f" (prefill {timings['prefill_ms'] / 1000:.2f} s, {reused} prompt tokens reused;"
                f" decode {timings.get('decode_ms', 0.0) / 1000:.2f} s)"
            )
        parts.append(part)
    total = timings.get("total_ms", 0.0) / 1000
    return f"timings: {' · '.join(parts)} · total {total:.2f} s"
