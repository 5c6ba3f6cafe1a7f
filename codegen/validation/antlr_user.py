"""Users' own ANTLR grammars: ``codegen grammar add|list|remove``.

A grammar added as NAME lives in ``<data dir>/grammars/NAME/``: the generated lexer and parser
(Python 3), a copy of the ``.g4`` sources, the few-shot examples and ``manifest.json``. The data
dir is ``$CODEGEN_DATA_DIR`` or the platform's user data dir. ``register_all`` puts every added
grammar into the language registry (the CLI calls it as each command starts; code using
codegen as a library calls it to see them), so ``gen``, ``check``, the REPL and the server
accept NAME like a built-in language. Each entry carries how to load its parser
(``Language.antlr_loader``) and its examples file, so the ANTLR tier and the few-shot bank find
them through the registry.

This module imports no ANTLR code at module level: every command start loads it.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import re
import shutil
import tempfile
import threading
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path
from typing import Any

from codegen import languages, textfiles
from codegen.errors import InputError, UsageError, did_you_mean
from codegen.paths import data_dir
from codegen.validation import grammar_convert
from codegen.validation.grammar_convert import CodeGrammar

log = logging.getLogger(__name__)

MAX_INPUT_BYTES = 4 << 20  # a grammar or examples file
NAME_RE = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")
_GRAMMAR_DECL = re.compile(r"^\s*(lexer\s+|parser\s+)?grammar\s+([A-Za-z_]\w*)\s*;", re.MULTILINE)
_COMMENTS = re.compile(r"//[^\n]*|/\*.*?\*/", re.DOTALL)
_REGISTERED: set[str] = set()
CONVERTED_FILE = "constrain.json"  # the grammar converted for constrained decoding
_CONVERTED: dict[str, CodeGrammar] = {}


@dataclass(frozen=True)
class Manifest:
    name: str
    start: str
    lexer_class: str
    parser_class: str
    extension: str
    sources: tuple[str, ...]
    rules: tuple[str, ...]
    examples: bool = False
    antlr_version: str = "4.13.2"

    @property
    def folder(self) -> Path:
        return grammars_root() / self.name


def grammars_root() -> Path:
    return data_dir() / "grammars"


def read_manifest(name: str) -> Manifest | None:
    path = grammars_root() / name / "manifest.json"
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        raw["sources"] = tuple(raw["sources"])
        raw["rules"] = tuple(raw["rules"])
        return Manifest(**raw)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError, KeyError) as exc:
        log.warning("ignoring user grammar %s: unreadable manifest (%s)", name, exc)
        return None


def list_grammars() -> list[Manifest]:
    root = grammars_root()
    if not root.is_dir():
        return []
    found = [read_manifest(p.name) for p in sorted(root.iterdir()) if p.is_dir()]
    return [m for m in found if m is not None]


def load_classes(name: str) -> tuple[Any, Any, str]:
    """(lexer class, parser class, start rule) of user grammar ``name``."""
    manifest = read_manifest(name) if NAME_RE.match(name) else None
    if manifest is None:
        known = [m.name for m in list_grammars()]
        raise UsageError(f"unknown grammar '{name}'{did_you_mean(name, known)}")
    lexer = _load_class(manifest, manifest.lexer_class)
    parser = _load_class(manifest, manifest.parser_class)
    return lexer, parser, manifest.start


def _load_class(manifest: Manifest, class_name: str) -> Any:
    path = manifest.folder / f"{class_name}.py"
    module_name = f"codegen_user_grammar_{manifest.name.replace('-', '_')}.{class_name}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise UsageError(f"grammar '{manifest.name}': missing generated file {path}")
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except (OSError, SyntaxError, ImportError) as exc:
        raise UsageError(
            f"grammar '{manifest.name}': cannot load {path} ({exc}); add the grammar again"
        ) from exc
    return getattr(module, class_name)


def unregister_all() -> None:
    """Take every user grammar out of the registry (they stay on disk)."""
    for name in list(_REGISTERED):
        languages.unregister(name)
        _forget(name)
    _REGISTERED.clear()


def register_all() -> list[str]:
    """Register every added grammar as a language (again); returns their names."""
    unregister_all()
    try:
        found = list_grammars()
    except OSError as exc:
        log.warning("cannot read user grammars: %s", exc)
        return []
    for manifest in found:
        existing = languages.find(manifest.name)
        if existing is not None:
            log.warning("user grammar '%s' hidden by a language of that name", manifest.name)
            continue
        languages.register(language_for(manifest))
        _REGISTERED.add(manifest.name)
    return sorted(_REGISTERED)


def language_for(manifest: Manifest) -> languages.Language:
    """The registry entry of a user grammar: its parser loads on first use."""
    examples = manifest.folder / "examples.yaml" if manifest.examples else None
    return languages.Language(
        name=manifest.name,
        display=manifest.name,
        extension=manifest.extension,
        fence_tags=(manifest.extension.lstrip("."),),
        antlr_grammar=manifest.name,
        antlr_loader=partial(load_classes, manifest.name),
        examples_file=examples,
    )


def remove(name: str) -> Manifest:
    manifest = read_manifest(name) if NAME_RE.match(name) else None
    if manifest is None:
        known = [m.name for m in list_grammars()]
        raise UsageError(f"no grammar named '{name}'{did_you_mean(name, known)}")
    shutil.rmtree(manifest.folder)
    _forget(name)
    return manifest


def _forget(name: str) -> None:
    """Out of the registry; a parser or examples loaded for it go with its entry (the ANTLR
    tier's cache is keyed by the entry's loader, the examples by file and time)."""
    if name in _REGISTERED:
        languages.unregister(name)
        _REGISTERED.discard(name)
    _CONVERTED.pop(name, None)


# ---------------------------------------------------------------- adding a grammar


@dataclass(frozen=True)
class AddRequest:
    grammar: Path
    lexer: Path | None
    name: str
    start: str | None = None
    examples: Path | None = None
    extension: str | None = None


def add(req: AddRequest) -> Manifest:
    """Generate, check and store a user grammar, then register it. Errors are UsageErrors."""
    _check_name(req.name)
    sources = [p for p in (req.lexer, req.grammar) if p is not None]
    for path in sources:
        if not path.is_file():
            raise InputError(f"{path}: no such grammar file")
    root = grammars_root()
    if (root / req.name).exists():
        raise UsageError(
            f"grammar '{req.name}' already exists; "
            f"remove it first with `codegen grammar remove {req.name}`"
        )
    root.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{req.name}-", dir=root))
    try:
        manifest = _build(req, work)
        work.rename(root / req.name)
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)
    _forget(req.name)
    register_all()
    return manifest


def _check_name(name: str) -> None:
    if not NAME_RE.match(name):
        raise UsageError(
            f"--name '{name}': use lower-case letters, digits, '-' and '_', "
            "starting with a letter (at most 40)"
        )
    builtin = languages.find(name)
    if builtin is not None and builtin.name not in _REGISTERED:
        raise UsageError(f"--name '{name}' clashes with the built-in language '{builtin.name}'")


def _declared(path: Path) -> tuple[str, str]:
    """('lexer' | 'parser' | 'combined', grammar name) from a .g4 file's header."""
    text = _COMMENTS.sub("", textfiles.read_text(path, MAX_INPUT_BYTES))
    match = _GRAMMAR_DECL.search(text)
    if match is None:
        raise InputError(f"{path}: not an ANTLR grammar (no `grammar NAME;` declaration)")
    kind = (match.group(1) or "combined").strip()
    return kind, match.group(2)


