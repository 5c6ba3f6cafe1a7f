"""Spec files: every format, every error at file:line:column with the field path."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from codegen import resources
from codegen.batch.source import SpecError, format_path, load
from codegen.batch.spec import Task, load_tasks
from codegen.config import Settings
from codegen.errors import EXIT_USAGE, InputError

SETTINGS = Settings(model="embedded-small", n=3, max_tokens=200, cache_enabled=False)

GOOD_YAML = """\
defaults: {languages: [python], n: 2, temperature: 0.2, max_tokens: 96}
tasks:
  - id: slugify
    description: Turn a title into a URL slug.
    signature: "def slugify(title: str) -> str"
    languages: [python, javascript]
    tests:
      python: "assert slugify('Hello, World!') == 'hello-world'"
    output: "src/{id}.{ext}"
  - id: count
    description: Count words in a text.
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def tasks_of(tmp_path: Path, name: str, text: str, **kw: object) -> list[Task]:
    return load_tasks([write(tmp_path, name, text)], SETTINGS, **kw)  # type: ignore[arg-type]


def error_of(tmp_path: Path, name: str, text: str) -> str:
    with pytest.raises((SpecError, InputError)) as info:
        tasks_of(tmp_path, name, text)
    assert info.value.exit_code == EXIT_USAGE
    return str(info.value)


def test_yaml_spec_with_defaults_and_outputs(tmp_path: Path) -> None:
    slug, count = tasks_of(tmp_path, "spec.yaml", GOOD_YAML)
    assert slug.id == "slugify"
    assert slug.request.language_names == ("python", "javascript")
    assert slug.request.n == 2 and slug.request.max_tokens == 96
    assert slug.request.signature == "def slugify(title: str) -> str"
    assert dict(slug.request.tests) == {
        "python": "assert slugify('Hello, World!') == 'hello-world'"
    }
    assert slug.request.exec is True  # tasks with tests run them
    assert dict(slug.outputs) == {"python": "src/slugify.py", "javascript": "src/slugify.js"}
    assert slug.where.endswith("spec.yaml:3:5")
    assert dict(count.outputs) == {"python": "count/python.py"}
    assert count.request.exec is False
    assert count.request.model == "embedded-small"


