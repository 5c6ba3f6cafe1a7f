"""Reading a source file for ``codegen check`` / ``codegen repair``, refusing bad input clearly.

Binary or non-UTF-8 files, files over 5 MiB, directories, FIFOs, devices, missing files and
unknown extensions are usage errors (exit 2) that say which file and what is wrong
(``codegen.textfiles``). An empty file is read fine: it is code that is not valid ("no code").
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from codegen import languages, textfiles
from codegen.errors import UsageError


@dataclass(frozen=True)
class Source:
    name: str
    code: str
    language: str
    version: str | None


def load_source(path: str, language_spec: str | None) -> Source:
    """The file at ``path`` (``-`` for stdin) as text (``textfiles.read_source``), with its
    language and version: from ``language_spec``, else the file's extension."""
    name = "<stdin>" if path == "-" else path
    text = textfiles.read_source(path)
    if language_spec:
        spec = languages.parse_language_spec(language_spec)
        lang, version = spec.language, spec.version
    else:
        if path == "-":
            raise UsageError("reading stdin needs a language: add -l LANG")
        found = languages.from_extension(path)
        if found is None:
            raise UsageError(
                f"{name}: cannot tell the language from the extension '{Path(path).suffix}'; "
                f"use -l LANG (one of {', '.join(sorted(languages.names()))})"
            )
        lang, version = found, None
    return Source(name, text, lang.name, version)
