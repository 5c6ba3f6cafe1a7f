"""Prompt-prefix reuse for the llama.cpp backend: the KV cells of the last prompt, kept.

Requests to one model share much of their prompt (the system prompt, the few-shot examples; a
repair prompt shares its opening with the next one). Sequence 0 keeps the cells of the last
prompt after its request ends; the next request keeps the blocks it shares with them, copies
them to its other sequences (with a unified KV cache a copy only tags the cells with more
sequence ids) and evaluates the rest of its prompt.

Same results with and without reuse, by construction. llama.cpp's CPU kernels give slightly
different numbers for one token depending on the shape of the batch it is computed in and on
where its cells lie (measured: 0.3 in a logit for the same prompt split at another place, or
placed after other cells), enough to change a sampled token and now and then a greedy one. So
every prompt is evaluated the same way, with or without reuse: in blocks of ``BLOCK`` tokens
starting at multiples of ``BLOCK``, one ``llama_decode`` each, its cells in position order
from cell 0. A request reuses whole blocks only, and always evaluates its last block itself:
then every number it computes is the one a fresh context would have computed (the logits were
bit-identical in every split tried). That is also why the memory holds one prompt: a second
one kept elsewhere in the cache would move the cells of the next request. Prompts of other
kinds (another language, a repair) are kept aside as sequence states instead
(``llamacpp_states``) and put back into the empty memory when their kind comes back.

``record`` is what makes a match safe: the tokens sequence 0 holds at positions 0…len-1, only
fully evaluated blocks. Whatever went wrong in a request (an error, a cancel halfway through
the prompt), the next one starts by cutting the memory back to the blocks it can use.

``SavedPrompts`` carries that over to the next process: a one-shot ``codegen gen`` starts with
an empty memory, so each kind of prompt it evaluates is saved (llama.cpp's sequence state, in
the user cache dir, one file per model and kind) and the next process's first request of that
kind loads it and keeps the blocks it shares, as a warm request would. Measured
(``benchmarks/latency.py``, 2 shared cores): loading the state of 384 prompt tokens takes 2 ms
on the 0.5B and 4 ms on the 1.5B, evaluating them again 1.7 s and 3.9 s.
"""

from __future__ import annotations

import array
import hashlib
import logging
from typing import Any

from codegen.backends.llamacpp_states import KeptPrompts, SavedPrompts

log = logging.getLogger(__name__)

# Prompt tokens per llama_decode call. Measured on the 0.5B, CPU time to evaluate a 435-token
# prompt against one call of 512: +7% in blocks of 128, +14% in 64, +32% in 32, +60% in 16.
BLOCK = 64


def common_prefix(a: list[int], b: list[int]) -> int:
    """Length of the longest common prefix of two token lists."""
    limit = min(len(a), len(b))
    i = 0
    while i < limit and a[i] == b[i]:
        i += 1
    return i


def prompt_key(tokens: list[int]) -> str | None:
    """A prompt's kind: a hash of its first block (the system prompt's opening, which names
    the language and the task); None for a prompt shorter than a block."""
    if len(tokens) < BLOCK:
        return None
    return hashlib.sha256(array.array("q", tokens[:BLOCK]).tobytes()).hexdigest()[:16]


def reusable(record: list[int], prompt: list[int]) -> int:
    """How many of ``prompt``'s tokens can keep their cells: whole blocks it shares with
    ``record``, short of its last block (whose logits start the decoding)."""
    shared = common_prefix(record, prompt)
    last_block = (len(prompt) - 1) // BLOCK * BLOCK
    return min(shared // BLOCK * BLOCK, last_block)


class PrefixCache:
    """The last prompt's cells in sequence 0 of the context ``ctx`` whose memory is ``mem``;
    prompts of other kinds kept aside (in memory, and ``saved`` for the next process).

    ``enabled=False`` keeps nothing: every request evaluates its whole prompt (in the same
    blocks, so the results are the same).
    """

    def __init__(
        self,
        llama: Any,
        ctx: Any,
        mem: Any,
        *,
        enabled: bool = True,
        saved: SavedPrompts | None = None,
        kept: KeptPrompts | None = None,
    ) -> None:
        self._llama = llama
        self._mem = mem
        self.enabled = enabled
        self.record: list[int] = []
        self._kept = kept.moved_to(ctx) if kept is not None else KeptPrompts(llama, ctx)
        self._saved = saved if enabled else None

    def set_aside(self) -> KeptPrompts | None:
        """Before the context is replaced by a larger one: the memory's prompt kept aside
        with the others, all of them for the new context's cache (None when reuse is off)."""
        if not self.enabled:
            return None
        key = prompt_key(self.record)
        whole = len(self.record) // BLOCK * BLOCK
        if key is not None:
            self._llama.llama_memory_seq_keep(self._mem, 0)
            self._llama.llama_memory_seq_rm(self._mem, 0, whole, -1)
            self._kept.keep(key, self.record[:whole])
        return self._kept

    def prepare(self, prompt: list[int], n: int) -> int:
        """Cut the memory back to the blocks ``prompt`` can reuse, shared by sequences
        0 … n-1; how many prompt tokens they hold (a multiple of ``BLOCK``)."""
        llama, mem = self._llama, self._mem
        if self.enabled:
            self._switch(prompt)
        reused = reusable(self.record, prompt) if self.enabled else 0
        llama.llama_memory_seq_keep(mem, 0)
        if reused == 0 or not llama.llama_memory_seq_rm(mem, 0, reused, -1):
            llama.llama_memory_clear(mem, True)
            reused = 0
        elif llama.llama_memory_seq_pos_min(mem, 0) != 0:
            # The model's memory dropped the start (sliding-window attention): nothing to keep.
            log.info("this model's memory cannot keep a prompt prefix: reuse turned off")
            self.enabled = False
            llama.llama_memory_clear(mem, True)
            reused = 0
        self.record = prompt[:reused]
        for seq in range(1, n):
            llama.llama_memory_seq_cp(mem, 0, seq, 0, reused)
        return reused

    def _switch(self, prompt: list[int]) -> None:
        """When ``prompt`` is of another kind than the memory's, keep the memory's prompt
        aside and put the last one of ``prompt``'s kind back (kept, else saved) into the
        emptied memory."""
        key, old = prompt_key(prompt), prompt_key(self.record)
        if key is None or key == old:
            return
        self.set_aside()
        self._llama.llama_memory_clear(self._mem, True)
        self.record = self._kept.restore(key)
        if not self.record and self._saved is not None:
            self.record = self._saved.load(key)

    def evaluated(self, tokens: list[int]) -> None:
        """Sequence 0 now holds the cells of ``tokens`` (whole blocks evaluated so far)."""
        self.record = list(tokens)

    def prompt_done(self, tokens: list[int]) -> None:
        """A prompt is evaluated: save it for the next process (once per kind)."""
        key = prompt_key(tokens)
        if self._saved is not None and key is not None:
            self._saved.save(key, tokens[: len(tokens) // BLOCK * BLOCK])
