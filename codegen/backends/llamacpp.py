"""llama.cpp backend: the n candidates of a request decode together as one batch.

The prompt is evaluated once, its KV cells shared by all n sequences (unified KV cache); then
each step decodes one token for every live sequence in a single ``llama_decode`` call. That
makes n = 8 cost little more than n = 1 on a CPU, where decoding is memory-bound.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codegen.backends import chat_template
from codegen.backends.base import Identity, ModelInfo, check_call
from codegen.backends.constraint import Constrainer, Guard
from codegen.backends.llamacpp_batch import PROMPT_CHUNK, Aborted, BatchRunner
from codegen.backends.repetition import looping
from codegen.backends.sampling import make_rngs, sample
from codegen.errors import BackendError, ModelError
from codegen.prompting.extract import code_complete
from codegen.types import Completion, FinishReason, Message, SamplingParams

log = logging.getLogger(__name__)
MAX_SEQUENCES = 64


@dataclass
class _Seq:
    index: int
    tokens: list[int] = field(default_factory=list)
    logprobs: list[float] = field(default_factory=list)
    data: bytearray = field(default_factory=bytearray)
    finish: FinishReason | None = None
    constrained: bool = False


def _quiet_llama() -> Any:
    import llama_cpp

    logging.getLogger("llama-cpp-python").setLevel(logging.ERROR)
    return llama_cpp


def model_params(llama_cpp: Any) -> Any:
    """CPU-only model parameters, with no AMX weight buffers where the library has AMX kernels.

    Those kernels crash (SIGSEGV in ``ggml_backend_amx_mul_mat``, llama.cpp issue 20824) on the
    Xeons that report AMX. ``make`` builds llama-cpp-python without them; this covers a copy
    installed some other way, at the cost of llama.cpp's weight repacking.
    """
    params = llama_cpp.llama_model_default_params()
    params.n_gpu_layers = 0
    if b"AMX_INT8 = 1" in llama_cpp.llama_print_system_info():
        log.info("llama.cpp was built with AMX kernels: loading weights without them")
        params.use_extra_bufts = False
    return params


class LlamaCppBackend(Identity):
    """A GGUF model on llama.cpp, loaded once; shared by threads, one call at a time."""

    def __init__(
        self, path: Path, *, spec: str, context_window: int = 8192, threads: int = 0
    ) -> None:
        if not path.is_file():
            raise ModelError(f"{path}: no such model file")
        with path.open("rb") as handle:
            if handle.read(4) != b"GGUF":
                raise ModelError(f"{path}: not a GGUF model file")
        self._path = path
        self._spec = spec
        self._threads = threads or os.cpu_count() or 1
        self._lock = threading.Lock()
        llama_cpp = _quiet_llama()
        from llama_cpp import _internals

        started = time.perf_counter()
        params = model_params(llama_cpp)
        try:
            self._model = _internals.LlamaModel(path_model=str(path), params=params, verbose=False)
        except ValueError as exc:
            raise ModelError(f"{path}: llama.cpp could not load the model: {exc}") from exc
        self.load_seconds = time.perf_counter() - started
        self._vocab = self._model.vocab
        self._n_vocab = self._model.n_vocab()
        self._context_length = min(context_window, self._model.n_ctx_train())
        meta = self._model.metadata()
        self._template = chat_template.ChatTemplate.from_metadata(meta, self._token_text)
        self._meta = meta
        self._ctx: Any = None
        self._ctx_cells = 0
        self._constrainer = Constrainer(self._vocab, self._n_vocab)

    # -- Backend protocol ----------------------------------------------------------------
    def count_tokens(self, messages: Sequence[Message]) -> int:
        return len(self._tokenize(self._template.render(messages)))

    def generate(
        self,
        messages: Sequence[Message],
        params: SamplingParams,
        n: int,
        cancel: threading.Event | None = None,
    ) -> list[Completion]:
        prompt = self._tokenize(self._template.render(messages))
        check_call(n, MAX_SEQUENCES, len(prompt), params.max_tokens, self._context_length)
        with self._lock:
            return self._generate_locked(prompt, params, n, cancel)

    def info(self) -> ModelInfo:
        extra = {
            "architecture": self._meta.get("general.architecture", ""),
            "name": self._meta.get("general.name", ""),
            "trained_context": str(self._model.n_ctx_train()),
            "threads": str(self._threads),
        }
        return ModelInfo(
            self._spec,
            "llama.cpp",
            str(self._path),
            self._path.stat().st_size,
            self._context_length,
            extra,
        )

    def close(self) -> None:
        with self._lock:
            if self._ctx is not None:
                self._ctx.close()
                self._ctx = None
            self._model.close()  # type: ignore[no-untyped-call]

    # -- internals -----------------------------------------------------------------------
    def _token_text(self, token: int) -> str:
        return bytes(self._model.detokenize([token], special=True)).decode("utf-8", "replace")

    def _tokenize(self, text: str) -> list[int]:
        tokens: list[int] = self._model.tokenize(text.encode("utf-8"), False, True)
        return tokens

    def _context(self, cells: int) -> Any:
        """A context with at least ``cells`` KV cells (grown in steps of 2048)."""
        if self._ctx is not None and self._ctx_cells >= cells:
            return self._ctx
        llama_cpp = _quiet_llama()
        from llama_cpp import _internals

        if self._ctx is not None:
            self._ctx.close()
        size = max(self._context_length, -(-cells // 2048) * 2048)
        params = llama_cpp.llama_context_default_params()
        params.n_ctx = size
        params.n_batch = PROMPT_CHUNK
        params.n_ubatch = PROMPT_CHUNK
        params.n_seq_max = MAX_SEQUENCES
        params.kv_unified = True
        params.n_threads = self._threads
        params.n_threads_batch = self._threads
        params.no_perf = True
        self._ctx = _internals.LlamaContext(model=self._model, params=params, verbose=False)
        self._ctx_cells = size
        return self._ctx

    def _generate_locked(
        self,
        prompt: list[int],
        params: SamplingParams,
        n: int,
        cancel: threading.Event | None,
    ) -> list[Completion]:
        ctx = self._context(len(prompt) + n * params.max_tokens + 8)
        started = time.perf_counter()
        seqs = [_Seq(i) for i in range(n)]
        guard = self._constrainer.guard(params.constraint, n) if params.constraint else None
        runner = BatchRunner(ctx, self._vocab, self._n_vocab, n, cancel)
        try:
            logits = runner.eval_prompt(prompt, cancel)
            if logits is not None:
                self._decode_loop(runner, logits, seqs, params, len(prompt), cancel, guard)
        except Aborted:
            pass  # every sequence still open is marked cancelled below
        except RuntimeError as exc:
            raise BackendError(f"llama.cpp decoding failed: {exc}") from exc
        finally:
            runner.close()
        elapsed = (time.perf_counter() - started) * 1000
        for seq in seqs:
            if seq.finish is None:
                seq.finish = "cancelled"
            seq.constrained = guard is not None and guard.held(seq.index)
        return [self._completion(s, len(prompt), params, elapsed) for s in seqs]

    def _decode_loop(
        self,
        runner: Any,
        first_logits: Any,
        seqs: list[_Seq],
        params: SamplingParams,
        n_prompt: int,
        cancel: threading.Event | None,
        guard: Guard | None = None,
    ) -> None:
        import numpy as np

        rngs = make_rngs(params.seed, len(seqs))
        live = list(seqs)
        logits = np.repeat(first_logits[None, :], len(seqs), axis=0)
        for step in range(params.max_tokens):
            picks = (
                [rngs[s.index] for s in live],
                [params.temperature_of(s.index, len(seqs)) for s in live],
                params.top_p,
            )
            if guard is None:
                tokens, logprobs = sample(logits, *picks)
            else:  # inside the grammar: the same draw, redrawn under the mask if refused
                tokens, logprobs = guard.sample(logits, [s.index for s in live], *picks)
            for seq, token, lp in zip(live, tokens, logprobs, strict=True):
                self._accept(seq, token, lp, params)
            live = [s for s in live if s.finish is None]
            if not live:
                return
            if cancel is not None and cancel.is_set():
                break
            if step + 1 == params.max_tokens:
                break
            pos = n_prompt + step
            logits = runner.step([(s.tokens[-1], pos, s.index) for s in live])
        reason: FinishReason = "cancelled" if cancel is not None and cancel.is_set() else "length"
        for seq in live:
            seq.finish = reason

    def _accept(self, seq: _Seq, token: int, logprob: float, params: SamplingParams) -> None:
        import llama_cpp

        if llama_cpp.llama_vocab_is_eog(self._vocab, token):
            seq.finish = "stop"
            return
        seq.tokens.append(token)
        seq.logprobs.append(logprob)
        piece = bytes(self._model.detokenize([token]))
        seq.data.extend(piece)
        if looping(seq.tokens):
            seq.finish = "length"
            return
        if b"\n" in piece or b"`" in piece:
            text = seq.data.decode("utf-8", "replace")
            if any(s in text for s in params.stop) or (
                params.stop_after_code and code_complete(text)
            ):
                seq.finish = "stop"

    @staticmethod
    def _completion(
        seq: _Seq, n_prompt: int, params: SamplingParams, elapsed_ms: float
    ) -> Completion:
        text = seq.data.decode("utf-8", "replace")
        for stop in params.stop:
            if stop in text:
                text = text[: text.index(stop)]
        return Completion(
            text=text,
            finish_reason=seq.finish or "length",
            prompt_tokens=n_prompt,
            completion_tokens=len(seq.tokens),
            logprobs=tuple(seq.logprobs),
            decode_ms=elapsed_ms,
            constrained=seq.constrained,
        )
