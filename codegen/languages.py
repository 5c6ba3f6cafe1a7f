"""The typed language registry: adding a language is one entry here plus its few-shot file.

A language may be asked for with a version, ``python@3.8``. ``parse_language_spec`` is the one
place that reads that text: it returns a ``LanguageSpec`` (canonical name, checked version) that
the request carries from then on. Each language lists the versions its reference checker reads
(``Language.versions``); any other version is a usage error naming the valid ones.
User grammars (ANTLR, ``codegen grammar add``) are added at run time with ``register``: the
registry itself loads nothing; ``validation.antlr_user.register_all`` puts them in (the CLI
does it as each command starts).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codegen.errors import UsageError, did_you_mean


@dataclass(frozen=True)
class Language:
    name: str
    display: str
    extension: str
    aliases: tuple[str, ...] = ()
    fence_tags: tuple[str, ...] = ()
    pygments_lexer: str = "text"
    # tree-sitter grammar: (python module, function returning the language pointer)
    treesitter: tuple[str, str] | None = None
    line_comment: str = "//"
    # Names of reference checkers (see codegen.validation.reference) tried in order.
    checkers: tuple[str, ...] = ()
    # Optional ANTLR grammar name (see codegen.validation.antlr).
    antlr_grammar: str | None = None
    # The versions (``python@3.8``) its reference checker reads; empty: it takes none.
    versions: tuple[str, ...] = ()
    # A user grammar's: (lexer class, parser class, start rule), loaded when first needed...
    antlr_loader: Callable[[], tuple[Any, Any, str]] | None = None
    # ...and its few-shot examples file, if one was given (built-in banks live in prompts/).
    examples_file: Path | None = None

    @property
    def tags(self) -> tuple[str, ...]:
        """Every fence tag that marks a block in this language, lower-case."""
        return (self.name, *self.aliases, *self.fence_tags, self.extension.lstrip("."))


# What each reference checker can check, in the user's spelling (``c@11``, ``java@17``):
# CPython's ``ast.parse(feature_version=...)`` from 3.7 up to the running interpreter (it cannot
# check syntax newer than itself); gcc/g++ ``-std=`` standards (``23`` is passed as ``2x``, the
# spelling gcc 9-13 know); javac ``--release`` numbers; rustc editions.
PYTHON_VERSIONS = tuple(f"3.{minor}" for minor in range(7, sys.version_info.minor + 1))
C_VERSIONS = ("89", "90", "99", "11", "17", "18", "23", "gnu89", "gnu99", "gnu11", "gnu17")
CPP_VERSIONS = ("98", "03", "11", "14", "17", "20", "23", "gnu++11", "gnu++14", "gnu++17")
JAVA_VERSIONS = tuple(str(release) for release in range(8, 26))
RUST_VERSIONS = ("2015", "2018", "2021", "2024")


def _lang(**kwargs: object) -> Language:
    return Language(**kwargs)  # type: ignore[arg-type]


_BUILTIN: tuple[Language, ...] = (
    _lang(
        name="python",
        display="Python",
        extension=".py",
        aliases=("py", "python3"),
        fence_tags=("py3",),
        pygments_lexer="python",
        treesitter=("tree_sitter_python", "language"),
        line_comment="#",
        checkers=("cpython",),
        versions=PYTHON_VERSIONS,
    ),
    _lang(
        name="javascript",
        display="JavaScript",
        extension=".js",
        aliases=("js", "node"),
        fence_tags=("jsx", "mjs", "cjs", "ecmascript"),
        pygments_lexer="javascript",
        treesitter=("tree_sitter_javascript", "language"),
        checkers=("node",),
    ),
    _lang(
        name="typescript",
        display="TypeScript",
        extension=".ts",
        aliases=("ts",),
        fence_tags=("tsx",),
        pygments_lexer="typescript",
        treesitter=("tree_sitter_typescript", "language_typescript"),
    ),
    _lang(
        name="java",
        display="Java",
        extension=".java",
        pygments_lexer="java",
        treesitter=("tree_sitter_java", "language"),
        checkers=("javac",),
        versions=JAVA_VERSIONS,
    ),
    _lang(
        name="go",
        display="Go",
        extension=".go",
        aliases=("golang",),
        pygments_lexer="go",
        treesitter=("tree_sitter_go", "language"),
        checkers=("gofmt",),
    ),
    _lang(
        name="rust",
        display="Rust",
        extension=".rs",
        aliases=("rs",),
        pygments_lexer="rust",
        treesitter=("tree_sitter_rust", "language"),
        checkers=("rustc",),
        versions=RUST_VERSIONS,
    ),
    _lang(
        name="c",
        display="C",
        extension=".c",
        aliases=("h",),
        pygments_lexer="c",
        treesitter=("tree_sitter_c", "language"),
        checkers=("gcc",),
        versions=C_VERSIONS,
    ),
    _lang(
        name="cpp",
        display="C++",
        extension=".cpp",
        aliases=("c++", "cxx", "cc"),
        fence_tags=("hpp",),
        pygments_lexer="cpp",
        treesitter=("tree_sitter_cpp", "language"),
        checkers=("g++",),
        versions=CPP_VERSIONS,
    ),
    _lang(
        name="csharp",
        display="C#",
        extension=".cs",
        aliases=("c#", "cs"),
        pygments_lexer="csharp",
        treesitter=("tree_sitter_c_sharp", "language"),
    ),
    _lang(
        name="ruby",
        display="Ruby",
        extension=".rb",
        aliases=("rb",),
        pygments_lexer="ruby",
        treesitter=("tree_sitter_ruby", "language"),
        line_comment="#",
        checkers=("ruby",),
    ),
    _lang(
        name="bash",
        display="Bash",
        extension=".sh",
        aliases=("sh", "shell", "zsh"),
        fence_tags=("console", "shellscript"),
        pygments_lexer="bash",
        treesitter=("tree_sitter_bash", "language"),
        line_comment="#",
        checkers=("bash",),
    ),
    _lang(
        name="sql",
        display="SQL (SQLite)",
        extension=".sql",
        aliases=("sqlite", "sqlite3"),
        pygments_lexer="sql",
        line_comment="--",
        checkers=("sqlite",),
        antlr_grammar="sql",
    ),
    _lang(
        name="json",
        display="JSON",
        extension=".json",
        pygments_lexer="json",
        checkers=("json",),
        antlr_grammar="json",
    ),
)

_REGISTRY: dict[str, Language] = {lang.name: lang for lang in _BUILTIN}


def register(language: Language, *, replace: bool = False) -> None:
    """Add a language (e.g. a user's ANTLR grammar). Built-in names cannot be taken."""
    if language.name in _REGISTRY and not replace:
        raise UsageError(f"language '{language.name}' already exists")
    _REGISTRY[language.name] = language


def unregister(name: str) -> None:
    _REGISTRY.pop(name, None)


def all_languages() -> list[Language]:
    return list(_REGISTRY.values())


def names() -> list[str]:
    return list(_REGISTRY)


def find(name: str) -> Language | None:
    """The language called ``name`` or one of its aliases (case-insensitive), else None."""
    key = name.strip().lower()
    if key in _REGISTRY:
        return _REGISTRY[key]
    for lang in _REGISTRY.values():
        if key in lang.aliases:
            return lang
    return None


def get(name: str) -> Language:
    """Like ``find`` but raises a UsageError listing the valid names and the closest one."""
    lang = find(name)
    if lang is None:
        hint = did_you_mean(name.lower(), [*_REGISTRY, *_all_aliases()])
        raise UsageError(
            f"unknown language '{name}'{hint}; valid languages: {', '.join(sorted(_REGISTRY))}"
        )
    return lang


def _all_aliases() -> list[str]:
    return [alias for lang in _REGISTRY.values() for alias in lang.aliases]


@dataclass(frozen=True)
class LanguageSpec:
    """A language as asked for: its registry name and, optionally, a checked version."""

    name: str
    version: str | None = None

    def __str__(self) -> str:
        return f"{self.name}@{self.version}" if self.version else self.name

    @property
    def language(self) -> Language:
        return get(self.name)


def parse_language_spec(spec: str) -> LanguageSpec:
    """``Py@3.8`` -> ``LanguageSpec('python', '3.8')``; unknown names and versions the
    language's checker cannot read are usage errors listing the valid choices."""
    name, sep, version = spec.strip().partition("@")  # the one place that reads the syntax
    lang = get(name)
    version = version.strip()
    if sep and not version:
        raise UsageError(f"language '{spec}': empty version after '@'")
    if version:
        _check_version(lang, version)
    return LanguageSpec(lang.name, version or None)


def spec_name(text: str) -> str:
    """The name part of a spec as ``str(LanguageSpec)`` wrote it (``python@3.8`` -> ``python``),
    unchecked: for reading stored results, whose languages need not be registered any more."""
    return text.partition("@")[0]


def _check_version(lang: Language, version: str) -> None:
    if not lang.versions:
        raise UsageError(f"language '{lang.name}' takes no version (got '{version}')")
    if version not in lang.versions:
        # a near miss in spelling (c11 for 11) is worth a hint; a number near another is not
        hint = "" if version.replace(".", "").isdigit() else did_you_mean(version, lang.versions)
        raise UsageError(
            f"unknown {lang.name} version '{version}'{hint}; "
            f"valid versions: {', '.join(lang.versions)}"
        )


def from_extension(path: str) -> Language | None:
    lower = path.lower()
    for lang in _REGISTRY.values():
        if lower.endswith(lang.extension):
            return lang
    extra = {
        ".h": "c",
        ".hpp": "cpp",
        ".cc": "cpp",
        ".cxx": "cpp",
        ".mjs": "javascript",
        ".cjs": "javascript",
        ".tsx": "typescript",
        ".bash": "bash",
    }
    for ext, name in extra.items():
        if lower.endswith(ext):
            return _REGISTRY.get(name)
    return None


def from_fence_tag(tag: str) -> Language | None:
    key = tag.strip().lower()
    if not key:
        return None
    for lang in _REGISTRY.values():
        if key in lang.tags:
            return lang
    return None
