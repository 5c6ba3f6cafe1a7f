"""Reference checkers for the ANTLR languages: SQLite's own parser and ``json.loads``.

``sqlite_check`` prepares each statement on an empty in-memory database as ``EXPLAIN
<statement>``, so nothing ever runs: "syntax error", "incomplete input", "unrecognized token"
and "parser stack overflow" are syntax errors; "no such table" and other semantic complaints
are not. Only when the EXPLAIN form fails is the statement itself prepared (it may be empty or
an EXPLAIN already); a statement that parses never runs outside EXPLAIN.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator

from codegen.types import Diagnostic

_LEADING_QUERY = re.compile(r"(?:\s|--[^\n]*(?:\n|$)|/\*.*?\*/)*query\b", re.I | re.S)
_SQL_SYNTAX = ("syntax error", "incomplete input", "unrecognized token", "parser stack overflow")


def reference(language: str, code: str) -> list[Diagnostic] | None:
    """The reference checker's verdict for ``language``, or None when it has none."""
    if language == "sql":
        return sqlite_check(code)
    if language == "json":
        return json_check(code)
    return None


def split_sql(code: str) -> Iterator[tuple[int, str]]:
    """(1-based start line, text) of each statement, split where SQLite sees one complete."""
    start = 0
    for index, char in enumerate(code):
        if char != ";":
            continue
        piece = code[start : index + 1]
        if sqlite3.complete_statement(piece):
            yield code.count("\n", 0, start) + 1, piece
            start = index + 1
    rest = code[start:]
    if rest.strip():
        yield code.count("\n", 0, start) + 1, rest


def sqlite_check(code: str) -> list[Diagnostic] | None:
    """Syntax errors SQLite finds in ``code`` (a script of statements); [] when it has none."""
    conn = sqlite3.connect(":memory:")
    try:
        for line, statement in split_sql(code):
            message = _prepare(conn, statement)
            if message is not None:
                at = line + _first_code_line(statement)
                return [Diagnostic(at, 1, at, 1, message, "sqlite")]
    finally:
        conn.close()
    return []


def _prepare(conn: sqlite3.Connection, statement: str) -> str | None:
    """SQLite's syntax complaint about one statement, or None."""
    if _LEADING_QUERY.match(statement):
        # "EXPLAIN " + "QUERY PLAN ..." would read as valid; no statement starts with QUERY,
        # so preparing it as it is can only fail, and decides.
        message = _error(conn, statement)
        return message if message is not None and _is_syntax(message) else None
    created: list[tuple[str, str]] = []
    try:
        message = _explain(conn, statement, created)
        if message is None or not _is_syntax(message):
            return None
        # EXPLAIN of an empty statement or of an EXPLAIN fails; the statement alone decides.
        # It can only run here if it parses, and then it is empty or an EXPLAIN itself.
        message = _error(conn, statement)
        return message if message is not None and _is_syntax(message) else None
    finally:
        for kind, name in reversed(created):
            _error(conn, f'DROP {kind} IF EXISTS "{name}"')


def _explain(
    conn: sqlite3.Connection, statement: str, created: list[tuple[str, str]]
) -> str | None:
    """Prepare ``EXPLAIN statement``. ALTER TABLE and CREATE TRIGGER look their table up while
    still parsing: SQLite is given the tables (or, for INSTEAD OF, views) it asks for, so that
    it reads on to the end of the statement."""
    message = _error(conn, "EXPLAIN " + statement)
    while message is not None and len(created) < 4:
        if message.startswith("no such table: "):
            name = message.removeprefix("no such table: ").removeprefix("main.")
            kind = "TABLE"
        elif message.startswith("cannot create INSTEAD OF trigger on table: "):
            name = message.removeprefix("cannot create INSTEAD OF trigger on table: ")
            kind = "VIEW"
        else:
            break
        quoted = name.removeprefix("main.").replace('"', '""')
        if (kind, quoted) in created:
            break
        _error(conn, f'DROP TABLE IF EXISTS "{quoted}"')
        created.append((kind, quoted))
        body = "(c0, c1)" if kind == "TABLE" else "AS SELECT 1 AS c0, 1 AS c1"
        if _error(conn, f'CREATE {kind} IF NOT EXISTS "{quoted}" {body}') is not None:
            break
        message = _error(conn, "EXPLAIN " + statement)
    return message


def _error(conn: sqlite3.Connection, sql: str) -> str | None:
    try:
        conn.execute(sql).fetchmany(1)
    except sqlite3.Error as exc:
        return str(exc)
    except (ValueError, OverflowError) as exc:  # e.g. NUL characters
        return f"syntax error: {exc}"
    return None


def _is_syntax(message: str) -> bool:
    return any(marker in message for marker in _SQL_SYNTAX)


def _first_code_line(statement: str) -> int:
    """Lines to skip to reach the statement's first non-blank line."""
    for offset, text in enumerate(statement.split("\n")):
        if text.strip():
            return offset
    return 0


def _no_constant(name: str) -> object:
    raise ValueError(f"{name} is not valid JSON")


def json_check(code: str) -> list[Diagnostic]:
    """Errors ``json.loads`` finds (strict: NaN and Infinity rejected); [] when valid."""
    try:
        json.loads(code, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        return [Diagnostic(exc.lineno, exc.colno, exc.lineno, exc.colno, exc.msg, "json")]
    except ValueError as exc:
        return [Diagnostic(1, 1, 1, 1, str(exc), "json")]
    except RecursionError:
        return [Diagnostic(1, 1, 1, 1, "input too deeply nested", "json")]
    return []
