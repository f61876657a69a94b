"""A file-backed channel for demos, tests and the conformance suite.

The "server" is a folder: ``inbox.jsonl`` holds inbound messages (one JSON
object per line, appended by whoever plays the customer), ``sent.jsonl``
receives our replies. Faults can be switched on through ``faults.json`` so the
tests can make a running connector fail the way real servers do.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import AsyncIterator, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

from connectors.base import (
    Address,
    AttachmentData,
    AuthError,
    Batch,
    BrokenItem,
    Capabilities,
    CapabilitiesPerAccount,
    Channel,
    FindsSent,
    InboundItem,
    ItemUpdate,
    NamesItself,
    OutboundReply,
    PermanentError,
    Progress,
    SendResult,
    SettingSpec,
    Testing,
    TransientError,
    validate_settings,
)


class FakeServer:
    """The folder that plays the remote side. Also used directly by tests."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.inbox = self.root / "inbox.jsonl"
        self.sent = self.root / "sent.jsonl"
        self.faults_file = self.root / "faults.json"
        self.inbox.touch()
        self.sent.touch()

    # -- the customer's side
    def deliver(self, **item: Any) -> None:
        item.setdefault("sent_at", datetime.now(UTC).isoformat())
        with self.inbox.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(item, ensure_ascii=False) + "\n")
            fh.flush()
            os.fsync(fh.fileno())

    def deliver_raw_line(self, line: str) -> None:
        with self.inbox.open("a", encoding="utf-8") as fh:
            fh.write(line.rstrip("\n") + "\n")

    def inbound_lines(self) -> list[str]:
        return self.inbox.read_text(encoding="utf-8").splitlines()

    def sent_replies(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.sent.read_text("utf-8").splitlines() if line]

    # -- fault injection: {"fetch": "transient"|"auth", "send": "transient"|"permanent"|"auth",
    #    "send_times": n  (fail only the next n sends), "crash_after_send": true}
    def set_faults(self, **faults: Any) -> None:
        self.faults_file.write_text(json.dumps(faults), encoding="utf-8")

    def faults(self) -> dict[str, Any]:
        try:
            return dict(json.loads(self.faults_file.read_text(encoding="utf-8")))
        except (FileNotFoundError, ValueError):
            return {}


