"""llama.cpp backend: the n candidates of a request decode together as one batch.

The prompt is evaluated once, its KV cells shared by all n sequences (unified KV cache); then
each step decodes one token for every live sequence in a single ``llama_decode`` call. That
makes n = 8 cost little more than n = 1 on a CPU, where decoding is memory-bound. The cells of
the last prompt are kept (``llamacpp_prefix``): a request evaluates only the part of its prompt
after the blocks it shares with that one, with the same results as without.
"""

from __future__ import annotations

import codecs
import logging
import os
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codegen.backends import chat_template
from codegen.backends.base import Identity, ModelInfo, TokenSink, check_call
from codegen.backends.constraint import Constrainer, Guard
from codegen.backends.llamacpp_batch import PROMPT_CHUNK, Aborted, BatchRunner
from codegen.backends.llamacpp_prefix import PrefixCache
from codegen.backends.llamacpp_states import SavedPrompts
from codegen.backends.lookup import MAX_DRAFT, PromptLookup
from codegen.backends.repetition import looping
from codegen.backends.sampling import make_rngs, sample
from codegen.errors import BackendError, ModelError
from codegen.paths import cache_dir
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
    kv: int = 0  # the llama.cpp sequence whose cells hold this sequence's tokens
    text: Any = field(default_factory=lambda: codecs.getincrementaldecoder("utf-8")("replace"))


@dataclass
class _Loop:
    """One call's decoding state: its sequences, knobs, prompt length and listeners."""

    seqs: list[_Seq]
    params: SamplingParams
    n_prompt: int
    cancel: threading.Event | None
    on_token: TokenSink | None
    lookup: PromptLookup | None = None  # drafts tokens from the prompt (draft_from_prompt)
    guard: Guard | None = None  # keeps each sequence inside its grammar (constraint)

    def cancelled(self) -> bool:
        return self.cancel is not None and self.cancel.is_set()

    def position(self, seq: _Seq) -> int:
        """The position of the sequence's newest token."""
        return self.n_prompt + len(seq.tokens) - 1


