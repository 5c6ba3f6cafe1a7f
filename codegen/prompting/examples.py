"""The few-shot bank: ``prompts/examples/<language>.yaml``, hand-written examples.

Format::

    examples:
      - description: Count the vowels in a string.
        signature: "def count_vowels(text: str) -> int"   # optional
        code: |
          def count_vowels(text: str) -> int:
              ...
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources.abc import Traversable
from pathlib import Path

import yaml

from codegen import languages, resources


@dataclass(frozen=True)
class Example:
    description: str
    code: str
    signature: str | None = None


def bank(language: str) -> tuple[Example, ...]:
    """Every example for ``language``: the built-in bank's, else the file its registry entry
    names (a user grammar's ``--examples``); empty when there is neither."""
    builtin = _builtin_bank(language)
    if builtin is not None:
        return builtin
    lang = languages.find(language)
    path = lang.examples_file if lang is not None else None
    if path is None or not path.is_file():
        return ()
    return _file_bank(str(path), path.stat().st_mtime_ns)


@cache
def _builtin_bank(language: str) -> tuple[Example, ...] | None:
    entry = resources.data_dir("prompts").joinpath("examples", f"{language}.yaml")
    return _read(entry) if entry.is_file() else None


@cache
def _file_bank(path: str, mtime_ns: int) -> tuple[Example, ...]:
    """A user's examples file, read again when it changes (the time is part of the key)."""
    return _read(Path(path))


def _read(entry: Traversable | Path) -> tuple[Example, ...]:
    data = yaml.safe_load(entry.read_text(encoding="utf-8")) or {}
    return tuple(
        Example(
            description=str(item["description"]).strip(),
            code=str(item["code"]).rstrip("\n"),
            signature=item.get("signature"),
        )
        for item in data.get("examples", [])
    )
