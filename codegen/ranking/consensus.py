"""Consensus (minimum Bayes risk) among the candidates of one language.

Text agreement compares tree-sitter token streams with comments and whitespace dropped and
identifiers renamed in order of first appearance (``total``/``acc`` both become ``$1``), so two
candidates that differ only in names and layout are identical. Execution agreement compares
the outputs candidates give on the same inputs; the ranker weighs it above text agreement.
"""

from __future__ import annotations

from collections.abc import Sequence
from difflib import SequenceMatcher

from codegen import parsing

_ATOMS = ("string", "string_literal")  # a string literal is one token, whatever is inside
_IDENTIFIER_TYPES = frozenset(
    {
        "identifier",
        "property_identifier",
        "field_identifier",
        "type_identifier",
        "shorthand_property_identifier",
        "shorthand_property_identifier_pattern",
        "statement_identifier",
        "variable_name",
    }
)


def tokens(language: str, code: str) -> list[str]:
    """The normalised token stream of ``code`` (whitespace split when there is no grammar)."""
    tree = parsing.parse(language, code)
    if tree is None:
        return code.split()
    names: dict[str, str] = {}
    out: list[str] = []
    for node in parsing.leaves(tree.root_node, _ATOMS, drop_comments=True):
        text = node.text.decode("utf-8", "replace")
        if node.type in _IDENTIFIER_TYPES:
            text = names.setdefault(text, f"${len(names) + 1}")
        if text.strip():
            out.append(text)
    return out


def layout_free(language: str, code: str) -> tuple[str, ...]:
    """``code`` without its comments and layout: each token with its depth in the syntax tree
    (so a statement moved out of a block differs, as Python's indentation would say), names
    kept as written. Equal for two pieces of code that differ only in comments and whitespace."""
    tree = parsing.parse(language, code)
    if tree is None:
        return tuple(code.split())
    out = []
    for node in parsing.leaves(tree.root_node, _ATOMS, drop_comments=True):
        text = node.text.decode("utf-8", "replace").strip()
        if text:
            out.append(f"{_depth(node)}:{text}")
    return tuple(out)


def _depth(node: object) -> int:
    depth = 0
    parent = getattr(node, "parent", None)
    while parent is not None:
        depth += 1
        parent = getattr(parent, "parent", None)
    return depth


def similarity(a: Sequence[str], b: Sequence[str]) -> float:
    """Similarity of two token streams in [0, 1] (1: identical)."""
    if not a and not b:
        return 1.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def text_consensus(streams: Sequence[Sequence[str]]) -> list[float]:
    """For each stream, its mean similarity to the others (0.0 when it is alone)."""
    n = len(streams)
    if n < 2:
        return [0.0] * n
    sims = [[0.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            sims[i][j] = sims[j][i] = similarity(streams[i], streams[j])
    return [sum(row) / (n - 1) for row in sims]


def output_agreement(outputs: Sequence[Sequence[str]]) -> list[float]:
    """For each candidate, the mean share of inputs on which another candidate gave the same
    output (errors never agree); 0.0 when there is nothing to compare."""
    n = len(outputs)
    if n < 2 or not any(outputs):
        return [0.0] * n
    scores = []
    for i in range(n):
        total = 0.0
        for j in range(n):
            if i != j:
                total += _share_equal(outputs[i], outputs[j])
        scores.append(total / (n - 1))
    return scores


def _share_equal(a: Sequence[str], b: Sequence[str]) -> float:
    size = max(len(a), len(b))
    if size == 0:
        return 0.0
    same = sum(1 for x, y in zip(a, b, strict=False) if x == y and not x.startswith("!"))
    return same / size


def _failed(output: str) -> bool:
    """An input the candidate raised, crashed or timed out on (a skipped probe is no verdict)."""
    return output == "raised" or (output.startswith("!") and output != "!skipped")


def robustness(outputs: Sequence[Sequence[str]]) -> list[float | None]:
    """For each candidate, the share of *contested* inputs it ran without failing — inputs on
    which some candidate raised, crashed or timed out while another gave a value (an empty
    list where the others index ``nums[0]``) — counted only for a candidate that gives the
    most common value on every uncontested input: one that survives the edge case by
    answering wrongly elsewhere too (``return 0`` for short lists) earns nothing. None when
    no input is contested, or when no uncontested input has a most common value: then
    nothing shows the survivor right anywhere (the others may reject, on purpose, inputs the
    description rules out). A candidate that failed on every input (it does not build)
    contests nothing and gets 0. Agreement cannot see these: the one candidate that survives
    agrees with nobody there."""
    live = [i for i, o in enumerate(outputs) if any(not _failed(x) and x != "!skipped" for x in o)]
    scores = _robustness([outputs[i] for i in live])
    if all(score is None for score in scores):
        return [None] * len(outputs)
    by_row = dict(zip(live, scores, strict=True))
    return [by_row.get(i, 0.0) for i in range(len(outputs))]


def _robustness(outputs: Sequence[Sequence[str]]) -> list[float | None]:
    width = max((len(o) for o in outputs), default=0)
    columns = [[o[k] if k < len(o) else "!skipped" for o in outputs] for k in range(width)]
    contested = [
        k
        for k, column in enumerate(columns)
        if any(_failed(x) for x in column)
        and any(not _failed(x) and x != "!skipped" for x in column)
    ]
    if not contested:
        return [None] * len(outputs)
    usual = [_plurality(column) for k, column in enumerate(columns) if k not in contested]
    if all(u is None for u in usual):
        return [None] * len(outputs)
    scores: list[float | None] = []
    for i in range(len(outputs)):
        elsewhere = [columns[k][i] for k in range(width) if k not in contested]
        typical = all(u is None or x == u for x, u in zip(elsewhere, usual, strict=True))
        survived = sum(1 for k in contested if not _failed(columns[k][i]))
        scores.append(survived / len(contested) if typical else 0.0)
    return scores


def _plurality(column: Sequence[str]) -> str | None:
    """The one most common value of a column (errors and skips left out), else None."""
    counts: dict[str, int] = {}
    for x in column:
        if not _failed(x) and x != "!skipped":
            counts[x] = counts.get(x, 0) + 1
    ranked = sorted(counts.values(), reverse=True)
    if not ranked or (len(ranked) > 1 and ranked[0] == ranked[1]):
        return None
    return next(x for x, c in counts.items() if c == ranked[0])