@dataclass
class _Clock:
    """Where one call's time went: the prompt (prefill) and the tokens after it (decode)."""

    started: float = field(default_factory=time.perf_counter)
    prefill_ms: float = 0.0
    reused: int = 0

    def prefilled(self) -> None:
        self.prefill_ms = (time.perf_counter() - self.started) * 1000

    def decode_ms(self) -> float:
        return max(0.0, (time.perf_counter() - self.started) * 1000 - self.prefill_ms)


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
        self,
        path: Path,
        *,
        spec: str,
        context_window: int = 8192,
        threads: int = 0,
        prefix_cache: bool = True,
        share_cells: bool = True,
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
        self._reuse = prefix_cache
        self._share = share_cells  # identical sequences decoded once (``_groups``)
        self._prefix: PrefixCache | None = None
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
        on_token: TokenSink | None = None,
    ) -> list[Completion]:
        prompt = self._tokenize(self._template.render(messages))
        check_call(n, MAX_SEQUENCES, len(prompt), params.max_tokens, self._context_length)
        with self._lock:
            return self._generate_locked(prompt, params, n, cancel, on_token)

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
                self._prefix = None
            self._model.close()  # type: ignore[no-untyped-call]

    # -- internals -----------------------------------------------------------------------
    def _token_text(self, token: int) -> str:
        return bytes(self._model.detokenize([token], special=True)).decode("utf-8", "replace")

    def _tokenize(self, text: str) -> list[int]:
        tokens: list[int] = self._model.tokenize(text.encode("utf-8"), False, True)
        return tokens

    def _context(self, cells: int) -> tuple[Any, PrefixCache]:
        """A context with at least ``cells`` KV cells (grown in steps of 2048; a larger one
        takes over the prompts the old one kept)."""
        if self._prefix is not None and self._ctx_cells >= cells:
            return self._ctx, self._prefix
        llama_cpp = _quiet_llama()
        from llama_cpp import _internals

        kept = self._prefix.set_aside() if self._prefix is not None else None
        if self._ctx is not None:
            self._ctx.close()
            self._ctx, self._prefix = None, None
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
        mem = llama_cpp.llama_get_memory(self._ctx.ctx)
        saved = SavedPrompts(llama_cpp, self._ctx.ctx, self._path, cache_dir() / "prompt-state")
        self._prefix = PrefixCache(
            llama_cpp, self._ctx.ctx, mem, enabled=self._reuse, saved=saved, kept=kept
        )
        return self._ctx, self._prefix

    def _generate_locked(
        self,
        prompt: list[int],
        params: SamplingParams,
        n: int,
        cancel: threading.Event | None,
        on_token: TokenSink | None,
    ) -> list[Completion]:
        # Drafts are checked without the grammar's masks: no drafting under a constraint.
        drafting = params.draft_from_prompt and params.constraint is None
        extra = n * MAX_DRAFT if drafting else 0  # cells of drafted tokens not yet checked
        ctx, prefix = self._context(len(prompt) + n * params.max_tokens + extra + 8)
        clock = _Clock()
        seqs = [_Seq(i) for i in range(n)]
        guard = self._constrainer.guard(params.constraint, n) if params.constraint else None
        runner = BatchRunner(ctx, self._vocab, self._n_vocab, n, cancel, n + extra)
        try:
            clock.reused = prefix.prepare(prompt, n)
            logits = runner.eval_prompt(prompt, clock.reused, cancel)
            clock.prefilled()
            if logits is not None:
                prefix.prompt_done(prompt)
            if logits is not None:
                lookup = PromptLookup(prompt) if drafting else None
                loop = _Loop(seqs, params, len(prompt), cancel, on_token, lookup, guard)
                self._decode_loop(runner, logits, loop)
        except Aborted:
            pass  # every sequence still open is marked cancelled below
        except RuntimeError as exc:
            raise BackendError(f"llama.cpp decoding failed: {exc}") from exc
        finally:
            prefix.evaluated(prompt[: runner.evaluated])
            runner.close()
        if not clock.prefill_ms:
            clock.prefilled()
        for seq in seqs:
            if seq.finish is None:
                seq.finish = "cancelled"
            seq.constrained = guard is not None and guard.held(seq.index)
        return [self._completion(s, len(prompt), params, clock) for s in seqs]

    def _decode_loop(self, runner: Any, first_logits: Any, loop: _Loop) -> None:
        """Sample a token for every live sequence, then decode them in one batch; the logits
        of each row go through ``sample`` (per-row temperature) before anything else.
        Sequences whose tokens are the same so far share one row (``_groups``). With a prompt
        lookup, each sequence's step also carries the tokens drafted after its newest one;
        ``_verify`` keeps those the sequence samples anyway."""
        import numpy as np

        seqs, params = loop.seqs, loop.params
        rngs = make_rngs(params.seed, len(seqs))
        sharing = self._share and loop.lookup is None  # drafts are checked per sequence
        for seq in seqs:
            seq.kv = 0 if sharing else seq.index
        live = list(seqs)
        rows = [first_logits[None, :]] * len(seqs)  # per live sequence: its step's logits
        drafts: list[list[int]] = [[] for _ in seqs]
        while True:
            picks = (
                [rngs[s.index] for s in live],
                [params.temperature_of(s.index, len(seqs)) for s in live],
                params.top_p,
            )
            first = np.stack([r[0] for r in rows])
            if loop.guard is None:
                tokens, logprobs = sample(first, *picks)
            else:  # inside the grammar: the same draw, redrawn under the mask if refused
                tokens, logprobs = loop.guard.sample(first, [s.index for s in live], *picks)
            for seq, token, lp, seq_rows, drafted in zip(
                live, tokens, logprobs, rows, drafts, strict=True
            ):
                position = loop.position(seq)  # where the step decoded its newest token
                self._accept(seq, token, lp, loop)
                kept = self._verify(seq, seq_rows, drafted, rngs[seq.index], loop)
                if kept < len(drafted):
                    runner.forget(seq.kv, position + 1 + kept)
            live = [s for s in live if s.finish is None]
            if not live or loop.cancelled():
                break
            rows, drafts = self._step(runner, live, loop, sharing)
        if loop.cancelled():
            for seq in live:
                seq.finish = "cancelled"

    def _step(
        self, runner: Any, live: list[_Seq], loop: _Loop, sharing: bool
    ) -> tuple[list[Any], list[list[int]]]:
        """Decode each group's newest token (and its drafts): each live sequence's rows of
        logits and drafted tokens, in ``live``'s order."""
        groups = _groups(live, runner) if sharing else [[s] for s in live]
        heads = [group[0] for group in groups]
        drafts = self._drafts(heads, loop, runner.capacity)
        items = [
            (token, loop.position(head) + i, head.kv)
            for head, drafted in zip(heads, drafts, strict=True)
            for i, token in enumerate([head.tokens[-1], *drafted])
        ]
        rows = _split(runner.step(items), [1 + len(d) for d in drafts])
        of = {s.index: k for k, group in enumerate(groups) for s in group}
        return [rows[of[s.index]] for s in live], [drafts[of[s.index]] for s in live]

    def _verify(self, seq: _Seq, rows: Any, drafted: list[int], rng: Any, loop: _Loop) -> int:
        """Sample on through the drafted tokens while the sequence picks them (the first
        token, from ``rows[0]``, is accepted already); how many drafted tokens it kept."""
        params = loop.params
        temperature = params.temperature_of(seq.index, len(loop.seqs))
        for kept, guess in enumerate(drafted):
            if seq.finish is not None or seq.tokens[-1] != guess:
                return kept
            (token,), (lp,) = sample(rows[kept + 1 : kept + 2], [rng], [temperature], params.top_p)
            self._accept(seq, token, lp, loop)
        return len(drafted)

    @staticmethod
    def _drafts(live: list[_Seq], loop: _Loop, capacity: int) -> list[list[int]]:
        """Each live sequence's drafted tokens for the next step, within the batch's room and
        the sequence's token budget."""
        if loop.lookup is None:
            return [[] for _ in live]
        room = (capacity - len(live)) // len(live)
        limit = min(MAX_DRAFT, room)
        budget = loop.params.max_tokens
        return [loop.lookup.draft(s.tokens, min(limit, budget - len(s.tokens) - 1)) for s in live]

    def _accept(self, seq: _Seq, token: int, logprob: float, loop: _Loop) -> None:
        import llama_cpp

        if llama_cpp.llama_vocab_is_eog(self._vocab, token):
            seq.finish = "stop"
            return
        seq.tokens.append(token)
        seq.logprobs.append(logprob)
        piece = bytes(self._model.detokenize([token]))
        seq.data.extend(piece)
        if loop.on_token is not None:
            text = seq.text.decode(piece)
            if text:
                loop.on_token(seq.index, text)
        if looping(seq.tokens):
            seq.finish = "length"
            return
        if b"\n" in piece or b"`" in piece:
            text = seq.data.decode("utf-8", "replace")
            if any(s in text for s in loop.params.stop) or (
                loop.params.stop_after_code and code_complete(text)
            ):
                seq.finish = "stop"
        if seq.finish is None and len(seq.tokens) >= loop.params.max_tokens:
            seq.finish = "length"

    @staticmethod
    def _completion(seq: _Seq, n_prompt: int, params: SamplingParams, clock: _Clock) -> Completion:
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
            decode_ms=clock.decode_ms(),
            prefill_ms=clock.prefill_ms,
            prompt_tokens_reused=clock.reused,
            constrained=seq.constrained,
        )


