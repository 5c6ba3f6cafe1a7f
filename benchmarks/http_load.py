"""`codegen serve --http` under load, as a real process driven over real sockets.

1. ``/v1/validate`` on a 100-line Python file (a different one each request: a counter
   comment), K keep-alive clients for S seconds: req/s, p50/p99 latency.
2. Memory: the server's RSS over N more validate requests (sampled each N/4).
3. ``/v1/generate`` with ``Accept: text/event-stream``: time from sending the request to the
   first SSE event (and to ``finished``), median of R runs on the idle server.
4. Baseline, in the same run: the same validation in this process, with no HTTP (the
   Assistant's validator stage that the server calls, one thread): ms per request and the
   req/s one core would give; the difference to the server's CPU per request is the HTTP cost.
5. 2x overload: twice as many clients as the model queue has places (workers + depth), each
   sending generate requests in a loop for S2 seconds: how many got 200, how many 429 (with
   Retry-After), and that none got anything else or hung (client timeout T).

The load generator is a small asyncio HTTP/1.1 client (keep-alive, Content-Length bodies)
so that it costs the 2 cores little; the tests use the real client libraries. Prints ONE
JSON object. Targets (issue 27): >= 300 req/s with p99 <= 50 ms at 8 clients, first SSE
event <= 200 ms, at 2x overload every request 200 or 429 and none timed out, memory flat.

    python benchmarks/http_load.py [--model embedded-small] [--seconds 20] [--clients 8]
        [--baseline-seconds 5] [--memory-requests 10000] [--sse-runs 5]
        [--overload-seconds 20] [--no-generate]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from server_validate import source_100_lines

from codegen import config
from codegen.assistant import Stages

TIMEOUT = 120.0


class Conn:
    """One keep-alive HTTP/1.1 connection."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(
        self, path: str, body: bytes, extra: str = ""
    ) -> tuple[int, dict[str, str], bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {self.host}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n{extra}\r\n"
        )
        self.writer.write(head.encode() + body)
        status, headers = await self._head()
        data = await self.reader.readexactly(int(headers.get("content-length", "0")))
        if headers.get("connection") == "close":
            await self.close()
        return status, headers, data

    async def _head(self) -> tuple[int, dict[str, str]]:
        assert self.reader is not None
        raw = await self.reader.readuntil(b"\r\n\r\n")
        lines = raw.decode("latin-1").split("\r\n")
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            if name:
                headers[name.strip().lower()] = value.strip()
        return int(lines[0].split()[1]), headers

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None


