"""Grammar-constrained decoding in the llama.cpp batch, with llguidance.

``Constrainer`` belongs to one loaded model: it builds llguidance's tokenizer from the GGUF
vocabulary llama.cpp loaded (once, about a second; no tokenizer files, no hub) and compiles
answer grammars (``codegen.validation.fenced``) into matchers. ``Guard`` holds one matcher per
sequence of a batch, the greedy row included, and picks each row's token:

1. the row's token is sampled as without a grammar (``sampling.sample``);
2. if its matcher accepts that token, it is taken;
3. otherwise the row's token mask is computed (all rejected rows at once, in llguidance's
   thread pool), the disallowed logits set to -inf, and the token sampled again from that row.

For greedy rows this is exactly the masked argmax; for sampled rows it is rejection sampling,
which draws from the same masked distribution (before top-p), at the cost of a mask only when
the model strays. Log-probabilities stay the model's own, read from the unmasked logits, so
ranking compares constrained and unconstrained candidates alike. A matcher that fails (its
grammar too complex for a step, say) lets its row go on unconstrained, and says so.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np

from codegen.backends.sampling import log_softmax_at, sample
from codegen.types import Constraint
from codegen.validation import fenced

log = logging.getLogger(__name__)
_COMPILED_MAX = 16


def answer_grammar(constraint: Constraint) -> str:
    """The llguidance (Lark) grammar of a whole answer under ``constraint``."""
    if constraint.json_schema:
        code, rule = fenced.lark_json_schema(json.loads(constraint.json_schema))
    else:
        code, rule = constraint.lark, constraint.rule
    return fenced.lark_answer(code, rule, constraint.tag, constraint.prose)


def vocab_tokenizer(vocab: Any, n_vocab: int) -> Any:
    """llguidance's tokenizer for a llama.cpp vocabulary: each token's bytes (control tokens
    marked with a leading 0xFF, as llguidance expects for special tokens), tokenization by
    llama.cpp's own ``llama_tokenize``, and the end-of-generation tokens as EOS."""
    import ctypes

    import llama_cpp
    import llguidance

    buffer = ctypes.create_string_buffer(1024)
    pieces: list[bytes] = []
    for token in range(llama_cpp.llama_vocab_n_tokens(vocab)):
        size = llama_cpp.llama_token_to_piece(vocab, token, buffer, len(buffer), 0, True)
        piece = buffer.raw[: max(size, 0)]
        attr = llama_cpp.llama_vocab_get_attr(vocab, token)
        special = attr & llama_cpp.LLAMA_TOKEN_ATTR_CONTROL or (
            attr & llama_cpp.LLAMA_TOKEN_ATTR_USER_DEFINED and piece[:1] + piece[-1:] == b"<>"
        )
        pieces.append(b"\xff" + piece if special else piece)
    pieces += [b""] * (n_vocab - len(pieces))
    ends = {llama_cpp.llama_vocab_eos(vocab), llama_cpp.llama_vocab_eot(vocab)}
    eos = sorted(t for t in ends if t >= 0)
    tokenize = ctypes.cast(llama_cpp.llama_cpp._lib.llama_tokenize, ctypes.c_void_p).value
    return llguidance.LLTokenizer.from_llamacpp(  # type: ignore[attr-defined]
        tokens=pieces, vocab_ptr=vocab, tokenize_fptr=tokenize, eos_token=eos, slices=None
    )


class Constrainer:
    """llguidance state for one model: its tokenizer and recently compiled grammars."""

    def __init__(self, vocab: Any, n_vocab: int) -> None:
        self._vocab = vocab
        self._n_vocab = n_vocab
        self._tokenizer: Any = None
        self._executor: Any = None
        self._compiled: dict[str, Any] = {}
        self._lock = threading.Lock()

    def tokenizer(self) -> Any:
        with self._lock:
            if self._tokenizer is None:
                import llguidance

                self._tokenizer = vocab_tokenizer(self._vocab, self._n_vocab)
                self._executor = llguidance.LLExecutor()
            return self._tokenizer

    def guard(self, constraint: Constraint, n: int) -> Guard | None:
        """Matchers for ``n`` sequences, or None (logged) when the grammar does not compile."""
        import llguidance

        tokenizer = self.tokenizer()
        text = answer_grammar(constraint)
        proto = self._compiled.get(text)
        if proto is None:
            grammar = llguidance.LLMatcher.grammar_from_lark(text)
            proto = llguidance.LLMatcher(tokenizer, grammar, log_level=0)
            if proto.is_error():
                log.warning("%s: grammar not usable: %s", constraint.tag, _first(proto))
                return None
            if len(self._compiled) >= _COMPILED_MAX:
                self._compiled.pop(next(iter(self._compiled)))
            self._compiled[text] = proto
        return Guard([proto.deep_copy() for _ in range(n)], self._n_vocab, self._executor)


