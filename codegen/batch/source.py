"""Read spec files (YAML, JSON, JSONL, TOML) into plain data plus the position of every value.

Positions are 1-based ``line:column`` and let every later error say where it is:
``spec.yaml:12:5: tasks[3].languages: ...``. YAML and JSON positions come from YAML's composed
nodes (JSON is parsed by ``json`` for exactness, then composed as YAML for marks); JSONL is one
task object per line; TOML positions are a best-effort scan of table headers and ``key =`` lines.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codegen import textfiles
from codegen.errors import InputError, UsageError

FieldPath = tuple[str | int, ...]
FORMATS = {
    ".yaml": "yaml",
    ".yml": "yaml",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".toml": "toml",
}
MAX_SPEC_BYTES = 16 << 20


class SpecError(UsageError):
    """A spec file is malformed or asks for something impossible (exit 2)."""


@dataclass(frozen=True)
class Mark:
    line: int
    column: int


@dataclass
class SpecSource:
    """One spec file's data, with the positions of its values and of the keys naming them."""

    name: str
    data: Any
    values: dict[FieldPath, Mark] = field(default_factory=dict)
    keys: dict[FieldPath, Mark] = field(default_factory=dict)

    def mark(self, path: FieldPath, *, key: bool = False) -> Mark | None:
        """The position of ``path`` (its key when ``key``), else of its nearest ancestor."""
        probe = tuple(path)
        if key and probe in self.keys:
            return self.keys[probe]
        while True:
            if probe in self.values:
                return self.values[probe]
            if not probe:
                return None
            probe = probe[:-1]

    def where(self, path: FieldPath, *, key: bool = False) -> str:
        found = self.mark(path, key=key)
        return f"{self.name}:{found.line}:{found.column}" if found else self.name

    def error(self, path: FieldPath, message: str, *, key: bool = False) -> SpecError:
        label = format_path(path)
        prefix = f"{label}: " if label else ""
        return SpecError(f"{self.where(path, key=key)}: {prefix}{message}")


def format_path(path: Iterable[str | int]) -> str:
    """``("tasks", 3, "languages")`` -> ``tasks[3].languages``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def load(path: Path) -> SpecSource:
    """Read and parse one spec file; syntax errors are SpecErrors at ``file:line:column``."""
    name = str(path)
    if path.is_dir():
        raise InputError(f"{path}: is a directory, not a spec file")
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise SpecError(
            f"{name}: unknown spec format '{path.suffix or '(none)'}'; "
            f"use one of {', '.join(sorted(FORMATS))}"
        )
    text = _read(path)
    if kind == "yaml":
        return _load_yaml(name, text)
    if kind == "json":
        return _load_json(name, text)
    if kind == "jsonl":
        return _load_jsonl(name, text)
    return _load_toml(name, text)


def _read(path: Path) -> str:
    return textfiles.read_text(path, MAX_SPEC_BYTES)


def _load_yaml(name: str, text: str) -> SpecSource:
    import yaml

    try:
        data = yaml.safe_load(text)
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{name}:{mark.line + 1}:{mark.column + 1}" if mark else name
        raise SpecError(f"{where}: invalid YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise SpecError(f"{name}: invalid YAML: {exc}") from None
    source = SpecSource(name, data)
    if node is not None:
        _walk(node, (), source, 0, 0)
    return source


def _walk(node: Any, path: FieldPath, source: SpecSource, line0: int, col0: int) -> None:
    """Record the marks of ``node`` and its children; refuse a key given twice."""
    import yaml

    def at(mark: Any) -> Mark:
        return Mark(mark.line + 1 + line0, mark.column + 1 + (col0 if mark.line == 0 else 0))

    source.values[path] = at(node.start_mark)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key == "<<":
                continue
            child = (*path, key)
            if key in seen:
                source.keys[child] = at(key_node.start_mark)
                raise source.error(child, "key given twice", key=True)
            seen.add(key)
            source.keys[child] = at(key_node.start_mark)
            _walk(value_node, child, source, line0, col0)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), source, line0, col0)


def _marks_from_yaml(text: str, path: FieldPath, source: SpecSource, line0: int, col0: int) -> None:
    """Add marks for JSON text composed as YAML; JSON YAML cannot read just gets no marks."""
    import yaml

    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return
    if node is not None:
        _walk(node, path, source, line0, col0)


def _load_json(name: str, text: str) -> SpecSource:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SpecError(f"{name}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}") from None
    source = SpecSource(name, data)
    _marks_from_yaml(text, (), source, 0, 0)
    return source


def _load_jsonl(name: str, text: str) -> SpecSource:
    tasks: list[Any] = []
    source = SpecSource(name, {"tasks": tasks})
    source.values[()] = Mark(1, 1)
    source.values[("tasks",)] = Mark(1, 1)
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            tasks.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise SpecError(f"{name}:{number}:{exc.colno}: invalid JSON: {exc.msg}") from None
        _marks_from_yaml(line, ("tasks", len(tasks) - 1), source, number - 1, 0)
    return source


_TOML_ERROR_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_TOML_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_TOML_KEY = re.compile(r"^(\s*)([A-Za-z0-9_\-.\"' ]+?)\s*=\s*(\S)")


def _load_toml(name: str, text: str) -> SpecSource:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = _TOML_ERROR_AT.search(message)
        where = f"{name}:{found.group(1)}:{found.group(2)}" if found else name
        problem = _TOML_ERROR_AT.sub("", message)
        raise SpecError(f"{where}: invalid TOML: {problem}") from None
    source = SpecSource(name, data)
    source.values[()] = Mark(1, 1)
    _scan_toml(text, source)
    return source


def _scan_toml(text: str, source: SpecSource) -> None:
    """Best effort: ``[table]``, ``[[tasks]]`` and ``key = value`` lines (no multi-line values)."""
    table: FieldPath = ()
    counts: dict[FieldPath, int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        header = _TOML_HEADER.match(line)
        if header:
            parts = _toml_key_parts(header.group(2))
            table = _toml_table(parts, header.group(1) == "[[", counts)
            column = line.index("[") + 1
            source.values.setdefault(table, Mark(number, column))
            source.keys.setdefault(table, Mark(number, column))
            continue
        pair = _TOML_KEY.match(line)
        if pair and not line.lstrip().startswith("#"):
            path = (*table, *_toml_key_parts(pair.group(2)))
            source.keys.setdefault(path, Mark(number, len(pair.group(1)) + 1))
            source.values.setdefault(path, Mark(number, pair.start(3) + 1))


def _toml_table(parts: list[str], array: bool, counts: dict[FieldPath, int]) -> FieldPath:
    """The data path of a table header; ``[[tasks]]`` counts up, ``[tasks.tests]`` nests."""
    path: FieldPath = ()
    for i, part in enumerate(parts):
        path = (*path, part)
        last = i == len(parts) - 1
        if last and array:
            counts[path] = counts.get(path, -1) + 1
            path = (*path, counts[path])
        elif not last and path in counts:
            path = (*path, counts[path])
    return path


def _toml_key_parts(key: str) -> list[str]:
    return [part.strip().strip("\"'") for part in key.split(".")]