def start_server(
    model: str, workdir: Path, depth: int
) -> tuple[subprocess.Popen[str], dict[str, Any]]:
    env = {
        **os.environ,
        "CODEGEN_AUDIT_PATH": str(workdir / "audit.jsonl"),
        "CODEGEN_CACHE_PATH": str(workdir / "cache.db"),
        "CODEGEN_HTTP_QUEUE_DEPTH": str(depth),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("CODEGEN_HTTP_API_KEYS", None)
    log = (workdir / "server.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "codegen", "serve", "--http", "0", "--model", model],
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line:
        raise SystemExit(f"the server did not start (exit {proc.wait()})")
    return proc, json.loads(line)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used (a figure the other load does not skew)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def validate_load(
    info: dict[str, Any], clients: int, seconds: float, count: int = 0
) -> list[float]:
    """Latencies (s) of validate requests from ``clients`` connections, for ``seconds`` or
    until ``count`` requests in all."""
    source = source_100_lines()
    latencies: list[float] = []
    sent = 0
    stop = time.perf_counter() + seconds

    async def one_client() -> None:
        nonlocal sent
        conn = Conn(info["host"], info["port"])
        while (count and sent < count) or (not count and time.perf_counter() < stop):
            sent += 1
            code = f"{source}# request {sent}\n"
            body = json.dumps({"language": "python", "code": code}).encode()
            began = time.perf_counter()
            status, _, data = await conn.post("/v1/validate", body)
            latencies.append(time.perf_counter() - began)
            if status != 200 or not json.loads(data)["valid"]:
                raise RuntimeError(f"validate answered {status}: {data[:200]!r}")
        await conn.close()

    await asyncio.gather(*(one_client() for _ in range(clients)))
    return latencies


def in_process(seconds: float) -> dict[str, Any]:
    """The baseline: the server's validator stage called directly, on the same sources."""
    validator = Stages.default(config.load()).validator
    source = source_100_lines()
    times: list[float] = []
    cpu = time.process_time()
    stop = time.perf_counter() + seconds
    while time.perf_counter() < stop:
        code = f"{source}# call {len(times)}\n"
        began = time.perf_counter()
        check = validator.validate(code, "python", None, None)
        times.append(time.perf_counter() - began)
        if not check.valid:
            raise RuntimeError(f"the baseline source is invalid: {check.to_dict()}")
    cpu = time.process_time() - cpu
    return {
        "calls": len(times),
        "p50_ms": round(pct(times, 0.50) * 1000, 3),
        "p99_ms": round(pct(times, 0.99) * 1000, 3),
        "cpu_ms_per_call": round(cpu / len(times) * 1000, 3),
        "req_per_s_one_thread": round(len(times) / seconds, 1),
    }


async def memory(info: dict[str, Any], pid: int, clients: int, total: int) -> dict[str, Any]:
    await validate_load(info, clients, 0, 1000)  # warm-up
    samples = [round(rss_mb(pid), 1)]
    for _ in range(4):
        await validate_load(info, clients, 0, total // 4)
        samples.append(round(rss_mb(pid), 1))
    return {
        "requests": total,
        "rss_mb_samples": samples,
        "growth_mb": round(samples[-1] - samples[0], 1),
        "growth_last_half_mb": round(samples[-1] - samples[2], 1),
    }


async def sse_first_event(info: dict[str, Any], runs: int) -> dict[str, Any]:
    firsts, finished, names = [], [], set()
    for run in range(runs):
        body = json.dumps(
            {"description": f"Return the square of x (run {run})", "n": 1, "max_tokens": 48}
        ).encode()
        reader, writer = await asyncio.open_connection(info["host"], info["port"])
        head = (
            f"POST /v1/generate HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        began = time.perf_counter()
        writer.write(head.encode() + body)
        first = None
        while True:
            line = await asyncio.wait_for(reader.readline(), TIMEOUT)
            if not line:
                break
            if line.startswith(b"event: "):
                name = line[7:].strip().decode()
                if first is None:
                    first = time.perf_counter() - began
                    names.add(name)
                if name in ("finished", "failed"):
                    finished.append(time.perf_counter() - began)
                    break
        writer.close()
        firsts.append(first or TIMEOUT)
    return {
        "runs": runs,
        "first_event_names": sorted(names),
        "first_event_ms_p50": round(statistics.median(firsts) * 1000, 1),
        "first_event_ms_max": round(max(firsts) * 1000, 1),
        "finished_ms_p50": round(statistics.median(finished) * 1000, 1) if finished else None,
    }


async def overload(info: dict[str, Any], clients: int, seconds: float) -> dict[str, Any]:
    counts: dict[str, int] = {"200": 0, "429": 0, "other": 0, "timeout": 0}
    ok_latency: list[float] = []
    retry_after: list[int] = []
    stop = time.perf_counter() + seconds

    async def one_client(k: int) -> None:
        conn, i = Conn(info["host"], info["port"]), 0
        while time.perf_counter() < stop:
            i += 1
            desc = f"Return {k} plus {i}"
            body = json.dumps({"description": desc, "n": 1, "max_tokens": 24}).encode()
            began = time.perf_counter()
            try:
                status, headers, _ = await asyncio.wait_for(
                    conn.post("/v1/generate", body), TIMEOUT
                )
            except TimeoutError:
                counts["timeout"] += 1
                await conn.close()
                continue
            key = str(status) if status in (200, 429) else "other"
            counts[key] += 1
            if status == 200:
                ok_latency.append(time.perf_counter() - began)
            elif status == 429:
                retry_after.append(int(headers.get("retry-after", "0")))
                await asyncio.sleep(0.25)
        await conn.close()

    await asyncio.gather(*(one_client(k) for k in range(clients)))
    total = sum(counts.values())
    return {
        "clients": clients,
        "seconds": seconds,
        "requests": total,
        "status_counts": counts,
        "share_200": round(counts["200"] / total, 3) if total else None,
        "share_429": round(counts["429"] / total, 3) if total else None,
        "lost_or_hung": counts["other"] + counts["timeout"],
        "ok_latency_ms_max": round(max(ok_latency) * 1000) if ok_latency else None,
        "retry_after_s_median": statistics.median(retry_after) if retry_after else None,
    }


async def run(args: argparse.Namespace) -> dict[str, Any]:
    workdir = Path(tempfile.mkdtemp(prefix="codegen-http-load-"))
    proc, info = start_server(args.model, workdir, args.queue_depth)
    out: dict[str, Any] = {"model": args.model, "cpus": os.cpu_count()}
    try:
        cpu = cpu_seconds(proc.pid)
        lat = await validate_load(info, args.clients, args.seconds)
        cpu = cpu_seconds(proc.pid) - cpu
        out["validate"] = {
            "clients": args.clients,
            "seconds": args.seconds,
            "requests": len(lat),
            "req_per_s": round(len(lat) / args.seconds, 1),
            "p50_ms": round(pct(lat, 0.50) * 1000, 2),
            "p99_ms": round(pct(lat, 0.99) * 1000, 2),
            "server_cpu_ms_per_request": round(cpu / len(lat) * 1000, 3),
        }
        base = in_process(args.baseline_seconds)
        out["baseline_in_process_validate"] = base
        out["validate"]["http_cpu_ms_per_request"] = round(
            out["validate"]["server_cpu_ms_per_request"] - base["cpu_ms_per_call"], 3
        )
        out["memory"] = await memory(info, proc.pid, args.clients, args.memory_requests)
        if args.generate:
            out["sse"] = await sse_first_event(info, args.sse_runs)
            capacity = 1 + args.queue_depth
            out["overload"] = await overload(info, 2 * capacity, args.overload_seconds)
        out["server_alive"] = proc.poll() is None
    finally:
        proc.terminate()
        out["server_exit"] = proc.wait(timeout=30)
    v = out["validate"]
    out["targets_met"] = {
        "validate": v["req_per_s"] >= 300 and v["p99_ms"] <= 50,
        "sse_first_event": out["sse"]["first_event_ms_p50"] <= 200 if "sse" in out else None,
        "overload": out["overload"]["lost_or_hung"] == 0 if "overload" in out else None,
    }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default="embedded-small")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--baseline-seconds", type=float, default=5.0)
    parser.add_argument("--memory-requests", type=int, default=10_000)
    parser.add_argument("--sse-runs", type=int, default=5)
    parser.add_argument("--overload-seconds", type=float, default=20.0)
    parser.add_argument("--queue-depth", type=int, default=2)
    parser.add_argument("--no-generate", dest="generate", action="store_false")
    args = parser.parse_args()
    print(json.dumps(asyncio.run(run(args))))


if __name__ == "__main__":
    main()
