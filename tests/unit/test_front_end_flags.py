"""Every generation flag reaches the Settings and the request, in every front end.

The flags go through the real parser of each command and the function its ``run`` uses
(``requests.resolve`` underneath), so a flag a front end drops or re-reads fails here. (The
suite's conftest keeps the user's config file and CODEGEN_* variables out.)
"""

from __future__ import annotations

import argparse
import json
import os
import threading
from pathlib import Path
from typing import Any

from codegen.backends.base import ScriptedBackend
from codegen.cli import batch, common, eval, gen, repl
from codegen.cli.main import build_parser
from codegen.config import Settings
from codegen.languages import LanguageSpec
from codegen.repl.state import ReplState
from codegen.server import handlers
from codegen.types import GenerationRequest

SPECS = (LanguageSpec("python", "3.8"), LanguageSpec("javascript"))
SIGNATURE = {"python": "def f(x)"}


def _generation_argv(context: Path) -> list[str]:
    return [
        *["-l", "py@3.8", "-l", "js", "-n", "5", "--temperature", "0.1", "--top-p", "0.5"],
        *["--max-tokens", "77", "--seed", "9", "--model", "embedded-small"],
        *["--backend", "transformers", "--device", "cpu", "--adapter", "/tmp/adapter"],
        *["--signature", "python=def f(x)", "--context", str(context), "--constrain", "on"],
    ]


def _parse(*argv: str) -> argparse.Namespace:
    return build_parser().parse_args(list(argv))


def _check_settings(settings: Settings) -> None:
    assert settings.languages == ("python@3.8", "javascript")
    assert (settings.n, settings.temperature, settings.top_p) == (5, 0.1, 0.5)
    assert (settings.max_tokens, settings.seed, settings.model) == (77, 9, "embedded-small")
    assert (settings.backend, settings.device, settings.adapter) == (
        "transformers",
        "cpu",
        "/tmp/adapter",
    )
    assert settings.constrain == "on"


def _check_request(request: GenerationRequest, context: Path) -> None:
    assert request.languages == SPECS
    assert (request.n, request.temperature, request.top_p, request.max_tokens) == (5, 0.1, 0.5, 77)
    assert (request.seed, request.model) == (9, "embedded-small")
    assert request.signature == SIGNATURE and request.context == (str(context),)
    assert request.constrain == "on"


def test_the_table_covers_every_generation_flag(tmp_path: Path) -> None:
    parser = argparse.ArgumentParser()
    common.add_generation_flags(parser)
    dests = {a.dest for a in parser._actions if a.dest != "help"}
    assert dests == set(common.GENERATION_FLAGS)
    given = set(_generation_argv(tmp_path))
    assert all(set(a.option_strings) & given for a in parser._actions if a.dest != "help")


def test_gen(tmp_path: Path) -> None:
    args = _parse("gen", "add two numbers", *_generation_argv(tmp_path), "--no-cache")
    settings, request = gen.resolve_args(args)
    _check_settings(settings)
    _check_request(request, tmp_path)
    assert request.description == "add two numbers" and not settings.cache_enabled
    args = _parse("gen", "x", "-l", "python", "--unsafe-exec", "--gen-tests", "--test", "f(1)")
    settings, request = gen.resolve_args(args)
    assert settings.exec and settings.unsafe_exec and settings.rank_gen_tests
    assert request.exec and request.tests == {"python": "f(1)"}


def test_repl(tmp_path: Path) -> None:
    settings, start = repl.resolve_args(_parse("repl", *_generation_argv(tmp_path)))
    _check_settings(settings)  # --backend/--device/--adapter included: the model loads with them
    state = ReplState(settings, context=start.context, signature=start.signature)
    _check_request(state.request_for("add two numbers"), tmp_path)


def test_eval() -> None:
    from codegen.evaluation import humaneval as he

    argv = ["eval", "humaneval", "-n", "3", "--temperature", "0.3", "--max-tokens", "99"]
    args = _parse(*argv, "--model", "embedded-small", "--unsafe-exec")
    settings, template = eval.resolve_args(args)
    assert (settings.model, settings.n, settings.temperature, settings.max_tokens) == (
        "embedded-small",
        3,
        0.3,
        99,
    )
    assert settings.exec and settings.unsafe_exec
    opts = he.EvalOptions(n=template.n, temperature=template.temperature, max_tokens=99)
    runner = he.Runner(ScriptedBackend(["x"]), settings, None, opts, settings.model)  # type: ignore[arg-type]
    problem = {"task_id": "HumanEval/0", "prompt": "def f(x):\n", "entry_point": "f"}
    request = runner.request_for(problem)
    assert (request.n, request.temperature, request.max_tokens) == (3, 0.3, 99)
    assert request.languages == (LanguageSpec("python"),) and request.exec


def test_batch(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        "tasks:\n"
        "  - id: t1\n"
        "    description: add two numbers\n"
        "    languages: [py@3.8, js]\n"
        "    n: 5\n    temperature: 0.1\n    top_p: 0.5\n    max_tokens: 77\n    seed: 9\n"
        "    signature: {python: 'def f(x)'}\n"
        f"    context: ['{tmp_path}']\n"
        "    exec: true\n"
        "    constrain: 'on'\n"
        "    tests: {python: 'assert f(1)'}\n"
    )
    settings, tasks = batch.load(_parse("batch", str(spec), "--model", "embedded-small"))
    assert settings.model == "embedded-small"
    request = tasks[0].request
    _check_request(request, tmp_path)
    assert request.exec and request.tests == {"python": "assert f(1)"}


def test_server(tmp_path: Path) -> None:
    args = _parse("serve", "--model", "embedded-small")
    assert common.load_settings(args).model == "embedded-small"
    state = handlers.State(Settings(few_shot=0), backend=ScriptedBackend(["```\nx\n```"]))
    params: dict[str, Any] = {
        "description": "add two numbers",
        "languages": ["py@3.8", "js"],
        "n": 5,
        "temperature": 0.1,
        "top_p": 0.5,
        "max_tokens": 77,
        "constrain": "on",
        "seed": 9,
        "model": "embedded-small",
        "signature": SIGNATURE,
        "context": [str(tmp_path)],
    }
    result = handlers.generate(state, params, threading.Event(), lambda event: None)
    sent = result["request"]
    assert sent["languages"] == ["python@3.8", "javascript"]
    assert [sent[k] for k in ("n", "temperature", "top_p", "max_tokens", "seed")] == [
        5,
        0.1,
        0.5,
        77,
        9,
    ]
    assert sent["model"] == "embedded-small" and sent["signature"] == SIGNATURE
    assert sent["context"] == [str(tmp_path)]
    audit = Path(os.environ["CODEGEN_AUDIT_PATH"]).read_text().splitlines()
    assert json.loads(audit[-1])["interface"] == "server"
