"""Tests the model writes for a request (``--gen-tests``), used CodeT-style: candidates that pass
the same generated tests support each other (dual agreement), so one wrong test cannot decide.

Only assert statements that parse are kept; Python only for now.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Sequence

from codegen.backends.base import Backend
from codegen.parsing import python_module
from codegen.prompting.extract import extract
from codegen.types import GenerationRequest, Message, SamplingParams

BackendGetter = Callable[[str | None], Backend]
MAX_TESTS = 8

_PROMPT = (
    "Task: {description}\n{signature}\n"
    "Write up to {count} Python assert statements that a correct solution must pass, each on "
    "one line, calling the function by its name with concrete arguments and comparing with the "
    "exact expected result. Answer with one ```python code block containing only the asserts."
)


class ModelTestWriter:
    """Asks the request's model for assert statements (greedy, short)."""

    def __init__(self, backend: BackendGetter, max_tokens: int = 256) -> None:
        self.backend = backend
        self.max_tokens = max_tokens

    def __call__(self, request: GenerationRequest, language: str) -> str:
        if language != "python":
            return ""
        own = request.signature_for(language)
        signature = f"The code must define: `{own}`" if own else ""
        prompt = _PROMPT.format(
            description=request.description, signature=signature, count=MAX_TESTS
        )
        params = SamplingParams(
            temperature=0.0, top_p=1.0, max_tokens=self.max_tokens, seed=0, stop_after_code=True
        )
        backend = self.backend(request.model)
        completion = backend.generate([Message("user", prompt)], params, 1)[0]
        return "\n".join(asserts_of(extract(completion.text, "python").code)[:MAX_TESTS])


def asserts_of(code: str) -> list[str]:
    """The top-level assert statements of ``code`` that parse (a broken tail is dropped)."""
    kept = []
    for line in code.splitlines():
        text = line.strip()
        if not text.startswith("assert "):
            continue
        try:
            tree = python_module(text)
        except SyntaxError:
            continue
        if len(tree.body) == 1 and isinstance(tree.body[0], ast.Assert):
            kept.append(text)
    return kept


def dual_agreement(results: Sequence[Sequence[bool]]) -> list[float]:
    """CodeT's score per candidate: (share of candidates passing exactly the same generated tests)
    times (share of generated tests in that set); 0.0 when there are no tests."""
    n = len(results)
    scores = []
    for mine in results:
        total = len(mine)
        if not total or not any(mine):
            scores.append(0.0)
            continue
        same = sum(1 for other in results if tuple(other) == tuple(mine))
        scores.append((same / n) * (sum(mine) / total))
    return scores
