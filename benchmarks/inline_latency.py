"""Editor completion latency: the time from a ``textDocument/inlineCompletion`` request to its
first item, warm (model loaded), for the embedded models, over stdio on a real server process.

Each measured request completes a different comment in the same open document (so neither
the server's memo nor the response cache answers it) and is sent as an explicitly invoked
completion (no debounce; automatic requests add ``server.debounce``, 0.3 s by default). The
server's items arrive together in the reply, so the first item comes with it. Prints one JSON
object per run: per model the cold first request (model load included), then p50, mean, min
and max of the warm ones, and how many had at least one item.

    python benchmarks/inline_latency.py [--models embedded-small,embedded] [--requests 5]
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
from typing import Any

from server_validate import Client

COMMENTS = [
    "return the largest of three numbers",
    "reverse the words of a sentence",
    "count the vowels in a string",
    "return the n-th triangular number",
    "check whether a year is a leap year",
    "return the sum of the digits of n",
    "convert a temperature from celsius to fahrenheit",
    "return the list without duplicates, keeping the order",
    "return True if the string is a palindrome",
    "return the factorial of n",
]
WARMUP = "return the smallest element of a list"
URI = "file:///bench/inline.py"


def document(comment: str) -> str:
    return f"import math\n\n\ndef circle_area(r):\n    return math.pi * r * r\n\n\n# {comment}\n"


def complete(client: Client, msg_id: str, comment: str, version: int) -> tuple[float, int]:
    """Replace the document with one ending in ``comment``; ms to the reply, items."""
    text = document(comment)
    change = {"textDocument": {"uri": URI, "version": version}, "contentChanges": [{"text": text}]}
    client.notify("textDocument/didChange", change)
    line = text.count("\n") - 1
    params = {
        "textDocument": {"uri": URI},
        "position": {"line": line, "character": len(text.split("\n")[line])},
        "context": {"triggerKind": 1},
    }
    started = time.perf_counter()
    event = client.send(msg_id, "textDocument/inlineCompletion", params)
    event.wait(600)
    elapsed = (time.perf_counter() - started) * 1000
    reply = client.replies.get(msg_id, {})
    return elapsed, len(reply.get("result", {}).get("items", []))


def run_model(model: str, requests: int, env: dict[str, str]) -> dict[str, Any]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "codegen", "serve", "--stdio", "--model", model],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    assert proc.stdin is not None and proc.stdout is not None
    client = Client(proc.stdout, proc.stdin)
    try:
        client.call("init", "initialize", {"capabilities": {}})
        doc = {"uri": URI, "languageId": "python", "version": 1, "text": document(WARMUP)}
        client.notify("textDocument/didOpen", {"textDocument": doc})
        cold, _ = complete(client, "cold", WARMUP, 2)
        warm = [
            complete(client, f"w{i}", COMMENTS[i % len(COMMENTS)], 3 + i) for i in range(requests)
        ]
    finally:
        proc.kill()
    times = sorted(ms for ms, _ in warm)
    return {
        "cold_first_ms": round(cold, 1),
        "warm_first_item_p50_ms": round(statistics.median(times), 1),
        "warm_first_item_mean_ms": round(statistics.fmean(times), 1),
        "warm_first_item_min_ms": round(times[0], 1),
        "warm_first_item_max_ms": round(times[-1], 1),
        "warm_requests": requests,
        "warm_with_items": sum(1 for _, items in warm if items),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--models", default="embedded-small,embedded")
    parser.add_argument("--requests", type=int, default=5)
    args = parser.parse_args()
    scratch = tempfile.mkdtemp(prefix="codegen-bench-inline-")
    env = {
        **os.environ,
        "CODEGEN_CACHE_ENABLED": "false",
        "CODEGEN_AUDIT_PATH": f"{scratch}/audit.jsonl",
    }
    report: dict[str, Any] = {"cpus": os.cpu_count(), "trigger": "invoked (no debounce)"}
    for model in args.models.split(","):
        report[model] = run_model(model, args.requests, env)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
