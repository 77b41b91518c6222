"""The message catalog: every namespace speaks both languages with the same keys and fields."""
from __future__ import annotations

import string
from importlib import resources

import pytest
import yaml

from course.core import i18n

LOCALE = resources.files("course.core") / "locale"
NAMESPACES = sorted(p.name[:-5] for p in (LOCALE / "zh_CN").iterdir() if p.name.endswith(".yaml"))


def read(lang: str, namespace: str) -> dict:
    return yaml.safe_load((LOCALE / lang / f"{namespace}.yaml").read_text(encoding="utf-8")) or {}


def fields(text: str) -> set[str]:
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(str(text)) if name}


def test_found_the_namespaces():
    assert len(NAMESPACES) >= 25


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_both_languages_have_the_same_keys_and_fields(namespace):
    zh, en = read("zh_CN", namespace), read("en", namespace)
    assert sorted(set(zh) ^ set(en)) == [], f"keys in only one language of {namespace}.yaml"
    for key in zh:
        assert fields(zh[key]) == fields(en[key]), f"{namespace}.{key}: the two languages fill different fields"


def test_no_english_only_namespace():
    english = sorted(p.name[:-5] for p in (LOCALE / "en").iterdir() if p.name.endswith(".yaml"))
    assert english == NAMESPACES


def test_a_missing_key_fails_in_strict_mode(monkeypatch):
    monkeypatch.setenv("COURSE_STRICT_MESSAGES", "1")
    with pytest.raises(i18n.MissingMessage):
        i18n.t("data.no_such_key_anywhere")


def test_a_missing_key_falls_back_for_users(monkeypatch):
    monkeypatch.setenv("COURSE_STRICT_MESSAGES", "0")
    assert i18n.t("data.no_such_key_anywhere") == "data.no_such_key_anywhere"


def test_chinese_is_the_default(monkeypatch):
    monkeypatch.delenv("COURSE_LANG", raising=False)
    assert i18n.t("data.unknown_name", name="x", valid="a") != i18n._catalog("en")["data.unknown_name"].format(name="x", valid="a")
