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

import yaml

from codegen import resources


@dataclass(frozen=True)
class Example:
    description: str
    code: str
    signature: str | None = None


@cache
def bank(language: str) -> tuple[Example, ...]:
    """Every example for ``language``; empty when the bank has no file for it."""
    folder = resources.data_dir("prompts").joinpath("examples")
    entry: Traversable = folder.joinpath(f"{language}.yaml")
    if not entry.is_file():
        from codegen.validation.antlr_user import examples_file

        user = examples_file(language)  # given with `codegen grammar add --examples`
        if user is None:
            return ()
        entry = user
    data = yaml.safe_load(entry.read_text(encoding="utf-8")) or {}
    return tuple(
        Example(
            description=str(item["description"]).strip(),
            code=str(item["code"]).rstrip("\n"),
            signature=item.get("signature"),
        )
        for item in data.get("examples", [])
    )
