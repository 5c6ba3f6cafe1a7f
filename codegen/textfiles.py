"""The one reader of input files: regular files only, bounded before reading, UTF-8 text.

Every file a user hands codegen (``check``/``repair`` sources, ``--context``, ``--tests``, batch
specs, config files, grammars) is read here, so every front end refuses bad input the same way,
with an ``InputError`` (exit 2) that names the file:

- missing files and directories;
- anything that is not a regular file — a FIFO (reading one would block until a writer comes),
  a device such as ``/dev/zero`` (endless), a socket: the file is opened non-blocking and
  checked with ``fstat`` before a byte is read;
- files over the caller's limit: ``st_size`` is checked first, and the read itself is capped,
  so a file that grows while it is read cannot exceed the limit either;
- binary (NUL bytes in the first 8 KiB) or non-UTF-8 content. A UTF-8 byte-order mark is
  dropped.

``-`` reads standard input, capped the same way.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

from codegen.errors import InputError

MIB = 1 << 20


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a directory"
    return "not a regular file"


def _open_failure(path: str | Path, exc: OSError) -> str:
    try:
        mode = os.stat(path).st_mode
    except OSError:
        mode = stat.S_IFREG
    if not stat.S_ISREG(mode):
        return f"is {_kind(mode)}, not a regular file"
    return f"cannot read: {exc.strerror or exc}"


def _limit_text(limit: int) -> str:
    return f"{limit // MIB} MiB" if limit % MIB == 0 else f"{limit // 1024} KiB"


def read_bytes(path: str | Path, limit: int, label: str = "") -> bytes:
    """At most ``limit`` bytes of the regular file ``path`` (``-``: stdin); InputError else.
    ``label`` prefixes messages (a flag such as ``--context``), else the path alone is named."""
    name = f"{label} {path}" if label else str(path)
    if str(path) == "-":
        data = sys.stdin.buffer.read(limit + 1)
        if len(data) > limit:
            raise InputError(f"{label or '<stdin>'}: input is larger than {_limit_text(limit)}")
        return data
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except OSError as exc:  # e.g. ENXIO for a socket: say what the file is when we can
        raise InputError(f"{name}: {_open_failure(path, exc)}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise InputError(f"{name}: is {_kind(info.st_mode)}, not a regular file")
        if info.st_size > limit:
            raise InputError(f"{name}: file is larger than {_limit_text(limit)}")
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise InputError(f"{name}: cannot read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    if len(data) > limit:
        raise InputError(f"{name}: file is larger than {_limit_text(limit)}")
    return data


def decode(name: str, data: bytes) -> str:
    """``data`` as UTF-8 text without a byte-order mark; InputError for binary or other text."""
    if b"\x00" in data[:8192]:
        raise InputError(f"{name}: binary file (contains NUL bytes), not text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{name}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from None
    return text.removeprefix("\ufeff")


# Source code a user hands codegen (`check`/`repair` files, `--context` files): one limit.
MAX_SOURCE_BYTES = 5 * MIB


def read_source(path: str | Path, label: str = "") -> str:
    """A source file's text (``-``: stdin), at most ``MAX_SOURCE_BYTES``."""
    return read_text(path, MAX_SOURCE_BYTES, label)


def read_text(path: str | Path, limit: int, label: str = "") -> str:
    """The UTF-8 text of the regular file ``path`` (``-``: stdin), at most ``limit`` bytes."""
    data = read_bytes(path, limit, label)
    name = f"{label} {path}" if label else ("<stdin>" if str(path) == "-" else str(path))
    return decode(name, data)
