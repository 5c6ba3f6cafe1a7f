"""Transport: ``Content-Length`` framed messages over a byte stream, with limits.

A frame over ``MAX_MESSAGE`` bytes is drained in small chunks and reported, never held in
memory whole; header lines are bounded too. ``FrameWriter`` serialises writes from many threads.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
from dataclasses import dataclass
from typing import Any, BinaryIO

log = logging.getLogger(__name__)

MAX_MESSAGE = 4 * 1024 * 1024
MAX_HEADER_LINE = 8192
MAX_HEADER_LINES = 32
_CHUNK = 65536


@dataclass(frozen=True)
class Frame:
    """One message read: its body, or the reason no body could be read."""

    body: bytes | None
    problem: str = ""


class FrameReader:
    """Reads frames from a binary stream; ``read()`` returns None at end of stream."""

    def __init__(self, stream: BinaryIO, max_message: int = MAX_MESSAGE) -> None:
        self._stream = stream
        self._max = max_message

    def _line(self) -> bytes | None:
        """One header line (without its end), a long one cut short; None at end of stream."""
        line = self._stream.readline(MAX_HEADER_LINE)
        if not line:
            return None
        if not line.endswith(b"\n"):
            while True:  # drop the rest of an over-long line
                more = self._stream.readline(MAX_HEADER_LINE)
                if not more or more.endswith(b"\n"):
                    break
            return b"\x00overlong"
        return line.rstrip(b"\r\n")

    def read(self) -> Frame | None:
        length: int | None = None
        problem = ""
        count = 0
        while True:
            line = self._line()
            if line is None:
                return None
            if not line:
                if count:
                    break
                continue  # stray blank lines between messages
            count += 1
            name, sep, value = line.partition(b":")
            if not sep or count > MAX_HEADER_LINES:
                problem = problem or "malformed header line"
            elif name.strip().lower() == b"content-length":
                text = value.strip()
                if text.isdigit() and len(text) < 16:
                    length = int(text)
                else:
                    problem = problem or "Content-Length is not a number"
        if length is None:
            return Frame(None, problem or "missing Content-Length header")
        if length > self._max:
            if not self._drain(length):
                return None
            return Frame(None, f"message of {length} bytes is over the {self._max} byte limit")
        body = self._stream.read(length) if length else b""
        if len(body) < length:
            return None
        return Frame(body, problem)

    def _drain(self, length: int) -> bool:
        left = length
        while left:
            chunk = self._stream.read(min(left, _CHUNK))
            if not chunk:
                return False
            left -= len(chunk)
        return True


class FrameWriter:
    """Writes whole frames under a lock; after the peer is gone, writes are dropped quietly."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self._lock = threading.Lock()
        self.closed = False

    def send(self, message: Any) -> None:
        body = json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        self.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def write(self, data: bytes) -> None:
        with self._lock:
            if self.closed:
                return
            try:
                self._stream.write(data)
                self._stream.flush()
            except (OSError, ValueError):
                log.info("client gone; dropping output")
                self.closed = True

    def close(self) -> None:
        with self._lock:
            self.closed = True
            with contextlib.suppress(OSError, ValueError):
                self._stream.close()