class Guard:
    """One matcher per sequence of a batch; ``sample`` picks tokens inside the grammar."""

    def __init__(self, matchers: list[Any], n_vocab: int, executor: Any) -> None:
        self._matchers: list[Any | None] = list(matchers)
        self._n_vocab = n_vocab
        self._executor = executor
        self.masks_computed = 0

    def held(self, row: int) -> bool:
        """Was sequence ``row`` decoded inside the grammar all the way?"""
        return self._matchers[row] is not None

    def sample(
        self,
        logits: Any,
        rows: Sequence[int],
        rngs: list[np.random.Generator],
        temperatures: Sequence[float],
        top_p: float,
    ) -> tuple[list[int], list[float]]:
        """One token per row of ``logits`` (sequence ``rows[i]``), each allowed by its
        sequence's grammar, with the model's own log-probability."""
        tokens, logprobs = sample(logits, rngs, temperatures, top_p)
        redo = [i for i, row in enumerate(rows) if not self._take(row, tokens[i])]
        if redo:
            again = self._resample(logits, rows, redo, rngs, temperatures, top_p)
            for i, token in again.items():
                tokens[i] = token
                logprobs[i] = float(log_softmax_at(logits[i : i + 1], np.array([token]))[0])
                self._consume(rows[i], token)
        return tokens, logprobs

    def _take(self, row: int, token: int) -> bool:
        """Consume ``token`` if the row's grammar allows it (or the row is unconstrained)."""
        matcher = self._matchers[row]
        return matcher is None or matcher.try_consume_tokens([token]) == 1

    def _consume(self, row: int, token: int) -> None:
        matcher = self._matchers[row]
        if matcher is not None and not matcher.consume_token(token):
            self._drop(row, _first(matcher))

    def _resample(
        self,
        logits: Any,
        rows: Sequence[int],
        redo: list[int],
        rngs: list[np.random.Generator],
        temperatures: Sequence[float],
        top_p: float,
    ) -> dict[int, int]:
        """New tokens for the batch positions ``redo``, drawn under their masks; a row whose
        mask allows nothing loses its grammar and keeps the token it drew."""
        from llguidance.numpy import allocate_token_bitmask, fill_next_token_bitmask_par

        bitmask = allocate_token_bitmask(len(redo), self._n_vocab)
        pairs: list[tuple[Any, int]] = [(self._matchers[rows[i]], k) for k, i in enumerate(redo)]
        fill_next_token_bitmask_par(self._executor, pairs, bitmask)
        self.masks_computed += len(redo)
        allowed = np.unpackbits(bitmask.view(np.uint8), axis=1, bitorder="little")
        allowed = allowed[:, : self._n_vocab].astype(bool)
        good = []
        for k, i in enumerate(redo):
            if allowed[k].any():
                good.append(k)
            else:
                self._drop(rows[i], "no token is allowed")
        if not good:
            return {}
        masked = np.where(allowed[good], np.asarray(logits, dtype=np.float32)[redo][good], -np.inf)
        chosen, _ = sample(
            masked, [rngs[redo[k]] for k in good], [temperatures[redo[k]] for k in good], top_p
        )
        return {redo[k]: token for k, token in zip(good, chosen, strict=True)}

    def _drop(self, row: int, why: str) -> None:
        if self._matchers[row] is not None:
            log.warning("sequence %d continues unconstrained: %s", row, why)
            self._matchers[row] = None


def _first(matcher: Any) -> str:
    error = str(matcher.get_error())
    return error.splitlines()[0] if error else "unknown error"
