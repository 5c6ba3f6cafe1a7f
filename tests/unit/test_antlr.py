"""The ANTLR tier: built-in sql and json grammars, diagnostics, reference checkers."""

from __future__ import annotations

import filecmp
import random
from pathlib import Path

import pytest

from codegen import languages
from codegen.validation import antlr
from codegen.validation.antlr_ref import split_sql
from codegen.validation.antlr_tool import GENERATED, generate_builtin

REPO = Path(__file__).resolve().parents[2]
CORPUS = (REPO / "grammars" / "testdata" / "corpus.sql").read_text(encoding="utf-8")


def _statements() -> list[str]:
    return [text for _line, text in split_sql(CORPUS) if "--" not in text.strip()[:2]]


def test_generated_parsers_are_up_to_date(tmp_path: Path) -> None:
    generate_builtin(tmp_path)
    fresh = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*.py"))
    committed = sorted(
        p.relative_to(GENERATED) for p in GENERATED.rglob("*.py") if "__pycache__" not in p.parts
    )
    assert fresh == committed
    stale = [str(p) for p in fresh if not filecmp.cmp(tmp_path / p, GENERATED / p, shallow=False)]
    assert stale == [], f"run `make grammars`: stale {stale}"


def test_whole_corpus_is_valid_for_antlr_and_sqlite() -> None:
    assert antlr.validate(CORPUS, "sql") == []
    assert antlr.sqlite_check(CORPUS) == []


@pytest.mark.parametrize(
    "code",
    [
        "SELECT 1",
        "select a from t where b between 1 and 2 and c",
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c",
        "SELECT * FROM 'quoted table' LEFT OUTER JOIN u ON 1",
        "INSERT INTO t VALUES (1) ON CONFLICT DO NOTHING RETURNING *",
        ";;SELECT 1;;",
        "",
    ],
)
def test_valid_sql(code: str) -> None:
    assert antlr.validate(code, "sql") == []
    assert antlr.sqlite_check(code) == []


@pytest.mark.parametrize(
    ("code", "line", "column", "token"),
    [
        ("SELECT FROM t", 1, 8, "'FROM'"),
        ("SELECT a\nFROM t\nWHERE", 3, 6, "end of input"),
        ("select 1abc", 1, 8, "unrecognized token '1abc'"),
        ("SELECT 1 SELECT 2", 1, 10, "'SELECT'"),
        ("SELECT 'é', ?, é FROM t WHERE ) ", 1, 31, "')'"),
        ("CREATE TABLE t (a INT,)", 1, 23, "')'"),
        ("UPDATE t SET a = 1 WHERE", 1, 25, "end of input"),
    ],
)
def test_invalid_sql_diagnostic(code: str, line: int, column: int, token: str) -> None:
    diags = antlr.validate(code, "sql")
    assert diags, code
    first = diags[0]
    assert (first.line, first.column) == (line, column)
    assert first.source == "antlr"
    assert token in first.message
    assert antlr.sqlite_check(code), "SQLite must agree that it is invalid"


def test_expected_tokens_are_named() -> None:
    diags = antlr.validate("SELECT a FROM t ORDER a", "sql")
    assert diags[0].message == "syntax error at 'a': expected 'BY'"


def test_single_token_mutations_never_rejected_when_sqlite_accepts() -> None:
    rng = random.Random(3)
    stmts = _statements()
    disagree = 0
    cases = 0
    for stmt in rng.sample(stmts, 30):
        words = stmt.split()
        for _ in range(3):
            i = rng.randrange(len(words))
            mutated = " ".join(words[:i] + words[i + 1 :])
            ours = antlr.validate(mutated, "sql") == []
            ref = antlr.sqlite_check(mutated) == []
            assert not (ref and not ours), f"false reject: {mutated}"
            disagree += ours != ref
            cases += 1
    assert disagree <= cases * 0.05


