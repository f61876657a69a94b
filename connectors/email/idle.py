"""Waiting for new mail: IMAP IDLE, renewed often, on a line we keep testing.

A mailbox can sit quiet for hours, and a quiet TCP connection is exactly what
routers and proxies drop without telling either side. So the IDLE is ended and
re-issued every ``idle_timeout`` seconds; ending it (DONE) is answered at once by
a live server, and no answer within a few seconds means the line is dead and we
reconnect. Each slice of waiting runs in a worker thread for at most a second,
so cancelling the wait (the app closing) is never held up.
"""

from __future__ import annotations

import asyncio
import logging
import time

from connectors.base import TransientError

from .imap import ImapSession

logger = logging.getLogger(__name__)

SLICE = 1.0


#: Untagged responses that mean the folder changed: new mail, a message removed, or
#: flags set by another mail client (which CONDSTORE then reports to the store).
_CHANGES = {b"EXISTS", b"EXPUNGE", b"FETCH"}


def _has_changes(responses: list[object]) -> bool:
    return any(
        isinstance(r, tuple) and len(r) >= 2 and (r[1] in _CHANGES or r[0] == b"VANISHED") for r in responses
    )


async def idle_once(session: ImapSession, period: float, quit: asyncio.Event | None = None) -> bool:
    """IDLE on the selected folder for up to ``period`` seconds; True if it changed.

    ``quit`` ends the wait politely after the current slice (DONE, the line stays
    usable); cancelling ends it at once and drops the line.
    """
    client = session.client
    await asyncio.to_thread(session.run, "starting to wait for new mail", client.idle)
    changed = False
    try:
        end = time.monotonic() + period
        while not changed and not (quit is not None and quit.is_set()):
            left = end - time.monotonic()
            if left <= 0:
                break
            wait = min(SLICE, left)
            started = time.monotonic()
            responses = await asyncio.to_thread(
                session.run, "waiting for new mail", lambda w=wait: client.idle_check(timeout=w)
            )
            changed = _has_changes(responses)
            if not responses and time.monotonic() - started < wait / 2:
                # idle_check returns early and empty only when the server closed the line.
                raise TransientError(f"the IMAP server {session.host} closed the connection")
    except BaseException:
        session.shutdown()
        raise
    try:
        # DONE is answered immediately by a live server: this is our line check.
        _text, responses = await asyncio.to_thread(session.run, "renewing the wait", client.idle_done)
    except TransientError:
        if changed:
            session.shutdown()
            return True
        raise
    return changed or _has_changes(list(responses))
