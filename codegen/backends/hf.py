"""transformers backend: ``hf:ID_OR_DIR`` (and ``gguf:PATH`` with ``backend = transformers``).

- Loads like transformers does: a local directory, the local Hugging Face cache, or the hub
  when online (``HF_HUB_OFFLINE=1`` keeps it local).
- ``device``: auto (CUDA when available), cpu, cuda (an error, exit 3, without a GPU);
  bf16 on CUDA, fp32 on CPU.
- The n candidates come from one ``generate`` call (``num_return_sequences``), with the
  log-probability of every chosen token under the model (before temperature and top-p).
- ``cancel`` and ``stop_after_code`` act through a ``StoppingCriteria`` checked every token.
- ``adapter``: a PEFT/LoRA adapter directory applied on top of the model.
- A GGUF file is de-quantised by transformers on first load (slow), then saved as a
  transformers model in the user cache dir so later loads take seconds.
"""

from __future__ import annotations

import hashlib
import importlib
import logging
import os
import threading
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from codegen.backends.base import Identity, ModelInfo, TokenSink, check_call
from codegen.backends.repetition import WINDOW, looping
from codegen.config import Settings
from codegen.errors import ModelError
from codegen.prompting.extract import code_complete
from codegen.types import Completion, FinishReason, Message, SamplingParams

log = logging.getLogger(__name__)
WEIGHT_GLOBS = ("*.safetensors", "pytorch_model*.bin", "model*.bin")


def _mod(name: str) -> Any:
    """Import an optional heavy module, untyped (torch, transformers, peft are extras)."""
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        raise ModelError(
            f"the transformers backend needs {name.partition('.')[0]}: "
            "pip install 'codegen-assistant[torch]'"
        ) from exc


def _quiet(transformers: Any) -> Any:
    """No progress bars or warnings from transformers on our stderr."""
    transformers.utils.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()
    return transformers


def _torch() -> Any:
    return _mod("torch")


def pick_device(wanted: str) -> str:
    """'cpu' or 'cuda' for the ``device`` setting; ModelError for cuda without a GPU."""
    torch = _torch()
    available = bool(torch.cuda.is_available())
    if wanted == "cuda" and not available:
        build = "built without CUDA" if torch.version.cuda is None else "no GPU visible"
        raise ModelError(
            f"--device cuda: no CUDA GPU is available (torch {torch.__version__}, {build})"
        )
    if wanted == "auto":
        return "cuda" if available else "cpu"
    return wanted


def check_local_dir(path: Path, spec: str) -> None:
    """A local model directory must hold a config.json and weights."""
    if not (path / "config.json").is_file():
        raise ModelError(f"{spec}: '{path}' has no config.json (not a transformers model)")
    if not any(next(path.glob(g), None) for g in WEIGHT_GLOBS):
        raise ModelError(f"{spec}: '{path}' has no model weights (*.safetensors or *.bin)")


def load_hf(spec: str, settings: Settings) -> TransformersBackend:
    target = spec.partition(":")[2]
    local = Path(target).expanduser()
    if local.exists():
        if not local.is_dir():
            raise ModelError(f"{spec}: '{local}' is not a directory")
        check_local_dir(local, spec)
        target = str(local)
    return TransformersBackend(
        target,
        spec=spec,
        device=settings.device,
        adapter=settings.adapter or None,
        context_window=settings.context_window,
    )


def gguf_cache_dir(path: Path) -> Path:
    """Where the de-quantised copy of ``path`` lives (keyed by name, size and mtime)."""
    from codegen.paths import cache_dir

    stat = path.stat()
    key = hashlib.sha256(f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}".encode()).hexdigest()
    return cache_dir() / "hf-from-gguf" / f"{path.stem}-{key[:12]}"


def load_gguf(path: Path, spec: str, settings: Settings) -> TransformersBackend:
    """A GGUF file through transformers, converted once into the user cache dir."""
    if not path.is_file():
        raise ModelError(f"{spec}: no such file '{path}'")
    cached = gguf_cache_dir(path)
    if not (cached / "config.json").is_file():
        _convert_gguf(path, cached, spec)
    return TransformersBackend(
        str(cached),
        spec=spec,
        device=settings.device,
        adapter=settings.adapter or None,
        context_window=settings.context_window,
    )


