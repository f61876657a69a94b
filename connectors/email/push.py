"""Push on every configured folder: one IMAP connection waiting in IDLE per folder.

IDLE only reports on the folder a connection has selected, and one connection can
select one folder. Mature clients that push more than the inbox (K-9 Mail's push
folders, Apple Mail, Thunderbird with "check all folders") therefore keep one
IDLE connection per pushed folder. NOTIFY (RFC 5465) would watch all folders on
one line, but few servers offer it (not Gmail, Outlook or iCloud), so it cannot
be what a service desk relies on. Servers cap connections per user (Dovecot 10,
Gmail 15 per address), and the import and replies need one more: the first
``MAX_IDLE_FOLDERS`` folders get a waiting connection each, and any folders past
that are checked with STATUS every ``poll_interval`` seconds by the first
folder's connection, as is every folder when the server has no IDLE at all.

A wait ends as soon as any folder has news (or its caller cancels it); the
connections finish their current second of waiting in the background, end their
IDLE politely and stay logged in for the next wait, so new mail in one folder, or
a reply to send, does not cost every folder a login.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from connectors.base import TransientError

from .credentials import Credentials
from .idle import idle_once
from .imap import FolderState, ImapSession
from .settings import EmailSettings
from .sync import FolderCursor

logger = logging.getLogger(__name__)

#: Folders with a waiting connection of their own; later ones are polled.
MAX_IDLE_FOLDERS = 5


def folder_news(state: FolderState, known: FolderCursor | None) -> bool:
    """True when a folder has mail beyond the cursor, was rebuilt, or (CONDSTORE)
    changed flags or lost messages since the cursor's HIGHESTMODSEQ."""
    if known is None or known.uidvalidity != state.uidvalidity:
        return True
    if state.uidnext and state.uidnext - 1 > known.uid:
        return True
    return state.highestmodseq is not None and known.modseq is not None and state.highestmodseq > known.modseq


class FolderWatch:
    """One folder and the connection that waits on it."""

    def __init__(self, settings: EmailSettings, credentials: Credentials, folder: str) -> None:
        self.settings = settings
        self.credentials = credentials
        self.folder = folder
        self.session: ImapSession | None = None
        #: Held while the connection is in use; a wait that is winding down keeps it
        #: until its IDLE has ended, so the next wait finds the line ready.
        self.lock = asyncio.Lock()

    async def connect(self) -> ImapSession:
        if self.session is None:
            s = self.settings
            # A failure to connect is the caller's to retry with backoff.
            read_timeout = min(15.0, max(1.0, s.idle_timeout / 2))
            self.session = await self.credentials.login(
                lambda secret: ImapSession(s, secret, read_timeout=read_timeout)
            )
        return self.session

    async def wait(
        self, states: dict[str, FolderCursor], polled: tuple[str, ...], deadline: float, quit: asyncio.Event
    ) -> bool:
        """Until news in this folder (or, by STATUS, in ``polled``), ``deadline`` or ``quit``."""
        loop = asyncio.get_running_loop()
        s = self.settings
        async with self.lock:
            reconnects = 0
            while True:
                left = deadline - loop.time()
                if left <= 0 or quit.is_set():
                    return False
                session = await self.connect()
                try:
                    state = await asyncio.to_thread(session.select, self.folder)
                    if folder_news(state, states.get(self.folder)):
                        return True
                    for other in polled:
                        other_state = await asyncio.to_thread(session.status, other)
                        if folder_news(other_state, states.get(other)):
                            return True
                    idle = session.client.has_capability("IDLE")
                    period = min(left, float(s.idle_timeout if idle else s.poll_interval))
                    if polled:
                        period = min(period, float(s.poll_interval))
                    if idle:
                        if await idle_once(session, period, quit):
                            return True
                    else:
                        with contextlib.suppress(asyncio.TimeoutError):
                            await asyncio.wait_for(quit.wait(), period)
                except TransientError:
                    # A line that worked and then died: reconnect and look again.
                    self.drop()
                    reconnects += 1
                    if reconnects > 3:
                        raise
                    logger.info(
                        "the IMAP connection waiting on %s at %s was lost; reconnecting",
                        self.folder,
                        s.imap_host,
                    )
                except BaseException:
                    self.drop()
                    raise

    def drop(self) -> None:
        session, self.session = self.session, None
        if session is not None:
            session.shutdown()


class Push:
    """The waiting side of an email account: a :class:`FolderWatch` per pushed folder."""

    def __init__(self, settings: EmailSettings, credentials: Credentials) -> None:
        self.settings = settings
        self.credentials = credentials
        self.watches: dict[str, FolderWatch] = {}
        self._winding_down: set[asyncio.Task[bool]] = set()
        #: Learned from the first connection: without IDLE one connection polls all.
        self.idle_offered: bool | None = None

    def _watch(self, folder: str) -> FolderWatch:
        if folder not in self.watches:
            self.watches[folder] = FolderWatch(self.settings, self.credentials, folder)
        return self.watches[folder]

    async def wait(self, states: dict[str, FolderCursor], timeout: float) -> bool:
        folders = self.settings.folders
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        first = self._watch(folders[0])
        if self.idle_offered is None:
            async with first.lock:
                session = await first.connect()
            self.idle_offered = session.client.has_capability("IDLE")
        pushed = folders[:MAX_IDLE_FOLDERS] if self.idle_offered else folders[:1]
        polled = tuple(f for f in folders if f not in pushed)
        quit = asyncio.Event()
        tasks = [
            asyncio.ensure_future(
                self._watch(folder).wait(states, polled if index == 0 else (), deadline, quit)
            )
            for index, folder in enumerate(pushed)
        ]
        try:
            pending = set(tasks)
            while pending:
                done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                for task in done:
                    if task.result():
                        return True
            return False
        finally:
            # Whatever ended this wait (news, an error, the caller cancelling it to send
            # a reply), the other folders end their IDLE within a second, in the
            # background, and keep their logged-in lines: a reply sent every minute
            # must not cost the server five logins a minute. close() cuts them off.
            quit.set()
            for task in tasks:
                if not task.done():
                    self._winding_down.add(task)
                    task.add_done_callback(self._wound_down)
                elif not task.cancelled():
                    task.exception()  # seen: a second folder's error after the first's news

    def _wound_down(self, task: asyncio.Task[bool]) -> None:
        self._winding_down.discard(task)
        if not task.cancelled() and task.exception() is not None:
            # The next wait reconnects that folder; the error itself was for nobody.
            logger.info("a folder's waiting connection ended with: %s", task.exception())

    async def close(self) -> None:
        for task in list(self._winding_down):
            task.cancel()
        for task in list(self._winding_down):
            with contextlib.suppress(BaseException):
                await task
        for watch in self.watches.values():
            watch.drop()
        self.watches.clear()
