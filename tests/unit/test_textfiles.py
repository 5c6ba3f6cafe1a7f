"""The one input reader: regular files only, bounded before reading, UTF-8 text."""

from __future__ import annotations

import io
import os
import socket
import sys
from pathlib import Path

import pytest

from codegen import textfiles
from codegen.errors import InputError


@pytest.mark.timeout(10)
def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.py"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match=r"pipe\.py: is a named pipe \(FIFO\), not a regular"):
        textfiles.read_text(fifo, 1 << 20)


@pytest.mark.timeout(10)
def test_an_endless_device_is_refused_before_reading() -> None:
    with pytest.raises(InputError, match=r"^--context /dev/zero: is a device, not a regular"):
        textfiles.read_text("/dev/zero", 1 << 20, "--context")


def test_a_socket_and_a_directory_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.sock"
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(path))
        with pytest.raises(InputError, match="is a socket, not a regular file"):
            textfiles.read_bytes(path, 100)
    with pytest.raises(InputError, match="is a directory, not a regular file"):
        textfiles.read_bytes(tmp_path, 100)
    with pytest.raises(InputError, match=r"nope\.py: no such file"):
        textfiles.read_bytes(tmp_path / "nope.py", 100)


def test_size_is_checked_before_reading_and_named(tmp_path: Path) -> None:
    big = tmp_path / "big.py"
    big.write_bytes(b"x" * 2049)
    with pytest.raises(InputError, match=r"big\.py: file is larger than 2 KiB"):
        textfiles.read_bytes(big, 2048)
    assert textfiles.read_bytes(big, 2049) == b"x" * 2049


def test_text_rules_binary_encoding_and_bom(tmp_path: Path) -> None:
    cases = {"bin.py": b"\x00\x01", "latin.py": "caf\xe9".encode("latin-1")}
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
    with pytest.raises(InputError, match=r"bin\.py: binary file"):
        textfiles.read_text(tmp_path / "bin.py", 100)
    with pytest.raises(InputError, match=r"latin\.py: not UTF-8 text \(byte 0xe9 at offset 3\)"):
        textfiles.read_text(tmp_path / "latin.py", 100)
    (tmp_path / "bom.py").write_bytes("\ufeffx = 1\n".encode())
    assert textfiles.read_text(tmp_path / "bom.py", 100) == "x = 1\n"


def test_stdin_is_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    class Stdin:
        buffer = io.BytesIO(b"y" * 11)

    monkeypatch.setattr(sys, "stdin", Stdin())
    with pytest.raises(InputError, match=r"^<stdin>: input is larger than"):
        textfiles.read_text("-", 10)
    Stdin.buffer = io.BytesIO(b"ok")
    assert textfiles.read_text("-", 10) == "ok"
