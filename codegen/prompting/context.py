"""Load ``context`` (files, directories or plain text) and choose the chunks worth showing."""

from __future__ import annotations

import os
from pathlib import Path

from codegen import languages, textfiles
from codegen.errors import InputError
from codegen.parsing import Chunk
from codegen.prompting import chunks as chunking

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


def files_under(root: Path) -> list[Path]:
    """The source files a context directory contributes (known extensions; build, VCS and
    virtualenv dirs skipped), in a stable order."""
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS and not d.startswith("."))
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if languages.from_extension(name) is not None:
                found.append(path)
    return found


def is_path(item: str) -> bool:
    """Whether a context item names a file or directory (else it is text)."""
    if "\n" in item or len(item) >= 4096:
        return False
    path = Path(item).expanduser()
    return path.exists() or _looks_like_file_name(item)


def load_chunks(
    items: tuple[str, ...], language: str = "", focus: int | None = None
) -> list[Chunk]:
    """Chunks from every context item: a path (file or directory) or, failing that, text in
    ``language`` (the request's). ``focus`` is a 1-based line of the first item (a file or
    text): the lines around it come as one pinned chunk (``prompting.chunks``)."""
    chunks: list[Chunk] = []
    for index, item in enumerate(items):
        where = focus if index == 0 else None
        path = Path(item).expanduser()
        if is_path(item) and path.is_dir():
            for file in files_under(path):
                try:
                    chunks += _file_chunks(file)
                except InputError:
                    continue  # a binary file inside a directory is skipped, not fatal
        elif is_path(item):
            chunks += _file_chunks(path, where)
        else:
            chunks += chunking.split(item, language, "<context>", where)
    return chunks


def _looks_like_file_name(item: str) -> bool:
    return " " not in item.strip() and ("/" in item or "." in Path(item).name)


def _file_chunks(path: Path, focus: int | None = None) -> list[Chunk]:
    text = textfiles.read_source(path)
    lang = languages.from_extension(path.name)
    return chunking.split(text, lang.name if lang else "", str(path), focus)
