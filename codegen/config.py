"""Configuration: defaults, then the TOML file, then ``CODEGEN_*`` variables, then flags.

Everything resolves into one frozen ``Settings``; ``sources`` says where each value came from.
A key is written ``section.name`` in docs and ``[section] name = …`` in the file; its
environment variable is ``CODEGEN_SECTION_NAME`` (``CODEGEN_N``, ``CODEGEN_OPENAI_API_KEY``).
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from codegen import textfiles
from codegen.errors import ConfigError, InputError, did_you_mean

APP = "codegen"
MAX_CONFIG_BYTES = 1 << 20
EXAMPLE_CHOICES = ("stable", "relevant")


@dataclass(frozen=True)
class Settings:
    """Every resolved setting. Attribute names are config keys with '.' turned into '_'."""

    model: str = "embedded"
    languages: tuple[str, ...] = ("python",)
    n: int = 3
    temperature: float = 0.6
    top_p: float = 0.95
    max_tokens: int = 512
    seed: int | None = None
    greedy_first: bool = True
    few_shot: int = 2
    examples: str = "stable"
    context_window: int = 8192
    threads: int = 0
    prefix_cache: bool = True
    shared_decoding: bool = True
    color: str = "auto"
    exec: bool = False
    repair_rounds: int = 2
    repair_test_fixes: int = 2
    repair_compile_candidates: int = 2
    unsafe_exec: bool = False
    sandbox_memory: int = 1024
    sandbox_disk: int = 64
    sandbox_pids: int = 64
    sandbox_cpu: float = 1.0
    sandbox_uid_base: int = 100_000
    sandbox_slots: int = 64
    rank_w_logprob: float = 1.0
    rank_w_consensus: float = 1.0
    rank_w_agreement: float = 2.0
    rank_w_tests: float = 4.0
    rank_w_repair: float = 1.0
    rank_w_gen_tests: float = 1.0
    rank_w_robust: float = 1.0
    rank_gen_tests: bool = False
    rank_probes: int = 12
    validation_timeout: float = 10.0
    openai_api_key: str = ""
    openai_timeout: float = 60.0
    openai_retries: int = 4
    openai_logprobs: bool = True
    openai_grammar_field: str = "none"
    constrain: str = "auto"
    backend: str = "auto"
    device: str = "auto"
    adapter: str = ""
    cache_enabled: bool = True
    cache_max_mb: float = 256.0
    cache_path: str = ""
    audit_enabled: bool = True
    audit_max_mb: float = 16.0
    audit_path: str = ""
    server_max_connections: int = 16
    server_max_unauthenticated: int = 4
    server_init_timeout: float = 5.0
    server_inline_n: int = 2
    server_inline_max_tokens: int = 160
    server_debounce: float = 0.3
    safety_enabled: bool = True
    safety_blocked_terms: tuple[str, ...] = ()
    safety_blocked_patterns: tuple[str, ...] = ()
    safety_secrets: str = "redact"
    safety_hardcoded_credentials: str = "warn"
    safety_rm_rf: str = "warn"
    safety_curl_pipe_sh: str = "warn"
    safety_eval_input: str = "warn"
    safety_shell_injection: str = "warn"
    safety_tls_verify_off: str = "warn"
    http_api_keys: tuple[str, ...] = ()
    http_max_body_kb: int = 1024
    http_queue_depth: int = 8
    http_workers: int = 0
    sources: Mapping[str, str] = field(default_factory=dict, compare=False)

    def with_overrides(self, values: Mapping[str, Any], source: str) -> Settings:
        """A copy with ``values`` (config keys) applied and recorded as coming from ``source``."""
        changes = {key_to_attr(k): v for k, v in values.items()}
        srcs = dict(self.sources)
        srcs.update(dict.fromkeys(values, source))
        return replace(self, **changes, sources=srcs)


def key_to_attr(key: str) -> str:
    return key.replace(".", "_")


def _check_choice(choices: tuple[str, ...]) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        return None if value in choices else f"must be one of {', '.join(choices)}"

    return check


def _check_range(lo: float, hi: float, lo_open: bool = False) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        if value is None:
            return None
        ok = (lo < value if lo_open else lo <= value) and value <= hi
        return None if ok else f"must be in {'(' if lo_open else '['}{lo}, {hi}]"

    return check


def _check_regexes(value: Any) -> str | None:
    for pattern in value:
        try:
            re.compile(pattern)
        except re.error as exc:
            return f"invalid regular expression {pattern!r} ({exc})"
    return None


_ACTIONS = ("block", "warn", "redact")
CONSTRAIN_MODES = ("auto", "on", "off")
GRAMMAR_FIELDS = ("none", "grammar", "guided_grammar", "structured_outputs", "ebnf")


@dataclass(frozen=True)
class Key:
    name: str
    kind: type
    help: str
    check: Callable[[Any], str | None] | None = None
    optional: bool = False
    secret: bool = False


KEYS: tuple[Key, ...] = (
    Key("model", str, "model spec: embedded, embedded-small, gguf:PATH, hf:ID, openai:URL#MODEL"),
    Key("languages", list, "default target languages"),
    Key("n", int, "candidates per language", _check_range(1, 64)),
    Key("temperature", float, "sampling temperature", _check_range(0, 2)),
    Key("top_p", float, "nucleus sampling mass", _check_range(0, 1, lo_open=True)),
    Key("max_tokens", int, "tokens to generate per candidate", _check_range(1, 1 << 20)),
    Key("seed", int, "sampling seed (unset: random)", optional=True),
    Key("greedy_first", bool, "with n > 1, candidate 0 is the greedy decode, the rest sampled"),
    Key("few_shot", int, "examples shown to the model per request", _check_range(0, 16)),
    Key(
        "examples",
        str,
        "which examples: stable (the bank's first, the same for every request of a language, "
        "so the next request reuses their evaluation) or relevant (the closest per description)",
        _check_choice(EXAMPLE_CHOICES),
    ),
    Key("context_window", int, "llama.cpp context size in tokens", _check_range(512, 1 << 20)),
    Key("threads", int, "CPU threads for llama.cpp (0: all cores)", _check_range(0, 1024)),
    Key("prefix_cache", bool, "llama.cpp keeps evaluated prompts for the next request"),
    Key(
        "shared_decoding",
        bool,
        "llama.cpp decodes candidates whose tokens are the same so far once, not once each",
    ),
    Key("color", str, "terminal colour", _check_choice(("auto", "always", "never"))),
    Key("exec", bool, "run candidates in the sandbox to rank them"),
    Key("repair_rounds", int, "model-guided repair rounds", _check_range(0, 10)),
    Key(
        "repair.test_fixes",
        int,
        "failing candidates the model fixes with the failed checks in hand (exec; 0: off)",
        _check_range(0, 10),
    ),
    Key(
        "repair.compile_candidates",
        int,
        "candidates per language the model's compile repair is given, likeliest first; "
        "none once one compiles (0: deterministic compile fixes only)",
        _check_range(0, 64),
    ),
    Key("unsafe_exec", bool, "allow exec without namespace isolation (at your own risk)"),
    Key(
        "sandbox.memory",
        int,
        "MB of memory for a whole run (all processes)",
        _check_range(16, 1 << 20),
    ),
    Key(
        "sandbox.disk",
        int,
        "MB of disk (tmpfs) for a run's /tmp and work dir",
        _check_range(1, 1 << 16),
    ),
    Key("sandbox.pids", int, "processes and threads of a whole run", _check_range(8, 1 << 16)),
    Key("sandbox.cpu", float, "CPU cores a run may use at once", _check_range(0.05, 1024)),
    Key(
        "sandbox.uid_base",
        int,
        "first uid of the per-run uids (as root: base + slot)",
        _check_range(1000, (1 << 31) - (1 << 16)),
    ),
    Key("sandbox.slots", int, "uids, so concurrent runs, in the range", _check_range(1, 1 << 16)),
    Key("rank.w_logprob", float, "rank weight: exp(mean token logprob)", _check_range(0, 100)),
    Key("rank.w_consensus", float, "rank weight: token-stream consensus", _check_range(0, 100)),
    Key("rank.w_agreement", float, "rank weight: same outputs (exec)", _check_range(0, 100)),
    Key("rank.w_tests", float, "rank weight: test pass rate (exec)", _check_range(0, 100)),
    Key("rank.w_repair", float, "rank weight: penalty per repair", _check_range(0, 100)),
    Key("rank.w_gen_tests", float, "rank weight: model-test agreement", _check_range(0, 100)),
    Key(
        "rank.w_robust",
        float,
        "rank weight: no error on inputs where another candidate gave a value (exec)",
        _check_range(0, 100),
    ),
    Key("rank.gen_tests", bool, "rank also by tests the model writes (exec)"),
    Key(
        "rank.probes",
        int,
        "probe calls made from the examples, whose outputs candidates compare (exec; 0: off)",
        _check_range(0, 50),
    ),
    Key(
        "validation.timeout",
        float,
        "seconds a reference checker may run",
        _check_range(0, 600, lo_open=True),
    ),
    Key("openai.api_key", str, "API key for openai: backends", secret=True),
    Key("openai.timeout", float, "read timeout in seconds", _check_range(0, 3600, lo_open=True)),
    Key("openai.retries", int, "retries on 429/5xx/timeouts", _check_range(0, 20)),
    Key("openai.logprobs", bool, "ask for token log-probabilities (used in ranking)"),
    Key(
        "openai.grammar_field",
        str,
        "how the server takes a grammar: none, grammar (llama.cpp), guided_grammar (vLLM), "
        "structured_outputs (vLLM >= 0.10), ebnf (SGLang)",
        _check_choice(GRAMMAR_FIELDS),
    ),
    Key(
        "constrain",
        str,
        "grammar-constrained decoding: auto (where a grammar converts), on (and warn where it "
        "cannot), off",
        _check_choice(CONSTRAIN_MODES),
    ),
    Key(
        "backend",
        str,
        "engine for gguf: models",
        _check_choice(("auto", "llama.cpp", "transformers")),
    ),
    Key("device", str, "transformers device", _check_choice(("auto", "cpu", "cuda"))),
    Key("adapter", str, "PEFT/LoRA adapter directory for hf: models"),
    Key("cache.enabled", bool, "serve repeated deterministic requests from the response cache"),
    Key("cache.max_mb", float, "response cache size cap in MB (LRU)", _check_range(0, 1 << 20)),
    Key("cache.path", str, "response cache database (empty: user cache dir)"),
    Key("audit.enabled", bool, "append one line per request to the audit log"),
    Key("audit.max_mb", float, "audit log size before rotation, MB", _check_range(0, 1 << 20)),
    Key("audit.path", str, "audit log file (empty: user data dir)"),
    Key("server.max_connections", int, "TCP server: open connections", _check_range(1, 4096)),
    Key(
        "server.max_unauthenticated",
        int,
        "TCP server: connections that have not yet shown the token",
        _check_range(1, 4096),
    ),
    Key(
        "server.init_timeout",
        float,
        "TCP server: seconds a connection has to initialize with the token",
        _check_range(0, 3600, lo_open=True),
    ),
    Key("server.inline_n", int, "editor completions: candidates per request", _check_range(1, 8)),
    Key(
        "server.inline_max_tokens",
        int,
        "editor completions: max tokens per candidate",
        _check_range(16, 4096),
    ),
    Key(
        "server.debounce",
        float,
        "editor completions: seconds of quiet typing before generating",
        _check_range(0, 10),
    ),
    Key("safety.enabled", bool, "content-safety checks on descriptions and code"),
    Key("safety.blocked_terms", list, "words that make a description refused"),
    Key(
        "safety.blocked_patterns",
        list,
        "regular expressions that refuse a description",
        _check_regexes,
    ),
    Key("safety.secrets", str, "keys/tokens/passwords found", _check_choice(_ACTIONS)),
    Key("safety.hardcoded_credentials", str, "credentials in code", _check_choice(_ACTIONS)),
    Key("safety.rm_rf", str, "rm -rf / in code", _check_choice(_ACTIONS)),
    Key("safety.curl_pipe_sh", str, "curl ... | sh in code", _check_choice(_ACTIONS)),
    Key("safety.eval_input", str, "eval/exec of user input", _check_choice(_ACTIONS)),
    Key("safety.shell_injection", str, "os.system with interpolation", _check_choice(_ACTIONS)),
    Key("safety.tls_verify_off", str, "TLS verification off", _check_choice(_ACTIONS)),
    Key(
        "http.api_keys",
        list,
        "bearer keys serve --http accepts (NAME:KEY names a key in the audit log); "
        "required when binding beyond loopback",
        secret=True,
    ),
    Key(
        "http.max_body_kb",
        int,
        "largest request body serve --http reads, KiB",
        _check_range(1, 1 << 20),
    ),
    Key(
        "http.queue_depth",
        int,
        "model requests serve --http lets wait beyond those running; more get 429",
        _check_range(0, 10000),
    ),
    Key(
        "http.workers",
        int,
        "model requests serve --http runs at once (0: 1 for a local model, 8 for openai:)",
        _check_range(0, 256),
    ),
)
KEY_BY_NAME = {k.name: k for k in KEYS}


def config_path() -> Path:
    """The user's config file: ``$CODEGEN_CONFIG`` or the platform's user config dir."""
    override = named_config_path()
    if override:
        return override
    import platformdirs

    return Path(platformdirs.user_config_dir(APP)) / "config.toml"


def named_config_path() -> Path | None:
    """The file ``$CODEGEN_CONFIG`` names, if set: it must exist (a typo is not a default)."""
    override = os.environ.get("CODEGEN_CONFIG")
    return Path(override) if override else None


def coerce(key: Key, value: Any, where: str = "") -> Any:
    """Check ``value``'s type for ``key``; return it in the Settings attribute's form. Errors
    start with ``where`` (a file and line, a variable) when given, then the key."""
    at = f"{where}: " if where else ""
    if value is None and key.optional:
        return None
    kind_ok = {
        bool: isinstance(value, bool),
        int: isinstance(value, int) and not isinstance(value, bool),
        float: isinstance(value, (int, float)) and not isinstance(value, bool),
        str: isinstance(value, str),
        list: isinstance(value, list) and all(isinstance(v, str) for v in value),
    }[key.kind]
    if not kind_ok:
        want = "a list of strings" if key.kind is list else f"a {key.kind.__name__}"
        raise ConfigError(f"{at}{key.name}: expected {want}, got {value!r}")
    if key.kind is float:
        value = float(value)
    if key.kind is list:
        value = tuple(value)
    problem = key.check(value) if key.check else None
    if problem:
        raise ConfigError(f"{at}{key.name}: {problem}, got {value!r}")
    return value


def parse_env_value(key: Key, raw: str, where: str) -> Any:
    """Turn the text of a CODEGEN_* variable into the key's type."""
    text = raw.strip()
    try:
        if key.optional and text.lower() in {"", "none", "null"}:
            return None
        if key.kind is bool:
            if text.lower() not in {"1", "0", "true", "false", "yes", "no", "on", "off"}:
                raise ValueError(text)
            return text.lower() in {"1", "true", "yes", "on"}
        if key.kind is int:
            return int(text)
        if key.kind is float:
            return float(text)
        if key.kind is list:
            return [part.strip() for part in text.split(",") if part.strip()]
    except ValueError:
        raise ConfigError(
            f"{where}: expected {key.kind.__name__} for {key.name}, got {raw!r}"
        ) from None
    return text


