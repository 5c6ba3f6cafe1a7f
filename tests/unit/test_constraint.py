"""Constrained decoding without a model: the guard on a byte tokenizer with made-up logits,
which grammar each request and language gets, the candidates' flag and warnings, and the
fields that carry a grammar to OpenAI-compatible servers."""

from __future__ import annotations

import json
from typing import Any

import httpx
import llguidance
import numpy as np
import pytest

from codegen.assistant import Assistant
from codegen.backends.base import ScriptedBackend
from codegen.backends.constraint import Guard, answer_grammar
from codegen.backends.openai import OpenAIBackend
from codegen.backends.openai_grammar import grammar_fields
from codegen.backends.sampling import log_softmax_at
from codegen.config import Settings
from codegen.requests import build_request
from codegen.types import Completion, Constraint, GenerationRequest, Message, SamplingParams
from codegen.validation import constraints
from codegen.validation.lark_convert import byte_tokenizer

# Code is "ab" or "ac"; the answer is that code in a fenced block.
TINY = Constraint(tag="x", lark='r_code: "a" ("b" | "c")\n', rule="r_code")
VOCAB = 257  # the byte tokenizer: 256 bytes and an end token


def _guard(rows: int, prefix: bytes) -> Guard:
    grammar = llguidance.LLMatcher.grammar_from_lark(answer_grammar(TINY))
    matchers = []
    for _ in range(rows):
        matcher = llguidance.LLMatcher(byte_tokenizer(), grammar, log_level=0)
        assert matcher.consume_tokens(list(prefix)), matcher.get_error()
        matchers.append(matcher)
    return Guard(matchers, VOCAB, llguidance.LLExecutor())


def _logits(*preferred: str) -> Any:
    """One row of logits: the characters given, most likely first, far above the rest."""
    row = np.zeros(VOCAB, dtype=np.float32)
    for rank, char in enumerate(preferred):
        row[ord(char)] = 20.0 - rank
    return row


def test_a_refused_greedy_pick_becomes_the_best_allowed_token_with_its_own_logprob() -> None:
    guard = _guard(1, b"```x\na")
    logits = _logits("z", "q", "c", "b")[None, :]
    tokens, logprobs = guard.sample(logits, [0], [np.random.default_rng(0)], [0.0], 1.0)
    assert tokens == [ord("c")]
    assert logprobs[0] == pytest.approx(float(log_softmax_at(logits, np.array(tokens))[0]))
    assert guard.masks_computed == 1 and guard.held(0)


def test_an_allowed_pick_costs_no_mask() -> None:
    guard = _guard(2, b"```x\na")
    logits = np.stack([_logits("b", "z"), _logits("c")])
    rngs = [np.random.default_rng(1), np.random.default_rng(2)]
    tokens, _ = guard.sample(logits, [0, 1], rngs, [0.0, 0.0], 1.0)
    assert tokens == [ord("b"), ord("c")] and guard.masks_computed == 0


def test_sampled_rows_only_ever_draw_allowed_tokens() -> None:
    rng = np.random.default_rng(3)
    drawn = set()
    for _ in range(40):
        guard = _guard(1, b"```x\na")
        flat = np.full(VOCAB, 5.0, dtype=np.float32)  # everything equally likely
        tokens, _ = guard.sample(flat[None, :], [0], [rng], [1.0], 1.0)
        drawn.add(chr(tokens[0]))
    assert drawn == {"b", "c"}


def test_each_row_follows_its_own_matcher() -> None:
    guard = _guard(2, b"```x\n")
    logits = np.stack([_logits("a"), _logits("z", "a")])
    rngs = [np.random.default_rng(4), np.random.default_rng(5)]
    assert guard.sample(logits, [0, 1], rngs, [0.0, 0.0], 1.0)[0] == [ord("a")] * 2
    # rows 1 then 0, in a different batch order: each still gets its own grammar state
    tokens, _ = guard.sample(np.stack([_logits("b"), _logits("q", "c")]), [1, 0], rngs, [0, 0], 1)
    assert tokens == [ord("b"), ord("c")]


