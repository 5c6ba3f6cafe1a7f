from pathlib import Path

import pytest

from codegen import config
from codegen.errors import ConfigError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return path


def test_precedence_default_file_env_flag(tmp_path: Path) -> None:
    path = write(tmp_path, 'n = 5\ntemperature = 0.3\nmodel = "embedded-small"\n')
    settings = config.load({"temperature": 0.9}, path=path, environ={"CODEGEN_N": "7"})
    assert settings.n == 7 and settings.sources["n"] == "env"
    assert settings.temperature == 0.9 and settings.sources["temperature"] == "flag"
    assert settings.model == "embedded-small" and settings.sources["model"] == str(path)
    assert settings.top_p == 0.95 and settings.sources["top_p"] == "default"


def test_unknown_key_names_line_and_suggests(tmp_path: Path) -> None:
    path = write(tmp_path, "n = 2\n\ntemprature = 0.1\n")
    with pytest.raises(
        ConfigError,
        match=r"config.toml:3: unknown key 'temprature' \(did you "
        r"mean 'temperature'\?\)",
    ):
        config.load(path=path, environ={})


def test_wrong_type_names_key_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, '[openai]\ntimeout = "soon"\n')
    with pytest.raises(ConfigError, match=r"config.toml:2: openai.timeout: expected a float"):
        config.load(path=path, environ={})


def test_out_of_range_value(tmp_path: Path) -> None:
    path = write(tmp_path, "n = 0\n")
    with pytest.raises(ConfigError, match="n: must be in"):
        config.load(path=path, environ={})


def test_bad_env_value_names_variable(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="CODEGEN_TEMPERATURE"):
        config.load(path=tmp_path / "none.toml", environ={"CODEGEN_TEMPERATURE": "hot"})


def test_env_list_and_section_key(tmp_path: Path) -> None:
    settings = config.load(
        path=tmp_path / "none.toml",
        environ={"CODEGEN_LANGUAGES": "python, go", "CODEGEN_OPENAI_API_KEY": "sk-x"},
    )
    assert settings.languages == ("python", "go")
    assert settings.openai_api_key == "sk-x"
    rows = {k: (v, s) for k, v, s in config.show_rows(settings)}
    assert rows["openai.api_key"] == ("****", "env")


def test_invalid_toml_is_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="invalid TOML"):
        config.load(path=write(tmp_path, "n = = 1\n"), environ={})


def test_save_round_trips_and_keeps_other_keys(tmp_path: Path) -> None:
    path = write(tmp_path, "few_shot = 3\n")
    config.save({"n": 4, "languages": ["go"], "openai.timeout": 5.0}, path)
    settings = config.load(path=path, environ={})
    assert (settings.n, settings.languages, settings.few_shot) == (4, ("go",), 3)
    assert settings.openai_timeout == 5.0


def test_a_config_file_named_by_codegen_config_must_exist(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "nonexistent.toml"
    monkeypatch.setenv("CODEGEN_CONFIG", str(missing))
    with pytest.raises(ConfigError) as info:
        config.load(environ={})
    assert str(info.value) == f"{missing}: config file not found (named by CODEGEN_CONFIG)"
    assert info.value.exit_code == 2
    missing.write_text("n = 4\n")
    assert config.load(environ={}).n == 4


def test_the_default_config_file_may_be_absent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CODEGEN_CONFIG")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))  # platformdirs' user config dir
    settings = config.load(environ={})
    assert settings.n == config.Settings().n and settings.sources["n"] == "default"
