"""`codegen serve` as a real process driven by a real JSON-RPC client over stdio and TCP."""

from __future__ import annotations

import json
import os
import queue
import socket
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import jsonschema
import pytest

from codegen import resources

CODEGEN = [sys.executable, "-m", "codegen"]


def frame(message: Any) -> bytes:
    body = message if isinstance(message, bytes) else json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


class RpcClient:
    """A small JSON-RPC client over a pair of byte streams; a thread reads every message."""

    def __init__(self, rfile: IO[bytes], wfile: IO[bytes]) -> None:
        self.rfile, self.wfile = rfile, wfile
        self.inbox: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.seen: list[dict[str, Any]] = []
        self._next = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        try:
            while True:
                header = b""
                while not header.endswith(b"\r\n\r\n"):
                    byte = self.rfile.read(1)
                    if not byte:
                        raise EOFError
                    header += byte
                length = int(header.split(b"Content-Length:")[1].split(b"\r\n")[0])
                self.inbox.put(json.loads(self.rfile.read(length)))
        except (EOFError, OSError, ValueError):
            self.inbox.put(None)

    def write(self, data: bytes) -> None:
        self.wfile.write(data)
        self.wfile.flush()

    def notify(self, method: str, params: Any = None) -> None:
        self.write(frame({"jsonrpc": "2.0", "method": method, "params": params}))

    def request(self, method: str, params: Any = None) -> int:
        self._next += 1
        msg: dict[str, Any] = {"jsonrpc": "2.0", "id": self._next, "method": method}
        if params is not None:
            msg["params"] = params
        self.write(frame(msg))
        return self._next

    def wait(self, pred: Any, timeout: float = 300) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            for msg in self.seen:
                if pred(msg):
                    self.seen.remove(msg)
                    return msg
            msg = self.inbox.get(timeout=max(0.01, deadline - time.monotonic()))
            if msg is None:
                raise EOFError("server closed the connection")
            self.seen.append(msg)

    def reply(self, msg_id: Any, timeout: float = 300) -> dict[str, Any]:
        return self.wait(lambda m: m.get("id") == msg_id and "method" not in m, timeout)

    def call(self, method: str, params: Any = None, timeout: float = 300) -> dict[str, Any]:
        return self.reply(self.request(method, params), timeout)


