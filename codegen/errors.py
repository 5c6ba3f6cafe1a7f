"""The one exception tree of codegen. Results are values; these are for the tool failing.

::

    CodegenError                      exit 3 unless a subclass says otherwise
    ├── UsageError                    exit 2: bad flag, bad request field, unknown language
    │   ├── ConfigError               a config file or CODEGEN_* variable is wrong
    │   ├── InputError                a file given to us is missing, binary, too large
    │   └── SafetyRefusal             a content-safety rule refused the description
    ├── ModelError                    exit 3: model missing, corrupt, cannot load
    │   └── ModelNotInstalled         an embedded model's data packages are missing
    ├── BackendError                  exit 3: generation failed inside a backend
    │   ├── BackendUnavailable        a server cannot be reached (retryable)
    │   └── BackendRejected           a server refused the request (auth, unknown model)
    ├── CheckerError                  exit 3: a reference checker crashed or timed out
    ├── StoreError                    exit 3: the response cache or the audit log failed
    └── Cancelled                     exit 130: the user pressed Ctrl-C or cancelled

Foreign errors (llama.cpp, httpx, subprocess) are mapped at the boundary with
``raise X(...) from exc``. Which errors a caller may retry is the ``RETRYABLE`` table.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

EXIT_OK = 0
EXIT_NEGATIVE = 1
EXIT_USAGE = 2
EXIT_TOOL = 3
EXIT_INTERRUPTED = 130


class CodegenError(Exception):
    """Base of every error codegen raises on purpose."""

    exit_code = EXIT_TOOL


class UsageError(CodegenError):
    exit_code = EXIT_USAGE


class ConfigError(UsageError):
    pass


class InputError(UsageError):
    pass


class SafetyRefusal(UsageError):
    """A description matched a blocking content-safety rule; ``rule`` names it."""

    def __init__(self, message: str, rule: str = "") -> None:
        super().__init__(message)
        self.rule = rule


class ModelError(CodegenError):
    pass


class ModelNotInstalled(ModelError):
    pass


class BackendError(CodegenError):
    pass


class BackendUnavailable(BackendError):
    pass


class BackendRejected(BackendError):
    pass


class CheckerError(CodegenError):
    pass


class StoreError(CodegenError):
    pass


class Cancelled(CodegenError):
    exit_code = EXIT_INTERRUPTED


# Which failures are worth another try, in one place (aider's ExInfo idea).
RETRYABLE: dict[type[CodegenError], bool] = {
    BackendUnavailable: True,
    BackendRejected: False,
    BackendError: False,
    ModelError: False,
    UsageError: False,
    CheckerError: False,
    StoreError: False,
    Cancelled: False,
}


def is_retryable(error: BaseException) -> bool:
    for cls in type(error).__mro__:
        if cls in RETRYABLE:
            return RETRYABLE[cls]
    return False


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """Return " (did you mean 'x'?)" for the closest choice, or "" when none is close."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
