"""Load ``context`` (files, directories or plain text) and choose the chunks worth showing."""

from __future__ import annotations

import os
from pathlib import Path

from codegen import languages, parsing, textfiles
from codegen.errors import InputError
from codegen.parsing import Chunk

_SKIP_DIRS = {".git", ".venv", "venv", "node_modules", "__pycache__", "build", "dist", "target"}


def check_item(item: str, label: str) -> None:
    """Refuse a context path that cannot be used, naming it after ``label`` (the flag or
    command): missing, or a file that ``textfiles.read_source`` refuses. Directories are
    walked later."""
    path = Path(item).expanduser()
    if not path.exists():
        raise InputError(f"{label} {item}: no such file or directory")
    if not path.is_dir():
        try:
            textfiles.read_source(path)
        except InputError as exc:
            raise InputError(f"{label} {exc}") from None


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
    text = textfiles.read_source(path)
    lang = languages.from_extension(path.name)
    name = lang.name if lang else ""
    return parsing.top_level_chunks(name, text, str(path))
