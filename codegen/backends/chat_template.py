"""Render chat messages to prompt text with the model's own chat template (GGUF metadata)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from codegen.types import Message

# ChatML, used when a GGUF carries no template (Qwen models do carry one).
CHATML = (
    "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


@dataclass(frozen=True)
class ChatTemplate:
    source: str
    bos_token: str = ""
    eos_token: str = ""

    @classmethod
    def from_metadata(
        cls, meta: Mapping[str, str], token_text: Callable[[int], str]
    ) -> ChatTemplate:
        def token(key: str) -> str:
            value = meta.get(key)
            return token_text(int(value)) if value not in (None, "") else ""

        return cls(
            source=meta.get("tokenizer.chat_template") or CHATML,
            bos_token=token("tokenizer.ggml.bos_token_id"),
            eos_token=token("tokenizer.ggml.eos_token_id"),
        )

    def render(self, messages: Sequence[Message], add_generation_prompt: bool = True) -> str:
        return str(
            _compile(self.source).render(
                messages=[{"role": m.role, "content": m.content} for m in messages],
                add_generation_prompt=add_generation_prompt,
                bos_token=self.bos_token,
                eos_token=self.eos_token,
            )
        )


_compiled: dict[str, Any] = {}


def _compile(source: str) -> Any:
    if source not in _compiled:
        from jinja2.sandbox import ImmutableSandboxedEnvironment

        env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)

        def raise_exception(message: str) -> None:
            raise ValueError(message)

        env.globals["raise_exception"] = raise_exception
        _compiled[source] = env.from_string(source)
    return _compiled[source]
