"""Limits on one decoded message, checked before any handler (or pygls) sees it.

A message may nest at most ``MAX_DEPTH`` arrays/objects and hold at most ``MAX_VALUES`` JSON
values in all: beyond, the request is refused with -32600 naming the limit, before pygls
turns it into objects (a 1 MB array of small values cost half a gigabyte there). A string
with a lone UTF-16 surrogate (``"\\ud800"``, which JSON allows and Unicode does not) is
invalid params (-32602) naming the field, instead of an encoding error deep in a handler.
"""

from __future__ import annotations

import re
from typing import Any

MAX_DEPTH = 64
MAX_VALUES = 100_000
_SURROGATE = re.compile("[\ud800-\udfff]")


class LimitExceeded(Exception):
    """The message breaks a limit; ``invalid_params`` tells -32602 from -32600."""

    def __init__(self, message: str, invalid_params: bool = False) -> None:
        super().__init__(message)
        self.invalid_params = invalid_params


def check(message: Any) -> None:
    """Raise LimitExceeded when ``message`` is too deep, too big or holds a lone surrogate."""
    count = 0
    stack: list[tuple[Any, str, int]] = [(message, "", 0)]
    while stack:
        value, path, depth = stack.pop()
        count += 1
        if count > MAX_VALUES:
            raise LimitExceeded(f"invalid request: more than {MAX_VALUES} JSON values")
        if depth > MAX_DEPTH:
            raise LimitExceeded(f"invalid request: nested deeper than {MAX_DEPTH} levels")
        if isinstance(value, str):
            if _SURROGATE.search(value):
                where = path.lstrip(".") or "message"
                raise LimitExceeded(
                    f"invalid params: {where}: a lone UTF-16 surrogate is not valid Unicode",
                    invalid_params=True,
                )
        elif isinstance(value, dict):
            for key, item in value.items():
                stack.append((key, path, depth + 1))
                stack.append((item, f"{path}.{key}", depth + 1))
        elif isinstance(value, list):
            stack.extend((item, f"{path}[{i}]", depth + 1) for i, item in enumerate(value))