@pytest.mark.parametrize("grammar", ["sql", "json"])
def test_deep_nesting_is_an_error_not_a_crash(grammar: str) -> None:
    code = "SELECT " + "(" * 10_000 + "1" + ")" * 10_000 if grammar == "sql" else "[" * 10_000
    diags = antlr.validate(code, grammar)
    assert diags and "nesting too deep" in diags[0].message
    ref = antlr.reference(grammar, code)
    assert ref


def test_nesting_just_under_the_limit_parses() -> None:
    depth = antlr.MAX_NESTING - 1
    assert antlr.validate("[" * depth + "]" * depth, "json") == []


def test_sqlite_reports_the_statement_line_and_ignores_missing_tables() -> None:
    assert antlr.sqlite_check("SELECT * FROM no_such_table;\nALTER TABLE nope ADD c INT;") == []
    diags = antlr.sqlite_check("SELECT 1;\n\nSELECT * FROM t WHERE;")
    assert diags is not None and "syntax error" in diags[0].message
    assert (diags[0].line, diags[0].column, diags[0].end_column) == (3, 22, 23)


@pytest.mark.parametrize(
    "code",
    [
        "SELECT a\nFROM t\nWHERE a = = 1;",
        "select 1abc from t",
        "SELECT é, 2 3",
        "ALTER TABLE t ADD COLUMN 1 TEXT;",
        "SELECT 1;\n  INSERT INTO t VALUES (1,, 2);",
    ],
)
def test_sqlite_and_antlr_point_at_the_same_token(code: str) -> None:
    ours = antlr.validate(code, "sql")[0]
    ref = antlr.sqlite_check(code)
    assert ref is not None
    assert (ours.line, ours.column, ours.end_column) == (
        ref[0].line,
        ref[0].column,
        ref[0].end_column,
    )


def test_sqlite_check_never_runs_statements(tmp_path: Path) -> None:
    target = tmp_path / "out.db"
    assert antlr.sqlite_check(f"ATTACH '{target}' AS x; VACUUM INTO '{target}';") == []
    assert not target.exists()


@pytest.mark.parametrize(
    "code", ['{"a": [1, -2.5e3, true, false, null], "b": {}}', "[]", '"\\u00e9 \\n"', " 0 "]
)
def test_valid_json(code: str) -> None:
    assert antlr.validate(code, "json") == []
    assert antlr.json_check(code) == []


@pytest.mark.parametrize(
    ("code", "column"),
    [("[1,]", 4), ('{"a": 01}', 7), ("NaN", 1), ('{"a" 1}', 6), ("[1] [2]", 5), ("'x'", 1)],
)
def test_invalid_json(code: str, column: int) -> None:
    diags = antlr.validate(code, "json")
    assert diags and diags[0].column == column
    assert antlr.json_check(code)


def test_columns_count_code_points() -> None:
    diags = antlr.validate('{"é😀": 1,}', "json")
    assert diags[0].column == 10


def test_reference_dispatch() -> None:
    assert antlr.reference("sql", "SELEC 1")
    assert antlr.reference("json", "{}") == []
    assert antlr.reference("python", "x") is None


def test_registry_entries() -> None:
    sql = languages.get("sql")
    assert (sql.antlr_grammar, sql.extension, sql.pygments_lexer, sql.line_comment) == (
        "sql",
        ".sql",
        "sql",
        "--",
    )
    assert languages.get("json").antlr_grammar == "json"
    assert languages.from_extension("q.json") is languages.get("json")


def test_unknown_grammar_is_a_usage_error() -> None:
    from codegen.errors import UsageError

    with pytest.raises(UsageError, match="nope"):
        antlr.validate("x", "nope")


def test_statements_sqlite_rejects_are_rejected() -> None:
    lines = (REPO / "grammars" / "testdata" / "invalid.sql").read_text(encoding="utf-8")
    cases = [line for line in lines.splitlines() if line and not line.startswith("--")]
    assert len(cases) >= 20
    for case in cases:
        assert antlr.sqlite_check(case), case
        assert antlr.validate(case, "sql"), case