def test_a_json_schema_answer_grammar() -> None:
    schema = {"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]}
    grammar = answer_grammar(Constraint(tag="json", json_schema=json.dumps(schema)))
    matcher = llguidance.LLMatcher(
        byte_tokenizer(), llguidance.LLMatcher.grammar_from_lark(grammar), log_level=0
    )
    good = list(b'```json\n{"n": 3}\n```')
    assert matcher.try_consume_tokens(good) == len(good) and matcher.is_accepting()
    matcher.reset()
    assert matcher.try_consume_tokens(list(b'```json\n{"n": "3"')) < 15


def _request(**fields: Any) -> GenerationRequest:
    return build_request({"description": "x", **fields}, Settings())


def test_which_languages_are_constrained() -> None:
    sql = constraints.decide(_request(languages=["sql"]), "sql")
    assert sql.constraint is not None and sql.constraint.rule == "r_script" and not sql.warning
    assert sql.constraint.gbnf and not sql.constraint.prose
    assert (
        constraints.decide(_request(languages=["sql"], constrain="off"), "sql").constraint is None
    )
    assert constraints.decide(_request(), "python") == constraints.Decision(None)
    python_on = constraints.decide(_request(constrain="on"), "python")
    assert python_on.constraint is None
    assert python_on.warning == "python: no grammar to constrain decoding with"
    schema = {"type": "array"}
    json_req = _request(languages=["json"], json_schema=schema)
    decided = constraints.decide(json_req, "json").constraint
    assert decided is not None and json.loads(decided.json_schema) == schema


def test_candidates_carry_the_flag_and_on_warns_when_a_model_cannot_constrain() -> None:
    settings = Settings(few_shot=0, n=2)
    backend = ScriptedBackend(["```sql\nSELECT 1;\n```"])
    result = Assistant(settings, interface="library", backend=backend).generate(
        _request(languages=["sql", "python"], constrain="on", n=2)
    )
    sent = [params.constraint for _, params, _ in backend.calls]
    assert sent[0] is not None and sent[1] is None  # sql under its grammar, python free
    assert all(c.constrained is False for c in result.candidates)
    assert "python: no grammar to constrain decoding with" in result.warnings
    assert any(w.startswith("sql: scripted did not constrain") for w in result.warnings)

    class Constraining(ScriptedBackend):
        def generate(self, *args: Any, **kwargs: Any) -> list[Completion]:
            out = super().generate(*args, **kwargs)
            return [Completion(c.text, "stop", 3, 3, (-0.1,), constrained=True) for c in out]

    auto = Assistant(
        settings, interface="library", backend=Constraining(["```sql\nSELECT 1;\n```"])
    ).generate(_request(languages=["sql"], n=2))
    assert [c.constrained for c in auto.candidates] == [True, True]
    assert auto.to_dict()["candidates"][0]["constrained"] is True
    assert auto.warnings == ()


def test_grammar_fields_for_each_kind_of_server() -> None:
    sql = constraints.decide(_request(languages=["sql"]), "sql").constraint
    assert grammar_fields(sql, "none") == {} and grammar_fields(None, "grammar") == {}
    gbnf = grammar_fields(sql, "grammar")["grammar"]
    assert gbnf.startswith('root ::= "```sql\\n" cg-code "\\n```"') and "r-script ::=" in gbnf
    assert grammar_fields(sql, "guided_grammar") == {"guided_grammar": gbnf}
    assert grammar_fields(sql, "structured_outputs") == {"structured_outputs": {"grammar": gbnf}}
    assert grammar_fields(sql, "ebnf") == {"ebnf": gbnf}
    schema = {"type": "object"}
    js = Constraint(tag="json", json_schema=json.dumps(schema))
    assert grammar_fields(js, "grammar") == {
        "response_format": {"type": "json_object", "schema": schema}
    }
    assert grammar_fields(js, "guided_grammar") == {"guided_json": schema}
    assert grammar_fields(js, "structured_outputs") == {"structured_outputs": {"json": schema}}
    assert grammar_fields(js, "ebnf") == {"json_schema": '{"type": "object"}'}


def test_the_openai_backend_sends_the_grammar_and_marks_the_completions() -> None:
    bodies: list[dict[str, Any]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        bodies.append(json.loads(request.content))
        reply = {"choices": [{"index": 0, "message": {"content": "```sql\nSELECT 1;\n```"},
                              "finish_reason": "stop"}]}  # fmt: skip
        return httpx.Response(200, json=reply)

    sql = constraints.decide(_request(languages=["sql"]), "sql").constraint
    params = SamplingParams(max_tokens=16, constraint=sql)
    messages = [Message("user", "count rows")]
    for field, constrained in (("grammar", True), ("none", False)):
        backend = OpenAIBackend("openai:http://a.test#m", transport=httpx.MockTransport(handler),
                                grammar_field=field)  # fmt: skip
        (only,) = backend.generate(messages, params, 1)
        assert only.constrained is constrained
    assert "grammar" in bodies[0] and "grammar" not in bodies[1]


SQL_REPLY = "```sql\nSELECT 1;\n```"
BOOK = {"type": "object", "properties": {"title": {"type": "string"}}, "required": ["title"]}


def test_the_http_api_takes_constrain_and_json_schema(tmp_path: Any) -> None:
    from starlette.testclient import TestClient

    from codegen.http.app import build_app
    from codegen.http.service import Service

    key = "test-key-0123456789abcdef"
    settings = Settings(model="scripted", http_api_keys=(f"a:{key}",), repair_rounds=0, n=1,
                        audit_path=str(tmp_path / "audit.jsonl"))  # fmt: skip
    backend = ScriptedBackend([SQL_REPLY, '```json\n{"title": "Dune"}\n```'])
    svc = Service(settings, backend=backend)
    auth = {"Authorization": f"Bearer {key}"}
    with TestClient(build_app(svc)) as http:
        body = {"description": "one", "languages": ["sql"], "constrain": "on"}
        assert http.post("/v1/generate", headers=auth, json=body).status_code == 200
        chat = {"messages": [{"role": "user", "content": "a book"}],
                "codegen": {"languages": ["json"], "json_schema": BOOK}}  # fmt: skip
        assert http.post("/v1/chat/completions", headers=auth, json=chat).status_code == 200
        bad = http.post("/v1/generate", headers=auth, json={**body, "constrain": "of"})
    svc.close()
    sql, book = (params.constraint for _, params, _ in backend.calls)
    assert sql is not None and sql.rule == "r_script"
    assert book is not None and json.loads(book.json_schema) == BOOK
    assert bad.status_code == 400
    message = bad.json()["error"]["message"]
    assert "constrain" in message and "did you mean 'off'" in message, message


def test_the_editor_server_takes_constrain() -> None:
    from tests.unit.test_server_dispatch import Harness, req

    backend = ScriptedBackend([SQL_REPLY])
    h = Harness(backend=backend)
    h.send(req(1, "codegen/generate", {"description": "one", "languages": ["sql"]}))
    h.send(req(2, "codegen/generate", {"description": "x", "languages": ["sql"],
                                       "constrain": "offf"}))  # fmt: skip
    h.send(req(3, "codegen/generate", {"description": "x", "json_schema": BOOK}))
    result, wrong, misplaced = h.reply(1), h.reply(2), h.reply(3)
    h.conn.close()
    (sent,) = (params.constraint for _, params, _ in backend.calls)
    assert sent is not None and sent.tag == "sql"
    assert result["result"]["candidates"][0]["constrained"] is False  # scripted: not held
    assert wrong["error"]["code"] == -32602 and "did you mean 'off'" in wrong["error"]["message"]
    assert "json_schema" in misplaced["error"]["message"]
    assert "add json to languages" in misplaced["error"]["message"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("{not json", "json_schema: not valid JSON (Expecting property name"),
        ([1], "json_schema: expected a JSON Schema object, got [1]"),
        ({"type": "object", "properties": {"a": {"type": "strin"}}},
         "json_schema['properties']['a']['type']: not a valid JSON Schema: 'strin' is not valid"),
    ],
)  # fmt: skip
def test_a_bad_json_schema_is_a_usage_error_naming_where(value: Any, message: str) -> None:
    from codegen.errors import UsageError

    with pytest.raises(UsageError) as caught:
        build_request({"description": "x", "languages": ["json"], "json_schema": value},
                      Settings(), where="spec.yaml: tasks[2]")  # fmt: skip
    assert str(caught.value).startswith(f"spec.yaml: tasks[2]: {message}"), caught.value


def test_gen_takes_a_json_schema_as_text_or_file(tmp_path: Any) -> None:
    from codegen.cli import gen
    from codegen.cli.main import build_parser

    path = tmp_path / "book.json"
    path.write_text(json.dumps(BOOK))
    for given in (json.dumps(BOOK), str(path)):
        args = build_parser().parse_args(["gen", "a book", "-l", "json", "--json-schema", given])
        _, request = gen.resolve_args(args)
        assert request.json_schema == BOOK
