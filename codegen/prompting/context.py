"""Load ``context`` (files, directories or plain text) and choose the chunks worth showing."""

from __future__ import annotations

import os
from pathlib import Path

from codegen import languages, parsing
from codegen.errors import InputError
from codegen.parsing import Chunk

MAX_CONTEXT_FILE = 1 << 20
_SKIP_DIRS = {".git", ".venv", "venv", "node_modules", "__pycache__", "build", "dist", "target"}


def read_source(path: Path) -> str:
    """A text file's content; InputError for missing, binary, non-UTF-8 or huge files."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputError(f"{path}: no such file or directory") from None
    if size > MAX_CONTEXT_FILE:
        raise InputError(f"{path}: file is larger than {MAX_CONTEXT_FILE // 1024} KiB")
    data = path.read_bytes()
    if b"\0" in data[:8192]:
        raise InputError(f"{path}: binary file, not source code")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text (byte {exc.start})") from None


def _files_under(root: Path) -> list[Path]:
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS and not d.startswith("."))
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if languages.from_extension(name) is not None:
                found.append(path)
    return found


def load_chunks(items: tuple[str, ...]) -> list[Chunk]:
    """Chunks from every context item: a path (file or directory) or, failing that, text."""
    chunks: list[Chunk] = []
    for item in items:
        path = Path(item).expanduser()
        looks_like_path = "\n" not in item and len(item) < 4096
        if looks_like_path and path.is_dir():
            for file in _files_under(path):
                try:
                    chunks += _file_chunks(file)
                except InputError:
                    continue  # a binary file inside a directory is skipped, not fatal
        elif looks_like_path and (path.exists() or _looks_like_file_name(item)):
            chunks += _file_chunks(path)
        else:
            chunks.append(Chunk(item, 1, "<context>"))
    return chunks


def _looks_like_file_name(item: str) -> bool:
    return " " not in item.strip() and ("/" in item or "." in Path(item).name)


def _file_chunks(path: Path) -> list[Chunk]:
    text = read_source(path)
    lang = languages.from_extension(path.name)
    name = lang.name if lang else ""
    return parsing.top_level_chunks(name, text, str(path))
