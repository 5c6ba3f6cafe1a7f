"""Tab completion for slash commands and their arguments."""

from __future__ import annotations

from collections.abc import Iterable

from prompt_toolkit.completion import CompleteEvent, Completer, Completion, PathCompleter
from prompt_toolkit.document import Document

from codegen import languages
from codegen.repl.commands import COMMANDS
from codegen.repl.state import ReplState

_SELECTOR_COMMANDS = {"show", "explain", "repair", "copy", "diff"}
_PATH_COMMANDS = {"context"}


class SlashCompleter(Completer):
    def __init__(self, state: ReplState) -> None:
        self.state = state
        self.paths = PathCompleter(expanduser=True)

    def get_completions(
        self, document: Document, complete_event: CompleteEvent
    ) -> Iterable[Completion]:
        text = document.text_before_cursor
        if not text.startswith("/") or "\n" in text:
            return
        if " " not in text:
            for cmd in COMMANDS:
                if cmd.name.startswith(text[1:].lower()):
                    yield Completion(
                        "/" + cmd.name, start_position=-len(text), display_meta=cmd.help
                    )
            return
        name, _, rest = text[1:].partition(" ")
        words = rest.split(" ")
        word = words[-1]
        if (name == "save" and len(words) >= 2) or name in _PATH_COMMANDS:
            yield from self.paths.get_completions(Document(word, len(word)), complete_event)
            if name != "context":
                return
        prefix = word.rpartition(",")[2] if name in {"lang", "check"} else word
        for choice in self._choices(name):
            if choice.startswith(prefix) and choice != prefix:
                yield Completion(choice, start_position=-len(prefix))

    def _choices(self, name: str) -> list[str]:
        if name in {"lang", "check"}:
            return languages.names()
        if name == "model":
            from codegen.backends.factory import LOADERS

            return list(LOADERS)
        if name == "exec":
            return ["on", "off"]
        if name == "constrain":
            return ["auto", "on", "off"]
        if name == "settings":
            return ["save"]
        if name == "context":
            return ["clear"]
        if name == "help":
            return [c.name for c in COMMANDS]
        if name in _SELECTOR_COMMANDS or name == "save":
            return self.state.selectors()
        return []
