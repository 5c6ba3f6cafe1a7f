"""Helpers shared by the commands: settings from flags, the progress bar, JSON output."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from codegen import signatures

if TYPE_CHECKING:
    from codegen.config import Settings
    from codegen.types import GenerationRequest


def add_generation_flags(parser: argparse.ArgumentParser) -> None:
    """The GenerationRequest fields as flags (docs/architecture.md, "The request")."""
    parser.add_argument(
        "-l",
        "--language",
        "--languages",
        dest="languages",
        action="append",
        metavar="LANG",
        help="target language, repeatable (python@3.8 for a "
        "version; comma-separated lists work too)",
    )
    parser.add_argument(
        "-n", "--n", dest="n", type=_int("-n"), metavar="N", help="candidates per language (1-64)"
    )
    parser.add_argument(
        "--model",
        metavar="SPEC",
        help="embedded (default), embedded-small, gguf:PATH, hf:ID_OR_DIR "
        "or openai:URL[,URL]#MODEL",
    )
    parser.add_argument(
        "--backend",
        choices=("auto", "llama.cpp", "transformers"),
        help="engine for gguf: models (default llama.cpp)",
    )
    parser.add_argument(
        "--device", choices=("auto", "cpu", "cuda"), help="device for transformers models"
    )
    parser.add_argument("--adapter", metavar="DIR", help="PEFT/LoRA adapter for hf: models")
    parser.add_argument("--temperature", type=_float("--temperature"), metavar="T")
    parser.add_argument("--top-p", dest="top_p", type=_float("--top-p"), metavar="P")
    parser.add_argument("--max-tokens", dest="max_tokens", type=_int("--max-tokens"), metavar="M")
    parser.add_argument("--seed", type=_int("--seed"), metavar="S")
    parser.add_argument(
        "--signature",
        action="append",
        metavar="[LANG=]SIG",
        help="the function or class signature the code must define; LANG=SIG gives one "
        "language its own (repeatable)",
    )
    parser.add_argument(
        "--context",
        action="append",
        metavar="PATH",
        help="file or directory to draw on, repeatable",
    )
    parser.add_argument(
        "--constrain",
        choices=("auto", "on", "off"),
        help="decode inside the language's grammar: auto (where a grammar converts; the "
        "default), on (and warn where it cannot), off",
    )


def _int(flag: str) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            return int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{flag} expects an integer, got '{text}'") from None

    return parse


def _float(flag: str) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            return float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{flag} expects a number, got '{text}'") from None

    return parse


# Each generation flag's ``dest`` on the namespace -> the config key or request field it sets.
GENERATION_FLAGS = {
    "languages": "languages",
    "n": "n",
    "temperature": "temperature",
    "top_p": "top_p",
    "max_tokens": "max_tokens",
    "seed": "seed",
    "model": "model",
    "backend": "backend",
    "device": "device",
    "adapter": "adapter",
    "signature": "signature",
    "context": "context",
    "constrain": "constrain",
}


def flag_values(args: argparse.Namespace) -> dict[str, Any]:
    """The generation flags this command has and the user gave, by config key/request field."""
    values = {
        key: getattr(args, dest)
        for dest, key in GENERATION_FLAGS.items()
        if getattr(args, dest, None) is not None
    }
    if "signature" in values:
        values["signature"] = signatures.from_args(values["signature"])
    return values


def resolve_args(args: argparse.Namespace, **extra: Any) -> tuple[Settings, GenerationRequest]:
    """Settings and the request from this command's flags (plus ``extra`` config keys and
    request fields the command sets itself), the config file and the environment."""
    from codegen.requests import resolve

    return resolve({**flag_values(args), **extra})


# The generation flags a command without a request (check, model, serve, batch...) may have.
MODEL_FLAGS = ("model", "backend", "device", "adapter")


def load_settings(args: argparse.Namespace) -> Settings:
    """Settings from this command's model flags, the config file and the environment."""
    from codegen.requests import resolve_settings

    return resolve_settings({name: getattr(args, name, None) for name in MODEL_FLAGS})


def print_json(data: Mapping[str, Any]) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


class AssemblyProgress:
    """A progress bar on stderr while an embedded model is assembled (first use only)."""

    def __init__(self) -> None:
        self._bar: Any = None
        self._task: Any = None

    def __call__(self, done: int, total: int) -> None:
        if self._bar is None:
            from rich.progress import Progress

            from codegen.render.terminal import stderr_console

            self._bar = Progress(console=stderr_console(), transient=True)
            self._bar.start()
            self._task = self._bar.add_task("assembling the embedded model", total=total)
        self._bar.update(self._task, completed=done)
        if done >= total:
            self.close()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