def test_the_same_spec_in_json_jsonl_and_toml(tmp_path: Path) -> None:
    import yaml

    data = yaml.safe_load(GOOD_YAML)
    from_json = tasks_of(tmp_path, "spec.json", json.dumps(data, indent=2))
    lines = [{**data["defaults"], **task} for task in data["tasks"]]
    from_jsonl = tasks_of(tmp_path, "spec.jsonl", "\n".join(json.dumps(t) for t in lines))
    toml = """\
[defaults]
languages = ["python"]
n = 2
temperature = 0.2
max_tokens = 96

[[tasks]]
id = "slugify"
description = "Turn a title into a URL slug."
signature = "def slugify(title: str) -> str"
languages = ["python", "javascript"]
output = "src/{id}.{ext}"

[tasks.tests]
python = "assert slugify('Hello, World!') == 'hello-world'"

[[tasks]]
id = "count"
description = "Count words in a text."
"""
    from_toml = tasks_of(tmp_path, "spec.toml", toml)
    from_yaml = tasks_of(tmp_path, "spec.yaml", GOOD_YAML)
    for tasks in (from_json, from_jsonl, from_toml):
        assert [t.request for t in tasks] == [t.request for t in from_yaml]
        assert [t.digest for t in tasks] == [t.digest for t in from_yaml]
    assert from_toml[1].where.endswith("spec.toml:17:1")
    assert from_jsonl[1].where.endswith("spec.jsonl:2:1")


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        (
            "a.yaml",
            "tasks:\n  - id: one\n    description: x\n    langauges: [python]\n",
            "a.yaml:4:5: tasks[0].langauges: unknown key (did you mean 'languages'?)",
        ),
        (
            "b.yaml",
            "tasks:\n  - id: one\n    description: x\n    languages: [python, pyhton]\n",
            "b.yaml:4:25: tasks[0].languages[1]: unknown language 'pyhton' (did you mean 'pyt",
        ),
        (
            "c.yaml",
            "defaults: {languages: [rubyy]}\ntasks:\n  - {id: a, description: x}\n",
            "c.yaml:1:24: defaults.languages[0]: unknown language 'rubyy' (did you mean 'ruby'?)",
        ),
        (
            "d.yaml",
            "tasks:\n  - id: a\n    description: x\n    tests: {pyton: 'assert 1'}\n",
            "d.yaml:4:13: tasks[0].tests.pyton: unknown language (did you mean 'python'?)",
        ),
        (
            "e.yaml",
            "tasks:\n  - id: a\n    description: x\n    n: 0\n",
            "e.yaml:4:8: tasks[0].n: 0 is less than the minimum of 1",
        ),
        (
            "f.yaml",
            "tasks:\n  - id: a\n",
            "f.yaml:2:5: tasks[0]: missing required key 'description'",
        ),
        (
            "g.yaml",
            "tasks:\n  - id: a\n    description: '  '\n",
            "g.yaml:3:18: tasks[0].description: must be a non-empty text",
        ),
        ("h.yaml", "tasks: []\n", "h.yaml:1:8: tasks: expected a non-empty list of tasks"),
        ("i.yaml", "", "i.yaml: the spec is empty"),
        ("j.yaml", "# nothing here\n", "i.yaml: the spec is empty".replace("i.", "j.")),
        (
            "k.yaml",
            "tasks:\n  - id: a\n    description: x\n    n: 1\n    n: 2\n",
            "k.yaml:5:5: tasks[0].n: key given twice",
        ),
        (
            "l.yaml",
            "tasks:\n  - id: a\n    description: [x\n",
            "l.yaml:4:1: invalid YAML",
        ),
        (
            "m.json",
            '{"tasks": [{"id": "a", "description": "x",}]}',
            "m.json:1:43: invalid JSON: Expecting property name",
        ),
        (
            "n.jsonl",
            '{"id": "a", "description": "x"}\n{"id": "b", "description": 3}\n',
            "n.jsonl:2:28: tasks[1].description: 3 is not of type 'string'",
        ),
        (
            "o.toml",
            '[[tasks]]\nid = "a"\ndescription = "x"\ntemperature = 5\n',
            "o.toml:4:15: tasks[0].temperature: 5 is greater than the maximum of 2",
        ),
        ("p.toml", "[[tasks]\n", "p.toml:1:8: invalid TOML: Expected ']]'"),
        (
            "q.yaml",
            "tasks:\n  - {id: 'a b', description: x}\n",
            "q.yaml:2:10: tasks[0].id: ids are 1-128 letters",
        ),
        ("r.txt", "tasks: []", "r.txt: unknown spec format '.txt'"),
        (
            "s.yaml",
            "task:\n  - {id: a, description: x}\n",
            "s.yaml:1:1: task: unknown key (did you mean 'tasks'?)",
        ),
        ("t.yaml", "- {id: a}\n", "t.yaml:1:1: a spec must be a mapping with a 'tasks' list"),
    ],
)
def test_errors_say_file_line_column_and_field(
    tmp_path: Path, name: str, text: str, expected: str
) -> None:
    message = error_of(tmp_path, name, text)
    assert expected in message, message
    assert "\n" not in message


def test_duplicate_ids_are_refused_across_files(tmp_path: Path) -> None:
    one = write(tmp_path, "one.yaml", "tasks:\n  - {id: a, description: x}\n")
    two = write(
        tmp_path, "two.yaml", "tasks:\n  - {id: b, description: y}\n  - {id: a, description: z}\n"
    )
    with pytest.raises(SpecError) as info:
        load_tasks([one, two], SETTINGS)
    assert "two.yaml:3:10: tasks[1].id: duplicate id 'a' (first at " in str(info.value)
    assert "one.yaml:2:10" in str(info.value)


