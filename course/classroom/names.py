"""Display names and PINs: what a trainee may type, and the safe account name behind it.

Trainees type any human name (张三, Anna Li); the hub and Unix only ever see ``t`` + a hash, so a
name can never collide with a system account (root, trainer) nor break a URL or a file name.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import re
import unicodedata

from course.core.i18n import CourseError

TRAINER = "trainer"
MAX_NAME = 20
PIN_RULE = re.compile(r"^[0-9A-Za-z]{4,12}$")
EXTRA_OK = set(" ·-_.'")


def clean_display_name(raw: str) -> str:
    """The display name as stored and shown, or a CourseError saying in Chinese what to fix."""
    name = " ".join(unicodedata.normalize("NFKC", raw or "").split())
    if not name:
        raise CourseError("classroom.name_empty")
    if "/" in name or "\\" in name:
        raise CourseError("classroom.name_slash")
    if len(name) > MAX_NAME:
        raise CourseError("classroom.name_too_long", max=MAX_NAME, count=len(name))
    bad = sorted({ch for ch in name if not (ch in EXTRA_OK or unicodedata.category(ch)[0] in "LN")})
    if bad:
        raise CourseError("classroom.name_bad_chars", chars=" ".join(bad))
    if name.casefold() == TRAINER:
        raise CourseError("classroom.name_reserved")
    return name


def account_name(display: str) -> str:
    """A stable, safe hub and Unix account for a display name (case-insensitive)."""
    return "t" + hashlib.sha256(display.casefold().encode("utf-8")).hexdigest()[:12]


def check_pin_format(pin: str) -> str:
    pin = (pin or "").strip()
    if not pin:
        raise CourseError("classroom.pin_empty")
    if not PIN_RULE.match(pin):
        raise CourseError("classroom.pin_format")
    return pin


def hash_pin(pin: str, salt: bytes | None = None) -> str:
    salt = salt or os.urandom(16)
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode("utf-8"), salt, 60_000)
    return salt.hex() + ":" + digest.hex()


def pin_matches(pin: str, stored: str) -> bool:
    salt, _ = stored.split(":", 1)
    return hmac.compare_digest(hash_pin(pin, bytes.fromhex(salt)), stored)


def same_secret(given: str, expected: str) -> bool:
    return hmac.compare_digest((given or "").encode("utf-8"), (expected or "").encode("utf-8"))
