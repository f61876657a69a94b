"""Flags other mail clients changed (CONDSTORE), reported without fetching bodies.

A service desk often has a second mail client on the same mailbox: a colleague
reads, answers, flags or deletes a message there. Where the server offers
CONDSTORE, every folder's cursor keeps HIGHESTMODSEQ, and one
``UID FETCH 1:<last> (FLAGS) (CHANGEDSINCE <modseq>)`` lists exactly the messages
whose flags changed since, with their current flags. Each becomes an ``ItemUpdate``
of kind ``flags`` for the message with that Message-ID (our external ID), which
only the message's header tells, so only that header line is fetched. A message
without a Message-ID is known by the digest of its bytes: for those rare ones
(robots, broken mailers) the message itself is fetched again.

Expunged messages (another client deleted and expunged, or moved, them) are not
reported here: once gone from the server nothing says which of our messages a
vanished UID was, and the store does not keep IMAP UIDs to look them up.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email import policy
from email.parser import BytesHeaderParser
from typing import Any

from connectors.base import ItemUpdate

from .imap import FolderState, ImapSession
from .mimetext import header_text
from .parse import raw_digest_id
from .threads import normalize_message_id
from .wire import uid_fetch

#: UIDs per FETCH of Message-ID headers.
CHUNK = 500

_HEADERS = BytesHeaderParser(policy=policy.compat32)


def flag_updates(
    session: ImapSession, folder: str, last_uid: int, modseq: int | None, state: FolderState
) -> list[ItemUpdate]:
    """Flag changes of already imported messages (UID <= ``last_uid``) since ``modseq``
    (blocking; ``folder`` is selected)."""
    if (
        modseq is None
        or state.highestmodseq is None
        or state.highestmodseq <= modseq
        or last_uid <= 0
        or not session.client.has_capability("CONDSTORE")
    ):
        return []
    with session.errors(f"reading changed flags in {folder!r}"):
        changed = uid_fetch(session.client, f"1:{last_uid}", [b"FLAGS"], f"(CHANGEDSINCE {modseq})")
    flags = {uid: _flags(data) for uid, data in changed.items() if uid <= last_uid and b"FLAGS" in data}
    if not flags:
        return []
    ids = _external_ids(session, sorted(flags))
    now = datetime.now(UTC)
    # Where the message lives goes with it: two different messages may carry one
    # Message-ID, and only the folder and UID tell which of them changed.
    return [
        ItemUpdate(
            target_external_id=ids[uid],
            kind="flags",
            flags=flags[uid],
            at=now,
            meta={"folder": folder, "uid": uid},
        )
        for uid in sorted(flags)
        if uid in ids
    ]


def message_flags(flags: Any) -> tuple[str, ...]:
    """Flags as text, without \\Recent: that one only says which IMAP session saw a
    message first (and IMAP4rev2 dropped it), not anything a person did."""
    texts = (f.decode("ascii", "replace") if isinstance(f, bytes) else str(f) for f in flags or ())
    return tuple(f for f in texts if f.lower() != "\\recent")


def _flags(data: dict[bytes, Any]) -> tuple[str, ...]:
    return message_flags(data.get(b"FLAGS"))


def _external_ids(session: ImapSession, uids: list[int]) -> dict[int, str]:
    """The external ID each message got when it was imported (see parse_message)."""
    ids: dict[int, str] = {}
    digests: list[int] = []
    for start in range(0, len(uids), CHUNK):
        part = uids[start : start + CHUNK]
        with session.errors("reading Message-IDs"):
            fetched = uid_fetch(session.client, part, [b"BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"])
        for uid in part:
            data = fetched.get(uid)
            if data is None:
                continue  # expunged meanwhile
            header = next((v for k, v in data.items() if k.startswith(b"BODY[HEADER")), None)
            message_id = None
            if isinstance(header, bytes):
                parsed = _HEADERS.parsebytes(header)
                message_id = normalize_message_id(header_text(parsed.get("Message-ID")))
            if message_id:
                ids[uid] = message_id
            else:
                digests.append(uid)
    for start in range(0, len(digests), CHUNK):
        raws = session.fetch_raw(digests[start : start + CHUNK])
        for uid, data in raws.items():
            raw = data.get(b"BODY[]")
            if isinstance(raw, bytes):
                ids[uid] = raw_digest_id(raw)
    return ids
