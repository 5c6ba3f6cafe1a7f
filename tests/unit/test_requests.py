import pytest

from codegen.config import Settings
from codegen.errors import UsageError
from codegen.languages import LanguageSpec
from codegen.requests import build_request

S = Settings()


def test_defaults_come_from_settings() -> None:
    req = build_request({"description": "add two numbers"}, Settings(n=5, languages=("go",)))
    assert req.n == 5 and req.languages == (LanguageSpec("go"),) and req.model == "embedded"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"description": "  "}, "description: must be a non-empty text"),
        ({"description": "x", "n": 0}, r"n: must be in \[1, 64\], got 0"),
        ({"description": "x", "n": "65"}, r"n: must be in \[1, 64\], got 65"),
        ({"description": "x", "temperature": 2.5}, r"temperature: must be in \[0, 2\]"),
        ({"description": "x", "top_p": 0}, r"top_p: must be in \(0, 1\]"),
        ({"description": "x", "max_tokens": 0}, r"max_tokens: must be in \[1, 1048576\]"),
        ({"description": "x", "languages": ["klingon"]}, "unknown language 'klingon'"),
        ({"description": "x", "languages": ["python", "py"]}, "'python' is given twice"),
        ({"description": "x", "languages": ["python@2.7"]}, "languages: unknown python version"),
        ({"description": "x", "n": "two"}, "n: expected an integer"),
        ({"description": "x", "temprature": 1}, "did you mean 'temperature'"),
    ],
)
def test_bad_fields_name_the_field(fields: dict[str, object], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        build_request(fields, S, where="spec.yaml:3:5")


def test_where_prefix_and_comma_languages() -> None:
    req = build_request({"description": "x", "languages": ["python@3.8,js"]}, S)
    assert req.languages == (LanguageSpec("python", "3.8"), LanguageSpec("javascript"))
    assert req.to_dict()["languages"] == ["python@3.8", "javascript"]
    assert req.language_names == ("python", "javascript") and req.version_of("python") == "3.8"
    with pytest.raises(UsageError, match=r"^spec.yaml:3:5: n:"):
        build_request({"description": "x", "n": -1}, S, where="spec.yaml:3:5")


def test_tests_are_per_language() -> None:
    req = build_request({"description": "x", "languages": ["python"], "tests": "assert f()"}, S)
    assert req.tests == {"python": "assert f()"}
    with pytest.raises(UsageError, match=r"tests\.klingon"):
        build_request({"description": "x", "tests": {"klingon": "x"}}, S)
