import pytest

from codegen import languages
from codegen.errors import UsageError
from tests.unit.test_fewshot_bank import BUILTIN  # the general-purpose languages


def test_aliases_and_versions() -> None:
    assert languages.get("JS").name == "javascript"
    assert languages.canonical("py@3.8") == "python@3.8"
    lang, version = languages.parse_language_spec("java@11")
    assert (lang.name, version) == ("java", "11")


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
