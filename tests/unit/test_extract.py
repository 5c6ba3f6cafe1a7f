from codegen.prompting.extract import code_complete, extract, split_blocks

# Real answers of the embedded model (Qwen2.5-Coder-0.5B-Instruct), trimmed.
NESTED = """```markdown
# Fibonacci

```python
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)
```

This function uses recursion.
```"""

PROSE = """Here is the function you asked for:

```python
def add(a, b):
    return a + b
```

Example usage:

```python
print(add(1, 2))
```
"""


def test_nested_markdown_fence_yields_inner_python() -> None:
    got = extract(NESTED, "python")
    assert got.code.startswith("def fib(n):")
    assert "recursion" not in got.code
    assert got.tag == "python"


def test_prose_around_blocks_and_longest_block_wins() -> None:
    got = extract(PROSE, "python")
    assert got.code == "def add(a, b):\n    return a + b"
    assert got.blocks == 2


def test_unterminated_fence_at_max_tokens() -> None:
    text = "```python\ndef f(x):\n    return [x,\n"
    got = extract(text, "python")
    assert got.code == "def f(x):\n    return [x,"
    assert not got.terminated


def test_untagged_block_and_other_language_block() -> None:
    text = "```bash\npip install x\n```\n```\nconst a = 1;\n```\n"
    assert extract(text, "javascript").code == "const a = 1;"


def test_no_fence_returns_whole_text() -> None:
    assert extract("x = 1\n", "python").code == "x = 1"


def test_tag_alias_matches_language() -> None:
    text = "```js\nlet a = 2;\n```\n```python\nb = 3\n```"
    assert extract(text, "javascript").code == "let a = 2;"
    assert extract(text, "python").code == "b = 3"


def test_split_blocks_orders_leaves() -> None:
    blocks = split_blocks(NESTED)
    assert [b.tag for b in blocks] == ["python"]


def test_code_complete_waits_for_outer_fence() -> None:
    assert not code_complete("```markdown\n```python\nx = 1\n```\n")
    assert code_complete("```markdown\n```python\nx = 1\n```\n```\n")
    assert code_complete("Sure:\n```python\nx = 1\n```\n")
    assert not code_complete("```python\n```\n")


def _real_outputs() -> list[dict[str, str]]:
    import json
    from pathlib import Path

    path = Path(__file__).parent / "data" / "model_outputs.json"
    data: list[dict[str, str]] = json.loads(path.read_text())
    return data


def test_real_answers_of_the_small_model_extract_to_parseable_code() -> None:
    """Answers captured from the 0.5B model (scripts/capture_model_outputs.py): every one,
    including those cut by max_tokens, extracts to code that parses."""
    from codegen import parsing

    outputs = _real_outputs()
    assert len(outputs) >= 20
    for i, answer in enumerate(outputs):
        code = extract(answer["text"], answer["language"]).code
        assert "```" not in code, i
        assert not code.lower().startswith(answer["language"]), i
        if answer["language"] == "python":
            compile(code, f"answer-{i}", "exec")
        else:
            assert not parsing.parse(answer["language"], code).root_node.has_error, i


def test_tag_on_its_own_line_after_a_bare_fence() -> None:
    text = "```\njavascript\nconst a = 1;\n```"
    got = extract(text, "javascript")
    assert got.code == "const a = 1;" and got.tag == "javascript"


def test_the_tag_repeated_on_the_first_line_is_not_code() -> None:
    # The 0.5B model does this now and then; the stray `python` line is a NameError on load.
    text = "```python\npython\ndef f():\n    return 1\n```"
    assert extract(text, "python").code == "def f():\n    return 1"
    assert extract("```py\npython\nx = 1\n```", "python").code == "x = 1"
    # Another language's name on the first line is left alone.
    assert extract("```python\njavascript\n```", "python").code == "javascript"


def test_empty_fences_then_unfenced_code() -> None:
    text = "```\n```\nfunction f() {\n  return 1;\n}\n```"
    assert extract(text, "javascript").code == "function f() {\n  return 1;\n}"