def start_stdio(*extra: str) -> tuple[subprocess.Popen[bytes], RpcClient]:
    proc = subprocess.Popen(
        [*CODEGEN, "serve", "--stdio", "--model", "embedded-small", *extra],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert proc.stdin is not None and proc.stdout is not None
    client = RpcClient(proc.stdout, proc.stdin)
    caps = {"workspace": {"applyEdit": True}}
    reply = client.call("initialize", {"capabilities": caps, "processId": None}, timeout=60)
    assert "codeActionProvider" in reply["result"]["capabilities"]
    client.notify("initialized", {})
    return proc, client


@pytest.fixture(scope="module")
def server() -> Iterator[RpcClient]:
    proc, client = start_stdio()
    yield client
    proc.kill()
    proc.wait()


def test_generate_on_the_real_small_model_with_progress(server: RpcClient) -> None:
    params = {
        "description": "Return the sum of two numbers",
        "languages": ["python"],
        "n": 1,
        "max_tokens": 96,
        "temperature": 0,
        "workDoneToken": "gen-1",
    }
    msg_id = server.request("codegen/generate", params)
    first = server.wait(lambda m: m.get("method") == "$/progress")
    assert first["params"]["token"] == "gen-1"
    result = server.reply(msg_id)["result"]
    jsonschema.validate(result, resources.schema("result"))
    assert [c["id"] for c in result["candidates"]] == ["python-1"]
    events = []
    while True:  # progress sent before the reply is already in the inbox
        try:
            events.append(server.wait(lambda m: m.get("method") == "$/progress", timeout=0.2))
        except queue.Empty:
            break
    kinds = [e["params"]["value"].get("codegen", {}).get("event") for e in events]
    assert "candidate_generated" in kinds and "candidate_validated" in kinds
    assert "candidate_compiled" in kinds and result["candidates"][0]["compiles"] is not None
    assert events[-1]["params"]["value"]["kind"] == "end"


def test_execute_command_generates_and_sends_an_apply_edit(server: RpcClient) -> None:
    """A plain LSP client runs the code action's command: the server generates on the real
    small model with the document as context and applies the best candidate."""
    text = "import math\n\n# Return the sum of two numbers a and b\n"
    doc = {"uri": "file:///tmp/cmd.py", "languageId": "python", "version": 1, "text": text}
    server.notify("textDocument/didOpen", {"textDocument": doc})
    args = {"uri": doc["uri"], "line": 2, "n": 1, "max_tokens": 96, "temperature": 0}
    params = {"command": "codegen.generateFromComment", "arguments": [args]}
    msg_id = server.request("workspace/executeCommand", {**params, "workDoneToken": "cmd-1"})
    request = server.wait(lambda m: m.get("method") == "workspace/applyEdit")
    server.write(frame({"jsonrpc": "2.0", "id": request["id"], "result": {"applied": True}}))
    result = server.reply(msg_id)["result"]
    assert result["applied"] is True and result["candidate_id"] == "python-1"
    (edit,) = request["params"]["edit"]["changes"][doc["uri"]]
    assert edit["range"]["start"] == {"line": 3, "character": 0}
    compile(text + edit["newText"], "cmd.py", "exec")  # the buffer after the edit parses
    assert edit["newText"] == result["code"].rstrip("\n") + "\n"
    progress = server.wait(lambda m: m.get("method") == "$/progress", timeout=5)
    assert progress["params"]["token"] == "cmd-1"


def test_cancel_request_stops_generation(server: RpcClient) -> None:
    params = {
        "description": "Write a long Python module with many classes and docstrings",
        "n": 2,
        "max_tokens": 128,
        "workDoneToken": "gen-2",
    }
    msg_id = server.request("codegen/generate", params)
    server.wait(
        lambda m: (
            m.get("method") == "$/progress"
            and m["params"]["value"].get("codegen", {}).get("event") == "language_started"
        )
    )
    server.notify("$/cancelRequest", {"id": msg_id})
    reply = server.reply(msg_id, timeout=60)
    assert reply["error"]["code"] == -32800


def test_validate_invalid_params_unknown_method_and_malformed_json(server: RpcClient) -> None:
    ok = server.call("codegen/validate", {"language": "python", "code": "s = '😀' + (\n"})
    assert ok["result"]["valid"] is False and ok["result"]["diagnostics"]
    bad = server.call("codegen/generate", {"description": "x", "n": 65})
    assert bad["error"]["code"] == -32602 and "n:" in bad["error"]["message"]
    missing = server.call("codegen/validate", {"code": "x = 1"})
    assert missing["error"]["code"] == -32602 and "language" in missing["error"]["message"]
    unknown = server.call("codegen/nothing")
    assert unknown["error"]["code"] == -32601
    server.write(frame(b'{"jsonrpc": "2.0", "id": 99, "method": '))
    parse = server.reply(None)
    assert parse["error"]["code"] == -32700
    assert server.call("codegen/languages")["result"]


def open_and_wait_for_diagnostics(server: RpcClient, uri: str, text: str) -> dict[str, Any]:
    doc = {"uri": uri, "languageId": "python", "version": 1, "text": text}
    server.notify("textDocument/didOpen", {"textDocument": doc})
    return server.wait(
        lambda m: (
            m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri
        ),
        60,
    )


def test_did_open_publishes_utf16_diagnostics(server: RpcClient) -> None:
    text = "s = '😀😀' + )\n"
    msg = open_and_wait_for_diagnostics(server, "file:///tmp/x.py", text)
    diag = msg["params"]["diagnostics"][0]
    assert msg["params"]["uri"] == "file:///tmp/x.py"
    assert diag["range"]["start"] == {"line": 0, "character": text.index(")") + 2}
    assert diag["data"]["stage"] == "syntax"
    code = "def f(s):\n    return re.sub('a', 'b', s)\n"
    msg = open_and_wait_for_diagnostics(server, "file:///tmp/y.py", code)
    errors = [d for d in msg["params"]["diagnostics"] if d["severity"] == 1]
    assert [d["data"]["stage"] for d in errors] == ["compile"]
    assert errors[0]["source"] == "codegen/pyflakes"
    assert "undefined name 're'" in errors[0]["message"]


def test_after_exit_the_process_ends() -> None:
    proc, client = start_stdio()
    assert client.call("shutdown")["result"] is None
    client.notify("exit")
    assert proc.wait(timeout=30) == 0


def _start_tcp(tmp_path: Path) -> tuple[subprocess.Popen[str], dict[str, Any]]:
    env = {**os.environ, "XDG_RUNTIME_DIR": str(tmp_path), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [*CODEGEN, "serve", "--tcp", "0", "--model", "embedded-small"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    return proc, json.loads(proc.stdout.readline())


def _connect(info: dict[str, Any]) -> tuple[socket.socket, RpcClient]:
    sock = socket.create_connection((info["host"], info["port"]), timeout=60)
    return sock, RpcClient(sock.makefile("rb"), sock.makefile("wb"))


def test_tcp_token_and_client_disconnect_mid_request(tmp_path: Path) -> None:
    proc, info = _start_tcp(tmp_path)
    try:
        assert info["host"] == "127.0.0.1"
        token_file = Path(info["token_file"])
        assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
        token = token_file.read_text()

        sock, client = _connect(info)
        wrong = client.call(
            "initialize", {"capabilities": {}, "initializationOptions": {"token": "x"}}
        )
        assert wrong["error"]["code"] == -32001
        with pytest.raises(EOFError):
            client.call("codegen/languages", timeout=30)
        sock.close()

        init = {"capabilities": {}, "initializationOptions": {"token": token}}
        sock, client = _connect(info)
        assert "capabilities" in client.call("initialize", init)["result"]
        client.request("codegen/generate", {"description": "Add two numbers", "max_tokens": 64})
        client.write(b'Content-Length: 500\r\n\r\n{"jsonrpc"')  # and vanish mid-message
        sock.close()

        sock, client = _connect(info)
        assert "capabilities" in client.call("initialize", init)["result"]
        langs = client.call("codegen/languages", timeout=60)["result"]
        assert any(lang["name"] == "python" for lang in langs)
        sock.close()
        assert proc.poll() is None
    finally:
        proc.terminate()
        proc.wait(timeout=30)
