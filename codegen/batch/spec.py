"""Spec files to checked ``Task`` values; every problem is found before any generation.

Order of checks: syntax (``source``), the JSON Schema ``schemas/spec.schema.json`` (unknown keys
get a did-you-mean), then each task's request through ``build_request`` (the same errors as
``codegen gen``), duplicate ids across all files, and the ``output`` paths (placeholders known,
inside the output dir, no two tasks writing one file).
"""

from __future__ import annotations

import hashlib
import json
import posixpath
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codegen import languages
from codegen.batch.source import FieldPath, SpecError, SpecSource, load
from codegen.config import Settings
from codegen.errors import UsageError, did_you_mean
from codegen.requests import build_request
from codegen.types import GenerationRequest

DEFAULT_OUTPUT = "{id}/{language}.{ext}"
STATE_DIR = ".codegen-batch"
RESERVED = ("manifest.json", "report.json", STATE_DIR)
PLACEHOLDERS = ("id", "language", "ext")
_PLACEHOLDER_LIST = ", ".join("{" + p + "}" for p in PLACEHOLDERS)


@dataclass(frozen=True)
class Task:
    """One checked spec entry: its request, where its files go, and a hash of the entry."""

    id: str
    request: GenerationRequest
    outputs: Mapping[str, str]  # language name -> path relative to the output dir
    where: str  # "spec.yaml:12:5", the entry's position
    spec: str  # the spec file it came from
    digest: str


def load_tasks(paths: Sequence[Path], settings: Settings, model: str | None = None) -> list[Task]:
    """Every task of every file, checked; ``model`` (the --model flag) overrides the specs."""
    tasks: list[Task] = []
    first_seen: dict[str, str] = {}
    owners: dict[str, str] = {}
    for path in paths:
        source = load(path)
        check_schema(source)
        defaults = source.data.get("defaults") or {}
        for index, entry in enumerate(source.data["tasks"]):
            task = _task(source, index, entry, defaults, settings, model)
            if task.id in first_seen:
                raise source.error(
                    ("tasks", index, "id"),
                    f"duplicate id '{task.id}' (first at {first_seen[task.id]})",
                )
            first_seen[task.id] = source.where(("tasks", index, "id"))
            _claim_outputs(source, index, task, owners)
            tasks.append(task)
    return tasks


def check_schema(source: SpecSource) -> None:
    """Validate against the spec schema; the first (most relevant) error as a SpecError."""
    import jsonschema

    from codegen import resources

    data = source.data
    if data is None or data == {} or data == []:
        raise source.error((), "the spec is empty: it needs a 'tasks' list")
    schema = resources.schema("spec")
    validator = jsonschema.Draft202012Validator(schema)
    errors = list(validator.iter_errors(data))
    # An unknown key (a typo) usually explains the rest, and its did-you-mean helps most.
    unknown = [e for e in errors if e.validator == "additionalProperties"]
    error = jsonschema.exceptions.best_match(unknown or errors)
    if error is not None:
        raise _schema_error(source, error, schema)


