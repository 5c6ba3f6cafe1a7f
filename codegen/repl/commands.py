"""The REPL's slash commands: a table of name, arguments, help and handler.

Handlers raise ``UsageError`` (or any ``CodegenError``) for bad input; the loop prints it as
one line and carries on. They reach the session through the small ``Host`` protocol.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import threading
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from codegen import languages, signatures
from codegen.errors import CodegenError, InputError, UsageError, did_you_mean
from codegen.render.verdicts import compile_verdict
from codegen.repl import render
from codegen.repl.state import ReplState
from codegen.store.audit import record_accept
from codegen.types import Candidate, Result

log = logging.getLogger(__name__)


class Quit(Exception):
    """Raised by /quit to end the loop."""


class Host(Protocol):
    """What a command may use of the running REPL."""

    state: ReplState
    color: bool

    @property
    def assistant(self) -> Any: ...

    def write(self, text: str) -> None: ...

    def page(self, text: str) -> None: ...

    def width(self) -> int: ...

    def ask_code(self, language: str) -> str: ...

    def run_cancellable(self, work: Callable[[threading.Event], Any], status: str) -> Any: ...

    def load_model(self) -> None: ...

    def clear_screen(self) -> None: ...


Handler = Callable[[Host, str], None]


@dataclass(frozen=True)
class Command:
    name: str
    args: str
    help: str
    run: Handler


def check_text(text: str, what: str = "input") -> str:
    """Refuse binary garbage (pasted by mistake); drop stray control characters otherwise."""
    bad = sum(
        1
        for ch in text
        if ch not in "\n\t\r" and (unicodedata.category(ch) in {"Cc", "Cs", "Co"} or ch == "\ufffd")
    )
    if "\0" in text or (text and bad > max(2, len(text) // 20)):
        raise InputError(f"{what} looks like binary data ({bad} control characters); ignored")
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")


# --- settings -------------------------------------------------------------------------------


def _probe(host: Host, where: str, **fields: Any) -> Any:
    """A request built with these fields: the same checks and messages as every front end."""
    from codegen.requests import build_request

    return build_request({"description": "probe", **fields}, host.state.settings, where=where)


def _setting(host: Host, arg: str, where: str, key: str, shown: Callable[[Any], str]) -> None:
    """Show session setting ``key``, or set it from ``arg`` through the request checks
    (errors name the command ``where``)."""
    if arg:
        value = getattr(_probe(host, where, **{key: arg}), key)
        # a tuple is the languages: settings keep specs as text (``python@3.8``)
        host.state.set({key: [str(v) for v in value] if isinstance(value, tuple) else value})
    host.write(f"{key}: {shown(getattr(host.state.settings, key))}")


def cmd_lang(host: Host, arg: str) -> None:
    _setting(host, arg.replace(" ", ","), "/lang", "languages", ", ".join)


def cmd_n(host: Host, arg: str) -> None:
    _setting(host, arg, "/n", "n", lambda n: f"{n} candidates per language")


def cmd_temp(host: Host, arg: str) -> None:
    _setting(host, arg, "/temp", "temperature", str)


def cmd_signature(host: Host, arg: str) -> None:
    """/signature SIG (every language), /signature LANG=SIG (one language, kept beside the
    others), /signature off, or no argument to show it."""
    text = arg.strip()
    if text == "off":
        host.state.signature = None
    elif text:
        new = signatures.checked(signatures.from_args([text], "/signature"), "/signature")
        old = host.state.signature
        if isinstance(new, Mapping) and isinstance(old, Mapping):
            new = {**old, **new}
        host.state.signature = new
    host.write(f"signature: {_shown_signature(host.state.signature)}")


def _shown_signature(signature: signatures.Signature) -> str:
    if signature is None:
        return "none"
    if isinstance(signature, str):
        return signature
    return "; ".join(f"{lang}={sig}" for lang, sig in signature.items())


def cmd_model(host: Host, arg: str) -> None:
    if not arg:
        host.write(f"model: {host.state.settings.model}")
        return
    from codegen.backends.factory import check_spec

    check_spec(arg)
    host.state.set({"model": arg})
    host.write(f"model: {arg} (loading in the background)")
    host.load_model()


def cmd_exec(host: Host, arg: str) -> None:
    choice = arg.lower()
    if choice not in {"", "on", "off"}:
        raise UsageError(f"/exec: expected 'on' or 'off', got '{arg}'")
    if choice:
        host.state.set({"exec": choice == "on"})
    host.write(f"exec: {'on' if host.state.settings.exec else 'off'}")


def cmd_constrain(host: Host, arg: str) -> None:
    _setting(host, arg.strip().lower(), "/constrain", "constrain", str)


def cmd_context(host: Host, arg: str) -> None:
    from codegen.prompting.context import check_item

    if arg == "clear":
        host.state.context = ()
    elif arg:
        items = arg.split()
        for item in items:
            check_item(item, "/context")
        host.state.context = tuple(items)
    host.write(f"context: {' '.join(host.state.context) or '(none)'}")


def _settings_rows(host: Host) -> list[str]:
    s = host.state.settings
    rows = [
        ("languages", ", ".join(s.languages)),
        ("n", str(s.n)),
        ("temperature", str(s.temperature)),
        ("max_tokens", str(s.max_tokens)),
        ("model", s.model),
        ("exec", "on" if s.exec else "off"),
        ("constrain", s.constrain),
        ("context", " ".join(host.state.context) or "(none)"),
    ]
    return [f"  {k:<12} {v:<20} {s.sources.get(k, 'session')}" for k, v in rows]


def cmd_settings(host: Host, arg: str) -> None:
    if arg == "save":
        from codegen import config

        values = host.state.changed()
        if not values:
            host.write("nothing changed in this session; config file left alone")
            return
        try:
            path = config.save(values)
        except OSError as exc:
            raise CodegenError(f"/settings save: cannot write the config file: {exc}") from exc
        host.write(f"saved {', '.join(values)} to {path}")
        return
    if arg:
        raise UsageError(f"/settings: unknown argument '{arg}' (use /settings or /settings save)")
    host.write("\n".join(_settings_rows(host)))


# --- candidates -----------------------------------------------------------------------------


def _one(arg: str, command: str) -> str:
    parts = arg.split()
    if len(parts) != 1:
        raise UsageError(f"{command}: expected one candidate (a rank like 1, python:2 or an id)")
    return parts[0]


def cmd_show(host: Host, arg: str) -> None:
    if not arg:
        result = host.state.result
        if result is None:
            raise UsageError("/show: no candidates yet: describe what you want first")
        blocks = [
            render.ranked_block(name, tuple(result.for_language(name)), host.color, host.width())
            for name in result.request.language_names
        ]
        host.page("\n".join(blocks))
        return
    cand = host.state.select(_one(arg, "/show"))
    host.page(render.candidate_block(cand, host.color))


def cmd_diff(host: Host, arg: str) -> None:
    parts = arg.split()
    if len(parts) != 2:
        raise UsageError("/diff: expected two candidates, e.g. /diff 1 2")
    a, b = (host.state.select(p) for p in parts)
    host.page(render.diff(a, b, host.color))


def cmd_explain(host: Host, arg: str) -> None:
    cand = host.state.select(_one(arg, "/explain"))
    host.page(render.explain(cand, host.color))


def cmd_repair(host: Host, arg: str) -> None:
    cand = host.state.select(_one(arg, "/repair"))
    result = host.state.result
    assert result is not None
    if cand.valid:
        host.write(f"{cand.id} is already valid; nothing to repair")
        return
    stages = host.assistant.stages
    version = result.request.version_of(cand.language)

    def work(cancel: threading.Event) -> Candidate:
        fixed: Candidate = stages.repairer.repair(cand, result.request, version, cancel)
        return fixed

    fixed = host.run_cancellable(work, f"repairing {cand.id}")
    if fixed is None:
        return
    others = [fixed if c.id == cand.id else c for c in result.for_language(cand.language)]
    ranked = stages.ranker.rank(others, result.request)
    by_id = {c.id: c for c in ranked}
    host.state.result = _replace(result, by_id)
    fixed = by_id.get(fixed.id, fixed)
    if not fixed.repairs or fixed.code == cand.code:
        host.write(f"{cand.id}: no repair found")
    host.write(render.candidate_block(fixed, host.color))


def _replace(result: Result, by_id: dict[str, Candidate]) -> Result:
    from dataclasses import replace

    return replace(result, candidates=tuple(by_id.get(c.id, c) for c in result.candidates))


def cmd_check(host: Host, arg: str) -> None:
    first, _, rest = arg.partition("\n")
    lang_spec = first.strip() or host.state.settings.languages[0]
    try:
        spec = languages.parse_language_spec(lang_spec)
    except UsageError as exc:
        raise UsageError(f"/check: {exc}") from None
    lang = spec.language
    code = rest if rest.strip() else host.ask_code(lang.name)
    code = check_text(code, "/check: the code")
    if not code.strip():
        raise UsageError("/check: no code given")
    check = host.assistant.stages.validator.validate(code, lang.name, spec.version)
    by = ", ".join(check.validators) or "nothing"
    if check.valid:
        [verdict] = host.assistant.stages.compiler.compile([code], lang.name, spec.version)
        compiled = compile_verdict(verdict.compiles, verdict.diagnostics)
        host.write(
            f"✓ valid {lang.display} (checked by {by})" + (f", {compiled}" if compiled else "")
        )
        return
    host.write(f"✗ invalid {lang.display} (checked by {by})")
    host.write(render.diagnostics(check.diagnostics, host.color))


def cmd_save(host: Host, arg: str) -> None:
    parts = arg.split(maxsplit=1)
    if len(parts) != 2:
        raise UsageError("/save: expected a candidate and a path, e.g. /save 1 out.py")
    cand = host.state.select(parts[0])
    path = Path(parts[1].strip()).expanduser()
    save_file(cand, path)
    host.write(f"saved {cand.id} to {path}")
    record_accepted(host, cand)


def save_file(cand: Candidate, path: Path) -> None:
    """Write a candidate atomically; one clear error for every way that can fail."""
    from codegen.fsutil import atomic_write_text

    parent = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise InputError(f"/save {path}: is a directory; give a file name")
    if not parent.is_dir():
        raise InputError(f"/save {path}: directory '{parent}' does not exist")
    if not os.access(parent, os.W_OK):
        raise InputError(f"/save {path}: directory '{parent}' is not writable")
    try:
        atomic_write_text(path, cand.code.rstrip("\n") + "\n")
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise InputError(f"/save {path}: cannot write into '{parent}': {reason}") from None


CLIPBOARD_TOOLS = (
    ("WAYLAND_DISPLAY", ["wl-copy"]),
    ("DISPLAY", ["xclip", "-selection", "clipboard"]),
    ("DISPLAY", ["xsel", "--clipboard", "--input"]),
    ("", ["pbcopy"]),
    ("", ["clip.exe"]),
)


def clipboard_command() -> list[str] | None:
    for env, argv in CLIPBOARD_TOOLS:
        if (not env or os.environ.get(env)) and shutil.which(argv[0]):
            return argv
    return None


def cmd_copy(host: Host, arg: str) -> None:
    cand = host.state.select(_one(arg, "/copy"))
    argv = clipboard_command()
    if argv is None:
        raise UsageError(
            "/copy: no clipboard available (no wl-copy, xclip, xsel or pbcopy with a display); "
            f"use /save {arg.strip()} PATH instead"
        )
    try:
        subprocess.run(argv, input=cand.code.encode(), check=True, timeout=5)
    except (OSError, subprocess.SubprocessError) as exc:
        raise CodegenError(f"/copy: {argv[0]} failed: {exc}") from None
    host.write(f"copied {cand.id} to the clipboard")
    record_accepted(host, cand)


def record_accepted(host: Host, cand: Candidate) -> None:
    """Audit-log hook for /save and /copy: records the accepted candidate
    (``store.audit.record_accept``). A failed audit write is reported as one line; it never ends
    the session."""
    result = host.state.result
    if result is None:
        return
    try:
        record_accept(result.request_id, cand.id, "repl", settings=host.state.settings)
    except Exception as exc:  # an audit problem must not end the session
        log.debug("audit record failed", exc_info=True)
        host.write(f"warning: {exc}")


# --- session --------------------------------------------------------------------------------


def cmd_history(host: Host, arg: str) -> None:
    if not host.state.turns:
        host.write("no requests yet in this session (↑ and Ctrl-R search older ones)")
        return
    for i, turn in enumerate(host.state.turns, 1):
        text = turn.description.replace("\n", " ")
        if len(text) > 60:
            text = text[:57] + "..."
        host.write(
            f"{i:>3}  {text}  [{','.join(map(str, turn.languages))} n={turn.n}] {turn.outcome}"
        )


def cmd_clear(host: Host, arg: str) -> None:
    host.clear_screen()


def cmd_quit(host: Host, arg: str) -> None:
    raise Quit


def cmd_help(host: Host, arg: str) -> None:
    name = arg.strip().lstrip("/")
    if name:
        cmd = find(name)
        host.write(f"/{cmd.name} {cmd.args}".rstrip() + f"\n  {cmd.help}")
        return
    lines = ["Type a description and press Enter to generate; Esc+Enter adds a new line."]
    lines += [f"  /{c.name} {c.args}".rstrip().ljust(26) + f" {c.help}" for c in COMMANDS]
    lines.append("N is a rank (1), language:rank (python:2) or an id (python-3).")
    lines.append("Ctrl-C cancels a running generation, Ctrl-D or /quit leaves, Ctrl-R searches.")
    host.write("\n".join(lines))


COMMANDS: tuple[Command, ...] = (
    Command("help", "[COMMAND]", "this help, or one command's", cmd_help),
    Command("lang", "LANG[,LANG…]", "target languages (python@3.8 for a version)", cmd_lang),
    Command("n", "N", "candidates per language", cmd_n),
    Command("temp", "T", "sampling temperature (0-2)", cmd_temp),
    Command("signature", "[LANG=]SIG|off", "what the code must define", cmd_signature),
    Command("model", "SPEC", "switch model (embedded, embedded-small, gguf:PATH…)", cmd_model),
    Command("exec", "on|off", "run candidates in the sandbox to rank them", cmd_exec),
    Command(
        "constrain",
        "auto|on|off",
        "decode inside the language's grammar (sql, json…)",
        cmd_constrain,
    ),
    Command("context", "PATH…|clear", "files or directories to draw on", cmd_context),
    Command("show", "[N]", "show a candidate (or all of the last result)", cmd_show),
    Command("diff", "A B", "unified diff of two candidates", cmd_diff),
    Command("explain", "N", "the evidence behind a candidate's rank", cmd_explain),
    Command("repair", "N", "try to repair an invalid candidate", cmd_repair),
    Command("check", "[LANG]", "validate pasted code", cmd_check),
    Command("save", "N PATH", "write a candidate to a file", cmd_save),
    Command("copy", "N", "copy a candidate to the clipboard", cmd_copy),
    Command("history", "", "requests made in this session", cmd_history),
    Command("settings", "[save]", "show settings, or save them to the config file", cmd_settings),
    Command("clear", "", "clear the screen", cmd_clear),
    Command("quit", "", "leave (Ctrl-D too)", cmd_quit),
)
BY_NAME = {c.name: c for c in COMMANDS}


def find(name: str) -> Command:
    if name in BY_NAME:
        return BY_NAME[name]
    hint = did_you_mean(name, BY_NAME)
    if not hint:
        starts = [c for c in BY_NAME if c.startswith(name)] if name else []
        hint = f" (did you mean '/{starts[0]}'?)" if len(starts) == 1 else ""
    else:
        hint = hint.replace("'", "'/", 1)
    raise UsageError(f"unknown command '/{name}'{hint}; /help lists them")


def dispatch(host: Host, line: str) -> None:
    """Run one slash command line (``/name args``)."""
    body = line.strip()[1:] if line.strip().startswith("/") else line
    head, _, rest = body.partition("\n")
    name, _, args = head.strip().partition(" ")
    args = args.strip() + ("\n" + rest if rest else "")
    find(name.lower()).run(host, args)
