"""A Connection driven in process, message by message, with a scripted model: what the
server unit tests share. Replies are read back from the bytes the server wrote."""

from __future__ import annotations

import io
import json
import threading
import time
from typing import Any

from codegen.backends.base import ScriptedBackend
from codegen.config import Settings
from codegen.server import handlers
from codegen.server.dispatch import Connection
from codegen.server.framing import FrameReader, FrameWriter


class Sink(io.BytesIO):
    """The server's output, kept after the server closes it."""

    def close(self) -> None:
        pass


def frames(data: bytes) -> list[dict[str, Any]]:
    reader = FrameReader(io.BytesIO(data))
    out = []
    while (frame := reader.read()) is not None:
        out.append(json.loads(frame.body or b""))
    return out


def request(msg_id: Any, method: str, params: Any = None) -> dict[str, Any]:
    msg: dict[str, Any] = {"jsonrpc": "2.0", "id": msg_id, "method": method}
    if params is not None:
        msg["params"] = params
    return msg


class LocalClient:
    """Sends messages to a Connection, reads its output, answers the server's own requests
    (``workspace/applyEdit`` with ``applied``, anything else with null)."""

    def __init__(
        self,
        backend: ScriptedBackend,
        settings: Settings | None = None,
        capabilities: dict[str, Any] | None = None,
        token: str | None = None,
    ) -> None:
        self.sink = Sink()
        self.writer = FrameWriter(self.sink)
        state = handlers.State(settings or Settings(model="scripted", n=1), backend=backend)
        self.conn = Connection(state, FrameReader(io.BytesIO()), self.writer, token)
        self._lock = threading.Lock()
        self.answered: set[Any] = set()
        if capabilities is not None:
            self.send(request("init", "initialize", {"capabilities": capabilities}))

    def send(self, message: Any) -> None:
        raw = message if isinstance(message, bytes) else json.dumps(message).encode()
        with self._lock:
            self.conn.handle(raw)

    def notify(self, method: str, params: Any) -> None:
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def open(self, text: str, uri: str = "file:///w.py", language: str = "python") -> None:
        doc = {"uri": uri, "languageId": language, "version": 1, "text": text}
        self.notify("textDocument/didOpen", {"textDocument": doc})

    def messages(self) -> list[dict[str, Any]]:
        return frames(self.sink.getvalue())

    def requests(self, method: str) -> list[dict[str, Any]]:
        return [m for m in self.messages() if m.get("method") == method]

    def reply(self, msg_id: Any, applied: bool = True, timeout: float = 20) -> dict[str, Any]:
        """Wait for the reply to ``msg_id``, answering the server's requests meanwhile."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for msg in self.messages():
                if msg.get("id") == msg_id and "method" not in msg:
                    return msg
                if "method" in msg and "id" in msg and msg["id"] not in self.answered:
                    self.answered.add(msg["id"])
                    result = (
                        {"applied": applied} if msg["method"] == "workspace/applyEdit" else None
                    )
                    self.send({"jsonrpc": "2.0", "id": msg["id"], "result": result})
            time.sleep(0.01)
        raise AssertionError(f"no reply to {msg_id}")

    def idle(self) -> list[dict[str, Any]]:
        """Every message, once the server's worker threads have finished."""
        self.conn.server.thread_pool.shutdown(wait=True)
        return frames(self.sink.getvalue())

    def close(self) -> None:
        self.conn.close()