def _classes(req: AddRequest) -> tuple[str, str]:
    kind, gname = _declared(req.grammar)
    if req.lexer is None:
        if kind != "combined":
            raise UsageError(
                f"{req.grammar}: a {kind} grammar needs its companion "
                f"({'lexer' if kind == 'parser' else 'parser'}) grammar too"
            )
        return f"{gname}Lexer", f"{gname}Parser"
    lkind, lname = _declared(req.lexer)
    if kind != "parser" or lkind != "lexer":
        raise UsageError(
            f"with two files give the parser grammar then the lexer grammar; got a {kind} "
            f"grammar ({req.grammar}) and a {lkind} grammar ({req.lexer})"
        )
    return lname, gname


def _build(req: AddRequest, work: Path) -> Manifest:
    from codegen.validation import antlr_tool

    lexer_class, parser_class = _classes(req)
    if req.lexer is not None:
        shutil.copy(req.lexer, work / req.lexer.name)
        output = antlr_tool.run_tool([work / req.lexer.name], work, cwd=work)
        shutil.copy(req.grammar, work / req.grammar.name)
        output += antlr_tool.run_tool(
            [work / req.grammar.name], work, cwd=work, extra=["-lib", str(work)]
        )
    else:
        shutil.copy(req.grammar, work / req.grammar.name)
        output = antlr_tool.run_tool([work / req.grammar.name], work, cwd=work)
    if "warning(125)" in output:
        raise UsageError(
            "the parser grammar uses tokens its lexer does not define:\n" + output.strip()
        )
    for leftover in work.iterdir():
        if leftover.suffix in {".interp", ".tokens"}:
            leftover.unlink()
    manifest = _manifest(req, work, lexer_class, parser_class)
    codes: list[str] = []
    if req.examples is not None:
        codes = _store_examples(req.examples, work, manifest)
        manifest = Manifest(**{**asdict(manifest), "examples": True})
    converted = grammar_convert.convert_files([work / s for s in manifest.sources], manifest.start)
    converted = grammar_convert.check_examples(converted, codes)
    (work / CONVERTED_FILE).write_text(converted.to_json(), encoding="utf-8")
    (work / "manifest.json").write_text(json.dumps(asdict(manifest), indent=2) + "\n")
    return manifest


