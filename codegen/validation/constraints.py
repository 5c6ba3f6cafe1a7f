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
import threading
from dataclasses import dataclass

from codegen import languages, resources
from codegen.types import Constraint, GenerationRequest
from codegen.validation import antlr_user, grammar_convert
from codegen.validation.grammar_convert import CodeGrammar

# Text before the fenced block: not allowed. Measured with benchmarks/constrained.py (README).
PROSE = False

_BUILTIN = {"sql": ("SQL.g4", "script"), "json": ("JSON.g4", "json")}
_CACHE: dict[str, CodeGrammar] = {}
_LOCK = threading.Lock()


@dataclass(frozen=True)
class Decision:
    constraint: Constraint | None
    warning: str = ""


def decide(request: GenerationRequest, language: str, prose: bool | None = None) -> Decision:
    """The constraint for ``language``'s candidates of ``request`` (``prose``: whether text
    may come before the fenced block; ``PROSE`` unless given)."""
    prose = PROSE if prose is None else prose
    if request.constrain == "off":
        return Decision(None)
    lang = languages.get(language)
    if lang.name == "json" and request.json_schema is not None:
        schema = json.dumps(dict(request.json_schema))  # key order kept: properties follow it
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
        if name not in _BUILTIN:
            return antlr_user.code_grammar(name)
        cached = _CACHE.get(name)
        if cached is None:
            cached = _CACHE[name] = _builtin(name)
        return cached


def _builtin(name: str) -> CodeGrammar:
    file, start = _BUILTIN[name]
    return grammar_convert.convert([(file, resources.read_text("grammars", file))], start)