@pytest.mark.parametrize(
    ("output", "problem"),
    [
        ("../{id}.{ext}", "escapes the output dir"),
        ("src/../../{id}.{ext}", "escapes the output dir"),
        ("/etc/{id}.{ext}", "is absolute"),
        ("~/{id}.{ext}", "is absolute"),
        ("report.json", "reserved"),
        (".codegen-batch/{id}.{ext}", "reserved"),
        ("{name}.py", "unknown placeholder {name}"),
        ("{id}.txt", "several languages need '{language}' or '{ext}'"),
    ],
)
def test_outputs_that_escape_or_collide_are_refused(
    tmp_path: Path, output: str, problem: str
) -> None:
    text = (
        "tasks:\n  - id: a\n    description: x\n    languages: [python, ruby]\n"
        f"    output: '{output}'\n"
    )
    if "several" not in problem:
        text = text.replace("[python, ruby]", "[python]")
    message = error_of(tmp_path, "spec.yaml", text)
    assert "spec.yaml:5:13: tasks[0].output: " in message
    assert problem in message


def test_two_tasks_writing_one_file_are_refused(tmp_path: Path) -> None:
    text = (
        "defaults: {output: 'all.{ext}'}\n"
        "tasks:\n  - {id: a, description: x}\n  - {id: b, description: y}\n"
    )
    message = error_of(tmp_path, "spec.yaml", text)
    assert "tasks[1].output: task 'b' would write 'all.py', which task 'a' writes too" in message


def test_unreadable_and_binary_specs(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"missing\.yaml: no such file"):
        load_tasks([tmp_path / "missing.yaml"], SETTINGS)
    with pytest.raises(InputError, match="is a directory"):
        load_tasks([tmp_path], SETTINGS)
    binary = tmp_path / "bin.yaml"
    binary.write_bytes(b"\xff\xfe\x00tasks")
    with pytest.raises(InputError, match="binary file"):
        load_tasks([binary], SETTINGS)


def test_model_flag_overrides_the_specs_and_changes_the_digest(tmp_path: Path) -> None:
    text = "tasks:\n  - {id: a, description: x, model: embedded}\n"
    (plain,) = tasks_of(tmp_path, "spec.yaml", text)
    (forced,) = tasks_of(tmp_path, "spec.yaml", text, model="embedded-small")
    assert plain.request.model == "embedded"
    assert forced.request.model == "embedded-small"
    assert plain.digest != forced.digest


def test_digest_changes_with_the_entry_only(tmp_path: Path) -> None:
    a1, b1 = tasks_of(tmp_path, "s.yaml", GOOD_YAML)
    a2, b2 = tasks_of(tmp_path, "s.yaml", GOOD_YAML.replace("Count words", "Count the words"))
    assert a1.digest == a2.digest
    assert b1.digest != b2.digest


def test_the_schema_is_valid_and_documents_every_request_field() -> None:
    schema = resources.schema("spec")
    jsonschema.Draft202012Validator.check_schema(schema)
    from codegen.requests import FIELDS

    task_keys = set(schema["$defs"]["task"]["properties"])
    assert task_keys == {*FIELDS, "id", "output"}


def test_format_path() -> None:
    assert format_path(("tasks", 3, "languages", 0)) == "tasks[3].languages[0]"
    assert format_path(()) == ""


def test_yaml_marks_survive_anchors(tmp_path: Path) -> None:
    text = "x: &base {n: 2}\ntasks:\n  - {id: a, description: x}\n"
    source = load(write(tmp_path, "anchors.yaml", text))
    assert source.where(("tasks", 0, "id")).endswith(":3:10")


def test_an_unknown_model_in_a_spec_points_at_it(tmp_path: Path) -> None:
    text = "defaults: {model: embeded}\ntasks:\n  - {id: a, description: x}\n"
    message = error_of(tmp_path, "spec.yaml", text)
    assert "spec.yaml:1:19: defaults.model: unknown model 'embeded'" in message
    assert "did you mean 'embedded'" in message


def test_context_paths_are_relative_to_the_spec_and_must_exist(tmp_path: Path) -> None:
    (tmp_path / "lib.py").write_text("def helper():\n    return 1\n")
    (task,) = tasks_of(
        tmp_path, "spec.yaml", "tasks:\n  - {id: a, description: x, context: lib.py}\n"
    )
    assert task.request.context == (str(tmp_path / "lib.py"),)
    text = "tasks:\n  - id: a\n    description: x\n    context: [nope.py]\n"
    message = error_of(tmp_path, "spec.yaml", text)
    assert "spec.yaml:4:14: tasks[0].context: no such file or directory 'nope.py'" in message
