"""Stop a sequence that has fallen into a loop.

Small models sometimes repeat one token, or a short cycle of tokens, with a log-probability
near zero for hundreds of steps (seen on the 0.5B during repair: "))))))..." to max_tokens).
Nothing useful follows, so a sequence whose last ``span`` tokens repeat with a period of at
most ``max_period`` is ended as if it had hit max_tokens; truncation repair then treats it.
A span of 64 is far longer than any repetition real code has token for token.
"""

from __future__ import annotations

from collections.abc import Sequence

SPAN = 64
MAX_PERIOD = 8
# The most trailing tokens ``looping`` ever reads: callers may pass just this tail.
WINDOW = SPAN + MAX_PERIOD


def looping(tokens: Sequence[int], span: int = SPAN, max_period: int = MAX_PERIOD) -> bool:
    """True when the last ``span`` tokens repeat with some period of at most ``max_period``."""
    if len(tokens) < span + max_period:
        return False
    last = len(tokens) - 1
    for period in range(1, max_period + 1):
        if tokens[last] != tokens[last - period]:
            continue
        if all(tokens[last - i] == tokens[last - i - period] for i in range(span)):
            return True
    return False