def _flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for name, value in data.items():
        dotted = f"{prefix}{name}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{dotted}."))
        else:
            flat[dotted] = value
    return flat


def _line_of(text: str, dotted: str) -> int:
    """The 1-based line where ``dotted`` (``section.key``) is set in TOML ``text``, else 1."""
    section, _, name = dotted.rpartition(".")
    current = ""
    for number, line in enumerate(text.splitlines(), 1):
        header = re.match(r"\s*\[([^\]]+)\]", line)
        if header:
            current = header.group(1).strip()
            continue
        if current == section and re.match(rf"\s*{re.escape(name)}\s*=", line):
            return number
        if current == "" and section and re.match(rf"\s*{re.escape(dotted)}\s*=", line):
            return number
    return 1


def read_file(path: Path, named_by: str | None = None) -> dict[str, Any]:
    """Checked values from a TOML config file; errors name the file, line and key. A missing
    file is no values, unless it was named explicitly (``named_by`` says where)."""
    if not path.exists():
        if named_by:
            raise ConfigError(f"{path}: config file not found (named by {named_by})")
        return {}
    try:
        text = textfiles.read_text(path, MAX_CONFIG_BYTES)
    except InputError as exc:
        raise ConfigError(f"config file {exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc
    values: dict[str, Any] = {}
    for dotted, value in _flatten(data).items():
        where = f"{path}:{_line_of(text, dotted)}"
        key = KEY_BY_NAME.get(dotted)
        if key is None:
            hint = did_you_mean(dotted, KEY_BY_NAME)
            raise ConfigError(f"{where}: unknown key '{dotted}'{hint}")
        values[dotted] = coerce(key, value, where)
    return values


def read_env(environ: Mapping[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key in KEYS:
        var = "CODEGEN_" + key_to_attr(key.name).upper()
        if var in environ:
            raw = parse_env_value(key, environ[var], var)
            values[key.name] = coerce(key, raw, var)
    return values


def load(
    flags: Mapping[str, Any] | None = None,
    *,
    path: Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Resolve defaults < file < environment < flags into one Settings."""
    settings = Settings(sources=dict.fromkeys((k.name for k in KEYS), "default"))
    named_by = "CODEGEN_CONFIG" if path is None and named_config_path() else None
    file = path or config_path()
    settings = settings.with_overrides(read_file(file, named_by), str(file))
    settings = settings.with_overrides(read_env(os.environ if environ is None else environ), "env")
    # a flag's error names its key, as a request field's does (``n: must be in [1, 64]``)
    checked = {
        name: coerce(KEY_BY_NAME[name], value)
        for name, value in (flags or {}).items()
        if value is not None
    }
    return settings.with_overrides(checked, "flag")


def value_of(settings: Settings, key: Key) -> Any:
    return getattr(settings, key_to_attr(key.name))


def show_rows(settings: Settings) -> list[tuple[str, str, str]]:
    """(key, value, source) for ``codegen config show``; secrets are masked."""
    rows = []
    for key in KEYS:
        value = value_of(settings, key)
        if key.secret and value:
            text = "****"
        elif isinstance(value, tuple):
            text = ",".join(value)
        else:
            text = "" if value is None else str(value)
        rows.append((key.name, text, settings.sources.get(key.name, "default")))
    return rows


def save(values: Mapping[str, Any], path: Path | None = None) -> Path:
    """Write ``values`` (config keys) into the config file, keeping other keys; atomic."""
    target = path or config_path()
    existing: dict[str, Any] = {}
    if target.exists():
        existing = _flatten(tomllib.loads(target.read_text(encoding="utf-8")))
    existing.update(values)
    from codegen.fsutil import atomic_write_text

    atomic_write_text(target, _to_toml(existing))
    return target


def _to_toml(flat: Mapping[str, Any]) -> str:
    top = {k: v for k, v in flat.items() if "." not in k}
    sections: dict[str, dict[str, Any]] = {}
    for dotted, value in flat.items():
        if "." in dotted:
            section, _, name = dotted.rpartition(".")
            sections.setdefault(section, {})[name] = value
    lines = [f"{k} = {_toml_value(v)}" for k, v in top.items() if v is not None]
    for section, items in sections.items():
        lines += ["", f"[{section}]"]
        lines += [f"{k} = {_toml_value(v)}" for k, v in items.items() if v is not None]
    return "\n".join(lines) + "\n"


def _toml_value(value: Any) -> str:
    import json

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(json.dumps(v) for v in value) + "]"
    if isinstance(value, (int, float)):
        return repr(value)
    return json.dumps(str(value))


def attr_names() -> list[str]:
    return [f.name for f in fields(Settings) if f.name != "sources"]
