import pytest

from codegen import languages
from codegen.errors import UsageError
from tests.unit.test_fewshot_bank import BUILTIN  # the general-purpose languages


def test_aliases_and_versions() -> None:
    assert languages.get("JS").name == "javascript"
    spec = languages.parse_language_spec(" Py@3.8 ")
    assert spec == languages.LanguageSpec("python", "3.8") and str(spec) == "python@3.8"
    assert str(languages.parse_language_spec("js")) == "javascript"
    java = languages.parse_language_spec("java@11")
    assert (java.language.name, java.version) == ("java", "11")


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("python@99", r"unknown python version '99'; valid versions: 3\.7, 3\.8, "),
        ("python@2.7", r"unknown python version '2\.7'; valid versions: 3\.7"),
        ("python@banana", r"unknown python version 'banana'; valid versions: 3\.7"),
        ("java@6", r"unknown java version '6'; valid versions: 8, 9, "),
        ("rust@2019", r"unknown rust version '2019'; valid versions: 2015, 2018, 2021, 2024"),
        ("c@c11", r"unknown c version 'c11' \(did you mean '11'\?\); valid versions: 89"),
        ("cpp@2a", r"unknown cpp version '2a'.*valid versions: 98, 03, 11, 14, 17, 20, 23"),
        ("javascript@es6", "language 'javascript' takes no version"),
    ],
)
def test_versions_are_checked_against_the_checkers(spec: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        languages.parse_language_spec(spec)


def test_every_listed_version_is_read_by_its_checker() -> None:
    """Each version the registry accepts reaches the checker as the option it documents."""
    from codegen.validation import reference

    assert reference.gcc_argv("gcc", "23")[-1] == "-std=c2x"
    assert reference.gcc_argv("gcc", "gnu11")[-1] == "-std=gnu11"
    assert reference.gcc_argv("g++", "17")[-1] == "-std=c++17"
    assert reference.java_release("11") == ["--release", "11"]
    assert "2018" in reference.rustc_argv("2018", "x.rs")
    for version in languages.PYTHON_VERSIONS:
        assert reference._python_version(version)[0] == 3
    match_stmt = "match x:\n    case 1:\n        pass\n"
    assert reference.check_python(match_stmt, "3.8", 5.0).status == "invalid"
    assert reference.check_python(match_stmt, "3.10", 5.0).status == "valid"


def test_unknown_language_lists_choices_and_suggests() -> None:
    with pytest.raises(UsageError) as err:
        languages.get("pyhton")
    text = str(err.value)
    assert "did you mean 'python'" in text and "valid languages:" in text and "rust" in text


def test_required_languages_present_with_grammar_and_lexer() -> None:
    from pygments.lexers import get_lexer_by_name

    from codegen import parsing

    for name in BUILTIN:
        lang = languages.get(name)
        get_lexer_by_name(lang.pygments_lexer)
        assert parsing.ts_language(name) is not None, name


def test_extension_and_fence_lookup() -> None:
    assert languages.from_extension("a/b/Main.java").name == "java"
    assert languages.from_extension("x.hpp").name == "cpp"
    assert languages.from_fence_tag("py3").name == "python"
    assert languages.from_fence_tag("markdown") is None


def test_empty_version_rejected() -> None:
    with pytest.raises(UsageError, match="empty version"):
        languages.parse_language_spec("python@")
