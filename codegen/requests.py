"""From what a user gave to a checked ``Settings`` and ``GenerationRequest``.

``resolve(flags)`` is the one way a front end turns its flags, the config file and the
``CODEGEN_*`` environment into both (``resolve_settings`` is its first half, for front ends
whose requests come later: batch tasks, server calls). ``build_request`` turns loose fields
(JSON-RPC params, spec entries, a REPL turn) into a request, unset fields taken from the
settings. The same input gets the same error everywhere: one line naming the field (with the
caller's ``where`` prefix), the valid range or choices (one table: ``config.KEYS``), and a
did-you-mean for unknown names.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping
from dataclasses import fields, replace
from typing import Any

import jsonschema

from codegen import config, languages, signatures
from codegen.config import Settings
from codegen.errors import UsageError, did_you_mean
from codegen.languages import LanguageSpec
from codegen.types import GenerationRequest

FIELDS = tuple(f.name for f in fields(GenerationRequest))
# The description of the request ``resolve`` returns when none was given (a session's start).
NO_DESCRIPTION = "(no description yet)"


def resolve_settings(
    flags: Mapping[str, Any], environ: Mapping[str, str] | None = None
) -> Settings:
    """Settings from the config file, then ``CODEGEN_*`` variables, then the ``flags`` that are
    config keys (``n``, ``rank.gen_tests``; None = not given), each type and range checked."""
    given = {k: v for k, v in flags.items() if v is not None}
    unknown = [k for k in given if k not in config.KEY_BY_NAME and k not in FIELDS]
    if unknown:
        raise UsageError(f"unknown setting or request field '{unknown[0]}'")
    return config.load({k: v for k, v in given.items() if k in config.KEY_BY_NAME}, environ=environ)


def resolve(
    flags: Mapping[str, Any], environ: Mapping[str, str] | None = None, where: str = ""
) -> tuple[Settings, GenerationRequest]:
    """(flags, config file, environment) -> (Settings, GenerationRequest).

    ``flags`` maps config keys and request fields to what the user gave (None: not given).
    Config keys become settings (``resolve_settings``); the request takes its fields from the
    flags, else from the settings. Without a description the request is the checked start of
    a session (``NO_DESCRIPTION``). The settings' languages come back canonical
    (``py@3.8`` -> ``python@3.8``)."""
    settings = resolve_settings(flags, environ)
    raw = {
        k: v
        for k, v in flags.items()
        if v is not None and k in FIELDS and k not in config.KEY_BY_NAME
    }
    raw.setdefault("description", NO_DESCRIPTION)
    request = build_request(raw, settings, where)
    settings = replace(settings, languages=tuple(str(spec) for spec in request.languages))
    return settings, request


def _fail(where: str, name: str, message: str) -> UsageError:
    prefix = f"{where}: " if where else ""
    return UsageError(f"{prefix}{name}: {message}")


def _number(where: str, name: str, value: Any, kind: type) -> Any:
    """``value`` as a ``kind`` (JSON and spec files may give "5"), checked against the range
    of the config key of the same name."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        number = None
        if isinstance(value, str):
            with contextlib.suppress(ValueError):
                number = kind(value)
        if number is None:
            want = "an integer" if kind is int else "a number"
            raise _fail(where, name, f"expected {want}, got {value!r}")
        value = number
    if kind is int and not float(value).is_integer():
        raise _fail(where, name, f"expected an integer, got {value!r}")
    key = config.KEY_BY_NAME[name]
    problem = key.check(kind(value)) if key.check else None
    if problem:
        raise _fail(where, name, f"{problem}, got {value!r}")
    return kind(value)


def _languages(where: str, value: Any) -> tuple[LanguageSpec, ...]:
    items = [value] if isinstance(value, (str, LanguageSpec)) else value
    if not isinstance(items, (list, tuple)) or not all(
        isinstance(i, (str, LanguageSpec)) for i in items
    ):
        raise _fail(where, "languages", f"expected a list of language names, got {value!r}")
    specs: list[LanguageSpec] = []
    for item in items:
        if isinstance(item, LanguageSpec):
            specs.append(item)
            continue
        for part in item.split(","):
            if part.strip():
                try:
                    specs.append(languages.parse_language_spec(part))
                except UsageError as exc:
                    raise _fail(where, "languages", str(exc)) from None
    if not specs:
        raise _fail(where, "languages", "at least one language is needed")
    names = [s.name for s in specs]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise _fail(where, "languages", f"'{dupes[0]}' is given twice")
    return tuple(specs)


def _tests(where: str, value: Any, specs: tuple[LanguageSpec, ...]) -> dict[str, str]:
    if value is None:
        return {}
    names = [s.name for s in specs]
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


def _focus(where: str, value: Any) -> int | None:
    if value is None:
        return None
    if type(value) is not int or value < 1:
        raise _fail(where, "focus", f"expected a 1-based line number, got {value!r}")
    return value


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
    temperature = _number(where, "temperature", pick("temperature"), float)
    top_p = _number(where, "top_p", pick("top_p"), float)
    max_tokens = _number(where, "max_tokens", pick("max_tokens"), int)
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
        focus=_focus(where, raw.get("focus")),
        tests=_tests(where, raw.get("tests"), specs),
        exec=bool(pick("exec")),
        **_constraint_fields(raw, settings, where, specs),
    )


def _constraint_fields(
    raw: Mapping[str, Any], settings: Settings, where: str, specs: tuple[LanguageSpec, ...]
) -> dict[str, Any]:
    mode = raw.get("constrain")
    mode = settings.constrain if mode is None else mode
    key = config.KEY_BY_NAME["constrain"]
    problem = key.check(mode) if key.check else None
    if problem:
        hint = did_you_mean(str(mode), config.CONSTRAIN_MODES)
        raise _fail(where, "constrain", f"{problem}, got {mode!r}{hint}")
    schema = _json_schema(where, raw.get("json_schema"))
    if schema is not None and "json" not in [s.name for s in specs]:
        raise _fail(where, "json_schema", "applies to json answers; add json to languages")
    return {"constrain": mode, "json_schema": schema}


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
    schema: dict[str, Any] = dict(value)
    try:
        jsonschema.validators.validator_for(schema).check_schema(schema)
    except jsonschema.SchemaError as exc:
        path = "".join(f"[{p!r}]" for p in exc.absolute_path)
        raise _fail(
            where, f"json_schema{path}", f"not a valid JSON Schema: {exc.message}"
        ) from None
    return schema