def _groups(live: list[_Seq], runner: Any) -> list[list[_Seq]]:
    """The live sequences in groups with the same tokens so far, each group's cells in one
    llama.cpp sequence (``kv``): its logits are the same for all, so it is decoded once.

    Sampled at a low temperature, candidates often agree for most of their tokens (often to
    the end: three copies of one function), and on a CPU each row of a step costs about as
    much as a step of one sequence alone. A group whose members drew different tokens splits:
    the part holding the group's ``kv`` sequence (else the first) keeps it, every other part
    takes its first member's index and a copy of the cells (with a unified KV cache the copy
    only tags the cells with one more sequence id). A sequence that owned cells keeps them, so
    the index a part takes holds no cells past the prompt.
    """
    groups: list[list[_Seq]] = []
    by_kv: dict[int, list[_Seq]] = {}
    for seq in live:
        by_kv.setdefault(seq.kv, []).append(seq)
    for kv, members in by_kv.items():
        parts: dict[int, list[_Seq]] = {}
        for seq in members:
            parts.setdefault(seq.tokens[-1], []).append(seq)
        owner = next((s for s in members if s.index == kv), members[0])
        keeper = parts[owner.tokens[-1]]
        for part in parts.values():
            if part is not keeper:
                runner.share(kv, part[0].index)
                for seq in part:
                    seq.kv = part[0].index
            groups.append(part)
    return groups


def _split(logits: Any, counts: list[int]) -> list[Any]:
    """The rows of one step's logits, grouped by sequence (``counts`` rows each, in order)."""
    out, start = [], 0
    for count in counts:
        out.append(logits[start : start + count])
        start += count
    return out
