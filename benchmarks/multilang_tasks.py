"""The problems of the multi-language benchmark (``multilang_problems/*.yaml``, written here).

Each file holds one problem: ``id`` (the file's name), ``topic``, ``description`` (what the
model sees, as a user would write it, with or without examples), and per language (python,
javascript, java, c, rust) a ``signatures`` entry (also shown to the model), ``tests`` (hidden:
never in a request) and ``reference`` (a solution written here, never shown; the unit test
checks that it passes the tests). Test conventions per language: ``multilang_harness.py``.
Never translated from HumanEval, MBPP, MultiPL-E or another public benchmark.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from codegen.errors import InputError, UsageError, did_you_mean
from codegen.execution.testcases import from_description

PROBLEMS_DIR = Path(__file__).resolve().parent / "multilang_problems"
LANGUAGES = ("python", "javascript", "java", "c", "rust")
TOPICS = ("strings", "arrays", "math", "search", "structures", "grids", "parsing")
_PER_LANGUAGE = ("signatures", "tests", "reference")


@dataclass(frozen=True)
class Problem:
    id: str
    topic: str
    description: str
    signatures: Mapping[str, str]
    tests: Mapping[str, str]
    reference: Mapping[str, str]

    @property
    def has_examples(self) -> bool:
        """Whether the description shows examples the pipeline can find and run."""
        return bool(from_description(self.description))


def load(directory: Path = PROBLEMS_DIR) -> list[Problem]:
    """Every problem, sorted by id; a malformed file is an InputError naming file and field."""
    problems = [_parse(path) for path in sorted(directory.glob("*.yaml"))]
    if not problems:
        raise InputError(f"{directory}: no problem files (*.yaml)")
    return problems


def _parse(path: Path) -> Problem:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        raise InputError(f"{where}: not valid YAML") from None
    if not isinstance(data, dict):
        raise InputError(f"{path}: expected a mapping of fields")
    text = {key: _text(path, data, key) for key in ("id", "topic", "description")}
    if text["id"] != path.stem:
        raise InputError(f"{path}: id: '{text['id']}' differs from the file name '{path.stem}'")
    if text["topic"] not in TOPICS:
        raise InputError(f"{path}: topic: unknown '{text['topic']}' (choose {', '.join(TOPICS)})")
    parts = {key: _per_language(path, data, key) for key in _PER_LANGUAGE}
    return Problem(
        text["id"], text["topic"], text["description"].strip(), *(parts[k] for k in _PER_LANGUAGE)
    )


def _text(path: Path, data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"{path}: {key}: expected a non-empty string")
    return value


def _per_language(path: Path, data: Mapping[str, Any], key: str) -> dict[str, str]:
    value = data.get(key)
    if not isinstance(value, dict):
        raise InputError(f"{path}: {key}: expected a mapping language -> text")
    unknown = sorted(set(value) - set(LANGUAGES))
    if unknown:
        raise InputError(f"{path}: {key}.{unknown[0]}: unknown language")
    return {
        lang: _text(path, value, lang) if lang in value else _missing(path, key, lang)
        for lang in LANGUAGES
    }


def _missing(path: Path, key: str, language: str) -> str:
    raise InputError(f"{path}: {key}.{language}: missing")


def choose(problems: Sequence[Problem], spec: str | None) -> list[Problem]:
    """``spec``: None (all), a count ("3": the first three) or ids separated by commas."""
    if spec is None:
        return list(problems)
    spec = spec.strip()
    if spec.isdigit():
        if int(spec) < 1:
            raise UsageError(f"--problems: a count must be at least 1, got {spec}")
        return list(problems[: int(spec)])
    wanted = [part.strip() for part in spec.split(",") if part.strip()]
    known = {p.id for p in problems}
    for name in wanted:
        if name not in known:
            raise UsageError(f"--problems: unknown problem '{name}'{did_you_mean(name, known)}")
    return [p for p in problems if p.id in wanted]


def choose_languages(spec: str | None) -> tuple[str, ...]:
    if spec is None:
        return LANGUAGES
    chosen = tuple(part.strip() for part in spec.split(",") if part.strip())
    for name in chosen:
        if name not in LANGUAGES:
            raise UsageError(
                f"--languages: unknown language '{name}'{did_you_mean(name, LANGUAGES)}"
                f" (choose {', '.join(LANGUAGES)})"
            )
    if not chosen:
        raise UsageError("--languages: expected names like java,rust")
    return chosen
