"""Where the shipped data lives: ``prompts/``, ``grammars/`` and ``schemas/``.

In a wheel they are inside the package (``codegen/_data/...``, hatch force-include); in a
source checkout or editable install they are the top-level folders of the repository.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any


def data_dir(kind: str) -> Traversable:
    """The folder ``kind`` ('prompts', 'grammars' or 'schemas') wherever it was installed."""
    packaged = resources.files("codegen").joinpath("_data", kind)
    if packaged.is_dir():
        return packaged
    source = Path(__file__).resolve().parent.parent / kind
    if source.is_dir():
        return source
    raise FileNotFoundError(f"codegen data folder '{kind}' is missing from the installation")


def read_text(kind: str, *parts: str) -> str:
    return data_dir(kind).joinpath(*parts).read_text(encoding="utf-8")


@cache
def schema(name: str) -> dict[str, Any]:
    """A JSON Schema from ``schemas/``, e.g. ``schema('result')``."""
    loaded: dict[str, Any] = json.loads(read_text("schemas", f"{name}.schema.json"))
    return loaded
