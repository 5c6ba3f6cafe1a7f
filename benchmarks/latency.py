"""Where a request's time goes, and what prompt-prefix reuse saves (issue 25).

Measured in the same run with issue 25's llama.cpp features on (``on``: prefix reuse,
``prefix_cache``, and one row per group of identical candidates, ``shared_decoding``), with
reuse alone (``reuse_only``) and with neither (``off``, the baseline):
- a cold ``codegen gen --json`` process, n = 3, in python and javascript, twice with an empty
  cache dir at first: the first process has no saved prompt, the second (another description)
  starts each language from the prompt the first saved;
- a warm server session (``codegen serve --stdio``, the model loaded by a JavaScript request
  first so nothing of the Python prompt is kept): the first and the second Python request
  (different descriptions), then n = 1, 3 (the ISO-weekday description issue 25 measured) and
  8, then two requests in python, javascript and java (the second finds each language's prompt
  kept aside); wall time from submit to result and the prefill/decode split the result's
  timings give;
- in process, the time from the model being loaded (``LanguageStarted``) to the first line of
  code a terminal would show (``TokensGenerated``), for the first and a second request, the
  first starting from the Python prompt the cold processes saved (as every process after the
  first does; without one, the first request's prefill is the cold CLI's);
- HumanEval's pipeline (``codegen eval``'s) on a fixed subset: median seconds per problem and
  pass@1 of the top candidate (``--humaneval 0`` skips it);
- for a one-shot ``codegen gen``, whether a saved llama.cpp state of the prompt's stable
  prefix (the blocks every prompt of a language shares, and, for comparison, the system prompt
  and two examples) loads faster from a file than it is evaluated again.

Prints one JSON object. Timings on a shared machine are disturbed: rerun on a quiet one.

    python benchmarks/latency.py [--model embedded] [--humaneval 3] [--humaneval-n 10]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from server_validate import Client, initialize

from codegen import config
from codegen import events as ev
from codegen.assistant import Assistant
from codegen.backends.embedded import MODELS, ensure
from codegen.backends.factory import loader_for
from codegen.evaluation import humaneval as he
from codegen.execution.sandbox import Sandbox
from codegen.paths import cache_dir
from codegen.prompting.builder import PromptBuilder
from codegen.prompting.extract import extract
from codegen.requests import build_request

DESCRIPTIONS = [
    "Parse an ISO 8601 date string and return the weekday name in English",
    "Check whether a string is a palindrome, ignoring case and punctuation",
    "Merge two sorted lists of integers into one sorted list",
    "Return the n-th Fibonacci number computed iteratively",
    "Count how many times each word occurs in a text, case-insensitively",
    "Return the largest prime factor of a positive integer",
]
WARM_UP = {"description": "Add two numbers", "languages": ["javascript"], "n": 1, "max_tokens": 16}
FLAVOURS = (("on", "1", "1"), ("reuse_only", "1", "0"), ("off", "0", "0"))
HUMANEVAL_SUBSET = ("HumanEval/0", "HumanEval/12", "HumanEval/35", "HumanEval/53", "HumanEval/96")


class Session(Client):
    """A JSON-RPC client that keeps each reply."""

    def request(self, msg_id: str, method: str, params: Any) -> Any:
        event = self.send(msg_id, method, params)
        replies = self.waiters[msg_id][1]
        if not event.wait(900):
            raise SystemExit(f"{method}: no reply in 900 s")
        return replies[0].get("result")


def _split(timings: dict[str, float]) -> dict[str, float]:
    keys = ("prefill_ms", "decode_ms", "prompt_tokens_reused", "generate_ms", "total_ms")
    return {k: round(timings[k], 1) for k in keys if k in timings}


def cold_cli(model: str, env: dict[str, str], which: int) -> dict[str, Any]:
    argv = [sys.executable, "-m", "codegen", "gen", DESCRIPTIONS[which], "-n", "3", "--json"]
    argv += ["-l", "python", "-l", "javascript"]
    started = time.perf_counter()
    proc = subprocess.run([*argv, "--model", model, "--seed", "1"], capture_output=True, env=env)
    wall = time.perf_counter() - started
    if proc.returncode not in (0, 1):
        raise SystemExit(f"codegen gen failed: {proc.stderr.decode()[-500:]}")
    timings = json.loads(proc.stdout)["timings"]
    return {"wall_s": round(wall, 2), "load_ms": round(timings.get("load_ms", 0.0), 1)} | _split(
        timings
    )


def empty_cache() -> str:
    """A cache dir with no saved prompt that still holds the assembled embedded models."""
    scratch = Path(tempfile.mkdtemp(prefix="codegen-latency-cache-"))
    (scratch / "models").symlink_to((cache_dir() / "models").resolve(), target_is_directory=True)
    return str(scratch)


def server_session(model: str, env: dict[str, str]) -> dict[str, Any]:
    """The warm requests through one ``codegen serve --stdio`` process."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "codegen", "serve", "--stdio", "--model", model],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    assert proc.stdin is not None and proc.stdout is not None
    client = Session(proc.stdout, proc.stdin)
    initialize(client)
    client.request("warm-up", "codegen/generate", WARM_UP)  # loads the model
    python, three = ["python"], ["python", "javascript", "java"]
    plan = [("first", 3, 1, python), ("second", 3, 2, python), ("n1", 1, 3, python)]
    plan += [("n3", 3, 0, python), ("n8", 8, 5, python)]
    plan += [("three_languages_first", 3, 1, three), ("three_languages_second", 3, 2, three)]
    out: dict[str, Any] = {}
    try:
        for name, n, which, languages in plan:
            params = {"description": DESCRIPTIONS[which], "languages": languages, "n": n}
            started = time.perf_counter()
            result = client.request(name, "codegen/generate", params | {"seed": 1})
            wall = time.perf_counter() - started
            out[name] = {"wall_s": round(wall, 2)} | _split(result["timings"])
    finally:
        proc.kill()
        proc.wait()
    return out


