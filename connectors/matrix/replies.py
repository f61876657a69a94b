"""Agents' replies into a Matrix room: sent once, found again after a restart."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from connectors.base import AttachmentData, OutboundReply, PermanentError, SendResult, size_words

from .events import KEY_FIELD, PART_FIELD, timestamp
from .session import MatrixSession, checked, room_path

# A Matrix event (JSON, signatures and all) may not exceed 65,536 bytes.
MAX_EVENT_CONTENT_BYTES = 60_000
# How many of our recent messages per room find_sent looks through.
FIND_SENT_DEPTH = 500


class ReplySender:
    def __init__(self, session: MatrixSession) -> None:
        self.session = session
        self._uploads: dict[tuple[str, int], str] = {}
        self._encrypted_rooms: set[str] = set()  # encryption can never be turned off again
        self._upload_limit: int | None = None
        self._upload_limit_read = False

    async def upload_limit(self) -> int | None:
        """The largest file the homeserver takes (``m.upload.size``), None when it does not say.

        Asked once: authenticated media (Matrix 1.11) first, then the older media API.
        """
        if not self._upload_limit_read:
            for path in ("/_matrix/client/v1/media/config", "/_matrix/media/v3/config"):
                answer = await self.session.response("GET", path)
                if answer.status_code == 200:
                    try:
                        self._upload_limit = int(answer.json()["m.upload.size"])
                    except (ValueError, KeyError, TypeError):
                        self._upload_limit = None
                    break
            self._upload_limit_read = True
        return self._upload_limit

    async def _encrypted(self, room_id: str) -> bool:
        if room_id in self._encrypted_rooms:
            return True
        answer = await self.session.response("GET", room_path(room_id, "state/m.room.encryption/"))
        if answer.status_code == 200:
            self._encrypted_rooms.add(room_id)
            return True
        if answer.status_code in (403, 404):  # 403: not in the room; send() will say so
            return False
        checked(answer, "check whether the room is encrypted")
        return False

    async def send(self, reply: OutboundReply) -> SendResult:
        content: dict[str, Any] = {
            "msgtype": "m.text",
            "body": reply.text,
            KEY_FIELD: reply.idempotency_key,
        }
        if reply.html:
            content["format"] = "org.matrix.custom.html"
            content["formatted_body"] = reply.html
        if reply.in_reply_to:
            content["m.relates_to"] = {"m.in_reply_to": {"event_id": reply.in_reply_to}}
        if await self._encrypted(reply.thread_key):
            # A plain reply would show up unencrypted in a room whose members rely on
            # encryption; better to say so than to leak the answer.
            raise PermanentError(
                "the room is end-to-end encrypted and this inbox cannot encrypt; answer from "
                "a Matrix client that holds the room keys"
            )
        size = len(json.dumps(content, ensure_ascii=False).encode())
        if size > MAX_EVENT_CONTENT_BYTES:
            raise PermanentError(
                f"the reply is {size} bytes; Matrix events are limited to 64 KiB — shorten it"
            )
        # Files go first and the text last, so finding the text (find_sent) means
        # the whole reply arrived.
        files = []
        files_only = bool(reply.attachments) and not reply.text.strip()
        for index, attachment in enumerate(reply.attachments, start=1):
            # With no text, the last file plays the text's part (the one find_sent finds).
            final = files_only and index == len(reply.attachments)
            files.append(await self._send_file(reply, index, attachment, final=final))
        if files_only:
            return SendResult(
                files[-1],
                datetime.now(UTC),
                {"room_id": reply.thread_key, "attachment_event_ids": files},
            )
        # The homeserver de-duplicates on the transaction ID, so a retry of the
        # same reply (same key) returns the first event instead of a second one.
        # Since Matrix 1.7 that memory belongs to the device, which the fixed
        # device ID keeps across logins; older servers tie it to the access token.
        event_id = await self._put(reply, reply.idempotency_key, content)
        meta: dict[str, Any] = {"room_id": reply.thread_key}
        if files:
            meta["attachment_event_ids"] = files
        return SendResult(event_id, datetime.now(UTC), meta)

    async def _put(self, reply: OutboundReply, txn: str, content: Mapping[str, Any]) -> str:
        data = await self.session.call(
            "PUT",
            room_path(reply.thread_key, f"send/m.room.message/{quote(txn, safe='')}"),
            json=dict(content),
            what="send the reply",
        )
        return str(data["event_id"])

    async def _send_file(
        self, reply: OutboundReply, index: int, attachment: AttachmentData, *, final: bool
    ) -> str:
        cache_key = (reply.idempotency_key, index)
        mxc = self._uploads.get(cache_key)
        if mxc is None:  # a retry reuses the upload instead of storing the file twice
            limit = await self.upload_limit()
            if limit is not None and len(attachment.data) > limit:
                raise PermanentError(
                    f"{attachment.filename} is {size_words(len(attachment.data))}; the homeserver "
                    f"{self.session.homeserver} takes files up to {size_words(limit)}"
                )
            data = await self.session.call(
                "POST",
                "/_matrix/media/v3/upload",
                params={"filename": attachment.filename},
                content=attachment.data,
                extra_headers={"Content-Type": attachment.content_type},
                timeout=300,
                what=f"upload {attachment.filename}",
            )
            mxc = self._uploads[cache_key] = str(data["content_uri"])
        major = attachment.content_type.split("/", 1)[0]
        msgtype = {"image": "m.image", "video": "m.video", "audio": "m.audio"}.get(major, "m.file")
        content: dict[str, Any] = {
            "msgtype": msgtype,
            "body": attachment.filename,
            "filename": attachment.filename,
            "url": mxc,
            "info": {"mimetype": attachment.content_type, "size": len(attachment.data)},
            # The same key as the text: the store files every echo under one outbox entry.
            KEY_FIELD: reply.idempotency_key,
        }
        if final:
            return await self._put(reply, reply.idempotency_key, content)
        content[PART_FIELD] = index
        return await self._put(reply, f"{reply.idempotency_key}.{index}", content)

    async def find_sent(self, reply: OutboundReply) -> SendResult | None:
        """Our message carrying this reply's key, if it already reached the room.

        Needed after a restart on homeservers that remember transaction IDs per
        access token (before Matrix 1.7) or when the device ID changed: the key
        inside the content is still there.
        """
        event_filter = json.dumps({"senders": [self.session.user_id], "types": ["m.room.message"]})
        position: str | None = None
        seen = 0
        while seen < FIND_SENT_DEPTH:
            params: dict[str, Any] = {"dir": "b", "limit": 100, "filter": event_filter}
            if position:
                params["from"] = position
            try:
                page = await self.session.call(
                    "GET",
                    room_path(reply.thread_key, "messages"),
                    params=params,
                    what="look for an earlier copy of the reply",
                )
            except PermanentError:
                return None  # not in the room (any more): it cannot be there
            chunk = page.get("chunk") or []
            for event in chunk:
                content = event.get("content") or {}
                unsigned = event.get("unsigned") or {}
                if PART_FIELD not in content and reply.idempotency_key in (
                    content.get(KEY_FIELD),
                    unsigned.get("transaction_id"),
                ):
                    return SendResult(str(event["event_id"]), timestamp(event), {"room_id": reply.thread_key})
            seen += len(chunk)
            if not chunk or not page.get("end"):
                return None
            position = str(page["end"])
        return None
