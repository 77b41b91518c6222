"""The one glossary (``glossary.yaml``): each term's Chinese name, code name, definition, display
format and the wordings that must not be used. Tables shown to trainees take their headers from here
(see ``course.core.display``); a test keeps lessons, masters and the catalog free of the variants."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

FORMATS = ("percent", "yuan", "int", "days", "hours", "score", "ratio", "flag")


@dataclass(frozen=True)
class Term:
    code: str
    zh: str
    definition: str
    fmt: str | None = None
    variants: tuple[str, ...] = field(default_factory=tuple)


@lru_cache(maxsize=1)
def terms() -> dict[str, Term]:
    """Every term by its code name."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    text = (resources.files("course.core") / "glossary.yaml").read_text(encoding="utf-8")
    raw = yaml.load(text, Loader=loader) or {}
    return {str(code): Term(str(code), str(entry["zh"]), str(entry["def"]), entry.get("fmt"),
                            tuple(entry.get("variants") or ()))
            for code, entry in raw.items()}


def label(code) -> str:
    """The Chinese header for a column called ``code``; anything not in the glossary unchanged."""
    term = terms().get(code) if isinstance(code, str) else None
    return term.zh if term else code


def display_format(code) -> str | None:
    term = terms().get(code) if isinstance(code, str) else None
    return term.fmt if term else None


def variants() -> dict[str, str]:
    """Each wording that must not be used -> the term to use instead."""
    return {variant: term.zh for term in terms().values() for variant in term.variants}
