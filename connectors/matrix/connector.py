"""Matrix chat accounts: customers write in rooms, agents answer from the inbox.

Reaches customers on Matrix directly and, through the mautrix bridges, on
WhatsApp, Telegram, Signal and Messenger. One room is one thread.

Cursor: JSON ``{"next_batch": <sync token>, "rooms": [joined room IDs]}``. The
room list tells a room we already follow (a gap is filled back to the previous
sync token) from one we see for the first time (its history is imported, up to
``history_limit`` events).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import quote

from connectors.base import (
    AttachmentData,
    Batch,
    BatchItem,
    Capabilities,
    Channel,
    Discovers,
    Discovery,
    DiscoveryOptions,
    ExplainsSecret,
    FindsSent,
    KeepsTokens,
    NamesItself,
    OutboundReply,
    PermanentError,
    Progress,
    SendResult,
    SettingsError,
    SettingSpec,
    validate_settings,
)

from .discover import find_homeserver
from .events import TIMELINE_TYPES, member_names, to_item
from .media import download
from .replies import ReplySender
from .session import MatrixSession, check_homeserver, default_device_id, room_path

logger = logging.getLogger(__name__)


@dataclass
class _Cursor:
    next_batch: str | None = None
    rooms: set[str] = field(default_factory=set)

    @classmethod
    def parse(cls, text: str | None) -> _Cursor:
        if not text:
            return cls()
        try:
            data = json.loads(text)
            return cls(data.get("next_batch"), set(data.get("rooms", ())))
        except (ValueError, AttributeError, TypeError):
            raise SettingsError("the stored Matrix sync position is unreadable; reset the account's sync")

    def dump(self) -> str:
        return json.dumps({"next_batch": self.next_batch, "rooms": sorted(self.rooms)})


class MatrixConnector(ExplainsSecret, NamesItself, Discovers, FindsSent, KeepsTokens):
    kind: ClassVar[str] = "matrix"
    channel: ClassVar[Channel] = "chat"
    # The 64 KiB event limit covers the whole signed event (~1-2 KiB of
    # envelope) and both the plain body and its HTML copy. 7,500 characters per
    # copy fit even when every character takes 4 bytes of UTF-8, so a reply the
    # composer accepts is never refused by the homeserver.
    capabilities: ClassVar[Capabilities] = Capabilities(
        max_length=7500, html=True, attachments=True, public=False, private=True
    )
    needs_secret: ClassVar[bool] = True
    secret_help: ClassVar[str] = "the account's password, or an access token"
    title: ClassVar[str] = "Matrix"
    secret_label: ClassVar[str] = "Password or access token"
    settings_schema: ClassVar[tuple[SettingSpec, ...]] = (
        SettingSpec(
            "user_id",
            "The support account's Matrix ID; its server is found from it.",
            required=True,
            label="Matrix ID",
            placeholder="@support:example.org",
        ),
        SettingSpec(
            "homeserver",
            "The server's address, e.g. https://matrix.example.org (found from the Matrix ID).",
            required=True,
            type="url",
            label="Homeserver",
            placeholder="https://matrix.example.org",
            discovered=True,
        ),
        SettingSpec(
            "secret_kind",
            "Whether the secret below is the account's password or an access token.",
            default="password",
            choices=("password", "token"),
            label="The secret is",
            choice_labels=("The password", "An access token"),
        ),
        SettingSpec(
            "auto_join",
            "Join the rooms the account is invited to.",
            default=True,
            type="bool",
            label="Join rooms when invited",
        ),
        SettingSpec(
            "device_id",
            "The device to sign in as; empty: one kept for this account.",
            label="Device ID",
            advanced=True,
        ),
        SettingSpec(
            "device_name",
            "The device name other Matrix apps show.",
            default="Unisono",
            label="Device name",
            advanced=True,
        ),
        SettingSpec(
            "sync_limit",
            "Messages per room in one sync before gaps are filled in.",
            default=50,
            type="int",
            label="Messages per room per sync",
            advanced=True,
        ),
        SettingSpec(
            "history_limit",
            "Earlier messages imported from a room seen for the first time.",
            default=1000,
            type="int",
            label="History of a new room",
            advanced=True,
        ),
        # Big enough that a first sync is not slowed by commits, small enough
        # that a crash in the middle of a long history costs little.
        SettingSpec(
            "batch_size",
            "Messages stored together in one step.",
            default=200,
            type="int",
            label="Messages per batch",
            advanced=True,
        ),
        SettingSpec(
            "max_attachment_mb",
            "Larger files are noted in the conversation but not downloaded.",
            default=25,
            type="int",
            label="Largest file to download (MB)",
            advanced=True,
        ),
    )

    discovers_from: ClassVar[str] = "user_id"

    @classmethod
    async def discover(cls, settings: Mapping[str, Any], options: DiscoveryOptions) -> Discovery:
        """The homeserver of the Matrix ID (its server's .well-known/matrix/client)."""
        user_id = str(settings.get("user_id") or "")
        try:
            found = await find_homeserver(user_id, tls=options.tls, timeout=options.timeout)
        except SettingsError as exc:
            return Discovery(tried=(str(exc),))
        said = f"{found.base_url} (from {found.source})"
        return Discovery(
            found.source, {"homeserver": found.base_url}, {"homeserver": found.base_url}, (said,)
        )

    def __init__(self, settings: Mapping[str, Any], secret: str | None = None) -> None:
        self.settings = validate_settings(self.settings_schema, settings)
        homeserver = check_homeserver(self.settings["homeserver"])
        user_id = self.settings["user_id"]
        if not (user_id.startswith("@") and ":" in user_id):
            raise SettingsError(f"setting 'user_id' must look like @name:example.org, not {user_id!r}")
        self.session = MatrixSession(
            homeserver,
            user_id,
            secret,
            secret_kind=self.settings["secret_kind"],
            device_id=self.settings["device_id"] or default_device_id(homeserver, user_id),
            device_name=self.settings["device_name"],
        )
        self.sync_limit = max(1, self.settings["sync_limit"])
        self.history_limit = self.settings["history_limit"]
        self.batch_size = max(1, self.settings["batch_size"])
        self.max_attachment = self.settings["max_attachment_mb"] * 1024 * 1024
        self._names: dict[str, dict[str, str]] = {}
        self._failed_invites: set[str] = set()
        self.replies = ReplySender(self.session)

    # The app sets this to keep a fresh access token in the keyring.
    @property
    def on_credentials(self) -> Callable[[str], None] | None:
        return self.session.on_credentials

    @on_credentials.setter
    def on_credentials(self, callback: Callable[[str], None] | None) -> None:
        self.session.on_credentials = callback

    def adopt_token(self, token: str) -> None:
        """Start from the access token the app kept, instead of logging in again."""
        self.session.adopt_token(token)

    @property
    def user_id(self) -> str:
        return self.session.user_id

    # ------------------------------------------------------------------ check
    async def check(self) -> None:
        data = await self.session.call("GET", "/_matrix/client/v3/account/whoami", what="check the login")
        if data.get("user_id") != self.user_id:
            raise SettingsError(
                f"the stored access token belongs to {data.get('user_id')}, not to {self.user_id}"
            )

    # ------------------------------------------------------------------ sync
    def _filter(self) -> str:
        return json.dumps(
            {
                "room": {
                    "timeline": {"limit": self.sync_limit, "types": list(TIMELINE_TYPES)},
                    "state": {"lazy_load_members": True},
                    "ephemeral": {"types": []},
                    "account_data": {"types": []},
                },
                "presence": {"types": []},
                "account_data": {"types": []},
            },
            separators=(",", ":"),
        )

    async def _sync(self, since: str | None, timeout: float) -> dict[str, Any]:
        params: dict[str, Any] = {"filter": self._filter(), "timeout": int(timeout * 1000)}
        if since:
            params["since"] = since
        return await self.session.call(
            "GET", "/_matrix/client/v3/sync", params=params, what="sync", timeout=timeout + 30
        )

    async def fetch(self, cursor: str | None) -> AsyncIterator[Batch]:
        state = _Cursor.parse(cursor)
        for _ in range(20):  # a busy account hands over to wait_for_changes in between
            data = await self._sync(state.next_batch, 0)
            rooms = data.get("rooms") or {}
            joined: dict[str, Any] = rooms.get("join") or {}
            # Batches before the last keep the old cursor: a crash halfway through a
            # sync repeats it, and the store drops what it already has.
            old = cursor if state.next_batch is None else state.dump()
            pending: list[BatchItem] = []
            busy = False
            for done, (room_id, room) in enumerate(joined.items(), start=1):
                async for items in self._room_items(room_id, room, state):
                    busy = busy or bool(items)
                    pending.extend(items)
                    if len(pending) >= self.batch_size:
                        yield Batch(tuple(pending), old, Progress(done - 1, len(joined)))
                        pending = []
            joined_any = await self._accept_invites(rooms.get("invite") or {})
            new = _Cursor(
                str(data["next_batch"]),
                (state.rooms | set(joined)) - set(rooms.get("leave") or {}),
            )
            if pending or new.dump() != old:
                yield Batch(tuple(pending), new.dump(), Progress(len(joined), len(joined)))
            cursor, state = new.dump(), new
            if not (busy or joined_any):
                return

    async def _room_items(
        self, room_id: str, room: Mapping[str, Any], state: _Cursor
    ) -> AsyncIterator[list[BatchItem]]:
        timeline = room.get("timeline") or {}
        events = list(timeline.get("events") or [])
        known = room_id in state.rooms and state.next_batch is not None
        room_state = list((room.get("state") or {}).get("events") or [])
        names = self._names.setdefault(room_id, {})
        names.update(member_names(room_state + events))
        # An encrypted room seen for the first time says so even when the switch
        # happened before the imported history.
        first = [e for e in room_state if e.get("type") == "m.room.encryption"]
        # Synapse's history for a room just joined may overlap the timeline it
        # sent; the store would drop the repeats, but exact counts help everyone.
        seen: set[str] = set()
        yield await self._convert(room_id, first + events, seen)
        if timeline.get("limited") and timeline.get("prev_batch"):
            async for items in self._backfill(
                room_id, str(timeline["prev_batch"]), state.next_batch if known else None, seen
            ):
                yield items

    async def _backfill(
        self, room_id: str, start: str, stop: str | None, seen: set[str]
    ) -> AsyncIterator[list[BatchItem]]:
        """Walk back from ``start`` to the previous sync (``stop``) or the room's start.

        ``stop`` None means the room is new to us: import up to ``history_limit``.
        """
        budget = None if stop else self.history_limit
        position = start
        event_filter = json.dumps({"lazy_load_members": True, "types": list(TIMELINE_TYPES)})
        while budget is None or budget > 0:
            params: dict[str, Any] = {
                "dir": "b",
                "from": position,
                "filter": event_filter,
                "limit": 100 if budget is None else min(100, budget),
            }
            if stop:
                params["to"] = stop
            page = await self.session.call(
                "GET", room_path(room_id, "messages"), params=params, what="read the room history"
            )
            chunk = list(page.get("chunk") or [])
            self._names.setdefault(room_id, {}).update(member_names(list(page.get("state") or []) + chunk))
            if chunk:
                yield await self._convert(room_id, chunk, seen)
            if budget is not None:
                budget -= len(chunk)
            if not chunk or not page.get("end"):
                return
            position = str(page["end"])

    async def _convert(
        self, room_id: str, events: list[Mapping[str, Any]], seen: set[str]
    ) -> list[BatchItem]:
        names = self._names.get(room_id, {})
        items: list[BatchItem] = []
        for event in events:
            if event.get("event_id") in seen:
                continue
            seen.add(str(event.get("event_id")))
            item = await to_item(
                event, room_id=room_id, me=self.user_id, names=names, download=self._download
            )
            if item is not None:
                items.append(item)
        return items

    async def _accept_invites(self, invites: Mapping[str, Any]) -> bool:
        if not self.settings["auto_join"]:
            return False
        joined = False
        for room_id in invites:
            if room_id in self._failed_invites:
                continue
            try:
                await self.session.call(
                    "POST",
                    f"/_matrix/client/v3/join/{quote(room_id, safe='')}",
                    json={},
                    what="join the room the account was invited to",
                )
                joined = True
                logger.info("joined %s after an invitation", room_id)
            except PermanentError as exc:
                # A withdrawn invite or a room that vanished: not worth stopping the sync.
                logger.warning("could not join %s: %s", room_id, exc)
                self._failed_invites.add(room_id)
        return joined

    async def _download(self, content: Mapping[str, Any]) -> AttachmentData | None:
        return await download(self.session, content, self.max_attachment)

    async def wait_for_changes(self, cursor: str | None, timeout: float) -> bool:
        state = _Cursor.parse(cursor)
        if state.next_batch is None:
            return True
        since = state.next_batch
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            data = await self._sync(since, remaining)
            rooms = data.get("rooms") or {}
            if (
                rooms.get("invite")
                or rooms.get("leave")
                or any(
                    (room.get("timeline") or {}).get("events") for room in (rooms.get("join") or {}).values()
                )
            ):
                return True
            # Woken by something we filter out (device lists, to-device): keep
            # waiting; the cursor itself only moves in fetch.
            since = str(data.get("next_batch") or since)

    # ------------------------------------------------------------------ send
    async def send(self, reply: OutboundReply) -> SendResult:
        return await self.replies.send(reply)

    async def find_sent(self, reply: OutboundReply) -> SendResult | None:
        """Our message carrying this reply's key, if it already reached the room."""
        return await self.replies.find_sent(reply)

    async def close(self) -> None:
        await self.session.close()
