"""The JSON-RPC server under load: codegen/validate on a 100-line Python file with 8 requests
in flight on one stdio connection, and over 8 TCP connections; plus the time from
codegen/generate to the first ``$/progress`` candidate (small model, warm).

Prints one JSON object. Targets (issue 8): >= 300 req/s, p99 <= 50 ms.

    python benchmarks/server_validate.py [--requests N] [--in-flight K] [--no-generate]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import IO, Any

CODEGEN = [sys.executable, "-m", "codegen", "serve", "--model", "embedded-small"]


def source_100_lines() -> str:
    lines = []
    for i in range(20):
        lines += [
            f"def function_{i}(values, limit={i}):",
            f'    """Sum the values below {i} and scale them."""',
            "    total = sum(v for v in values if v < limit)",
            f"    return total * {i + 1} if total else None",
            "",
        ]
    return "\n".join(lines) + "\n"


class Client:
    def __init__(self, rfile: IO[bytes], wfile: IO[bytes]) -> None:
        self.rfile, self.wfile = rfile, wfile
        self.lock = threading.Lock()
        self.waiters: dict[Any, tuple[threading.Event, list[Any]]] = {}
        self.progress_at: float | None = None
        self.replies: dict[Any, Any] = {}
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        while True:
            length = 0
            while True:
                line = self.rfile.readline()
                if not line:
                    return
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
                elif line in (b"\r\n", b"\n"):
                    break
            msg = json.loads(self.rfile.read(length))
            if msg.get("method") == "$/progress":
                value = msg["params"]["value"]
                if self.progress_at is None and "candidate" in value:
                    self.progress_at = time.perf_counter()
                continue
            if "method" in msg:  # a request or notification from the server
                continue
            self.replies[msg.get("id")] = msg
            waiter = self.waiters.pop(msg.get("id"), None)
            if waiter is not None:
                waiter[1].append(msg)
                waiter[0].set()

    def _write(self, message: dict[str, Any]) -> None:
        body = json.dumps(message).encode()
        with self.lock:
            self.wfile.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            self.wfile.flush()

    def send(self, msg_id: Any, method: str, params: Any) -> threading.Event:
        event: threading.Event = threading.Event()
        self.waiters[msg_id] = (event, [])
        self._write({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params})
        return event

    def notify(self, method: str, params: Any) -> None:
        self._write({"jsonrpc": "2.0", "method": method, "params": params})

    def call(self, msg_id: Any, method: str, params: Any) -> Any:
        event = self.send(msg_id, method, params)
        event.wait(600)
        return msg_id


def load(clients: list[Client], total: int, in_flight: int, code: str) -> dict[str, float]:
    """``total`` validate requests, ``in_flight`` outstanding at any time, spread over clients."""
    slots = threading.Semaphore(in_flight)
    latencies: list[float] = []
    done = threading.Event()
    lock = threading.Lock()
    params = {"language": "python", "code": code}

    def finish(started: float, event: threading.Event) -> None:
        event.wait(600)
        with lock:
            latencies.append((time.perf_counter() - started) * 1000)
            if len(latencies) == total:
                done.set()
        slots.release()

    begun = time.perf_counter()
    for i in range(total):
        slots.acquire()
        started = time.perf_counter()
        event = clients[i % len(clients)].send(f"v{i}", "codegen/validate", params)
        threading.Thread(target=finish, args=(started, event), daemon=True).start()
    done.wait(600)
    elapsed = time.perf_counter() - begun
    latencies.sort()
    return {
        "requests_per_s": round(total / elapsed, 1),
        "p50_ms": round(statistics.median(latencies), 2),
        "p99_ms": round(latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))], 2),
    }


def initialize(client: Client, token: str | None = None) -> None:
    params: dict[str, Any] = {"capabilities": {}}
    if token is not None:
        params["initializationOptions"] = {"token": token}
    client.call("init", "initialize", params)


def stdio_run(args: argparse.Namespace, code: str, env: dict[str, str]) -> dict[str, Any]:
    proc = subprocess.Popen(
        [*CODEGEN, "--stdio"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    assert proc.stdin is not None and proc.stdout is not None
    client = Client(proc.stdout, proc.stdin)
    initialize(client)
    load([client], 50, args.in_flight, code)  # warm up
    out: dict[str, Any] = {
        "stdio_1_connection": load([client], args.requests, args.in_flight, code)
    }
    if args.generate:
        gen = {
            "description": "Return the sum of two numbers",
            "n": 1,
            "max_tokens": 48,
            "languages": ["python"],
            "workDoneToken": "bench",
        }
        client.call("warm", "codegen/generate", gen)  # loads the model
        client.progress_at = None
        started = time.perf_counter()
        client.call("gen", "codegen/generate", gen)
        finished = time.perf_counter()
        first = client.progress_at or finished
        out["generate_first_progress_candidate_ms"] = round((first - started) * 1000, 1)
        out["generate_total_ms"] = round((finished - started) * 1000, 1)
    proc.kill()
    return out


def tcp_run(args: argparse.Namespace, code: str, env: dict[str, str]) -> dict[str, float]:
    proc = subprocess.Popen(
        [*CODEGEN, "--tcp", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    info = json.loads(proc.stdout.readline())
    token = Path(info["token_file"]).read_text()
    clients = []
    for _ in range(args.in_flight):
        sock = socket.create_connection((info["host"], info["port"]))
        client = Client(sock.makefile("rb"), sock.makefile("wb"))
        initialize(client, token)
        clients.append(client)
    load(clients, 50, args.in_flight, code)
    result = load(clients, args.requests, args.in_flight, code)
    proc.kill()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--in-flight", type=int, default=8)
    parser.add_argument("--no-generate", dest="generate", action="store_false")
    args = parser.parse_args()
    code = source_100_lines()
    scratch = tempfile.mkdtemp(prefix="codegen-bench-")
    env = {**os.environ, "XDG_RUNTIME_DIR": scratch, "CODEGEN_AUDIT_PATH": f"{scratch}/audit.jsonl"}
    report: dict[str, Any] = {
        "file_lines": code.count("\n"),
        "requests": args.requests,
        "in_flight": args.in_flight,
        "cpus": os.cpu_count(),
    }
    report.update(stdio_run(args, code, env))
    report[f"tcp_{args.in_flight}_connections"] = tcp_run(args, code, env)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
