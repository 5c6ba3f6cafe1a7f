"""Build the chat messages for one language of one request, within the token budget.

Messages: the system prompt, then the k most relevant few-shot examples as user/assistant
turns (in the bank's order, not by relevance: two requests that chose the same first example
then share that much of their prompt, which llama.cpp keeps evaluated), then the task (with
signature, tests and the most relevant context chunks). When prompt + max_tokens does not fit
the context window, context chunks go first (least relevant first), then examples; a task
that alone cannot fit is a UsageError giving both counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Protocol

from codegen import languages, signatures
from codegen.errors import UsageError
from codegen.languages import Language
from codegen.parsing import Chunk
from codegen.prompting import context as context_mod
from codegen.prompting.bm25 import BM25
from codegen.prompting.chunks import in_order
from codegen.prompting.examples import Example, bank
from codegen.types import GenerationRequest, Message
from codegen.validation.names import signature_name

MAX_CONTEXT_CHUNKS = 12


@dataclass(frozen=True)
class BuiltPrompt:
    messages: tuple[Message, ...]
    prompt_tokens: int
    examples: tuple[Example, ...]
    context: tuple[Chunk, ...]


@cache
def _environment() -> Any:
    import jinja2

    from codegen import resources

    loader = jinja2.FunctionLoader(lambda name: resources.read_text("prompts", name))
    return jinja2.Environment(
        loader=loader,
        keep_trailing_newline=False,
        undefined=jinja2.StrictUndefined,
        autoescape=False,
    )


def render(template: str, **values: Any) -> str:
    return str(_environment().get_template(template).render(**values)).strip()


def prompt_signature(signature: signatures.Signature, language: str) -> str | None:
    """What ``language``'s prompt shows of the request's signature: its own one; a bare one in
    another language's syntax (a Python ``def`` for Java) only as the name it defines."""
    if signature is None or not isinstance(signature, str):
        return (signature or {}).get(language) or None
    if not signatures.foreign(signature, language):
        return signature or None
    name = signature_name(signature)
    return f"a function named {name}" if name else None


def select_examples(
    description: str, language: str, k: int, choice: str = "stable"
) -> list[Example]:
    """``k`` examples of ``language``'s bank: its first ``k`` (``stable``: every request of the
    language starts with the same tokens, which prefix reuse keeps evaluated), or the ``k``
    closest to ``description`` (``relevant``)."""
    examples = bank(language)
    if k <= 0 or not examples:
        return []
    if choice == "stable":
        return list(examples[:k])
    index = BM25([f"{e.description} {e.signature or ''}" for e in examples])
    return [examples[i] for i in index.top(description, k)]


def in_bank_order(language: str, examples: Sequence[Example]) -> list[Example]:
    """``examples`` in the order of ``language``'s bank: the stable order prompts show them in."""
    position = {e: i for i, e in enumerate(bank(language))}
    return sorted(examples, key=lambda e: position.get(e, len(position)))


def select_chunks(description: str, chunks: Sequence[Chunk], k: int) -> list[Chunk]:
    if not chunks:
        return []
    index = BM25([c.text for c in chunks])
    best = index.top(description, k)
    return [chunks[i] for i in sorted(best)]  # keep file order among the chosen


class TokenCounter(Protocol):
    """What the builder needs of a model to keep within its budget (every ``Backend`` is one)."""

    @property
    def context_length(self) -> int: ...

    def count_tokens(self, messages: Sequence[Message]) -> int: ...


class PromptBuilder:
    """Turns a request into messages for one language; knows the backend's token counts."""

    def __init__(self, backend: TokenCounter, few_shot: int = 2, examples: str = "stable") -> None:
        self._backend = backend
        self._few_shot = few_shot
        self._examples = examples

    def build(
        self, request: GenerationRequest, language: str, version: str | None = None
    ) -> BuiltPrompt:
        lang = languages.get(language)
        examples = select_examples(request.description, lang.name, self._few_shot, self._examples)
        chunks = self._context(request, lang.name)
        limit = self._backend.context_length - request.max_tokens
        while True:
            messages = self._messages(request, lang, version, examples, chunks)
            tokens = self._backend.count_tokens(messages)
            if tokens <= limit:
                return BuiltPrompt(tuple(messages), tokens, tuple(examples), tuple(chunks))
            if any(not c.pinned for c in chunks):
                chunks = self._drop_least(request, chunks)
            elif examples:
                examples = examples[:-1]
            elif chunks:  # the window around the focus goes last
                chunks = chunks[:-1]
            else:
                raise UsageError(
                    f"the description needs {tokens} prompt tokens and max_tokens is "
                    f"{request.max_tokens}: together more than the model's context window of "
                    f"{self._backend.context_length} tokens"
                )

    @staticmethod
    def _context(request: GenerationRequest, language: str) -> list[Chunk]:
        """The pinned chunks and the most relevant others, in their order."""
        found = context_mod.load_chunks(request.context, language, request.focus)
        pinned = [c for c in found if c.pinned]
        others = [c for c in found if not c.pinned]
        chosen = select_chunks(request.description, others, MAX_CONTEXT_CHUNKS)
        return in_order(found, [*pinned, *chosen])

    @staticmethod
    def _drop_least(request: GenerationRequest, chunks: list[Chunk]) -> list[Chunk]:
        """Without the least relevant chunk that is not pinned."""
        scores = BM25([c.text for c in chunks]).scores(request.description)
        droppable = [i for i, c in enumerate(chunks) if not c.pinned]
        worst = min(droppable, key=lambda i: (scores[i], -i))
        return [c for i, c in enumerate(chunks) if i != worst]

    def _messages(
        self,
        request: GenerationRequest,
        lang: Language,
        version: str | None,
        examples: Sequence[Example],
        chunks: Sequence[Chunk],
    ) -> list[Message]:
        messages = [Message("system", render("system.j2", language=lang, version=version))]
        for example in in_bank_order(lang.name, examples):
            messages.append(Message("user", render("example.j2", example=example, language=lang)))
            messages.append(Message("assistant", f"```{lang.name}\n{example.code}\n```"))
        task = render(
            "generate.j2",
            description=request.description.strip(),
            language=lang,
            version=version,
            signature=prompt_signature(request.signature, lang.name),
            tests=request.tests.get(lang.name),
            context_chunks=[{"fence": _fence(c), "text": c.text} for c in chunks],
        )
        messages.append(Message("user", task))
        return messages


def _fence(chunk: Chunk) -> str:
    if chunk.language:
        return chunk.language
    lang = languages.from_extension(chunk.source)
    return lang.name if lang else ""
