"""A reply split into parts: parts that went out before a failure are never sent again,
even when the next attempt runs in a new process."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, ClassVar

from connectors.base import OutboundReply, SendResult, TransientError
from connectors.fake import FakeConnector, FakeServer
from inbox_app.app import build

DELIVERED: list[str] = []


class PartsConnector(FakeConnector):
    """Sends three parts; the first attempt fails after the first part."""

    kind: ClassVar[str] = "parts"
    fail_once: ClassVar[list[bool]] = [True]

    def __init__(self, settings: Any, secret: str | None = None) -> None:
        super().__init__(settings, secret)
        self._known: dict[str, list[str]] = {}

    def note_sent_parts(self, key: str, ids: tuple[str, ...]) -> None:
        self._known[key] = list(ids)

    async def send(self, reply: OutboundReply) -> SendResult:
        done = self._known.setdefault(reply.idempotency_key, [])
        for n in range(len(done), 3):
            DELIVERED.append(f"part {n}")
            done.append(f"id-{n}")
            if self.fail_once[0]:
                self.fail_once[0] = False
                error = TransientError("connection lost between parts", retry_after=0)
                error.sent_parts = tuple(done)
                raise error
        return SendResult(done[0], meta={"parts": list(done)})


def test_parts_already_sent_survive_a_restart(tmp_path: Path) -> None:
    server = FakeServer(tmp_path / "srv")
    server.deliver(id="m1", text="ciao", thread="t", **{"from": "anna@example.it"})
    url = f"sqlite:///{tmp_path / 'store.db'}"
    registry = {"parts": PartsConnector}
    first = build(url, registry=registry)
    first.accounts.add("parts", "chat", {"path": str(server.root)})
    asyncio.run(first.supervisor().run_once())
    mid = first.outbox.queue_reply(first.queries.cases()[0].id, "lungo " * 10)
    asyncio.run(first.supervisor().run_once())
    assert DELIVERED == ["part 0"] and first.queries.message(mid).delivery == "queued"
    first.close()
    second = build(url, registry=registry)  # a new process, a new connector
    from inbox_app.core.store.models import Message

    with second.factory() as s, s.begin():
        s.get(Message, mid).next_attempt_at = None
    asyncio.run(second.supervisor().run_once())
    assert DELIVERED == ["part 0", "part 1", "part 2"]
    assert second.queries.message(mid).delivery == "sent"
    second.close()
