"""Grammar-constrained decoding with the real small model on llama.cpp, through the Assistant.

SQL answers are decoded inside grammars/SQL.g4 (converted to llguidance's Lark), JSON answers
inside a JSON Schema; every candidate comes back constrained and valid before any repair, with
the schema's fields in the schema's order.
"""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest

from codegen.assistant import Assistant, Stages
from codegen.config import Settings
from codegen.repair.base import NoRepair
from codegen.requests import build_request

pytestmark = pytest.mark.integration


def _generate(backend: Any, settings: Settings, **fields: Any) -> Any:
    stages = Stages.default(settings).replace(repairer=NoRepair())  # validity before repair
    request = build_request({"n": 2, "max_tokens": 96, "seed": 5, **fields}, settings)
    assistant = Assistant(settings, interface="library", backend=backend, stages=stages)
    return assistant.generate(request)


def test_sql_and_json_schema_candidates_are_constrained_and_valid(
    small_backend: Any, small_settings: Settings
) -> None:
    settings = Settings(**{**small_settings.__dict__, "temperature": 0.8, "sources": {}})
    sql = _generate(
        small_backend,
        settings,
        description="Names of the customers with more than three orders "
        "(tables customers(id, name) and orders(id, customer_id))",
        languages=["sql"],
        constrain="on",
    )
    assert sql.warnings == ()
    for cand in sql.candidates:
        assert cand.constrained and cand.valid and not cand.repairs, cand.raw_text
        assert cand.raw_text.startswith("```sql\n")
    schema = {
        "type": "object",
        "properties": {"title": {"type": "string"}, "isbn13": {"type": "string"},
                       "pages": {"type": "integer"}},
        "required": ["title", "isbn13", "pages"],
        "additionalProperties": False,
    }  # fmt: skip
    books = _generate(
        small_backend,
        settings,
        description="A JSON record describing the book Dune",
        languages=["json"],
        json_schema=schema,
    )
    for cand in books.candidates:
        assert cand.constrained and cand.valid, cand.raw_text
        record = json.loads(cand.code)
        jsonschema.validate(record, schema)
        assert list(record) == ["title", "isbn13", "pages"]
    free = _generate(
        small_backend, settings, description="Count the rows of table t", languages=["sql"],
        constrain="off", n=1,
    )  # fmt: skip
    assert [c.constrained for c in free.candidates] == [False]
