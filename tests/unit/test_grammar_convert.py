"""ANTLR grammars converted for constrained decoding agree with the ANTLR parsers.

Checked with llguidance on a tokenizer of single bytes (no model): the converted Lark grammar
accepts what ANTLR accepts (the SQL corpus, the grammars' examples) and rejects what it rejects
(SQL slips from other dialects, keywords used as names, unclosed comments); and every string a
random walk inside the converted grammar produces parses with ANTLR.
"""

from __future__ import annotations

import random
from pathlib import Path

import llguidance
import pytest

from codegen.validation import antlr, constraints, fenced, g4, grammar_convert, grammar_plan
from codegen.validation.lark_convert import accepts, byte_tokenizer

REPO = Path(__file__).resolve().parents[2]
TESTDATA = REPO / "grammars" / "testdata"


def _sql() -> grammar_convert.CodeGrammar:
    grammar = constraints.code_grammar("sql")
    assert grammar is not None and grammar.ok, grammar
    return grammar


def _json() -> grammar_convert.CodeGrammar:
    grammar = constraints.code_grammar("json")
    assert grammar is not None and grammar.ok, grammar
    return grammar


def test_the_sql_corpus_is_accepted_and_every_slip_rejected() -> None:
    sql = _sql()
    corpus = (TESTDATA / "corpus.sql").read_text(encoding="utf-8")
    assert accepts(sql.lark, sql.rule, corpus) == ""
    slips = (TESTDATA / "invalid.sql").read_text(encoding="utf-8").splitlines()[1:]
    assert len(slips) > 20
    for line in slips:
        assert antlr.validate(line, "sql"), line
        assert accepts(sql.lark, sql.rule, line).startswith("rejected"), line


@pytest.mark.parametrize(
    ("code", "ok"),
    [
        ("select Name from T where x between 1 and 2;", True),  # keywords in any case
        ('SELECT a FROM "select";', True),  # a quoted name may be a keyword
        ("SELECT a FROM select;", False),  # a bare one may not (ANTLR's keyword wins)
        ("SELECT a FROM t WHERE;", False),
        ("SELECT 1 /* a * b */ + /* c */ 2; -- done", True),  # non-greedy comments
        ("SELECT 1 /* a */ b */;", False),
        ("SELECT x'0aFF', 1.5e3, .5, 0x1F;", True),
        ("CREATE TABLE t (a INTEGER PRIMARY KEY, b TEXT NOT NULL);", True),
    ],
)
def test_sql_statements_as_antlr_reads_them(code: str, ok: bool) -> None:
    sql = _sql()
    assert (antlr.validate(code, "sql") == []) == ok
    assert (accepts(sql.lark, sql.rule, code) == "") == ok


@pytest.mark.parametrize(
    ("code", "ok"),
    [
        ('{"a": [1, -2.5e3, true, null, "x\\n\\u00e9"], "b": {}}', True),
        ("[]", True),
        ('{"a": 01}', False),
        ("[1, 2,]", False),
        ("{'a': 1}", False),
        ('"tab\there"', False),  # a raw control character in a string
    ],
)
def test_json_as_antlr_reads_it(code: str, ok: bool) -> None:
    json_grammar = _json()
    assert (antlr.validate(code, "json") == []) == ok
    assert (accepts(json_grammar.lark, json_grammar.rule, code) == "") == ok


def _access(*names: str) -> grammar_convert.CodeGrammar:
    converted = grammar_convert.convert_files([TESTDATA / "access" / n for n in names], "policy")
    assert converted.ok, converted.problems
    return converted


def test_combined_and_split_grammars_convert_alike() -> None:
    import yaml

    examples = yaml.safe_load((TESTDATA / "access" / "examples.yaml").read_text())["examples"]
    codes = [e["code"] for e in examples]
    combined = _access("Access.g4")
    assert grammar_convert.check_examples(combined, codes) == combined
    split = _access("AccessParser.g4", "AccessLexer.g4")  # a smaller language: no 'when'
    assert not grammar_convert.check_examples(split, codes).ok
    for converted in (combined, split):
        assert (
            accepts(
                converted.lark, converted.rule, 'role a inherits b, c;\ndeny a to write on "x";'
            )
            == ""
        )
        # keywords (the combined grammar's literals, the lexer's rules) are never a name
        assert accepts(converted.lark, converted.rule, "role role;").startswith("rejected")
        assert accepts(converted.lark, converted.rule, "role roles;\n") == ""
    rejected = grammar_convert.check_examples(_access("Access.g4"), ["role ;"])
    assert not rejected.ok
    assert rejected.problems == ("the converted grammar rejects examples[1] (rejected at 1:6)",)