class FakeConnector(NamesItself, Testing, FindsSent, CapabilitiesPerAccount):
    kind: ClassVar[str] = "fake"
    channel: ClassVar[Channel] = "chat"
    capabilities: ClassVar[Capabilities] = Capabilities(
        max_length=4096, html=False, attachments=True, private=True
    )
    needs_secret: ClassVar[bool] = False
    title: ClassVar[str] = "Testing channel"
    secret_label: ClassVar[str] = ""
    for_testing: ClassVar[bool] = True
    settings_schema: ClassVar[tuple[SettingSpec, ...]] = (
        SettingSpec(
            "path",
            "The folder whose files play the remote server.",
            required=True,
            type="path",
            label="Folder",
        ),
        SettingSpec(
            "channel",
            "Which kind of channel this testing account plays.",
            default="chat",
            choices=("email", "chat", "social", "review"),
            label="Plays the channel",
            choice_labels=("Email", "Chat", "Social", "Reviews"),
        ),
        SettingSpec(
            "batch_size",
            "Messages stored together in one step.",
            default=50,
            type="int",
            label="Messages per batch",
            advanced=True,
        ),
        SettingSpec(
            "poll_interval",
            "Seconds between two looks for new messages.",
            default=1,
            type="int",
            label="Check every (seconds)",
            advanced=True,
        ),
    )

    @classmethod
    def capabilities_for(cls, settings: Mapping[str, Any]) -> Capabilities:
        # A fake account plays its channel's limits too, so the demo's composer counts and
        # warns as a real social or review account's would (a Mastodon answer: 500
        # characters; a review answer: public, text only, 4096 bytes).
        channel = settings.get("channel", "chat")
        if channel == "social":
            return replace(cls.capabilities, max_length=500)
        if channel == "review":
            return replace(
                cls.capabilities, attachments=False, public=True, private=False, length_unit="bytes"
            )
        return cls.capabilities

    def __init__(self, settings: Mapping[str, Any], secret: str | None = None) -> None:
        self.settings = validate_settings(self.settings_schema, settings)
        self.server = FakeServer(self.settings["path"])
        self.batch_size = max(1, int(self.settings["batch_size"]))

    async def check(self) -> None:
        self._raise_fault("fetch")

    def _raise_fault(self, op: str) -> None:
        faults = self.server.faults()
        mode = faults.get(op)
        if op == "send" and mode and faults.get("send_times") is not None:
            left = int(faults["send_times"])
            if left <= 0:
                return
            faults["send_times"] = left - 1
            self.server.set_faults(**faults)
        if mode == "transient":
            raise TransientError("the fake server is unavailable", retry_after=0.0)
        if mode == "auth":
            raise AuthError("the fake server refused the credentials")
        if mode == "permanent":
            raise PermanentError("the fake server rejected the reply")

    async def fetch(self, cursor: str | None) -> AsyncIterator[Batch]:
        self._raise_fault("fetch")
        position = int(json.loads(cursor)["line"]) if cursor else 0
        lines = self.server.inbound_lines()
        total = len(lines)
        while position < total:
            chunk = lines[position : position + self.batch_size]
            position += len(chunk)
            items = tuple(self._parse(line, position - len(chunk) + i) for i, line in enumerate(chunk))
            yield Batch(items, json.dumps({"line": position}), Progress(position, total))
            await asyncio.sleep(0)

    def _parse(self, line: str, index: int) -> InboundItem | ItemUpdate | BrokenItem:
        try:
            data = json.loads(line)
            if data.get("update"):
                return ItemUpdate(
                    target_external_id=data["target"],
                    kind=data["update"],
                    external_id=data.get("id"),
                    text=data.get("text"),
                )
            sender = data["from"]
            kind, _, value = (
                sender.partition(":") if ":" in sender and not sender.startswith("@") else ("", "", sender)
            )
            if not kind:
                kind = "email" if "@" in value and not value.startswith("@") else "matrix"
            return InboundItem(
                external_id=str(data["id"]),
                thread_key=str(data.get("thread") or data["id"]),
                sender=Address(kind, value, data.get("name")),
                sent_at=datetime.fromisoformat(data["sent_at"]),
                text=str(data.get("text", "")),
                html=data.get("html"),
                subject=data.get("subject"),
                direction=data.get("direction", "in"),
                in_reply_to=data.get("in_reply_to"),
                references=tuple(data.get("references", ())),
                extra_identities=tuple(Address(*(e.split(":", 1))) for e in data.get("also", ())),
                is_auto=bool(data.get("auto", False)),
                bounce_of=data.get("bounce_of"),
                bounce_reason=data.get("bounce_reason"),
                idempotency_key=data.get("idempotency_key"),
                # What the channel says beside the text, e.g. a review's stars ({"stars": 2}).
                meta=dict(data.get("meta") or {}),
                attachments=tuple(
                    AttachmentData(
                        a["filename"],
                        a.get("content_type", "application/octet-stream"),
                        a.get("data", "").encode("utf-8"),
                    )
                    for a in data.get("attachments", ())
                ),
                raw=line.encode("utf-8"),
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            return BrokenItem(f"line-{index}", f"unreadable fake message: {exc}", line.encode())

    async def wait_for_changes(self, cursor: str | None, timeout: float) -> bool:
        position = int(json.loads(cursor)["line"]) if cursor else 0
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        interval = min(0.2, max(0.01, float(self.settings["poll_interval"])))
        while loop.time() < deadline:
            if len(self.server.inbound_lines()) > position:
                return True
            await asyncio.sleep(interval)
        return False

    async def send(self, reply: OutboundReply) -> SendResult:
        self._raise_fault("send")
        for sent in self.server.sent_replies():
            if sent["idempotency_key"] == reply.idempotency_key:
                return SendResult(sent["external_id"], datetime.fromisoformat(sent["sent_at"]))
        external_id = f"fake-out-{reply.idempotency_key}"
        now = datetime.now(UTC)
        record = {
            "idempotency_key": reply.idempotency_key,
            "external_id": external_id,
            "sent_at": now.isoformat(),
            "thread": reply.thread_key,
            "to": [a.value for a in reply.to],
            "text": reply.text,
            "in_reply_to": reply.in_reply_to,
            "attachments": [
                {"filename": a.filename, "content_type": a.content_type, "size": len(a.data)}
                for a in reply.attachments
            ],
        }
        with self.server.sent.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
        if self.server.faults().get("crash_after_send"):
            # The message left, but the caller never hears back: exactly the
            # window the dispatcher must survive without sending twice.
            raise TransientError("connection lost after the reply was handed over")
        return SendResult(external_id, now)

    async def find_sent(self, reply: OutboundReply) -> SendResult | None:
        for sent in self.server.sent_replies():
            if sent["idempotency_key"] == reply.idempotency_key:
                return SendResult(sent["external_id"], datetime.fromisoformat(sent["sent_at"]))
        return None

    async def close(self) -> None:
        return None