def first_code(model: str, settings: config.Settings) -> dict[str, float]:
    """Seconds from the model being loaded to the first code line on show, two requests."""
    assistant = Assistant(settings, interface="library")
    out = {}
    for name, description in (("first_request", DESCRIPTIONS[0]), ("second", DESCRIPTIONS[1])):
        request = build_request({"description": description, "n": 3, "seed": 1}, settings)
        loaded = shown = None
        text = ""
        for event in assistant.stream(request, tokens=True):
            if isinstance(event, ev.LanguageStarted) and loaded is None:
                loaded = time.perf_counter()
            elif isinstance(event, ev.TokensGenerated) and event.candidate_id == "python-1":
                text += event.text
                if shown is None and extract(text, "python").code.strip():
                    shown = time.perf_counter()
        if loaded is not None and shown is not None:
            out[f"{name}_s"] = round(shown - loaded, 2)
    return out


def humaneval(model: str, settings: config.Settings, count: int, n: int) -> dict[str, Any]:
    """The pipeline on the subset with the features on and off, problem by problem,
    alternating."""
    problems = he.choose(he.load_problems(), list(HUMANEVAL_SUBSET[:count]))
    sandbox = Sandbox(he.TEST_LIMITS)
    sandbox.check()
    opts = he.EvalOptions(modes=("pipeline",), n=n)
    runners = {}
    for on in (True, False):
        flags = {"prefix_cache": on, "shared_decoding": on}
        flavour = settings.with_overrides(flags, "latency")
        backend = loader_for(model)(model, flavour, None)
        runners["on" if on else "off"] = he.Runner(backend, flavour, sandbox, opts, model)
    records: dict[str, list[dict[str, Any]]] = {"on": [], "off": []}
    for problem in problems:
        for name, runner in runners.items():
            records[name].append(runner.pipeline(problem))
    return {"problems": [p["task_id"] for p in problems], "n": n} | {
        name: {
            "median_latency_s": round(statistics.median(r["latency_s"] for r in rows), 2),
            "pass@1_top": round(100 * sum(r["passed_top"] for r in rows) / len(rows), 1),
        }
        for name, rows in records.items()
    }


def saved_state(model: str, settings: config.Settings) -> dict[str, Any]:
    """Evaluating the first K prompt tokens again against loading their saved state."""
    import ctypes

    import llama_cpp

    path = ensure(MODELS[model])  # an embedded model's file
    llm: Any = llama_cpp.Llama(str(path), n_ctx=2048, n_batch=64, verbose=False)
    request = build_request({"description": DESCRIPTIONS[0]}, settings)
    messages = (
        PromptBuilder(TokenCount(llm), settings.few_shot, settings.examples)
        .build(request, "python")
        .messages
    )
    tokens = _chatml_tokens(llm, messages)
    out: dict[str, Any] = {}
    for count in (64, 384):
        llm.reset()
        llama_cpp.llama_memory_clear(llama_cpp.llama_get_memory(llm.ctx), True)
        started = time.perf_counter()
        llm.eval(tokens[:count])
        recompute = time.perf_counter() - started
        file = Path(tempfile.mkdtemp()) / "prefix.state"
        array = (llama_cpp.llama_token * count)(*tokens[:count])
        llama_cpp.llama_state_seq_save_file(llm.ctx, str(file).encode(), 0, array, count)
        llama_cpp.llama_memory_clear(llama_cpp.llama_get_memory(llm.ctx), True)
        started = time.perf_counter()
        read = ctypes.c_size_t(0)
        llama_cpp.llama_state_seq_load_file(
            llm.ctx, str(file).encode(), 0, array, count, ctypes.byref(read)
        )
        loaded = time.perf_counter() - started
        out[f"first_{count}_tokens"] = {
            "recompute_ms": round(recompute * 1000, 1),
            "load_ms": round(loaded * 1000, 1),
            "file_kb": file.stat().st_size // 1024,
        }
    return out


