"""The email channel: IMAP import with push, SMTP replies, Sent-folder bookkeeping.

``EmailConnector`` is registered as the ``email`` entry point of the
``inbox_app.connectors`` group. Blocking imapclient and smtplib calls run in
worker threads; one IMAP connection serves import and Sent-folder work (under a
lock); each configured folder has a connection of its own waiting in IDLE (see .push).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import time
from collections.abc import AsyncIterator, Callable, Mapping
from datetime import UTC, datetime
from typing import Any, ClassVar, TypeVar

from connectors.base import (
    Batch,
    BatchItem,
    BrokenItem,
    Capabilities,
    Channel,
    ConnectorError,
    Discovers,
    Discovery,
    DiscoveryOptions,
    ExplainsSecret,
    FindsSent,
    InboundItem,
    KeepsTokens,
    MakesIdempotencyKeys,
    NamesItself,
    OutboundReply,
    ParsesRaw,
    PermanentError,
    Progress,
    SendResult,
    SettingsError,
    SettingSpec,
    SignsIn,
    TransientError,
)

from . import smtp
from .autodetect import detect
from .credentials import Credentials, SignsInWithOAuth
from .imap import ImapSession
from .lookup import STANDARD_PORTS, Network
from .parse import parse_message
from .parsepool import Parser
from .push import Push
from .settings import SCHEMA, EmailSettings, new_message_id, parse_settings
from .sync import (
    FolderCursor,
    FolderPlan,
    chunks,
    download_chunk,
    dump_cursor,
    load_cursor,
    plan_folder,
)

__all__ = ["EmailConnector"]

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: Seconds of silence after which the shared connection is checked before use.
STALE_AFTER = 60.0


class EmailConnector(
    SignsInWithOAuth,
    ExplainsSecret,
    NamesItself,
    Discovers,
    FindsSent,
    ParsesRaw,
    MakesIdempotencyKeys,
    KeepsTokens,
    SignsIn,
):
    kind: ClassVar[str] = "email"
    channel: ClassVar[Channel] = "email"
    capabilities: ClassVar[Capabilities] = Capabilities(
        max_length=None, html=True, attachments=True, public=False, private=True, subject=True
    )
    needs_secret: ClassVar[bool] = True
    secret_help: ClassVar[str] = "the mailbox password (or an app password where the provider asks for one)"
    title: ClassVar[str] = "Email (IMAP and SMTP)"
    secret_label: ClassVar[str] = "Password"
    #: Signing in with OAuth, the secret's field takes the client secret some providers give.
    asks_client_secret: ClassVar[bool] = True
    settings_schema: ClassVar[tuple[SettingSpec, ...]] = SCHEMA

    #: Messages per batch: big enough to amortise a round trip, small enough that a
    #: batch commits in well under a second.
    batch_size: int = 250
    #: From this many new messages on, a helper process parses while we store.
    parse_helper_from: int = 1000
    #: Batches downloaded and parsed ahead of the one being stored. One is enough:
    #: the store takes longer per batch than downloading and parsing one.
    fetch_ahead: int = 1

    def __init__(self, settings: Mapping[str, Any], secret: str | None = None) -> None:
        self.settings: EmailSettings = parse_settings(settings)
        self._credentials = Credentials(self.settings, secret)
        self._session: ImapSession | None = None
        self._used = 0.0
        self._lock = asyncio.Lock()
        self._push = Push(self.settings, self._credentials)
        self._on_credentials: Callable[[str], None] | None = None
        self._sent_folder: str | None = None
        self._sent: dict[str, SendResult] = {}

    discovers_from: ClassVar[str] = "address"

    @classmethod
    async def discover(cls, settings: Mapping[str, Any], options: DiscoveryOptions) -> Discovery:
        """The servers of the account's address, as Thunderbird finds them (see .autodetect)."""
        address = str(settings.get("address") or "")
        network = Network(dns_server=options.dns_server, tls=options.tls, timeout=options.timeout)
        if options.ports:
            network = Network(
                dns_server=options.dns_server,
                ports={**STANDARD_PORTS, **options.ports},
                tls=options.tls,
                timeout=options.timeout,
            )
        try:
            result = await detect(address, ispdb_url=options.ispdb_url, network=network)
        except ValueError as exc:
            return Discovery(tried=(str(exc),))
        tried = tuple(a.words for a in result.tried)
        if result.found is None:
            return Discovery(tried=tried)
        found = result.found
        return Discovery(found.source, found.settings(address), found.to_json(), tried)

    @classmethod
    def make_idempotency_key(cls, settings: Mapping[str, Any]) -> str:
        """The Message-ID of a reply, chosen when it is queued."""
        return new_message_id(settings)

    def parse_raw(self, raw: bytes) -> InboundItem | BrokenItem:
        """Read a stored raw message again (quarantine retry, export, re-parse)."""
        return parse_message(raw, own_address=self.settings.address)

    # ------------------------------------------------------------------ connections

    async def _call(self, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn(session, *args)`` in a thread on the shared IMAP connection."""
        async with self._lock:
            if self._session is not None and time.monotonic() - self._used > STALE_AFTER:
                # A connection quiet for a while may have been dropped by a router without
                # a word; a quick NOOP finds out in seconds instead of a long read timeout.
                stale = self._session
                try:
                    await asyncio.to_thread(stale.probe)
                except TransientError:
                    self._session = None
                    stale.shutdown()
            if self._session is None:
                self._session = await self._credentials.login(
                    lambda secret: ImapSession(self.settings, secret)
                )
            session = self._session
            try:
                return await asyncio.to_thread(fn, session, *args)
            except (TransientError, asyncio.CancelledError):
                # The line may be half-way through a response: never reuse it.
                self._session = None
                session.shutdown()
                raise
            finally:
                self._used = time.monotonic()

    async def check(self) -> None:
        def folders_exist(session: ImapSession) -> None:
            # Everything we do is IMAP4rev1 (RFC 3501); a server without it cannot serve us.
            if not any(session.client.has_capability(c) for c in ("IMAP4REV1", "IMAP4REV2")):
                raise SettingsError(
                    f"the IMAP server {self.settings.imap_host} does not speak IMAP4rev1; ask the "
                    "provider for its IMAP4rev1 server",
                    step="capability",
                )
            for folder in self.settings.folders:
                session.select(folder)

        session = await self._credentials.login(lambda secret: ImapSession(self.settings, secret))
        try:
            await asyncio.to_thread(folders_exist, session)
        finally:
            await asyncio.to_thread(session.logout)
        await self._credentials.login(lambda secret: smtp.check(self.settings, secret))

    # ------------------------------------------------------------------ import

    async def fetch(self, cursor: str | None) -> AsyncIterator[Batch]:
        states = load_cursor(cursor)
        plans = []
        for folder in self.settings.folders:
            plans.append(
                await self._call(plan_folder, folder, states.get(folder), self.settings.first_sync_days)
            )
        total = sum(len(p.uids) for p in plans)
        jobs = [(plan, uids) for plan in plans for uids in chunks(plan, self.batch_size)]
        parser = Parser()
        if total >= self.parse_helper_from and parser.helps():
            parser.start()
        done = 0
        last_cursor = cursor
        # While the store writes one batch, the next ones are already being downloaded and
        # parsed, so the server, the network and the parser work during the store's disk
        # and compression time instead of after it; memory stays bounded to
        # ``fetch_ahead`` + 1 batches.
        ahead: dict[int, asyncio.Task[list[BatchItem]]] = {}
        position = 0
        try:
            for plan in plans:
                known = states.get(plan.folder)
                if known is None or plan.restart:
                    known = FolderCursor(plan.state.uidvalidity, since=plan.since)
                    states[plan.folder] = known
                for start in range(0, len(plan.updates), self.batch_size):
                    # Flags of stored messages; the cursor moves past them with the folder.
                    yield Batch(
                        tuple(plan.updates[start : start + self.batch_size]),
                        dump_cursor(states),
                        Progress(done, total),
                    )
                while position < len(jobs) and jobs[position][0] is plan:
                    uids = jobs[position][1]
                    task = ahead.pop(position, None) or self._fetch_task(parser, *jobs[position])
                    items = await task
                    position += 1
                    for later in range(position, min(len(jobs), position + self.fetch_ahead)):
                        if later not in ahead:
                            ahead[later] = self._fetch_task(parser, *jobs[later])
                    known.uid = max(known.uid, *uids)
                    done += len(uids)
                    last_cursor = dump_cursor(states)
                    yield Batch(tuple(items), last_cursor, Progress(done, total))
                # Everything below UIDNEXT at planning time has now been seen (or expunged).
                known.uid = max(known.uid, plan.state.uidnext - 1)
                known.modseq = plan.state.highestmodseq
                known.since = plan.since
                new_cursor = dump_cursor(states)
                if new_cursor != last_cursor:
                    last_cursor = new_cursor
                    yield Batch((), new_cursor, Progress(done, total))
        finally:
            for task in ahead.values():
                # The consumer stopped early (an error, the app closing): the batch
                # being fetched is dropped, and its connection with it.
                task.cancel()
                with contextlib.suppress(BaseException):
                    await task
            # Waiting for the helper to leave must not hold up the loop.
            await asyncio.to_thread(parser.close)

    def _fetch_task(self, parser: Parser, plan: FolderPlan, uids: list[int]) -> asyncio.Task[list[BatchItem]]:
        async def download_and_parse() -> list[BatchItem]:
            raws = await self._call(download_chunk, plan.folder, plan.state.uidvalidity, uids)
            # Parsing needs no connection: the next download may start meanwhile.
            items = await parser.parse(raws, self.settings.address, plan.folder)
            # Where each message lives on the server, in full: a log line about a copy
            # names both places, and a rebuilt folder's copies are told apart from it.
            return [
                dataclasses.replace(item, meta={**item.meta, "uidvalidity": plan.state.uidvalidity})
                if isinstance(item, InboundItem)
                else item
                for item in items
            ]

        return asyncio.ensure_future(download_and_parse())

    # ------------------------------------------------------------------ push

    async def wait_for_changes(self, cursor: str | None, timeout: float) -> bool:
        states = load_cursor(cursor)
        if not states:
            return True
        return await self._push.wait(states, timeout)

    # ------------------------------------------------------------------ replies

    async def send(self, reply: OutboundReply) -> SendResult:
        key = reply.idempotency_key
        if key in self._sent:
            return self._sent[key]
        # Sending twice must deliver once: a copy in Sent means it already left.
        found = await self.find_sent(reply)
        if found is not None:
            self._sent[key] = found
            return found
        try:
            data = smtp.build_message(self.settings, reply).as_bytes()
        except (ValueError, TypeError, UnicodeError) as exc:
            raise PermanentError(f"the reply cannot be written as an email: {exc}")
        envelope_to = [a.value.strip() for a in reply.to if a.value.strip()]
        started = time.monotonic()
        # A refused login happens before MAIL FROM, so trying again with a renewed token
        # cannot deliver twice.
        refused = await self._credentials.login(
            lambda secret: smtp.submit(self.settings, secret, envelope_to, data)
        )
        meta: dict[str, Any] = {
            "message_id": key,
            "to": envelope_to,
            "seconds": round(time.monotonic() - started, 3),
        }
        if refused:
            meta["refused"] = refused
        if self.settings.append_sent:
            try:
                folder = await self._find_sent_folder()
                if folder is None:
                    meta["sent_copy"] = "no sent folder found"
                else:
                    await self._call(lambda session: session.append(folder, data))
                    meta["sent_copy"] = folder
            except ConnectorError as exc:
                # The reply has left; a missing copy must not make it look unsent.
                logger.warning("reply %s sent, but its copy was not saved: %s", key, exc)
                meta["sent_copy"] = f"not saved: {exc}"
        result = SendResult(external_id=key, sent_at=datetime.now(UTC), meta=meta)
        self._sent[key] = result
        return result

    async def _find_sent_folder(self) -> str | None:
        if self._sent_folder is None:
            self._sent_folder = await self._call(lambda session: session.sent_folder())
        return self._sent_folder

    async def find_sent(self, reply: OutboundReply) -> SendResult | None:
        """The reply's copy in the Sent folder, if it left before a crash."""
        folder = await self._find_sent_folder()
        if folder is None:
            return None
        key = reply.idempotency_key

        def look(session: ImapSession) -> SendResult | None:
            session.select(folder, "sent_folder")
            uids = session.search_uids([b"HEADER", b"Message-ID", key])
            if not uids:
                return None
            data: dict[int, dict[bytes, Any]] = session.run(
                "reading the sent copy", lambda: session.client.fetch(uids[:1], [b"INTERNALDATE"])
            )
            when = next(iter(data.values()), {}).get(b"INTERNALDATE")
            return SendResult(
                external_id=key,
                sent_at=when if isinstance(when, datetime) else None,
                meta={"message_id": key, "sent_copy": folder},
            )

        return await self._call(look)

    async def close(self) -> None:
        await self._push.close()
        async with self._lock:
            session, self._session = self._session, None
        if session is not None:
            with contextlib.suppress(Exception):
                await asyncio.to_thread(session.logout)
