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
    for offset, piece in _pieces(code):
        yield code.count("\n", 0, offset) + 1, piece


def _pieces(code: str) -> Iterator[tuple[int, str]]:
    start = 0
    for index, char in enumerate(code):
        if char != ";":
            continue
        piece = code[start : index + 1]
        if sqlite3.complete_statement(piece):
            yield start, piece
            start = index + 1
    if code[start:].strip():
        yield start, code[start:]


def sqlite_check(code: str) -> list[Diagnostic] | None:
    """Syntax errors SQLite finds in ``code`` (a script of statements); [] when it has none."""
    conn = sqlite3.connect(":memory:")
    try:
        for offset, statement in _pieces(code):
            found = _prepare(conn, statement)
            if found is not None:
                message, (begin, end) = found
                line, col = _position(code, offset + begin)
                end_line, end_col = _position(code, offset + end)
                return [Diagnostic(line, col, end_line, end_col, message, "sqlite")]
    finally:
        conn.close()
    return []


def _position(code: str, index: int) -> tuple[int, int]:
    """1-based line and column (code points) of ``code[index]``."""
    line_start = code.rfind("\n", 0, index) + 1
    return code.count("\n", 0, index) + 1, index - line_start + 1


def _prepare(conn: sqlite3.Connection, statement: str) -> tuple[str, tuple[int, int]] | None:
    """SQLite's syntax complaint about one statement and where in it, or None."""
    if _LEADING_QUERY.match(statement):
        # "EXPLAIN " + "QUERY PLAN ..." would read as valid; no statement starts with QUERY,
        # so preparing it as it is can only fail, and decides.
        message = _error(conn, statement)
        if message is None or not _is_syntax(message):
            return None
        return message, _first_code_span(statement)
    created: list[tuple[str, str]] = []
    try:
        message = _explain(conn, statement, created)
        if message is None or not _is_syntax(message):
            return None
        # EXPLAIN of an empty statement or of an EXPLAIN fails; the statement alone decides.
        # It can only run here if it parses, and then it is empty or an EXPLAIN itself.
        alone = _error(conn, statement)
        if alone is None or not _is_syntax(alone):
            return None
        return message, _locate(conn, statement, message)
    finally:
        for kind, name in reversed(created):
            _error(conn, f'DROP {kind} IF EXISTS "{name}"')


def _locate(conn: sqlite3.Connection, statement: str, message: str) -> tuple[int, int]:
    """The span of the token SQLite complains about: the shortest prefix of the statement that
    draws the same complaint ends with it (SQLite reports no offsets to Python)."""
    if message == "incomplete input":
        end = len(statement.rstrip())
        return end, end
    near = re.match(r'(?:near|unrecognized token:) "(.*)"', message, re.S)
    if near is None:
        return _first_code_span(statement)
    token = near.group(1)
    lo, hi = 0, len(statement)
    while lo < hi:
        mid = (lo + hi) // 2
        if _error(conn, "EXPLAIN " + statement[:mid]) == message:
            hi = mid
        else:
            lo = mid + 1
    begin = hi - len(token)
    if begin >= 0 and statement[begin:hi] == token:
        return begin, hi
    found = statement.find(token)
    return (found, found + len(token)) if found >= 0 else _first_code_span(statement)


def _first_code_span(statement: str) -> tuple[int, int]:
    stripped = len(statement) - len(statement.lstrip())
    return stripped, stripped


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
