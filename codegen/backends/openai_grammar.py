"""A constraint's grammar in the request body of an OpenAI-compatible server.

Servers take grammars in different fields; ``openai.grammar_field`` says which one:

- ``none``: nothing is sent (any server).
- ``grammar``: llama.cpp's ``llama-server`` and ``llama_cpp.server``: GBNF in ``grammar``;
  a JSON Schema as ``response_format: {type: json_object, schema}``.
- ``guided_grammar``: vLLM: ``guided_grammar``; ``guided_json``.
- ``structured_outputs``: vLLM >= 0.10: ``structured_outputs.grammar``; ``.json``.
- ``ebnf``: SGLang: ``ebnf``; ``json_schema`` (as text).

The grammar is the whole answer's (``codegen.validation.fenced``): one fenced block whose code
follows the language's grammar converted to GBNF. A JSON Schema constrains the whole answer to
JSON instead (those fields know no fences); extraction takes unfenced JSON as it is.
"""

from __future__ import annotations

import json
from typing import Any

from codegen.types import Constraint
from codegen.validation import fenced


def grammar_fields(constraint: Constraint | None, field: str) -> dict[str, Any]:
    """The body fields that carry ``constraint`` for a server of kind ``field``; {} when
    there is nothing to send (no constraint, ``none``, or a grammar with no GBNF form)."""
    if constraint is None or field == "none":
        return {}
    if constraint.json_schema:
        schema = json.loads(constraint.json_schema)
        by_field: dict[str, dict[str, Any]] = {
            "grammar": {"response_format": {"type": "json_object", "schema": schema}},
            "guided_grammar": {"guided_json": schema},
            "structured_outputs": {"structured_outputs": {"json": schema}},
            "ebnf": {"json_schema": json.dumps(schema)},
        }
        return by_field[field]
    if not constraint.gbnf:
        return {}
    grammar = fenced.gbnf_answer(
        constraint.gbnf, constraint.gbnf_rule, constraint.tag, constraint.prose
    )
    fields: dict[str, dict[str, Any]] = {
        "grammar": {"grammar": grammar},
        "guided_grammar": {"guided_grammar": grammar},
        "structured_outputs": {"structured_outputs": {"grammar": grammar}},
        "ebnf": {"ebnf": grammar},
    }
    return fields[field]