def test_a_predicate_is_named_with_its_place_and_nothing_is_converted() -> None:
    converted = grammar_convert.convert_files([TESTDATA / "quota" / "Quota.g4"])
    assert not converted.ok and not converted.lark
    assert converted.problems == ("semantic predicate at Quota.g4:11:7 (rule entry)",)


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("a: ID {print(1)} ;", "action at g.g4:3:7 (rule a)"),
        ("a[int x]: ID ;", "rule arguments at g.g4:3:2 (rule a)"),
        ("a: ID ;\nSTR: '\"' -> pushMode(S) ;\nmode S;\nEND: '\"' -> popMode ;", "lexer mode S"),
        ("a: ID ;\nPRE: 'x' -> more ;", "lexer command 'more'"),
        ("a: ID ;\nNEST: '(' (NEST | ~[()])* ')' ;", "recursive lexer rule NEST"),
        ("a: ID | KW ;\ntokens { KW }", "token KW has no lexer rule"),
    ],
)
def test_constructs_that_do_not_convert(body: str, problem: str) -> None:
    text = f"grammar g;\n\n{body}\nID: [a-z]+ ;\nWS: [ ]+ -> skip ;\n"
    converted = grammar_convert.convert([("g.g4", text)])
    assert not converted.ok
    assert any(problem in p for p in converted.problems), converted.problems


def test_a_grammar_the_reader_cannot_follow_is_a_problem_not_a_crash() -> None:
    converted = grammar_convert.convert([("g.g4", "grammar g;\na: 'x' )\n")])
    assert converted.problems[0].startswith("cannot read the grammar: g.g4:2:8: ")


def _walk(grammar: grammar_convert.CodeGrammar, rng: random.Random) -> str | None:
    """A random string inside the converted grammar (printable ASCII), or None when the walk
    got nowhere. After a word character a space is taken where allowed: two tokens that ANTLR
    would read as one (``SELECTa``) are the one difference the README names."""
    answer = fenced.lark_answer(grammar.lark, grammar.rule, "x", prose=False)
    matcher = llguidance.LLMatcher(
        byte_tokenizer(), llguidance.LLMatcher.grammar_from_lark(answer), log_level=0
    )
    assert matcher.consume_tokens(list(b"```x\n"))
    out = bytearray()
    while len(out) < 160:
        end = list(b"\n```")
        taken = matcher.try_consume_tokens(end)
        complete = taken == len(end) and matcher.is_accepting()
        matcher.rollback(taken)
        if complete and out and rng.random() < 0.2:
            return out.decode("ascii")
        mask = matcher.compute_bitmask()
        allowed = [b for b in [10, *range(32, 127)] if mask[b // 8] >> (b % 8) & 1]
        if not allowed:
            return None
        word = out[-1:].decode().isalnum() or out[-1:] == b"_"
        byte = 32 if word and 32 in allowed else rng.choice(allowed)
        assert matcher.consume_token(byte)
        out.append(byte)
    return None


@pytest.mark.parametrize("language", ["sql", "json"])
def test_what_the_converted_grammar_allows_parses_with_antlr(language: str) -> None:
    grammar = _sql() if language == "sql" else _json()
    rng = random.Random(7)
    walks = [w for w in (_walk(grammar, rng) for _ in range(120)) if w is not None]
    assert len(walks) >= 20
    for text in walks:
        assert antlr.validate(text, language) == [], text


def test_gbnf_forms_parse_in_llama_cpp_and_have_no_left_recursion() -> None:
    import llama_cpp

    for grammar in (_sql(), _json(), _access("Access.g4")):
        assert grammar.gbnf and not grammar.gbnf_problem
        text = fenced.gbnf_answer(grammar.gbnf, grammar.gbnf_rule, "x", prose=True)
        assert llama_cpp.LlamaGrammar.from_string(text, verbose=False) is not None
        for line in text.splitlines():
            name, _, body = line.partition(" ::= ")
            assert not body.startswith((f"{name} ", f"({name} ")), line


def test_the_reader_keeps_what_conversion_needs() -> None:
    tree = g4.parse((REPO / "grammars" / "SQL.g4").read_text(), "SQL.g4")
    assert tree.options == {"caseInsensitive": "true"}
    comment = tree.rule("BLOCK_COMMENT")
    assert comment is not None and comment.commands == (("skip", None),)
    plan = grammar_plan.plan([tree], "script")
    assert plan.case_insensitive and not plan.problems
    assert [t.name for t in plan.terminals if t.skip] == [
        "LINE_COMMENT",
        "BLOCK_COMMENT",
        "SPACES",
    ]
