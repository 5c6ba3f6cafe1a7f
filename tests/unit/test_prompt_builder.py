from pathlib import Path

import pytest

from codegen.backends.base import ScriptedBackend
from codegen.config import Settings
from codegen.errors import InputError, UsageError
from codegen.prompting.bm25 import BM25, tokenize
from codegen.prompting.builder import PromptBuilder, select_chunks
from codegen.prompting.context import load_chunks
from codegen.requests import build_request

S = Settings()


def req(**fields: object):  # type: ignore[no-untyped-def]
    return build_request({"description": "Parse an ISO date and return the weekday", **fields}, S)


def test_messages_have_system_examples_and_task() -> None:
    built = PromptBuilder(ScriptedBackend(["x"]), few_shot=2).build(
        req(signature="def weekday(s: str) -> str", tests={"python": "assert weekday('x')"}),
        "python",
        "3.8",
    )
    roles = [m.role for m in built.messages]
    assert roles[0] == "system" and roles[-1] == "user"
    assert roles.count("assistant") == len(built.examples)
    task = built.messages[-1].content
    assert "Parse an ISO date" in task and "def weekday(s: str) -> str" in task
    assert "assert weekday('x')" in task and "3.8" in built.messages[0].content


def test_bm25_prefers_matching_document() -> None:
    index = BM25(["sort a list of numbers", "parse a date string into a weekday", "http server"])
    assert index.top("weekday of an ISO date", 1) == [1]
    assert tokenize("parseIsoDate snake_case") == ["parse", "iso", "date", "snake", "case"]


def test_context_split_at_definitions_and_most_relevant_kept(tmp_path: Path) -> None:
    src = tmp_path / "util.py"
    src.write_text(
        "import datetime\n\n\ndef parse_date(s):\n    return datetime.date.fromisoformat(s)\n\n\n"
        "def send_mail(to):\n    pass\n\n\nclass Cart:\n    pass\n"
    )
    chunks = load_chunks((str(tmp_path),))
    assert [c.start_line for c in chunks] == [1, 4, 8, 12]
    best = select_chunks("parse date", chunks, 1)
    assert "parse_date" in best[0].text


def test_context_binary_and_missing_files_are_input_errors(tmp_path: Path) -> None:
    blob = tmp_path / "blob.bin.py"
    blob.write_bytes(b"\x00\x01\x02")
    with pytest.raises(InputError, match="binary"):
        load_chunks((str(blob),))
    with pytest.raises(InputError, match="no such file"):
        load_chunks((str(tmp_path / "missing.py"),))


def test_budget_drops_context_then_examples(tmp_path: Path) -> None:
    src = tmp_path / "big.py"
    body = "    total = 1\n" * 40
    src.write_text("\n\n".join(f"def f{i}():\n{body}    return {i}\n" for i in range(6)))
    backend = ScriptedBackend(["x"], context_length=1100)
    built = PromptBuilder(backend, few_shot=2).build(
        req(context=(str(src),), max_tokens=600), "python"
    )
    assert built.prompt_tokens <= 1100 - 600
    assert len(built.context) < 6


def test_description_that_cannot_fit_is_usage_error() -> None:
    backend = ScriptedBackend(["x"], context_length=300)
    long = build_request({"description": "word " * 400, "max_tokens": 100}, S)
    with pytest.raises(UsageError, match=r"needs \d+ prompt tokens and max_tokens is 100"):
        PromptBuilder(backend, few_shot=2).build(long, "python")


def test_examples_come_in_the_banks_order_whatever_their_relevance() -> None:
    from codegen.prompting.builder import in_bank_order
    from codegen.prompting.examples import bank

    python = bank("python")
    assert in_bank_order("python", [python[3], python[0], python[2]]) == [
        python[0],
        python[2],
        python[3],
    ]


def test_stable_examples_give_every_request_of_a_language_the_same_start() -> None:
    """``examples = "stable"``: two unrelated descriptions share the system prompt and both
    examples (what prefix reuse keeps evaluated); ``relevant`` picks per description."""
    from codegen.prompting import examples

    backend = ScriptedBackend(["x"])
    dates, words = req(), req(description="Count the words of a sentence, split on spaces")

    def start(builder: PromptBuilder, request: object) -> list[str]:
        built = builder.build(request, "python")  # type: ignore[arg-type]
        return [m.content for m in built.messages[:-1]]

    stable = PromptBuilder(backend, few_shot=2, examples="stable")
    assert start(stable, dates) == start(stable, words)
    assert stable.build(dates, "python").examples == examples.bank("python")[:2]
    relevant = PromptBuilder(backend, few_shot=2, examples="relevant")
    assert start(relevant, dates) != start(relevant, words)
    assert start(relevant, dates)[:1] == start(stable, dates)[:1]  # the same system prompt


def test_examples_setting_is_checked_and_in_the_cache_key(tmp_path: Path) -> None:
    from codegen import config
    from codegen.errors import ConfigError
    from codegen.store import keys

    path = tmp_path / "config.toml"
    path.write_text('few_shot = 2\nexamples = "closest"\n')
    with pytest.raises(ConfigError, match=r"config.toml:2: examples: must be one of stable, rel"):
        config.load(path=path, environ={})
    request = req(temperature=0)
    relevant = S.with_overrides({"examples": "relevant"}, "t")
    assert keys.request_key(request, "m", S, {}) != keys.request_key(request, "m", relevant, {})