def _convert_gguf(path: Path, target: Path, spec: str) -> None:
    from filelock import FileLock

    transformers = _quiet(_mod("transformers"))
    target.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(target) + ".lock"):
        if (target / "config.json").is_file():
            return
        log.info("de-quantising %s for transformers (first use only)", path)
        os.environ.setdefault("TQDM_DISABLE", "1")  # its converter draws progress bars
        try:
            tok = transformers.AutoTokenizer.from_pretrained(str(path.parent), gguf_file=path.name)
            model = transformers.AutoModelForCausalLM.from_pretrained(
                str(path.parent), gguf_file=path.name
            )
        except (OSError, ValueError, RuntimeError) as exc:
            raise ModelError(f"{spec}: transformers cannot read the GGUF: {exc}") from exc
        # The weights are de-quantised already: save them as a plain model.
        model.hf_quantizer = None
        if hasattr(model.config, "quantization_config"):
            del model.config.quantization_config
        partial = target.with_name(target.name + ".partial")
        model.save_pretrained(str(partial))
        tok.save_pretrained(str(partial))
        partial.rename(target)


class _Stop:
    """Stopping criterion: everything on cancel; a sequence once its code block closed or it
    fell into a loop (``repetition.looping``)."""

    def __init__(self, cancel: threading.Event | None, tokenizer: Any, prompt_len: int, code: bool):
        self.cancel = cancel
        self.tokenizer = tokenizer
        self.prompt_len = prompt_len
        self.code = code
        self.code_done: set[int] = set()
        self.looped: set[int] = set()

    def __call__(self, input_ids: Any, scores: Any, **kwargs: Any) -> Any:
        torch = _torch()
        batch = input_ids.shape[0]
        if self.cancel is not None and self.cancel.is_set():
            return torch.ones(batch, dtype=torch.bool, device=input_ids.device)
        done = torch.zeros(batch, dtype=torch.bool, device=input_ids.device)
        for row in range(batch):
            done[row] = self._row_done(row, input_ids[row, self.prompt_len :])
        return done

    def _row_done(self, row: int, generated: Any) -> bool:
        if row in self.code_done or row in self.looped:
            return True
        if looping(generated[-WINDOW:].tolist()):
            self.looped.add(row)
            return True
        if not self.code:
            return False
        text = self.tokenizer.decode(generated, skip_special_tokens=True)
        if text.endswith(("\n", "`")) and code_complete(text):
            self.code_done.add(row)
            return True
        return False


