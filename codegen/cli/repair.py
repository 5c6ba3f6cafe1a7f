"""``codegen repair FILE [-l LANG] [--no-model] [--json]``: repair a broken source file.

Prints the repaired code (``--json``: ``{"code", "valid", "steps", "diagnostics"}``); the
steps taken go to stderr. Exit 1 when the code could not be repaired.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "repair",
        help="repair a broken source file",
        description="Deterministic repairs first, then the model (at most repair_rounds rounds).",
    )
    parser.add_argument("file", metavar="FILE", help="file to repair ('-': stdin)")
    parser.add_argument("-l", "--language", metavar="LANG", help="language (python@3.8 ...)")
    parser.add_argument("--no-model", action="store_true", help="deterministic repairs only")
    parser.add_argument("--model", metavar="SPEC", help="model for guided repair")
    parser.add_argument("--signature", metavar="SIG", help="a name the code must define")
    parser.add_argument("--json", action="store_true", help="machine-readable output")


def run(args: argparse.Namespace) -> int:
    from codegen.backends.base import Backend
    from codegen.backends.factory import POOL, check_spec
    from codegen.cli.common import AssemblyProgress, load_settings, print_json
    from codegen.errors import EXIT_NEGATIVE, EXIT_OK
    from codegen.execution.toolrunner import tool_runner
    from codegen.repair.guided import GuidedOptions
    from codegen.repair.pipeline import PipelineRepairer
    from codegen.validation.inputs import load_source
    from codegen.validation.tiered import TieredValidator

    settings = load_settings(args)
    src = load_source(args.file, args.language)
    if not args.no_model:
        check_spec(settings.model)
    progress = AssemblyProgress()

    def backend(spec: str | None) -> Backend:
        return POOL.get(spec or settings.model, settings, progress)

    validator = TieredValidator(timeout=settings.validation_timeout, runner=tool_runner(settings))
    repairer = PipelineRepairer(validator, None if args.no_model else backend)
    rounds = 0 if args.no_model else settings.repair_rounds
    try:
        report = repairer.repair_code(
            src.code, src.language, src.version, args.signature, GuidedOptions(rounds=rounds)
        )
    finally:
        progress.close()
    if args.json:
        print_json(report.to_dict())
    else:
        sys.stdout.write(
            report.outcome.code
            if report.outcome.code.endswith("\n") or not report.outcome.code
            else report.outcome.code + "\n"
        )
        _summary(src.name, report)
    return EXIT_OK if report.outcome.valid else EXIT_NEGATIVE


def _summary(name: str, report: Any) -> None:
    """On stderr: each step taken, and what is still wrong when the code stays invalid."""
    from rich.text import Text

    from codegen.render import blocks, terminal

    outcome = report.outcome
    lines = []
    for step in outcome.steps:
        note = f" ({step.note})" if step.note else ""
        lines.append(Text(f"{name}: repaired: {step.name}{note}"))
    if not outcome.valid:
        errors = [d for d in outcome.validation.diagnostics if d.severity == "error"]
        lines += blocks.diagnostics(errors[:1], name)
        lines.append(Text(f"{name}: could not be repaired", style="red"))
    terminal.write(lines, sys.stderr)
