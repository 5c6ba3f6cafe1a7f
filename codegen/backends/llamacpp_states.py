"""Evaluated prompts kept aside: one per kind of prompt, in memory and on disk.

The context's memory holds one prompt's cells at a time (``llamacpp_prefix`` says why). A
session that goes from one kind of prompt to another (Python, then JavaScript; a generation,
then a repair) would evaluate each whole again on every switch. So the prompt that is about to
be replaced is kept aside as llama.cpp's sequence state (a copy of its cells' K and V), and
the prompt of the kind coming back is put back into the empty memory, where its cells lie in
position order from cell 0, as evaluating it would have placed them: the results are the same.

A prompt's kind is its first block of tokens (the system prompt's opening, which names the
language and the task). In memory, the most recently used kinds are kept up to ``MEMORY_BYTES``;
on disk (the user cache dir), one file per model and kind, the most recently used
``FILES`` kept, so that a one-shot ``codegen gen`` in three languages starts each from its
saved prompt. Every state carries its tokens: one that no longer matches costs nothing.
"""

from __future__ import annotations

import ctypes
import hashlib
import logging
import os
from collections import OrderedDict
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

MEMORY_BYTES = 256 * 1024 * 1024  # states kept in memory, most recently used first
FILES = 16  # saved states kept on disk per cache dir, most recently used first


class KeptPrompts:
    """Sequence 0's state for other kinds of prompt, in memory."""

    def __init__(self, llama: Any, ctx: Any, budget: int = MEMORY_BYTES) -> None:
        self._llama = llama
        self._ctx = ctx
        self._budget = budget
        self._states: OrderedDict[str, tuple[list[int], Any]] = OrderedDict()

    def keep(self, key: str, tokens: list[int]) -> None:
        """Copy the state of sequence 0, which holds exactly ``tokens``' cells (of kind
        ``key``)."""
        size = self._llama.llama_state_seq_get_size(self._ctx, 0)
        data = (ctypes.c_uint8 * size)()
        if self._llama.llama_state_seq_get_data(self._ctx, data, size, 0) != size:
            log.info("could not copy the prompt's state")
            return
        self._states[key] = (list(tokens), data)
        self._states.move_to_end(key)
        while sum(ctypes.sizeof(d) for _, d in self._states.values()) > self._budget:
            self._states.popitem(last=False)

    def moved_to(self, ctx: Any) -> KeptPrompts:
        """These states, restored into ``ctx`` from now on (a larger context of the same
        model: a sequence state does not depend on the context's size)."""
        self._ctx = ctx
        return self

    def restore(self, key: str) -> list[int]:
        """Put the kept state of kind ``key`` into sequence 0 of the empty memory; the tokens
        whose cells it now holds (none when nothing of that kind is kept)."""
        found = self._states.get(key)
        if found is None:
            return []
        tokens, data = found
        self._states.move_to_end(key)
        if not self._llama.llama_state_seq_set_data(self._ctx, data, ctypes.sizeof(data), 0):
            log.info("could not restore a kept prompt")
            del self._states[key]
            return []
        return list(tokens)


class SavedPrompts:
    """Sequence 0's state in a file per model and kind of prompt, for the next process."""

    def __init__(self, llama: Any, ctx: Any, model: Path, directory: Path) -> None:
        self._llama = llama
        self._ctx = ctx
        self.directory = directory
        stat = model.stat()
        key = f"{model.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{llama.__version__}"
        self._model = hashlib.sha256(key.encode()).hexdigest()[:24]
        self._saved: set[str] = set()  # kinds this process has saved already

    def path(self, key: str) -> Path:
        return self.directory / f"{self._model}-{key}.state"

    def load(self, key: str) -> list[int]:
        """Put the saved state of kind ``key`` into sequence 0 of the empty memory; its tokens
        (none when there is no usable file)."""
        path = self.path(key)
        if not path.is_file():
            return []
        capacity = path.stat().st_size // 4  # more than the file can hold tokens
        tokens = (self._llama.llama_token * capacity)()
        count = ctypes.c_size_t(0)
        size = self._llama.llama_state_seq_load_file(
            self._ctx, str(path).encode(), 0, tokens, capacity, ctypes.byref(count)
        )
        if not size:
            log.info("%s: not a usable saved prompt", path)
            return []
        os.utime(path)  # recently used: kept longest
        return list(tokens[: count.value])

    def save(self, key: str, tokens: list[int]) -> None:
        """Save sequence 0 (holding ``tokens``' cells, of kind ``key``), once per kind and
        process."""
        if key in self._saved:
            return
        self._saved.add(key)
        path = self.path(key)
        array_ = (self._llama.llama_token * len(tokens))(*tokens)
        temp = path.with_name(f".{path.name}.{os.getpid()}")
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            if self._llama.llama_state_seq_save_file(
                self._ctx, str(temp).encode(), 0, array_, len(tokens)
            ):
                os.replace(temp, path)
            self._prune()
        except OSError as exc:
            log.info("could not save the prompt's state: %s", exc)
        finally:
            temp.unlink(missing_ok=True)

    def _prune(self) -> None:
        """Keep the ``FILES`` most recently used states of the directory."""
        files = sorted(self.directory.glob("*.state"), key=lambda p: p.stat().st_mtime_ns)
        for old in files[:-FILES]:
            old.unlink(missing_ok=True)