class TransformersBackend(Identity):
    """A causal LM on transformers; one generate call at a time."""

    def __init__(
        self,
        target: str,
        *,
        spec: str,
        device: str = "auto",
        adapter: str | None = None,
        context_window: int = 8192,
    ) -> None:
        torch = _torch()
        transformers = _quiet(_mod("transformers"))
        self._spec = spec
        self._target = target
        self._device = pick_device(device)
        self._adapter = adapter
        self._lock = threading.Lock()
        dtype = torch.bfloat16 if self._device == "cuda" else torch.float32
        started = time.perf_counter()
        try:
            self._tok = transformers.AutoTokenizer.from_pretrained(target)
            model = transformers.AutoModelForCausalLM.from_pretrained(target, dtype=dtype)
        except (OSError, ValueError) as exc:
            raise ModelError(
                f"{spec}: transformers cannot load '{target}': {_one_line(exc)}"
            ) from exc
        if adapter:
            model = _apply_adapter(model, adapter, spec)
        self._model = model.to(self._device).eval()
        self.load_seconds = time.perf_counter() - started
        trained = int(getattr(model.config, "max_position_embeddings", 0) or context_window)
        self._context_length = min(context_window, trained)
        if self._tok.pad_token_id is None:
            self._tok.pad_token = self._tok.eos_token

    # -- Backend protocol ----------------------------------------------------------------
    def count_tokens(self, messages: Sequence[Message]) -> int:
        return len(self._encode(messages))

    def generate(
        self,
        messages: Sequence[Message],
        params: SamplingParams,
        n: int,
        cancel: threading.Event | None = None,
        on_token: TokenSink | None = None,  # not streamed: the completions come whole
    ) -> list[Completion]:
        prompt = self._encode(messages)
        check_call(n, 64, len(prompt), params.max_tokens, self._context_length)
        with self._lock:
            return self._generate_locked(prompt, params, n, cancel)

    def info(self) -> ModelInfo:
        extra = {
            "device": self._device,
            "dtype": str(self._model.dtype).removeprefix("torch."),
            "architecture": str(getattr(self._model.config, "model_type", "")),
            "adapter": self._adapter or "",
        }
        size = sum(p.numel() * p.element_size() for p in self._model.parameters())
        return ModelInfo(
            self._spec, "transformers", self._target, int(size), self._context_length, extra
        )

    def close(self) -> None:
        with self._lock:
            self._model = None

    # -- internals -----------------------------------------------------------------------
    def _encode(self, messages: Sequence[Message]) -> list[int]:
        chat = [{"role": m.role, "content": m.content} for m in messages]
        if getattr(self._tok, "chat_template", None):
            text = self._tok.apply_chat_template(chat, tokenize=False, add_generation_prompt=True)
        else:
            text = "".join(f"{m['role']}: {m['content']}\n" for m in chat) + "assistant: "
        ids: list[int] = self._tok(text, add_special_tokens=False)["input_ids"]
        return ids

    def _generate_locked(
        self, prompt: list[int], params: SamplingParams, n: int, cancel: threading.Event | None
    ) -> list[Completion]:
        """One ``generate`` call, or two when candidate 0 is greedy and the others sampled."""
        if params.temperature_of(0, n) != params.temperature:
            greedy = self._decode(prompt, replace(params, temperature=0.0), 1, cancel)
            return greedy + self._decode(prompt, params, n - 1, cancel)
        return self._decode(prompt, params, n, cancel)

    def _decode(
        self, prompt: list[int], params: SamplingParams, n: int, cancel: threading.Event | None
    ) -> list[Completion]:
        torch = _torch()
        transformers = _mod("transformers")

        if params.seed is not None:
            transformers.set_seed(params.seed)
        input_ids = torch.tensor([prompt], device=self._device)
        stop = _Stop(cancel, self._tok, len(prompt), params.stop_after_code)
        sample = params.temperature > 0
        kwargs: dict[str, Any] = (
            {"temperature": params.temperature, "top_p": params.top_p} if sample else {}
        )
        if params.stop:
            kwargs.update(stop_strings=list(params.stop), tokenizer=self._tok)
        started = time.perf_counter()
        with torch.inference_mode():
            out = self._model.generate(
                input_ids,
                attention_mask=torch.ones_like(input_ids),
                do_sample=sample,
                max_new_tokens=params.max_tokens,
                num_return_sequences=n,
                stopping_criteria=transformers.StoppingCriteriaList([stop]),
                output_logits=True,
                return_dict_in_generate=True,
                pad_token_id=self._tok.pad_token_id,
                **kwargs,
            )
        decode_ms = (time.perf_counter() - started) * 1000
        return self._completions(out, len(prompt), params, stop, decode_ms)

    def _completions(
        self,
        out: Any,
        prompt_len: int,
        params: SamplingParams,
        stop: _Stop,
        decode_ms: float,
    ) -> list[Completion]:
        torch = _torch()
        new = out.sequences[:, prompt_len:]
        steps = len(out.logits)
        logp = torch.log_softmax(torch.stack(out.logits, dim=1).float(), dim=-1)
        chosen = logp.gather(-1, new[:, :steps].unsqueeze(-1)).squeeze(-1)
        eos = set(_as_list(self._model.generation_config.eos_token_id)) | {self._tok.eos_token_id}
        # A sequence that stopped early is padded after its eos (or, when our criterion
        # stopped it, right after its last token).
        ends = eos | {self._tok.pad_token_id}
        cancelled = stop.cancel is not None and stop.cancel.is_set()
        completions = []
        for row in range(new.shape[0]):
            tokens = new[row].tolist()
            end = next((i for i, t in enumerate(tokens) if t in ends), None)
            length = len(tokens) if end is None else end
            with_eos = end is not None and tokens[end] in eos and row not in stop.code_done
            finish: FinishReason = "stop"
            if row in stop.code_done or with_eos:
                finish = "stop"
            elif cancelled:
                finish = "cancelled"
            elif length >= params.max_tokens or row in stop.looped:
                finish = "length"
            counted = length + 1 if with_eos else length
            completions.append(
                Completion(
                    text=str(self._tok.decode(tokens[:length], skip_special_tokens=True)),
                    finish_reason=finish,
                    prompt_tokens=prompt_len,
                    completion_tokens=counted,
                    logprobs=tuple(float(x) for x in chosen[row, :counted].tolist()),
                    decode_ms=decode_ms,
                )
            )
        return completions


def _apply_adapter(model: Any, adapter: str, spec: str) -> Any:
    path = Path(adapter).expanduser()
    if not (path / "adapter_config.json").is_file():
        raise ModelError(f"--adapter {adapter}: no adapter_config.json (not a PEFT adapter)")
    peft = _mod("peft")
    try:
        return peft.PeftModel.from_pretrained(model, str(path)).merge_and_unload()
    except (OSError, ValueError, RuntimeError, KeyError) as exc:
        raise ModelError(f"--adapter {adapter}: cannot apply to {spec}: {_one_line(exc)}") from exc


def _as_list(value: Any) -> list[int]:
    if value is None:
        return []
    return [int(v) for v in value] if isinstance(value, (list, tuple)) else [int(value)]


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:300]
