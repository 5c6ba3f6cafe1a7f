"""Build a checked ``GenerationRequest`` from loose fields (CLI flags, JSON, spec entries).

Every front end goes through ``build_request`` so that the same input gets the same error:
one line naming the field (with the caller's ``where`` prefix), the valid range or choices,
and a did-you-mean for unknown names.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import fields
from typing import Any

import jsonschema

from codegen import languages, signatures
from codegen.config import CONSTRAIN_MODES, Settings
from codegen.errors import UsageError, did_you_mean
from codegen.types import GenerationRequest

FIELDS = tuple(f.name for f in fields(GenerationRequest))
MAX_N = 64


def _fail(where: str, name: str, message: str) -> UsageError:
    prefix = f"{where}: " if where else ""
    return UsageError(f"{prefix}{name}: {message}")


def _number(where: str, name: str, value: Any, kind: type) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        if isinstance(value, str):
            try:
                return kind(value)
            except ValueError:
                pass
        raise _fail(
            where, name, f"expected {'an integer' if kind is int else 'a number'}, got {value!r}"
        )
    if kind is int and not float(value).is_integer():
        raise _fail(where, name, f"expected an integer, got {value!r}")
    return kind(value)


def _languages(where: str, value: Any) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)) or not all(isinstance(i, str) for i in items):
        raise _fail(where, "languages", f"expected a list of language names, got {value!r}")
    specs: list[str] = []
    for item in items:
        for part in item.split(","):
            if part.strip():
                try:
                    specs.append(languages.canonical(part.strip()))
                except UsageError as exc:
                    raise _fail(where, "languages", str(exc)) from None
    if not specs:
        raise _fail(where, "languages", "at least one language is needed")
    names = [s.partition("@")[0] for s in specs]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise _fail(where, "languages", f"'{dupes[0]}' is given twice")
    return tuple(specs)


def _tests(where: str, value: Any, specs: tuple[str, ...]) -> dict[str, str]:
    if value is None:
        return {}
    names = [s.partition("@")[0] for s in specs]
    if isinstance(value, str):
        if len(names) != 1:
            raise _fail(where, "tests", "give tests per language, e.g. {python: '...'}")
        return {names[0]: value}
    if not isinstance(value, Mapping):
        raise _fail(where, "tests", f"expected a mapping of language to test code, got {value!r}")
    out = {}
    for key, code in value.items():
        lang = languages.find(str(key))
        if lang is None:
            raise _fail(where, f"tests.{key}", f"unknown language{did_you_mean(str(key), names)}")
        if not isinstance(code, str):
            raise _fail(where, f"tests.{key}", "expected test code as a string")
        out[lang.name] = code
    return out


def build_request(raw: Mapping[str, Any], settings: Settings, where: str = "") -> GenerationRequest:
    """A checked request from ``raw`` fields, unset ones taken from ``settings``."""
    unknown = [k for k in raw if k not in FIELDS]
    if unknown:
        key = unknown[0]
        raise _fail(
            where,
            key,
            f"unknown field{did_you_mean(key, FIELDS)}; valid fields: {', '.join(FIELDS)}",
        )
    description = raw.get("description")
    if not isinstance(description, str) or not description.strip():
        raise _fail(where, "description", "must be a non-empty text")

    def pick(name: str) -> Any:
        value = raw.get(name)
        return getattr(settings, name) if value is None else value

    n = _number(where, "n", pick("n"), int)
    if not 1 <= n <= MAX_N:
        raise _fail(where, "n", f"must be between 1 and {MAX_N}, got {n}")
    temperature = _number(where, "temperature", pick("temperature"), float)
    if not 0.0 <= temperature <= 2.0:
        raise _fail(where, "temperature", f"must be in [0, 2], got {temperature}")
    top_p = _number(where, "top_p", pick("top_p"), float)
    if not 0.0 < top_p <= 1.0:
        raise _fail(where, "top_p", f"must be in (0, 1], got {top_p}")
    max_tokens = _number(where, "max_tokens", pick("max_tokens"), int)
    if max_tokens < 1:
        raise _fail(where, "max_tokens", f"must be at least 1, got {max_tokens}")
    seed = raw.get("seed", settings.seed)
    seed = None if seed is None else _number(where, "seed", seed, int)
    specs = _languages(where, pick("languages"))
    context = raw.get("context") or ()
    if isinstance(context, str):
        context = (context,)
    return GenerationRequest(
        description=description.strip(),
        languages=specs,
        n=n,
        temperature=temperature,
        top_p=top_p,
        max_tokens=max_tokens,
        seed=seed,
        model=str(pick("model")),
        signature=signatures.checked(raw.get("signature"), where),
        context=tuple(str(c) for c in context),
        tests=_tests(where, raw.get("tests"), specs),
        exec=bool(pick("exec")),
        **_constraint_fields(raw, settings, where),
    )


def _constraint_fields(raw: Mapping[str, Any], settings: Settings, where: str) -> dict[str, Any]:
    mode = raw.get("constrain")
    mode = settings.constrain if mode is None else mode
    if mode not in CONSTRAIN_MODES:
        shown = mode if isinstance(mode, str) else repr(mode)
        raise _fail(
            where,
            "constrain",
            f"'{shown}' is not one of {', '.join(CONSTRAIN_MODES)}"
            f"{did_you_mean(str(mode), CONSTRAIN_MODES)}",
        )
    return {"constrain": mode, "json_schema": _json_schema(where, raw.get("json_schema"))}


def _json_schema(where: str, value: Any) -> dict[str, Any] | None:
    """A JSON Schema object, given as an object or as JSON text."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError as exc:
            raise _fail(where, "json_schema", f"not valid JSON ({exc})") from None
    if not isinstance(value, Mapping):
        raise _fail(where, "json_schema", f"expected a JSON Schema object, got {value!r:.60}")
    try:
        jsonschema.validators.validator_for(value).check_schema(value)
    except jsonschema.SchemaError as exc:
        path = "".join(f"[{p!r}]" for p in exc.absolute_path)
        raise _fail(where, f"json_schema{path}", f"not a valid JSON Schema: {exc.message}") from None
    return dict(value)
