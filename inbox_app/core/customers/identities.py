"""Normalizing customer identifiers so the same person is one customer.

Only exact, normalized identifiers are matched automatically; anything fuzzier
(similar names, a phone number without a country) is at most suggested.
"""

from __future__ import annotations

import re
import unicodedata
from email.utils import parseaddr

from inbox_app.core.vocab import IdentityKind

KINDS = tuple(IdentityKind)


def fold(value: str) -> str:
    """Lower-case and strip accents, as the indexes do ("Perché" -> "perche")."""
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


class InvalidIdentity(ValueError):
    """The value cannot be an identifier of that kind; the message says why."""


_MATRIX = re.compile(r"^@[^:\s]+:[A-Za-z0-9.\-\[\]:]+$")
_MASTODON = re.compile(r"^@?([A-Za-z0-9_.\-]+)@([A-Za-z0-9.\-]+\.[A-Za-z]{2,}|localhost(:\d+)?)$")


def normalize(kind: str, value: str, *, default_region: str | None = None) -> str:
    """The canonical form of ``value`` for ``kind``.

    email: the lower-cased addr-spec; phone: E.164; mastodon: ``@user@instance``
    lower-cased; matrix: the user ID as is (stripped); telegram and review: the
    platform's ID, stripped.
    """
    text = (value or "").strip()
    if not text:
        raise InvalidIdentity(f"an empty {kind} identifier")
    if kind == IdentityKind.EMAIL:
        _name, addr = parseaddr(text)
        addr = addr.strip().lower()
        if "@" not in addr or addr.startswith("@") or addr.endswith("@") or " " in addr:
            raise InvalidIdentity(f"not an email address: {text!r}")
        return addr
    if kind == IdentityKind.PHONE:
        import phonenumbers  # on first use: ~45 ms of imports the window's start does without

        try:
            number = phonenumbers.parse(text, default_region)
        except phonenumbers.NumberParseException:
            raise InvalidIdentity(f"not a phone number with a country code: {text!r} (write it as +39 ...)")
        if not phonenumbers.is_possible_number(number):
            raise InvalidIdentity(f"not a possible phone number: {text!r}")
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if kind == IdentityKind.MATRIX:
        if not _MATRIX.match(text):
            raise InvalidIdentity(f"not a Matrix user ID (@user:server): {text!r}")
        return text
    if kind == IdentityKind.MASTODON:
        match = _MASTODON.match(text)
        if not match:
            raise InvalidIdentity(f"not a Mastodon account (@user@instance): {text!r}")
        return f"@{match.group(1)}@{match.group(2)}".lower()
    if kind in (IdentityKind.TELEGRAM, IdentityKind.REVIEW):
        return text
    raise InvalidIdentity(f"unknown identity kind {kind!r} (known: {', '.join(KINDS)})")


def try_normalize(kind: str, value: str, *, default_region: str | None = None) -> str | None:
    try:
        return normalize(kind, value, default_region=default_region)
    except InvalidIdentity:
        return None


_SUBJECT_PREFIX = re.compile(
    r"^\s*((re|r|aw|sv|vs|antw|rif|fw|fwd|i|inoltro|tr|wg)\s*(\[\d+\])?\s*:\s*)+", re.IGNORECASE
)


def normalize_subject(subject: str | None) -> str | None:
    """A subject without reply/forward prefixes (Re:, R:, Fwd:, I: ...), case folded."""
    if not subject:
        return None
    text = _SUBJECT_PREFIX.sub("", subject)
    text = re.sub(r"\s+", " ", text).strip().casefold()
    return text[:500] or None


_LETTERS = re.compile(r"[^\W\d_]+")
# A "name" holding these is an identifier a customer was named after for want of a name
# (an address, a handle, a number): two of them alike say nothing about a person.
_IDENTIFIER_HINTS = re.compile(r"[@:/+]|\d{3}")


def name_key(name: str | None) -> str | None:
    """The name folded for comparison: case, accents and word order do not count
    ("ROSSI Niccolò" and "Niccolo Rossi" are one key). None where the name cannot tell
    a person apart: fewer than two words of two letters, or an identifier."""
    if not name or _IDENTIFIER_HINTS.search(name):
        return None
    words = _LETTERS.findall(fold(name))
    if sum(len(w) >= 2 for w in words) < 2:
        return None
    return " ".join(sorted(words))[:300]
