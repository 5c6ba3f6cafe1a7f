"""The constrained-decoding benchmark's tasks (benchmarks/constrained_tasks.py): the SQL
hidden tests tell right answers from wrong ones, the JSON Schemas are schemas, and the Machine
grammar converts for constrained decoding with its few-shot examples accepted (no Java: the
converter and llguidance only)."""

from __future__ import annotations

import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import constrained_tasks as tasks

from codegen.validation import grammar_convert
from codegen.validation.lark_convert import accepts


@pytest.mark.parametrize("task", tasks.SQL_TASKS, ids=lambda t: t.id)
def test_each_reference_passes_and_a_near_miss_does_not(task: tasks.SqlTask) -> None:
    assert tasks.passes(task, f"-- answer\n{task.reference};\n")
    assert not tasks.passes(task, task.reference.replace("SELECT", "SELECT 1,", 1))
    assert not tasks.passes(task, "SELECT name FROM nowhere;")


def test_earlier_statements_run_and_the_last_one_answers() -> None:
    paris = tasks.SQL_TASKS[0]
    setup = "CREATE TEMP VIEW p AS SELECT name FROM customers WHERE city = 'Paris';\n"
    assert tasks.passes(paris, setup + "SELECT name FROM p;")
    assert not tasks.passes(paris, "SELECT name FROM customers WHERE city = 'Paris';\nSELECT 1;")


def test_order_counts_only_where_the_question_asks_for_it() -> None:
    units = next(t for t in tasks.SQL_TASKS if t.id == "units")
    assert units.ordered and not tasks.passes(units, units.reference.replace("DESC", "ASC"))
    paris = tasks.SQL_TASKS[0]
    assert tasks.passes(paris, paris.reference + " ORDER BY name DESC")


def test_the_json_schemas_are_schemas() -> None:
    schemas = [t.schema for t in tasks.JSON_TASKS if t.schema is not None]
    assert len(schemas) == 4
    for schema in schemas:
        jsonschema.Draft202012Validator.check_schema(schema)


def test_the_machine_grammar_converts_and_accepts_its_examples() -> None:
    converted = grammar_convert.convert_files([tasks.MACHINE_GRAMMAR], "machines")
    examples = yaml.safe_load(tasks.MACHINE_EXAMPLES.read_text())["examples"]
    checked = grammar_convert.check_examples(converted, [e["code"] for e in examples])
    assert checked.ok, checked.problems
    assert accepts(converted.lark, converted.rule, "machine M { initial a; state a; }") == ""
    # keywords are not names; a delay needs its unit
    for wrong in ("machine M { initial on; state on; }", "machine M { initial a; state a "
                  "{ on t -> a after 3; } }"):  # fmt: skip
        assert accepts(converted.lark, converted.rule, wrong).startswith("rejected"), wrong
