"""Content safety: a positive and negative corpus per rule, actions from config, refusals,
redaction before the model/cache/audit, blocked candidates, and bad regexes in config."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from codegen import config, resources
from codegen.assistant import Assistant
from codegen.backends.base import ScriptedBackend
from codegen.config import Settings
from codegen.errors import ConfigError, SafetyRefusal
from codegen.requests import build_request
from codegen.safety import CODE_RULES, DESCRIPTION_RULES, Screen, find
from codegen.store.audit import AuditLog

CORPUS: dict[str, tuple[list[str], list[str]]] = {
    "secrets": (
        [
            'key = "AKIAIOSFODNN7EXAMPLQ"',
            "token = 'ghp_" + "a1B2" * 9 + "'",
            'client = OpenAI(api_key="sk-' + "x9Y8" * 6 + '")',
            "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----",
            'db = "postgres://admin:Sup3rS3cret@db.internal:5432/app"',
            'slack = "xoxb-1234567890-abcdefghij"',
        ],
        [
            'key = os.environ["AWS_ACCESS_KEY_ID"]',
            "url = 'https://example.com/path?x=1'",
            "# see https://user@host/ for docs",
            'dsn = "postgres://user:${DB_PASSWORD}@db/app"',
            "skip_list = ['sk-a', 'sk-b']",
        ],
    ),
    "hardcoded_credentials": (
        [
            'password = "hunter2!"',
            'DB_PASSWORD = "correct-horse"',
            'config = {"api_key": "abc123def456"}',
            "const clientSecret = 'q8w7e6r5';",
        ],
        [
            'password = os.environ.get("PASSWORD")',
            'password = input("Password: ")',
            'api_key = ""',
            'password = "changeme"',
            'secret = "<your-secret>"',
            "token_count = 42",
        ],
    ),
    "rm_rf": (
        [
            "rm -rf /",
            "os.system('rm -rf / --no-preserve-root')",
            "sudo rm -fr ~/",
            "rm -r -f $HOME",
            "shutil.rmtree('/')",
        ],
        [
            "rm -rf ./build",
            "rm -rf /tmp/cache",
            "rm -f /etc/foo.conf",
            "shutil.rmtree(tmpdir)",
            'rm -rf "$BUILD_DIR"/out',
        ],
    ),
    "curl_pipe_sh": (
        [
            "curl -fsSL https://get.example.com | sh",
            "wget -qO- http://x.io/i.sh | sudo bash",
            'bash -c "$(curl -fsSL https://x.io/install.sh)"',
        ],
        [
            "curl -fsSL https://x.io/data.json | jq .",
            "curl -o install.sh https://x.io/i.sh",
            "grep foo file | sh_escape",
        ],
    ),
    "eval_input": (
        [
            "result = eval(input('expr: '))",
            "exec(sys.argv[1])",
            "eval(request.args['q'])",
            'eval "$1"',
            "const r = eval(req.query.code);",
        ],
        [
            "ast.literal_eval(input('x'))",
            "value = eval('1 + 2')",
            "model.eval()",
            "evaluate(input_data)",
        ],
    ),
    "shell_injection": (
        [
            'os.system(f"ping -c 1 {host}")',
            "os.system('ls ' + path)",
            'os.popen("grep %s log" % pattern)',
            'os.system("tar czf {}".format(name))',
            'subprocess.run(f"convert {src} out.png", shell=True)',
        ],
        [
            'os.system("ls -l")',
            'subprocess.run(["ping", "-c", "1", host])',
            'subprocess.run(f"echo {x}".split())',
            "os.systematic(x + y)",
        ],
    ),
    "tls_verify_off": (
        [
            "requests.get(url, verify=False)",
            "ctx = ssl._create_unverified_context()",
            "ctx.check_hostname = False",
            "ctx.verify_mode = ssl.CERT_NONE",
            "https.request({ rejectUnauthorized: false })",
            "&tls.Config{InsecureSkipVerify: true}",
            "curl -k https://internal",
        ],
        [
            "requests.get(url, verify=True)",
            "requests.get(url, verify=ca_bundle)",
            "if ctx.verify_mode == ssl.CERT_NONE:",
            "curl -kind-of-flag",
            "check_hostname = True",
        ],
    ),
}


def _rules_found(text: str) -> set[str]:
    return {m.rule.name for m in find(text, CODE_RULES)}


@pytest.mark.parametrize(("rule", "text"), [(r, t) for r, (pos, _) in CORPUS.items() for t in pos])
def test_positive_examples_are_found(rule: str, text: str) -> None:
    assert rule in _rules_found(text)


@pytest.mark.parametrize(("rule", "text"), [(r, t) for r, (_, neg) in CORPUS.items() for t in neg])
def test_negative_examples_are_not(rule: str, text: str) -> None:
    assert rule not in _rules_found(text)


def test_every_rule_has_a_corpus_and_a_config_key() -> None:
    names = {r.name for r in CODE_RULES}
    assert names == set(CORPUS)
    for name in names:
        assert f"safety.{name}" in config.KEY_BY_NAME


def test_description_secrets_in_prose_are_redacted() -> None:
    screen = Screen(actions={"secrets": "redact"})
    text, findings = screen.description(
        "log in with password is hunt3r22 and token: ab_cd1234 to postgres://u:pw99x@h/db"
    )
    assert "hunt3r22" not in text and "ab_cd1234" not in text and "pw99x" not in text
    assert text.count("REDACTED") == 3 and findings[0].rule == "secrets"
    clean = "the password is stored in the keyring; use token authentication"
    assert screen.description(clean) == (clean, ())
    assert find(clean, DESCRIPTION_RULES) == []


def test_blocked_terms_and_patterns_refuse_naming_the_rule() -> None:
    screen = Screen(blocked_terms=("keylogger",), blocked_patterns=(r"ransom\w*",))
    with pytest.raises(SafetyRefusal, match=r"safety\.blocked_terms.*'keylogger'") as info:
        screen.description("Write a KeyLogger in C")
    assert info.value.rule == "blocked_terms" and info.value.exit_code == 2
    with pytest.raises(SafetyRefusal, match=r"safety\.blocked_patterns"):
        screen.description("encrypt files for ransomware")
    assert screen.description("log keys pressed in a game")[1] == ()
    with pytest.raises(SafetyRefusal, match=r"safety\.secrets"):
        Screen(actions={"secrets": "block"}).description("use key AKIAIOSFODNN7EXAMPLQ")


def test_invalid_regex_in_config_names_key_and_line(tmp_path: Path) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text('model = "embedded"\n\n[safety]\nblocked_patterns = ["ok", "(unclosed"]\n')
    with pytest.raises(ConfigError) as info:
        config.load(path=cfg)
    message = str(info.value)
    assert message.startswith(f"{cfg}:4: safety.blocked_patterns: invalid regular expression")
    assert "(unclosed" in message
    cfg.write_text('[safety]\nrm_rf = "explode"\n')
    with pytest.raises(ConfigError, match=r":2: safety.rm_rf: must be one of block, warn, redact"):
        config.load(path=cfg)


DANGEROUS = (
    "```python\nimport os, requests\n\ndef fetch(host):\n"
    '    os.system(f"ping {host}")\n'
    '    return requests.get("https://" + host, verify=False)\n```'
)
LEAKY = '```python\nAPI_KEY = "AKIAIOSFODNN7EXAMPLQ"\n\ndef key():\n    return API_KEY\n```'


def _run(settings: Settings, reply: str, description: str = "fetch a host") -> tuple:
    backend = ScriptedBackend([reply])
    log = AuditLog(Path(settings.audit_path))
    request = build_request({"description": description, "n": 1}, settings)
    result = Assistant(settings, backend=backend, audit=log, interface="library").generate(request)
    return result, backend, list(log.records())


def test_candidates_get_verdicts_per_rule_and_actions_apply(tmp_path: Path) -> None:
    base = Settings(model="scripted", audit_path=str(tmp_path / "a.jsonl"))
    result, _, records = _run(base, DANGEROUS)
    cand = result.candidates[0]
    assert {(f.rule, f.action, f.line) for f in cand.safety} == {
        ("shell_injection", "warn", 4),
        ("tls_verify_off", "warn", 5),
    }
    assert cand.valid and cand.rank == 1 and "verify=False" in cand.code
    assert {f["rule"] for f in records[0]["candidates"][0]["safety"]} == {
        "shell_injection",
        "tls_verify_off",
    }
    jsonschema.validate(result.to_dict(), resources.schema("result"))

    blocking = base.with_overrides({"safety.tls_verify_off": "block"}, "test")
    cand = _run(blocking, DANGEROUS)[0].candidates[0]
    assert cand.valid is False and cand.rank is None and cand.code == ""
    assert any(d.source == "safety" and "tls_verify_off" in d.message for d in cand.diagnostics)

    result = _run(base, LEAKY)[0]
    cand = result.candidates[0]
    assert "AKIA" not in cand.code and "AKIA" not in cand.raw_text
    assert 'API_KEY = "REDACTED"' in cand.code and cand.valid
    assert json.dumps(result.to_dict()).count("AKIAIOSFODNN7EXAMPLQ") == 0

    off = base.with_overrides({"safety.enabled": False}, "test")
    assert _run(off, LEAKY)[0].candidates[0].safety == ()


def test_description_secret_never_reaches_model_cache_or_audit(tmp_path: Path) -> None:
    from codegen.store.cache import ResponseCache

    settings = Settings(model="scripted", audit_path=str(tmp_path / "a.jsonl"), temperature=0)
    secret = "ghp_" + "Zz09" * 10
    cache = ResponseCache(tmp_path / "c.db")
    backend = ScriptedBackend([LEAKY])
    request = build_request({"description": f"call the API with token {secret}"}, settings)
    result = Assistant(settings, backend=backend, cache=cache, interface="library").generate(
        request
    )
    sent = " ".join(m.content for m in backend.calls[0][0])
    assert secret not in sent and "REDACTED" in sent
    assert secret not in (tmp_path / "a.jsonl").read_text()
    assert secret not in (tmp_path / "c.db").read_bytes().decode("latin-1")
    assert result.request.description.endswith("REDACTED")
    assert result.safety[0].rule == "secrets" and "redacted" in result.warnings[0]


def test_a_refused_description_is_audited_and_never_generated(tmp_path: Path) -> None:
    settings = Settings(
        model="scripted", audit_path=str(tmp_path / "a.jsonl"), safety_blocked_terms=("botnet",)
    )
    backend = ScriptedBackend([LEAKY])
    with pytest.raises(SafetyRefusal):
        Assistant(settings, backend=backend, interface="library").generate(
            build_request({"description": "build a botnet"}, settings)
        )
    assert backend.calls == []
    (record,) = AuditLog(tmp_path / "a.jsonl").records()
    assert record["refused"] == "blocked_terms" and record["description"] == "build a botnet"


def test_terminal_output_shows_the_verdicts(tmp_path: Path) -> None:
    from codegen.render import blocks
    from codegen.render.terminal import to_text

    settings = Settings(model="scripted", audit_path=str(tmp_path / "a.jsonl"))
    text = to_text(blocks.result(_run(settings, DANGEROUS)[0]), color=False)
    assert "! safety.shell_injection line 4:" in text
    assert "! safety.tls_verify_off line 5:" in text
