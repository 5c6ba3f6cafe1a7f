"""A small Okapi BM25 scorer for choosing few-shot examples and context chunks."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

_WORD = re.compile(r"[A-Za-z][a-z]+|[A-Z]+(?![a-z])|\d+")
_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "that",
        "the",
        "this",
        "to",
        "with",
        "return",
        "returns",
        "given",
        "write",
        "function",
        "program",
        "code",
        "which",
    ]
)


def tokenize(text: str) -> list[str]:
    """Lower-case words, camelCase and snake_case split, stop words dropped."""
    return [w.lower() for w in _WORD.findall(text) if w.lower() not in _STOP]


class BM25:
    def __init__(self, documents: Sequence[str], k1: float = 1.5, b: float = 0.75) -> None:
        self._docs = [Counter(tokenize(d)) for d in documents]
        self._lengths = [sum(c.values()) for c in self._docs]
        self._avg = (sum(self._lengths) / len(self._lengths)) if self._lengths else 0.0
        self._k1 = k1
        self._b = b
        df: Counter[str] = Counter()
        for doc in self._docs:
            df.update(doc.keys())
        n = len(self._docs)
        self._idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}

    def scores(self, query: str) -> list[float]:
        terms = tokenize(query)
        out = []
        for doc, length in zip(self._docs, self._lengths, strict=True):
            norm = self._k1 * (1 - self._b + self._b * length / (self._avg or 1.0))
            total = 0.0
            for term in terms:
                freq = doc.get(term, 0)
                if freq:
                    total += self._idf[term] * freq * (self._k1 + 1) / (freq + norm)
            out.append(total)
        return out

    def top(self, query: str, k: int) -> list[int]:
        """Indices of the ``k`` best documents, best first; ties keep document order."""
        scored = sorted(enumerate(self.scores(query)), key=lambda p: (-p[1], p[0]))
        return [i for i, _ in scored[:k]]
