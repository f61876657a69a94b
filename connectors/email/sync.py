"""Incremental import: the cursor and the blocking steps behind ``fetch``.

The cursor records, per folder, UIDVALIDITY, the last UID handed to the store
and HIGHESTMODSEQ. UIDs are only meaningful within one UIDVALIDITY: when the
server changes it, the folder is read again from the start, and the store
recognises what it already has by Message-ID (our external ID), so the mailbox
neither loses nor duplicates a message. HIGHESTMODSEQ (CONDSTORE) is where the
next sync asks for flags changed meanwhile (see .flags).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from connectors.base import BatchItem, ItemUpdate, TransientError

from .flags import flag_updates, message_flags
from .imap import FolderState, ImapSession
from .parsepool import RawMessage, parse_all

logger = logging.getLogger(__name__)

CURSOR_VERSION = 1
MAX_BATCH_BYTES = 32 * 1024 * 1024


@dataclass
class FolderCursor:
    uidvalidity: int
    uid: int = 0
    modseq: int | None = None
    #: First day imported when the first sync was limited; None: the whole history.
    since: str | None = None


def load_cursor(text: str | None) -> dict[str, FolderCursor]:
    if not text:
        return {}
    try:
        data = json.loads(text)
        folders = data.get("folders", {}) if isinstance(data, dict) else {}
        return {
            str(name): FolderCursor(
                int(st["uidvalidity"]),
                int(st.get("uid", 0)),
                int(st["modseq"]) if st.get("modseq") is not None else None,
                str(st["since"]) if st.get("since") else None,
            )
            for name, st in folders.items()
        }
    except (ValueError, TypeError, KeyError, AttributeError):
        # A cursor we cannot read means "start over"; Message-IDs prevent duplicates.
        logger.warning("unreadable email sync cursor; reading the mailbox again")
        return {}


def dump_cursor(states: dict[str, FolderCursor]) -> str:
    return json.dumps(
        {
            "v": CURSOR_VERSION,
            "folders": {
                name: {"uidvalidity": st.uidvalidity, "uid": st.uid, "modseq": st.modseq, "since": st.since}
                for name, st in sorted(states.items())
            },
        },
        separators=(",", ":"),
    )


@dataclass
class FolderPlan:
    folder: str
    state: FolderState
    uids: list[int]
    sizes: dict[int, int]
    restart: bool
    since: str | None
    #: Flags changed by other mail clients since the cursor (CONDSTORE).
    updates: list[ItemUpdate] = field(default_factory=list)


def plan_folder(
    session: ImapSession, folder: str, known: FolderCursor | None, first_sync_days: int
) -> FolderPlan:
    """Which UIDs of ``folder`` the store does not have yet (blocking).

    New mail comes first; older mail follows when the admin widened ``first_sync_days``
    after a limited first sync (the back-fill). IMAP's SINCE and BEFORE both look at
    the server's arrival date, so the two windows meet without a gap or an overlap.
    """
    state = session.select(folder)
    window = (datetime.now(UTC) - timedelta(days=first_sync_days)).date() if first_sync_days > 0 else None
    restart = known is None or known.uidvalidity != state.uidvalidity
    if known is not None and restart:
        logger.info("folder %s changed its UIDVALIDITY; reading it again", folder)
    updates: list[ItemUpdate] = []
    if restart:
        uids = session.search_uids([b"SINCE", window] if window else [b"ALL"])
        since = window.isoformat() if window else None
    else:
        assert known is not None
        updates = flag_updates(session, folder, known.uid, known.modseq, state)
        # "n:*" always includes the highest UID, even when it is below n.
        uids = [u for u in session.search_uids([b"UID", f"{known.uid + 1}:*"]) if u > known.uid]
        since = known.since
        if known.since is not None and (window is None or window < date.fromisoformat(known.since)):
            older: list[Any] = [b"BEFORE", date.fromisoformat(known.since)]
            if window:
                older += [b"SINCE", window]
            uids += [u for u in session.search_uids(older) if u <= known.uid]
            since = window.isoformat() if window else None
    sizes: dict[int, int] = {}
    if uids:
        fetched = session.run("measuring new messages", lambda: session.client.fetch(uids, [b"RFC822.SIZE"]))
        sizes = {int(uid): int(data.get(b"RFC822.SIZE", 0)) for uid, data in fetched.items()}
        uids = [u for u in uids if u in sizes]
    return FolderPlan(folder, state, uids, sizes, restart, since, updates)


def chunks(plan: FolderPlan, count: int) -> list[list[int]]:
    """Batches of at most ``count`` messages and about MAX_BATCH_BYTES (at least one)."""
    out: list[list[int]] = []
    current: list[int] = []
    size = 0
    for uid in plan.uids:
        message_size = plan.sizes.get(uid, 0)
        if current and (len(current) >= count or size + message_size > MAX_BATCH_BYTES):
            out.append(current)
            current, size = [], 0
        current.append(uid)
        size += message_size
    if current:
        out.append(current)
    return out


def download_chunk(session: ImapSession, folder: str, uidvalidity: int, uids: list[int]) -> list[RawMessage]:
    """Download one batch (blocking); messages expunged meanwhile are skipped."""
    if session.selected != folder:
        state = session.select(folder)
        if state.uidvalidity != uidvalidity:
            raise TransientError(
                f"folder {folder!r} was rebuilt on the server during the import; it will be read again"
            )
    fetched = session.fetch_raw(uids)
    out: list[RawMessage] = []
    for uid in uids:
        data: dict[bytes, Any] | None = fetched.get(uid)
        if not data:
            continue
        raw = data.get(b"BODY[]") or b""
        internaldate = data.get(b"INTERNALDATE")
        flags = message_flags(data.get(b"FLAGS"))
        when = internaldate if isinstance(internaldate, datetime) else None
        offset = when.utcoffset() if when is not None else None
        if when is not None and offset is not None:
            # imapclient's own time zone class cannot travel to the parsing helper.
            when = when.replace(tzinfo=timezone(offset))
        out.append(RawMessage(bytes(raw), uid, when, flags))
    return out


def fetch_chunk(
    session: ImapSession, folder: str, uidvalidity: int, uids: list[int], own_address: str
) -> list[BatchItem]:
    """Download and parse one batch (blocking)."""
    return parse_all(download_chunk(session, folder, uidvalidity, uids), own_address, folder)