class TokenCount:
    """The prompt builder's token counter on a bare ``Llama`` (ChatML, as the models use)."""

    context_length = 2048

    def __init__(self, llm: Any) -> None:
        self._llm = llm

    def count_tokens(self, messages: Any) -> int:
        return len(_chatml_tokens(self._llm, messages))


def _chatml_tokens(llm: Any, messages: Any) -> list[int]:
    text = "".join(f"<|im_start|>{m.role}\n{m.content}<|im_end|>\n" for m in messages)
    tokens: list[int] = llm.tokenize(text.encode(), add_bos=False, special=True)
    return tokens


def ratios(report: dict[str, Any]) -> dict[str, float]:
    on, off = report["server"]["on"], report["server"]["off"]
    out = {
        "second_prefill_over_first": on["second"]["prefill_ms"] / on["first"]["prefill_ms"],
        "second_prefill_on_over_off": on["second"]["prefill_ms"] / off["second"]["prefill_ms"],
        "warm_n3_wall_on_over_off": on["n3"]["wall_s"] / off["n3"]["wall_s"],
        "warm_n3_wall_on_over_reuse_only": on["n3"]["wall_s"]
        / report["server"]["reuse_only"]["n3"]["wall_s"],
        "three_languages_second_prefill_over_first": on["three_languages_second"]["prefill_ms"]
        / on["three_languages_first"]["prefill_ms"],
        "three_languages_second_wall_on_over_off": on["three_languages_second"]["wall_s"]
        / off["three_languages_second"]["wall_s"],
        "cold_cli_saved_prefill_over_first": report["cold_cli_n3_two_languages_saved"]["prefill_ms"]
        / report["cold_cli_n3_two_languages"]["prefill_ms"],
    }
    if "humaneval" in report:
        he_on, he_off = report["humaneval"]["on"], report["humaneval"]["off"]
        out["humaneval_median_on_over_off"] = he_on["median_latency_s"] / he_off["median_latency_s"]
    return {k: round(v, 3) for k, v in out.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="embedded")
    parser.add_argument("--humaneval", type=int, default=3, help="problems (0: skip)")
    parser.add_argument("--humaneval-n", type=int, default=10)
    args = parser.parse_args()
    scratch = tempfile.mkdtemp(prefix="codegen-latency-")
    (Path(scratch) / "config.toml").touch()
    env = os.environ | {
        "CODEGEN_CONFIG": f"{scratch}/config.toml",
        "CODEGEN_CACHE_ENABLED": "0",
        "CODEGEN_AUDIT_PATH": f"{scratch}/audit.jsonl",
        "XDG_RUNTIME_DIR": scratch,
        "CODEGEN_CACHE_DIR": empty_cache(),
    }
    os.environ.update(env)
    settings = config.load({"model": args.model})
    report: dict[str, Any] = {"model": args.model, "cpus": os.cpu_count(), "server": {}}
    for name, reuse, shared in FLAVOURS:
        flags = {"CODEGEN_PREFIX_CACHE": reuse, "CODEGEN_SHARED_DECODING": shared}
        flags["CODEGEN_CACHE_DIR"] = empty_cache()  # no prompt saved by an earlier session
        report["server"][name] = server_session(args.model, env | flags)
    cold = env | {"CODEGEN_CACHE_DIR": empty_cache()}
    report["cold_cli_n3_two_languages"] = cold_cli(args.model, cold, 0)  # nothing saved yet
    report["cold_cli_n3_two_languages_saved"] = cold_cli(args.model, cold, 1)
    # As a one-shot process after the first finds it: the prompts the cold pair saved
    os.environ["CODEGEN_CACHE_DIR"] = cold["CODEGEN_CACHE_DIR"]
    report["first_code_after_load_prompt_saved"] = first_code(args.model, settings)
    report["saved_state"] = saved_state(args.model, settings)
    if args.humaneval:
        report["humaneval"] = humaneval(args.model, settings, args.humaneval, args.humaneval_n)
    report["ratios"] = ratios(report)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
