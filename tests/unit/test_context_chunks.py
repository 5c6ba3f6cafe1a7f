"""Context that fits editors: chunks inside classes, plain text split by the request's
language, the window around the focus line kept under any budget, and cache keys that follow
the content of every context file (the stale-answer case)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from codegen.assistant import Assistant
from codegen.backends import factory
from codegen.backends.base import ScriptedBackend
from codegen.config import Settings
from codegen.errors import UsageError
from codegen.prompting.builder import PromptBuilder
from codegen.prompting.chunks import MAX_CHUNK_LINES, split
from codegen.prompting.context import load_chunks
from codegen.requests import build_request
from codegen.store.keys import context_fingerprint
from codegen.types import GenerationRequest


def java_class(methods: int, body_lines: int = 6) -> str:
    out = ["public class Shop {", "    private int total = 0;", ""]
    for i in range(methods):
        out.append(f"    public int method{i}(int x) {{")
        out += [f"        x = x + {j};" for j in range(body_lines)]
        out += ["        return x;", "    }", ""]
    return "\n".join([*out, "}"])


def test_a_large_java_class_is_split_into_its_header_and_methods() -> None:
    code = java_class(12)
    chunks = split(code, "java", "Shop.java")
    assert len(chunks) == 13
    assert chunks[0].text.startswith("public class Shop {") and "total" in chunks[0].text
    assert chunks[5].text.lstrip().startswith("public int method4(int x)")
    assert all(c.text.count("\n") < MAX_CHUNK_LINES for c in chunks)
    assert split(java_class(2), "java", "Shop.java")[0].text == java_class(2)  # small: whole


def test_a_large_python_class_keeps_methods_apart_and_long_bodies_are_windowed() -> None:
    methods = "".join(f"    def m{i}(self):\n" + "        x = 1\n" * 8 + "\n" for i in range(8))
    long_function = "def long():\n" + "    y = 2\n" * (MAX_CHUNK_LINES * 2)
    code = f"import os\n\nclass Big:\n    '''doc'''\n\n{methods}\n{long_function}"
    chunks = split(code, "python", "big.py")
    starts = [c.text.split("\n")[0].strip() for c in chunks]
    assert starts[:4] == ["import os", "class Big:", "def m0(self):", "def m1(self):"]
    assert starts.count("y = 2") == 2 and starts[-3] == "def long():"
    assert all(c.text.count("\n") < MAX_CHUNK_LINES for c in chunks)


def test_plain_text_is_split_in_the_requests_language_or_at_blank_lines() -> None:
    text = "import math\n\ndef area(r):\n    return math.pi * r * r\n\nclass Circle:\n    pass\n"
    chunks = load_chunks((text,), "python")
    assert [c.start_line for c in chunks] == [1, 3, 6]
    assert {c.source for c in chunks} == {"<context>"} and chunks[1].language == "python"
    prose = "first paragraph\nstill first\n\nsecond\n\n" + "line\n" * (MAX_CHUNK_LINES + 5)
    parts = load_chunks((prose,), "")
    assert [c.start_line for c in parts] == [1, 4, 6, 6 + MAX_CHUNK_LINES]


def test_the_focus_window_is_pinned_and_cut_out_of_the_other_chunks() -> None:
    code = java_class(12)
    focus = 40
    chunks = load_chunks((code,), "java", focus)
    (pinned,) = [c for c in chunks if c.pinned]
    first, last = pinned.start_line, pinned.start_line + pinned.text.count("\n")
    assert first <= focus <= last and last - first > 20
    for chunk in chunks:
        if not chunk.pinned:
            end = chunk.start_line + chunk.text.count("\n")
            assert end < first or chunk.start_line > last, chunk
    assert [c.start_line for c in chunks] == sorted(c.start_line for c in chunks)


def test_under_a_tight_budget_the_focus_window_survives_and_the_rest_goes() -> None:
    code = java_class(30)
    lines = code.split("\n")
    focus = next(i for i, line in enumerate(lines) if "method20(" in line) + 1
    request = GenerationRequest(description="add a discount method", context=(code,), focus=focus)
    backend = ScriptedBackend(["x"], context_length=1400)
    built = PromptBuilder(backend, few_shot=2).build(request.with_changes(max_tokens=600), "java")
    assert built.prompt_tokens <= 1400 - 600
    assert any(c.pinned for c in built.context)
    task = built.messages[-1].content
    assert "method20(" in task and "```java" in task
    loose = PromptBuilder(ScriptedBackend(["x"]), few_shot=2).build(request, "java")
    assert len(loose.context) > len(built.context)


def test_a_bad_focus_is_a_usage_error_naming_it() -> None:
    with pytest.raises(UsageError, match="focus: expected a 1-based line number, got 0"):
        build_request({"description": "x", "focus": 0}, Settings())


def test_editing_a_file_in_a_context_directory_changes_the_cache_key(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "pkg").mkdir(parents=True)
    util = project / "pkg" / "util.py"
    util.write_text("def helper():\n    return 1\n")
    before = context_fingerprint(str(project)), context_fingerprint(str(util))
    info = util.stat()
    util.write_text("def helper():\n    return 2\n")  # same size
    os.utime(util, ns=(info.st_atime_ns, info.st_mtime_ns))  # same mtime
    os.utime(project, ns=(info.st_atime_ns, info.st_mtime_ns))
    after = context_fingerprint(str(project)), context_fingerprint(str(util))
    assert before[0] != after[0] and before[1] != after[1]
    assert context_fingerprint("some text") == ["some text"]


def test_no_stale_answer_after_a_context_file_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The issue's case: --context DIR, a deterministic request, a file inside edited in
    place (same size, same mtime): the second request must not get the first answer."""
    project = tmp_path / "project"
    project.mkdir()
    util = project / "util.py"
    util.write_text("RATE = 1\n")
    answers: list[int] = []

    def loader(spec: str, settings: Settings, progress: Any) -> ScriptedBackend:
        value = answers[-1]
        return ScriptedBackend([f"```python\ndef apply(x):\n    return x * {value}\n```"])

    monkeypatch.setitem(factory.LOADERS, "rated", loader)
    settings = Settings(model="rated", cache_enabled=True, cache_path=str(tmp_path / "c.db"))
    request = build_request(
        {"description": "apply the rate", "temperature": 0, "n": 1, "context": [str(project)]},
        settings,
    )

    def generate(value: int) -> tuple[bool, str]:
        answers.append(value)  # what the model would answer now
        factory.POOL.close()
        result = Assistant(settings, interface="library").generate(request)
        return result.cached, result.candidates[0].code

    assert generate(1) == (False, "def apply(x):\n    return x * 1")
    assert generate(9) == (True, "def apply(x):\n    return x * 1")  # unchanged: a hit
    info = util.stat()
    util.write_text("RATE = 2\n")
    os.utime(util, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert generate(2) == (False, "def apply(x):\n    return x * 2")
    factory.POOL.close()
