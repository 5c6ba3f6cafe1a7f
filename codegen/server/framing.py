"""Transport: ``Content-Length`` framed messages over a byte stream, with limits, recovering.

Header lines are bounded (``MAX_HEADER_LINE`` bytes, ``MAX_HEADER_LINES`` per message) and a
body over ``max_message`` bytes is never read. A message whose header is malformed — a line
without a colon, a negative, non-numeric, missing or over-limit ``Content-Length``, too many
header lines — is reported ONCE (a ``Frame`` with no body and the problem), and the reader
then resynchronises: it skips bytes, in bounded lines, until a line containing a
``Content-Length:`` header (even glued to the end of a previous body, as happens after a wrong
length) and starts the next message there. So a client bug or one bad byte costs one message,
not the session. ``FrameWriter`` serialises writes from many threads.
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
_OVERLONG = b"\x00overlong"
_MARK = b"content-length:"


@dataclass(frozen=True)
class Frame:
    """One message read: its body, or (body None) the reason no body could be read."""

    body: bytes | None
    problem: str = ""


class _Source:
    """The stream, with bytes put back in front of it (``unread``) to be read again."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self._buf = b""

    def unread(self, data: bytes) -> None:
        self._buf = data + self._buf

    def readline(self, limit: int) -> bytes:
        if not self._buf:
            return self._stream.readline(limit)
        end = self._buf.find(b"\n", 0, limit)
        cut = end + 1 if end >= 0 else min(limit, len(self._buf))
        line, self._buf = self._buf[:cut], self._buf[cut:]
        if end < 0 and len(line) < limit:
            line += self._stream.readline(limit - len(line))
        return line

    def read(self, size: int) -> bytes:
        head, self._buf = self._buf[:size], self._buf[size:]
        return head + self._stream.read(size - len(head)) if len(head) < size else head


class FrameReader:
    """Reads frames from a binary stream; ``read()`` returns None at end of stream."""

    def __init__(self, stream: BinaryIO, max_message: int = MAX_MESSAGE) -> None:
        self._source = _Source(stream)
        self.max_message = max_message  # the dispatcher lowers it until a client authenticates
        self._resync = False

    def _line(self) -> bytes | None:
        """One line (without its end), an over-long one replaced by a marker; None at end."""
        line = self._source.readline(MAX_HEADER_LINE)
        if not line:
            return None
        if not line.endswith(b"\n"):
            last = line
            while last and not last.endswith(b"\n"):  # drop the rest of an over-long line
                line, last = last, self._source.readline(MAX_HEADER_LINE)
            # Keep its end (the last read and the tail of the one before): a header glued to
            # the end of a long run of bytes is found there when resynchronising.
            return _OVERLONG + line[-64:] + last.rstrip(b"\r\n")
        return line.rstrip(b"\r\n")

    def _first_line(self) -> bytes | None:
        """The first header line of the next message. After a bad header, lines are skipped
        until one holds ``Content-Length:``, taken from there; else blank lines are skipped."""
        while True:
            line = self._line()
            if line is None:
                return None
            if self._resync:
                at = line.lower().find(_MARK)
                if at < 0:
                    continue
                self._resync = False
                line = line[at:]
            if line:
                return line

    def read(self) -> Frame | None:
        line = self._first_line()
        length: int | None = None
        count = 0
        while line:  # header lines up to the blank one
            count += 1
            problem = _header_problem(line, count)
            if problem:
                self.recover(line + b"\n")  # the next header may start inside the bad line
                return Frame(None, problem)
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
            line = self._line()
        if line is None:
            return None
        if length is None:
            return self._bad("missing Content-Length header")
        if length > self.max_message:
            return self._bad(f"message of {length} bytes is over the {self.max_message} byte limit")
        body = self._source.read(length) if length else b""
        if len(body) < length:
            return None
        return Frame(body)

    def recover(self, data: bytes) -> None:
        """``data`` was read as part of a message but is not one (a bad header line, a body that
        is not JSON, e.g. after a wrong Content-Length): look for the next header inside it."""
        self._source.unread(data[1:])
        self._resync = True

    def _bad(self, problem: str) -> Frame:
        self._resync = True
        return Frame(None, problem)


def _header_problem(line: bytes, count: int) -> str:
    """Why a header line cannot be taken, or ''."""
    if count > MAX_HEADER_LINES:
        return f"more than {MAX_HEADER_LINES} header lines"
    name, sep, value = line.partition(b":")
    if line.startswith(_OVERLONG):
        return f"header line over {MAX_HEADER_LINE} bytes"
    if not sep or not name.strip() or line.lower().find(_MARK) > 0:
        return "malformed header line"  # (the last: bytes glued before a Content-Length)
    if name.strip().lower() == b"content-length":
        text = value.strip()
        if not (text.isdigit() and len(text) < 16):
            return f"Content-Length is not a non-negative number: {text[:20]!r}"
    return ""


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
