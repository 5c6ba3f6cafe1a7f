"""Prompt-lookup drafting: guess a sequence's next tokens from where its last few tokens occur
in the prompt.

A repair or test-fix answer copies most of the code its prompt holds. When the last ``n``
tokens of a sequence occur in the prompt, the tokens that follow them there are a good guess
of what comes next; the decoding loop checks such a draft with one batched ``llama_decode``
and keeps the drafted tokens the sequence would have produced anyway, one by one, so the
text is the same as without drafting (the tokens are those ``sample`` picks at every step).
"""

from __future__ import annotations

from collections.abc import Sequence

MAX_DRAFT = 8  # tokens guessed per sequence and step
NGRAMS = (3, 2)  # the lengths of tail looked up, longest first


class PromptLookup:
    """An index of ``prompt``'s short n-grams, by where each occurs last."""

    def __init__(self, prompt: Sequence[int]) -> None:
        self._prompt = list(prompt)
        self._last: dict[tuple[int, ...], int] = {}
        for size in NGRAMS:
            # The last occurrence that has a token after it; later ones overwrite earlier ones.
            for end in range(size, len(self._prompt)):
                self._last[tuple(self._prompt[end - size : end])] = end

    def draft(self, tokens: Sequence[int], limit: int = MAX_DRAFT) -> list[int]:
        """Up to ``limit`` tokens the prompt has after the tail of ``tokens`` (the prompt's
        own tokens count as the start of the sequence); [] when the tail is not found."""
        if limit <= 0:
            return []
        for size in NGRAMS:
            tail = tuple(tokens[-size:])
            if len(tail) < size:
                tail = tuple(self._prompt[len(self._prompt) - size + len(tail) :]) + tail
            end = self._last.get(tail)
            if end is not None:
                return self._prompt[end : end + limit]
        return []
