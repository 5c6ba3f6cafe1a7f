"""The low-level llama.cpp batch: prompt once for all sequences, then one token per sequence.

Cancellation reaches inside a ``llama_decode`` call: the context's abort callback returns the
cancel flag, which ggml checks between graph nodes, so a long prompt evaluation or a slow step
on a loaded machine stops within milliseconds rather than at the next token.
"""

from __future__ import annotations

import ctypes
import threading
from typing import Any

import numpy as np

from codegen.backends.llamacpp_prefix import BLOCK

# Tokens one llama_decode call may hold (the context's n_batch and n_ubatch); the prompt goes
# in blocks of BLOCK (llamacpp_prefix says why), a decoding step in one token per sequence.
PROMPT_CHUNK = 512


class Aborted(Exception):
    """``llama_decode`` stopped because the cancel flag was set."""


class BatchRunner:
    """Owns one ``llama_batch`` for a request; ``close`` frees it and detaches the abort hook.
    A decoding step holds up to ``step_tokens`` tokens (one per sequence, more with drafts)."""

    def __init__(
        self,
        ctx: Any,
        vocab: Any,
        n_vocab: int,
        n_seq: int,
        cancel: threading.Event | None,
        step_tokens: int = 0,
    ) -> None:
        import llama_cpp

        self._llama = llama_cpp
        self._ctx = ctx
        self._vocab = vocab
        self._n_vocab = n_vocab
        self._n_seq = n_seq
        self.capacity = min(PROMPT_CHUNK, max(BLOCK, n_seq, step_tokens))
        self._batch = llama_cpp.llama_batch_init(self.capacity, 0, n_seq)
        self.evaluated = 0  # prompt tokens whose cells sequence 0 now holds at 0…evaluated-1
        self._abort: Any = None
        if cancel is not None:
            # Kept on self: ctypes must not collect the callback while llama.cpp holds it.
            self._abort = llama_cpp.ggml_abort_callback(lambda _data: cancel.is_set())
            llama_cpp.llama_set_abort_callback(ctx.ctx, self._abort, ctypes.c_void_p(0))

    def close(self) -> None:
        if self._abort is not None:
            self._llama.llama_set_abort_callback(
                self._ctx.ctx, self._llama.ggml_abort_callback(0), ctypes.c_void_p(0)
            )
            self._abort = None
        if self._batch is not None:
            self._llama.llama_batch_free(self._batch)
            self._batch = None

    def eval_prompt(
        self, prompt: list[int], reused: int, cancel: threading.Event | None
    ) -> Any | None:
        """Decode ``prompt[reused:]`` into cells shared by every sequence (the first ``reused``
        tokens' cells are in place already), one block of ``BLOCK`` positions at a time
        (``llamacpp_prefix`` says why); the last token's logits, or None if cancelled."""
        self.evaluated = reused
        for start in range(reused, len(prompt), BLOCK):
            if cancel is not None and cancel.is_set():
                return None
            chunk = prompt[start : start + BLOCK]
            batch = self._batch
            batch.n_tokens = len(chunk)
            for i, token in enumerate(chunk):
                batch.token[i] = token
                batch.pos[i] = start + i
                batch.n_seq_id[i] = self._n_seq
                for s in range(self._n_seq):
                    batch.seq_id[i][s] = s
                batch.logits[i] = False
            batch.logits[len(chunk) - 1] = True
            self._decode()
            self.evaluated = start + len(chunk)
        return self._rows(1)[0].copy()

    def forget(self, seq: int, start: int) -> None:
        """Drop the cells of sequence ``seq`` from position ``start`` on (drafted tokens the
        sequence did not keep)."""
        mem = self._llama.llama_get_memory(self._ctx.ctx)
        self._llama.llama_memory_seq_rm(mem, seq, start, -1)

    def share(self, source: int, target: int) -> None:
        """Give sequence ``target`` the cells of sequence ``source`` (all positions)."""
        mem = self._llama.llama_get_memory(self._ctx.ctx)
        self._llama.llama_memory_seq_cp(mem, source, target, 0, -1)

    def step(self, items: list[tuple[int, int, int]]) -> Any:
        """Decode (token, position, sequence) for each live sequence; logits, one row each."""
        batch = self._batch
        batch.n_tokens = len(items)
        for i, (token, pos, seq) in enumerate(items):
            batch.token[i] = token
            batch.pos[i] = pos
            batch.n_seq_id[i] = 1
            batch.seq_id[i][0] = seq
            batch.logits[i] = True
        self._decode()
        return self._rows(len(items)).copy()

    def _decode(self) -> None:
        code = self._llama.llama_decode(self._ctx.ctx, self._batch)
        if code == 2 and self._abort is not None:
            raise Aborted()
        if code != 0:
            raise RuntimeError(f"llama_decode returned {code}")

    def _rows(self, count: int) -> Any:
        ptr = self._llama.llama_get_logits(self._ctx.ctx)
        return np.ctypeslib.as_array(ptr, shape=(count, self._n_vocab))
