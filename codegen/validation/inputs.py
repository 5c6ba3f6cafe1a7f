"""Reading a source file for ``codegen check`` / ``codegen repair``, refusing bad input clearly.

Binary or non-UTF-8 files, files over 5 MB, directories, missing files and unknown extensions
are usage errors (exit 2) that say which file and what is wrong. An empty file is read fine:
it is code that is not valid ("no code").
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from codegen import languages
from codegen.errors import InputError, UsageError

MAX_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class Source:
    name: str
    code: str
    language: str
    version: str | None


def read_source(path: str, language_spec: str | None) -> Source:
    """The file at ``path`` (``-`` for stdin) as text, with its language and version."""
    name = "<stdin>" if path == "-" else path
    data = _read_bytes(path)
    text = decode(name, data)
    if language_spec:
        lang, version = languages.parse_language_spec(language_spec)
    else:
        if path == "-":
            raise UsageError("reading stdin needs a language: add -l LANG")
        found = languages.from_extension(path)
        if found is None:
            raise UsageError(
                f"{name}: cannot tell the language from the extension '{Path(path).suffix}'; "
                f"use -l LANG (one of {', '.join(sorted(languages.names()))})"
            )
        lang, version = found, None
    return Source(name, text, lang.name, version)


def _read_bytes(path: str) -> bytes:
    if path == "-":
        data = sys.stdin.buffer.read(MAX_BYTES + 1)
    else:
        file = Path(path)
        if not file.exists():
            raise InputError(f"{path}: no such file")
        if file.is_dir():
            raise InputError(f"{path}: is a directory, not a source file")
        try:
            if file.stat().st_size > MAX_BYTES:
                raise InputError(f"{path}: file is larger than 5 MB")
            data = file.read_bytes()
        except OSError as exc:
            raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    if len(data) > MAX_BYTES:
        raise InputError(f"{'<stdin>' if path == '-' else path}: input is larger than 5 MB")
    return data


def decode(name: str, data: bytes) -> str:
    if b"\x00" in data[:8192]:
        raise InputError(f"{name}: binary file (contains NUL bytes), not source code")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{name}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from exc
    return text.removeprefix("\ufeff")
