"""The tasks of the constrained-decoding benchmark (``constrained.py``), written here.

- SQL: questions about a small shop database (SQLite). The model sees the tables in the
  description; the hidden test runs the candidate on the database and compares its rows with
  those of a reference query written here (as a multiset, or in order where the question asks
  for one).
- JSON: records to write, half of them with a JSON Schema the answer must follow.
- Machine: state machines in ``constrained_data/Machine.g4``, a language written for this
  benchmark (added with ``codegen grammar add`` for the run, its examples as few-shot).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "constrained_data"
MACHINE_GRAMMAR = DATA / "Machine.g4"
MACHINE_EXAMPLES = DATA / "examples.yaml"

SHOP = """
CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, city TEXT NOT NULL);
CREATE TABLE products (id INTEGER PRIMARY KEY, name TEXT NOT NULL, price REAL NOT NULL,
                       category TEXT NOT NULL);
CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers,
                     placed_on TEXT NOT NULL);
CREATE TABLE order_items (order_id INTEGER NOT NULL REFERENCES orders,
                          product_id INTEGER NOT NULL REFERENCES products,
                          quantity INTEGER NOT NULL);
INSERT INTO customers VALUES (1, 'Ada', 'Paris'), (2, 'Bo', 'Lyon'), (3, 'Cy', 'Paris'),
    (4, 'Di', 'Nice'), (5, 'Ed', 'Lyon');
INSERT INTO products VALUES (1, 'pen', 1.5, 'office'), (2, 'desk', 120.0, 'furniture'),
    (3, 'lamp', 35.0, 'furniture'), (4, 'paper', 4.25, 'office'), (5, 'globe', 60.0, 'decor');
INSERT INTO orders VALUES (1, 1, '2024-01-10'), (2, 1, '2024-02-11'), (3, 2, '2023-12-30'),
    (4, 3, '2024-03-05'), (5, 1, '2024-03-09'), (6, 4, '2024-04-01'), (7, 2, '2024-05-20');
INSERT INTO order_items VALUES (1, 1, 10), (1, 4, 2), (2, 2, 1), (3, 3, 2), (4, 1, 3),
    (4, 3, 1), (5, 4, 5), (6, 2, 1), (7, 1, 1), (7, 4, 4);
"""

TABLES = (
    "Tables (SQLite): customers(id, name, city), products(id, name, price, category), "
    "orders(id, customer_id, placed_on as 'YYYY-MM-DD'), "
    "order_items(order_id, product_id, quantity)."
)


@dataclass(frozen=True)
class SqlTask:
    id: str
    question: str
    reference: str
    ordered: bool = False

    @property
    def description(self) -> str:
        return f"{self.question} {TABLES} Write one SELECT query."


SQL_TASKS = (
    SqlTask(
        "paris",
        "The names of the customers who live in Paris.",
        "SELECT name FROM customers WHERE city = 'Paris'",
    ),
    SqlTask(
        "count_2024",
        "How many orders were placed in 2024?",
        "SELECT COUNT(*) FROM orders WHERE placed_on LIKE '2024-%'",
    ),
    SqlTask(
        "per_city",
        "Each city with its number of customers.",
        "SELECT city, COUNT(*) FROM customers GROUP BY city",
    ),
    SqlTask(
        "loyal",
        "The names of the customers with more than two orders.",
        "SELECT c.name FROM customers c JOIN orders o ON o.customer_id = c.id "
        "GROUP BY c.id HAVING COUNT(*) > 2",
    ),
    SqlTask(
        "priciest",
        "The name of the most expensive product.",
        "SELECT name FROM products ORDER BY price DESC LIMIT 1",
    ),
    SqlTask(
        "never_ordered",
        "The names of the products that were never ordered.",
        "SELECT name FROM products WHERE id NOT IN (SELECT product_id FROM order_items)",
    ),
    SqlTask(
        "units",
        "Each product's name with the total quantity ordered, largest first.",
        "SELECT p.name, SUM(i.quantity) AS total FROM products p "
        "JOIN order_items i ON i.product_id = p.id GROUP BY p.id ORDER BY total DESC",
        ordered=True,
    ),
    SqlTask(
        "spend",
        "Each customer's name and the total they spent (price times quantity).",
        "SELECT c.name, SUM(p.price * i.quantity) FROM customers c "
        "JOIN orders o ON o.customer_id = c.id JOIN order_items i ON i.order_id = o.id "
        "JOIN products p ON p.id = i.product_id GROUP BY c.id",
    ),
)


def shop() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.executescript(SHOP)
    return conn


def _rows(conn: sqlite3.Connection, code: str) -> list[tuple[Any, ...]]:
    """The rows of the last statement of ``code`` (earlier ones run first)."""
    statements, pending = [], ""
    for piece in code.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \t\r\n;"):
                statements.append(pending)
            pending = ""
    if pending.strip(" \t\r\n;"):
        statements.append(pending)
    if not statements:
        raise sqlite3.OperationalError("no statement")
    for statement in statements[:-1]:
        conn.execute(statement)
    return [tuple(_round(v) for v in row) for row in conn.execute(statements[-1]).fetchall()]


def _round(value: Any) -> Any:
    return round(value, 6) if isinstance(value, float) else value


def passes(task: SqlTask, code: str) -> bool:
    """Does ``code`` give the reference's rows on the shop database?"""
    with shop() as conn:
        expected = _rows(conn, task.reference)
    conn = shop()
    try:
        got = _rows(conn, code)
    except (sqlite3.Error, sqlite3.Warning, ValueError):
        return False
    finally:
        conn.close()
    if task.ordered:
        return got == expected
    return sorted(got, key=repr) == sorted(expected, key=repr)


