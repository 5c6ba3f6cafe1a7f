"""Which grammar, if any, constrains the decoding of one language of a request.

``decide(request, language)`` gives the ``Constraint`` the backend decodes under, and a
warning when the request asked for more than can be done:

- ``constrain: off``: none.
- json with ``json_schema`` in the request: JSON following that schema.
- a language with an ANTLR grammar (``sql``, ``json``, grammars added with ``codegen grammar
  add``) whose grammar converts (``grammar_convert``): that grammar.
- a grammar that does not convert: none, and a warning naming what stopped it; the
  candidates are validated and repaired as before.
- no grammar at all (python, java, ...): none; with ``constrain: on`` a warning says so.

Built-in grammars are converted from the shipped ``.g4`` files once per process; a user's
grammar was converted when it was added (``constrain.json`` in its folder) or, for one added
before conversion existed, on first use.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from codegen import languages, resources
from codegen.types import Constraint, GenerationRequest
from codegen.validation import grammar_convert
from codegen.validation.grammar_convert import CodeGrammar

log = logging.getLogger(__name__)

# Text before the fenced block: not allowed. Measured with benchmarks/constrained.py (README).
PROSE = False
CONVERTED_FILE = "constrain.json"

_BUILTIN = {"sql": ("SQL.g4", "script"), "json": ("JSON.g4", "json")}
_CACHE: dict[str, CodeGrammar] = {}
_LOCK = threading.Lock()


@dataclass(frozen=True)
class Decision:
    constraint: Constraint | None
    warning: str = ""


def decide(request: GenerationRequest, language: str, prose: bool = PROSE) -> Decision:
    """The constraint for ``language``'s candidates of ``request``."""
    if request.constrain == "off":
        return Decision(None)
    lang = languages.get(language)
    if lang.name == "json" and request.json_schema is not None:
        schema = json.dumps(dict(request.json_schema), sort_keys=True)
        return Decision(Constraint(tag=lang.name, json_schema=schema, prose=prose))
    grammar = code_grammar(lang.name)
    if grammar is None:
        if request.constrain == "on":
            return Decision(None, f"{lang.name}: no grammar to constrain decoding with")
        return Decision(None)
    if not grammar.ok:
        return Decision(
            None,
            f"{lang.name}: decoding is not constrained, its grammar does not convert "
            f"({grammar.summary()}); candidates are validated and repaired instead",
        )
    return Decision(
        Constraint(
            tag=lang.name,
            lark=grammar.lark,
            rule=grammar.rule,
            gbnf=grammar.gbnf,
            gbnf_rule=grammar.gbnf_rule,
            prose=prose,
        )
    )


def code_grammar(language: str) -> CodeGrammar | None:
    """The converted grammar of ``language``; None when it has no ANTLR grammar."""
    lang = languages.get(language)
    name = lang.antlr_grammar
    if name is None:
        return None
    with _LOCK:
        cached = _CACHE.get(name)
        if cached is None:
            cached = _builtin(name) if name in _BUILTIN else _user(name)
            _CACHE[name] = cached
        return cached


def forget(name: str) -> None:
    """Drop a cached conversion (a user grammar removed or added again)."""
    with _LOCK:
        _CACHE.pop(name, None)


def _builtin(name: str) -> CodeGrammar:
    file, start = _BUILTIN[name]
    return grammar_convert.convert([(file, resources.read_text("grammars", file))], start)


def _user(name: str) -> CodeGrammar:
    from codegen.validation import antlr_user

    manifest = antlr_user.read_manifest(name)
    if manifest is None:
        return CodeGrammar(problems=(f"grammar '{name}' is not installed",))
    stored = manifest.folder / CONVERTED_FILE
    try:
        return CodeGrammar.from_json(stored.read_text(encoding="utf-8"))
    except FileNotFoundError:
        pass
    except (OSError, ValueError, TypeError) as exc:
        log.warning("%s: unreadable, converting the grammar again (%s)", stored, exc)
    paths = [manifest.folder / s for s in manifest.sources]
    return grammar_convert.convert_files(paths, manifest.start)


def store(folder: Path, grammar: CodeGrammar) -> None:
    (folder / CONVERTED_FILE).write_text(grammar.to_json(), encoding="utf-8")