def _schema_error(source: SpecSource, error: Any, schema: Mapping[str, Any]) -> SpecError:
    path: FieldPath = tuple(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = list(error.schema.get("properties", {}))
        unknown = next(k for k in error.instance if k not in allowed)
        hint = did_you_mean(unknown, allowed)
        return source.error(
            (*path, unknown), f"unknown key{hint}; valid keys: {', '.join(allowed)}", key=True
        )
    if error.validator == "required":
        missing = next(k for k in error.validator_value if k not in error.instance)
        return source.error(path, f"missing required key '{missing}'")
    if error.validator == "type" and not path:
        return source.error(path, "a spec must be a mapping with a 'tasks' list")
    last = path[-1] if path else ""
    if last == "tasks" and error.validator in ("minItems", "type"):
        return source.error(path, "expected a non-empty list of tasks")
    if last == "id" and error.validator == "pattern":
        return source.error(
            path,
            f"ids are 1-128 letters, digits, '.', '_' or '-' (not starting with '.', "
            f"'_' or '-'), got {error.instance!r}",
        )
    if last == "description" and error.validator in ("pattern", "minLength"):
        return source.error(path, "must be a non-empty text")
    messages = {
        "languages": "expected a language name or a list of language names",
        "tests": "expected test code, or a mapping of language to test code",
        "signature": "expected a signature, or a mapping of language to signature",
        "context": "expected a path or a list of paths",
    }
    if last in messages and error.validator in ("oneOf", "type", "minItems", "minLength"):
        return source.error(path, f"{messages[str(last)]}, got {error.instance!r}")
    return source.error(path, error.message)


def _task(
    source: SpecSource,
    index: int,
    entry: Mapping[str, Any],
    defaults: Mapping[str, Any],
    settings: Settings,
    model: str | None,
) -> Task:
    base: FieldPath = ("tasks", index)
    merged = {**defaults, **entry}
    raw = {k: v for k, v in merged.items() if k not in ("id", "output")}
    if model:
        raw["model"] = model
    if raw.get("tests") and "exec" not in raw:
        raw["exec"] = True  # tasks that carry tests run them (ranking evidence)
    try:
        request = build_request(raw, settings)
    except UsageError as exc:
        raise _relocate(source, base, entry, str(exc)) from None
    request = _check_model_and_context(source, base, entry, request, model)
    output = str(merged.get("output") or DEFAULT_OUTPUT)
    where_output = _field(base, entry, "output")
    outputs = _outputs(source, where_output, str(entry["id"]), request, output)
    digest = entry_digest(request, output)
    return Task(
        id=str(entry["id"]),
        request=request,
        outputs=outputs,
        where=source.where(base),
        spec=source.name,
        digest=digest,
    )


def _field(base: FieldPath, entry: Mapping[str, Any], name: str) -> FieldPath:
    """Where ``name`` was given: in the task itself, else in the file's defaults."""
    return (*base, name) if name in entry else ("defaults", name)


def _check_model_and_context(
    source: SpecSource,
    base: FieldPath,
    entry: Mapping[str, Any],
    request: GenerationRequest,
    flag_model: str | None,
) -> GenerationRequest:
    """The model spec must be one a loader takes; context paths are relative to the spec file
    and must exist."""
    from codegen.backends.factory import check_spec

    if request.model and not flag_model:
        try:
            check_spec(request.model)
        except UsageError as exc:
            message = str(exc).removeprefix(f"--model {request.model}: ")
            raise source.error(_field(base, entry, "model"), message) from None
    folder = Path(source.name).parent
    resolved = []
    for item in request.context:
        path = Path(item).expanduser()
        path = path if path.is_absolute() else folder / path
        if not path.exists():
            raise source.error(
                _field(base, entry, "context"), f"no such file or directory '{item}'"
            )
        resolved.append(str(path))
    return request.with_changes(context=tuple(resolved))


def _relocate(
    source: SpecSource, base: FieldPath, entry: Mapping[str, Any], message: str
) -> SpecError:
    """Point a ``build_request`` error ("field: problem") at the task or defaults value."""
    name, sep, problem = message.partition(": ")
    if not sep:
        return source.error(base, message)
    parts: list[str | int] = list(name.split("."))
    top = str(parts[0])
    defaults = source.data.get("defaults") or {}
    owner = entry if top in entry else defaults if top in defaults else None
    if owner is None:
        return source.error(base, f"{name}: {problem}")
    prefix: FieldPath = base if owner is entry else ("defaults",)
    value = owner[top]
    if top == "languages" and isinstance(value, list):
        parts.extend(_bad_item(value)[:1])
    per_language = top in ("tests", "signature") and len(parts) > 1
    return source.error((*prefix, *parts), problem, key=per_language)


def _bad_item(items: list[Any]) -> list[int]:
    """The index of the first language name the registry rejects, if any."""
    for index, item in enumerate(items):
        for part in str(item).split(","):
            try:
                if part.strip():
                    languages.parse_language_spec(part)
            except UsageError:
                return [index]
    return []


def _outputs(
    source: SpecSource, where: FieldPath, task_id: str, request: GenerationRequest, template: str
) -> dict[str, str]:
    names = request.language_names
    if len(names) > 1 and "{language}" not in template and "{ext}" not in template:
        raise source.error(
            where, "several languages need '{language}' or '{ext}' in the output path"
        )
    outputs: dict[str, str] = {}
    for name in names:
        ext = languages.get(name).extension.lstrip(".")
        try:
            rendered = template.format(id=task_id, language=name, ext=ext)
        except (KeyError, IndexError) as exc:
            raise source.error(
                where,
                f"unknown placeholder {{{exc.args[0]}}}; use {_PLACEHOLDER_LIST}",
            ) from None
        except ValueError as exc:
            raise source.error(where, f"bad output template {template!r}: {exc}") from None
        outputs[name] = _inside(source, where, rendered)
    return outputs


def _inside(source: SpecSource, where: FieldPath, rendered: str) -> str:
    """The normalised relative path, or an error when it would leave the output dir."""
    text = rendered.replace("\\", "/")
    if text.startswith("/") or (len(text) > 1 and text[1] == ":") or text.startswith("~"):
        raise source.error(where, f"'{rendered}' is absolute; outputs must stay inside --out")
    normal = posixpath.normpath(text)
    if normal == ".." or normal.startswith("../") or normal in ("", "."):
        raise source.error(where, f"'{rendered}' escapes the output dir")
    if normal.split("/")[0] in RESERVED:
        raise source.error(where, f"'{rendered}' is reserved for the batch's own files")
    return normal


def _claim_outputs(source: SpecSource, index: int, task: Task, owners: dict[str, str]) -> None:
    for path in task.outputs.values():
        if path in owners:
            raise source.error(
                ("tasks", index, "output"),
                f"task '{task.id}' would write '{path}', which task '{owners[path]}' writes too",
            )
        owners[path] = task.id


def entry_digest(request: GenerationRequest, output: str) -> str:
    """A stable hash of everything that decides a task's outcome (for --resume)."""
    blob = json.dumps({"request": request.to_dict(), "output": output}, sort_keys=True)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()
