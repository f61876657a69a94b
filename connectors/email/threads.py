"""Message-IDs, threading keys and reply subjects.

The store threads by the external IDs we hand it, so every Message-ID must come
out of here in one spelling: angle brackets kept, folding whitespace removed,
case kept exactly (the local part is case sensitive).
"""

from __future__ import annotations

import re

_ID = re.compile(r"<([^<>]*)>")
_WS = re.compile(r"\s+")

# "Re:" in the languages our customers write in, plus the bracketed counters some
# clients add ("Re[2]:"); stripped repeatedly so that a reply never says "Re: Re:".
_REPLY_PREFIX = re.compile(
    r"^\s*(?:(?:re|r|aw|sv|vs|antw|ref|réf|rif|odp)"
    r"(?:\s*\[\d+\]|\s*\(\d+\))?\s*[:：]\s*)+",
    re.IGNORECASE,
)


def message_ids(value: str | None) -> list[str]:
    """Every ``<id>`` in a Message-ID / In-Reply-To / References header, in order."""
    if not value:
        return []
    found = []
    for match in _ID.finditer(value):
        inner = _WS.sub("", match.group(1))
        if inner:
            found.append(f"<{inner}>")
    return found


def normalize_message_id(value: str | None) -> str | None:
    """The one Message-ID of a header, or None when it has none we can use."""
    if not value:
        return None
    ids = message_ids(value)
    if ids:
        return ids[0]
    # Some generators forget the brackets; a single bare token is still an ID.
    bare = value.strip()
    if bare and not _WS.search(bare) and "@" in bare:
        return f"<{bare}>"
    return None


def thread_root(own_id: str, in_reply_to: str | None, references: list[str]) -> str:
    """The thread key: the first reference is the conversation's first message."""
    if references:
        return references[0]
    if in_reply_to:
        return in_reply_to
    return own_id


def strip_reply_prefixes(subject: str | None) -> str:
    if not subject:
        return ""
    return _REPLY_PREFIX.sub("", _WS.sub(" ", subject)).strip()


def reply_subject(subject: str | None) -> str:
    """``Re: <original>`` exactly once, however many prefixes the thread collected."""
    base = strip_reply_prefixes(subject)
    return f"Re: {base}" if base else "Re:"


def references_for_reply(references: tuple[str, ...], in_reply_to: str | None) -> list[str]:
    """References of a reply: the parent's references, then the parent, no repeats."""
    out: list[str] = []
    for ref in (*references, *((in_reply_to,) if in_reply_to else ())):
        ref_id = normalize_message_id(ref)
        if ref_id and ref_id not in out:
            out.append(ref_id)
    return out