def code_grammar(name: str) -> CodeGrammar:
    """User grammar ``name`` converted for constrained decoding: as stored when it was added,
    or (added before codegen converted grammars) converted now from its sources."""
    cached = _CONVERTED.get(name)
    if cached is not None:
        return cached
    manifest = read_manifest(name) if NAME_RE.match(name) else None
    if manifest is None:
        return CodeGrammar(problems=(f"grammar '{name}' is not installed",))
    stored = manifest.folder / CONVERTED_FILE
    try:
        converted = CodeGrammar.from_json(stored.read_text(encoding="utf-8"))
    except (OSError, ValueError, TypeError, KeyError) as exc:
        if not isinstance(exc, FileNotFoundError):
            log.warning("%s: unreadable (%s); converting the grammar again", stored, exc)
        paths = [manifest.folder / s for s in manifest.sources]
        converted = grammar_convert.convert_files(paths, manifest.start)
    _CONVERTED[name] = converted
    return converted


def _manifest(req: AddRequest, work: Path, lexer_class: str, parser_class: str) -> Manifest:
    probe = Manifest(req.name, "", lexer_class, parser_class, "", (), ())
    lexer, parser = _probe_classes(probe, work)
    rules = tuple(str(r) for r in parser.ruleNames)
    start = req.start or rules[0]
    if start not in rules:
        hint = did_you_mean(start, list(rules))
        raise UsageError(
            f"--start '{start}': the grammar has no rule of that name{hint}; "
            f"its rules: {', '.join(rules)}"
        )
    _check_vocabulary(lexer, parser)
    extension = req.extension or f".{req.name}"
    if not extension.startswith("."):
        extension = "." + extension
    sources = tuple(p.name for p in (req.lexer, req.grammar) if p is not None)
    return Manifest(req.name, start, lexer_class, parser_class, extension, sources, rules)


def _probe_classes(probe: Manifest, work: Path) -> tuple[Any, Any]:
    classes = []
    for class_name in (probe.lexer_class, probe.parser_class):
        path = work / f"{class_name}.py"
        if not path.is_file():
            raise UsageError(f"ANTLR produced no {class_name}.py; is the grammar complete?")
        spec = importlib.util.spec_from_file_location(f"_codegen_probe_{class_name}", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        classes.append(getattr(module, class_name))
    return classes[0], classes[1]


def _check_vocabulary(lexer: Any, parser: Any) -> None:
    """The lexer must define every named token the parser uses, with the same number."""
    mismatched = [
        f"{name} (parser {ttype}, lexer {getattr(lexer, name, 'none')})"
        for ttype, name in enumerate(parser.symbolicNames)
        if name != "<INVALID>" and getattr(lexer, name, None) != ttype
    ]
    if mismatched:
        raise UsageError(
            "the lexer and the parser disagree on tokens: "
            + ", ".join(mismatched[:10])
            + " (does the parser grammar set `options { tokenVocab = <Lexer>; }`?)"
        )


def _store_examples(path: Path, work: Path, manifest: Manifest) -> list[str]:
    """Copy the examples after checking their shape and that each one parses; their code."""
    import yaml

    from codegen.validation import antlr

    try:
        data = yaml.safe_load(textfiles.read_text(path, MAX_INPUT_BYTES)) or {}
    except yaml.YAMLError as exc:
        raise InputError(f"{path}: cannot read examples ({exc})") from exc
    items = data.get("examples") if isinstance(data, dict) else None
    if not isinstance(items, list) or not items:
        raise InputError(f"{path}: expected a mapping with a non-empty 'examples' list")
    lexer, parser = _probe_classes(manifest, work)
    gram = antlr.Grammar(manifest.name, lexer, parser, manifest.start, threading.Lock())
    for index, item in enumerate(items, 1):
        if not isinstance(item, dict) or "description" not in item or "code" not in item:
            raise InputError(f"{path}: examples[{index}] needs 'description' and 'code'")
        diags = antlr.validate_with(str(item["code"]), gram)
        if diags:
            first = diags[0]
            raise InputError(
                f"{path}: examples[{index}] does not parse: "
                f"{first.line}:{first.column}: {first.message}"
            )
    shutil.copy(path, work / "examples.yaml")
    return [str(item["code"]) for item in items]
