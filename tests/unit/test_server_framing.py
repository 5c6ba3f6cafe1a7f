"""Framing: Content-Length frames, limits, draining oversized messages in small reads."""

from __future__ import annotations

import io
import json
import threading

import pytest

from codegen.server.framing import FrameReader, FrameWriter


def frame(body: bytes, length: int | None = None) -> bytes:
    n = len(body) if length is None else length
    return b"Content-Length: %d\r\n\r\n" % n + body


class CountingStream(io.BytesIO):
    """Records the largest single read, to prove big bodies are never read whole."""

    largest = 0

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self.largest = max(self.largest, len(data))
        return data

    def readline(self, size: int | None = -1) -> bytes:
        data = super().readline(size)
        self.largest = max(self.largest, len(data))
        return data


def test_reads_frames_in_order() -> None:
    stream = io.BytesIO(frame(b'{"a":1}') + b"\r\n" + frame(b"[]"))
    reader = FrameReader(stream)
    assert reader.read().body == b'{"a":1}'  # type: ignore[union-attr]
    assert reader.read().body == b"[]"  # type: ignore[union-attr]
    assert reader.read() is None


def test_oversized_frame_is_drained_in_chunks_and_reported() -> None:
    big = b"x" * (1 << 20)
    stream = CountingStream(frame(big) + frame(b"{}"))
    reader = FrameReader(stream, max_message=1000)
    first = reader.read()
    assert first is not None and first.body is None and "limit" in first.problem
    assert stream.largest <= 65536
    assert reader.read().body == b"{}"  # type: ignore[union-attr]


def test_missing_or_bad_length_is_a_problem_not_a_crash() -> None:
    reader = FrameReader(io.BytesIO(b"Foo: bar\r\n\r\nContent-Length: x1\r\n\r\n" + frame(b"1")))
    assert reader.read().problem == "missing Content-Length header"  # type: ignore[union-attr]
    assert "not a non-negative number" in reader.read().problem  # type: ignore[union-attr]
    assert reader.read().body == b"1"  # type: ignore[union-attr]


def test_overlong_header_line_is_skipped() -> None:
    stream = io.BytesIO(b"A" * 100_000 + b"\r\n\r\n" + frame(b"2"))
    reader = FrameReader(stream)
    assert reader.read().body is None  # type: ignore[union-attr]
    assert reader.read().body == b"2"  # type: ignore[union-attr]


def test_truncated_body_is_end_of_stream() -> None:
    assert FrameReader(io.BytesIO(frame(b"{}", length=10))).read() is None


class Sink(io.BytesIO):
    def close(self) -> None:  # keep the bytes readable after the writer closes
        pass


def test_writer_counts_bytes_not_characters_and_is_thread_safe() -> None:
    sink = Sink()
    writer = FrameWriter(sink)
    threads = [
        threading.Thread(target=writer.send, args=({"i": i, "s": "😀é" * 50},)) for i in range(20)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    reader = FrameReader(io.BytesIO(sink.getvalue()))
    seen = set()
    while (got := reader.read()) is not None:
        seen.add(json.loads(got.body or b"")["i"])
    assert seen == set(range(20))


def test_writer_after_peer_gone_drops_quietly() -> None:
    class Broken(io.BytesIO):
        def write(self, data: bytes) -> int:  # type: ignore[override]
            raise BrokenPipeError

    writer = FrameWriter(Broken())
    writer.send({"a": 1})
    assert writer.closed
    writer.send({"a": 2})  # no exception


VALID = [frame(b'{"n":%d}' % i) for i in range(5)]


def bodies(reader: FrameReader) -> tuple[list[bytes], list[str]]:
    """Every body read, as the dispatcher sees them: one that is not JSON is a problem and is
    handed back to the reader to look for the next header inside it."""
    got, problems = [], []
    while (f := reader.read()) is not None:
        try:
            json.loads(f.body or b"")
        except ValueError:
            problems.append(f.problem or "not JSON")
            if f.body:
                reader.recover(f.body)
        else:
            got.append(f.body)
    return got, problems


BAD_HEADERS = {
    "negative": b"Content-Length: -5\r\n\r\n{}",
    "non-numeric": b"Content-Length: abc\r\n\r\n{}",
    "missing": b"Content-Type: x\r\n\r\n{}",
    "huge": b"Content-Length: 99999999999\r\n\r\n{}",
    "too many headers": b"X: 1\r\n" * 40 + b"Content-Length: 2\r\n\r\n{}",
    "no colon": b"garbage line\r\n\r\n{}",
    "short length": frame(b'{"long":"body"}', length=3),
    "long length": b"Content-Length: 40\r\n\r\n{}",
}


@pytest.mark.parametrize("name", BAD_HEADERS)
def test_after_a_bad_header_every_following_message_is_read(name: str) -> None:
    reader = FrameReader(io.BytesIO(VALID[0] + BAD_HEADERS[name] + b"".join(VALID[1:])))
    got, problems = bodies(reader)
    expected = [b'{"n":%d}' % i for i in range(5)]
    if name == "too many headers":  # its own Content-Length starts the next message
        expected.insert(1, b"{}")
    assert got == expected
    assert len(problems) == 1  # reported once, not once per skipped line


def test_a_header_glued_to_a_long_run_of_garbage_is_found() -> None:
    garbage = b"Content-Length: -1\r\n" + b"z" * 20_000  # no newline before the next header
    reader = FrameReader(io.BytesIO(garbage + VALID[0] + VALID[1]))
    got, problems = bodies(reader)
    assert got == [b'{"n":0}', b'{"n":1}'] and len(problems) == 1