@dataclass(frozen=True)
class JsonTask:
    id: str
    description: str
    schema: Mapping[str, Any] | None = field(default=None)


def _object(required: Sequence[str], **properties: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(required),
        "additionalProperties": False,
    }


_TEXT, _INT = {"type": "string"}, {"type": "integer"}
JSON_TASKS = (
    JsonTask("book", "A JSON object describing the novel Dune: title, author and year."),
    JsonTask("menu", "A JSON array of three breakfast dishes, each with a name and a price."),
    JsonTask(
        "config",
        "A JSON configuration for a web server: host, port, TLS on or off, "
        "and a list of allowed origins.",
    ),
    JsonTask("event", "A JSON object for a meetup on 12 March 2025 in Lyon with two speakers."),
    JsonTask(
        "person",
        "A JSON record for a person named Ada, aged 36, living in Paris.",
        _object(["name", "age", "city"], name=_TEXT, age=_INT, city=_TEXT),
    ),
    JsonTask(
        "inventory",
        "A JSON inventory of a small shop with two items in stock.",
        _object(
            ["shop", "items"],
            shop=_TEXT,
            items={
                "type": "array",
                "items": _object(["sku", "count"], sku=_TEXT, count=_INT),
                "minItems": 2,
            },
        ),
    ),
    JsonTask(
        "flight",
        "A JSON object for flight AF123 from Paris to Rome, on time.",
        _object(
            ["number", "from", "to", "status"],
            number=_TEXT,
            to=_TEXT,
            status={"enum": ["on_time", "delayed", "cancelled"]},
            **{"from": _TEXT},
        ),
    ),
    JsonTask(
        "point",
        "A JSON point of interest: the Eiffel Tower with its coordinates.",
        _object(["name", "lat", "lon"], name=_TEXT, lat={"type": "number"}, lon={"type": "number"}),
    ),
)

MACHINE_TASKS = (
    ("turnstile", "A coin-operated turnstile: a coin unlocks it, a push locks it again."),
    ("door", "A door that can be opened, closed, locked with a key and unlocked."),
    ("elevator", "An elevator that moves up or down between floors and stops when it arrives."),
    ("alarm", "A burglar alarm: armed, triggered by motion, silenced with the right code."),
    (
        "download",
        "A file download: queued, running, paused, finished or failed after three retries.",
    ),
    (
        "washer",
        "A washing machine going through fill, wash, rinse and spin, each after a delay.",
    ),
    ("login", "A login session that expires after 15 minutes without activity."),
    ("vending", "A vending machine that takes coins until the price is paid, then serves."),
)
