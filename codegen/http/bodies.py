"""Reading request bodies: one JSON object, its fields checked by name and type.

Every problem is a 400 ``ApiError`` naming the field: malformed JSON (with line and column),
a body that is not an object, an unknown field (with a did-you-mean and the valid fields),
a value of the wrong type.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from typing import Any

from starlette.requests import Request

from codegen.errors import did_you_mean
from codegen.http.errors import ApiError

_TYPE_NAMES = {str: "a string", bool: "true or false", dict: "an object", list: "a list"}


async def json_object(request: Request) -> dict[str, Any]:
    """The body as a JSON object (an empty body is an empty object)."""
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except UnicodeDecodeError:
        raise ApiError(400, "the body is not UTF-8 text", code="invalid_json") from None
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno} column {exc.colno}"
        message = f"malformed JSON at {where}: {exc.msg}"
        raise ApiError(400, message, code="invalid_json") from None
    except RecursionError:
        raise ApiError(400, "malformed JSON: nested too deeply", code="invalid_json") from None
    if not isinstance(data, dict):
        raise ApiError(
            400, f"the body must be a JSON object, not {_kind(data)}", code="invalid_json"
        )
    return data


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    names: dict[type, str] = {str: "a string", list: "an array", dict: "an object"}
    return names.get(type(value), type(value).__name__)


def reject_unknown(body: Mapping[str, Any], known: Collection[str], where: str = "") -> None:
    """400 for the first field not in ``known``, with a did-you-mean."""
    for key in body:
        if key not in known:
            path = f"{where}.{key}" if where else key
            raise ApiError(
                400,
                f"{path}: unknown field{did_you_mean(key, known)}; "
                f"valid fields: {', '.join(sorted(known))}",
                param=path,
                code="unknown_field",
            )


def wrong_type(path: str, expected: str, value: Any) -> ApiError:
    return ApiError(
        400, f"{path}: expected {expected}, got {_kind(value)}", param=path, code="invalid_type"
    )


def get(
    body: Mapping[str, Any], name: str, kind: type, where: str = "", default: Any = None
) -> Any:
    """``body[name]`` checked to be of ``kind`` (absent or null: ``default``)."""
    value = body.get(name)
    if value is None:
        return default
    ok = isinstance(value, kind) and not (kind is not bool and isinstance(value, bool))
    if not ok:
        raise wrong_type(f"{where}.{name}" if where else name, _TYPE_NAMES[kind], value)
    return value
