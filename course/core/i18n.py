"""The kit's one message catalog.

Every trainee- or trainer-facing sentence lives in ``course/core/locale/<lang>/<namespace>.yaml``; code
asks for it by key, e.g. ``t("data.unknown_name", name="x", valid="a、b")``. Simplified Chinese is
the default language; English is the second one and the fallback for a missing key.
"""
from __future__ import annotations

import os
from functools import cache
from importlib import resources

DEFAULT_LANG = "zh_CN"
FALLBACK_LANG = "en"


def current_lang() -> str:
    return os.environ.get("COURSE_LANG", DEFAULT_LANG)


@cache
def _catalog(lang: str) -> dict[str, str]:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    flat: dict[str, str] = {}
    folder = resources.files("course.core") / "locale" / lang
    if not folder.is_dir():
        return flat
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if not entry.name.endswith(".yaml"):
            continue
        namespace = entry.name[: -len(".yaml")]
        data = yaml.load(entry.read_text(encoding="utf-8"), Loader=loader) or {}
        for key, text in data.items():
            flat[f"{namespace}.{key}"] = str(text)
    return flat


def strict() -> bool:
    """Tests (and CI) set COURSE_STRICT_MESSAGES=1: a key missing from the current language fails."""
    return os.environ.get("COURSE_STRICT_MESSAGES") == "1"


def has(key: str) -> bool:
    """Whether the current language's catalog holds ``key`` (for optional labels)."""
    return key in _catalog(current_lang())


def messages(prefix: str) -> dict[str, str]:
    """Every message whose key starts with ``prefix`` (full key -> text) in the current language,
    English filling any key it lacks: for a page that needs a whole group of texts at once."""
    merged = {**_catalog(FALLBACK_LANG), **_catalog(current_lang())}
    return {key: text for key, text in merged.items() if key.startswith(prefix)}


class MissingMessage(KeyError):
    """A catalog key the current language lacks (raised only in strict mode)."""


def t(key: str, /, **fields: object) -> str:
    """The message ``key`` in the current language, with ``{fields}`` filled in.

    Outside strict mode a missing key falls back to English, then to the bare key, so that a
    classroom never stops on a gap in the catalog; in strict mode it raises ``MissingMessage``.
    """
    langs = (current_lang(),) if strict() else (current_lang(), FALLBACK_LANG)
    for lang in langs:
        text = _catalog(lang).get(key)
        if text is not None:
            return text.format(**fields) if fields else text
    if strict():
        raise MissingMessage(f"{key} is missing from course/core/locale/{current_lang()}/")
    return key


class CourseError(Exception):
    """An error meant for a person: its text is already a complete, translated sentence."""

    def __init__(self, key: str, /, **fields: object):
        self.key = key
        self.fields = fields
        super().__init__(t(key, **fields))


def choices(items) -> str:
    """Join valid choices the Chinese way, for messages that list them."""
    return "、".join(str(i) for i in items)
