"""The fake channel passes the same conformance suite as the real ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from connectors.base import Address, Connector, OutboundReply
from connectors.fake import FakeConnector, FakeServer
from tests.conformance.suite import ConnectorConformance, Harness


class FakeHarness(Harness):
    kind = "fake"
    channel = "chat"

    def __init__(self, root: Path) -> None:
        self.root = root
        self.server = FakeServer(root / "server")
        self.counter = 0

    def make_connector(self) -> Connector:
        return FakeConnector({"path": str(self.server.root), "batch_size": 5})

    def make_connector_with_bad_credentials(self) -> Connector:
        broken = FakeServer(self.root / "locked")
        broken.set_faults(fetch="auth")
        return FakeConnector({"path": str(broken.root)})

    def make_connector_for_dead_server(self) -> Connector:
        dead = FakeServer(self.root / "dead")
        dead.set_faults(fetch="transient")
        return FakeConnector({"path": str(dead.root)})

    async def deliver(self, texts: list[str]) -> None:
        for text in texts:
            self.counter += 1
            self.server.deliver(
                id=f"c-{self.counter}-{text[-12:]}",
                text=text,
                thread="room-1",
                **{"from": "@customer:example.org"},
            )

    def reply_template(self) -> OutboundReply:
        return OutboundReply(
            idempotency_key="", thread_key="room-1", text="", to=(Address("matrix", "@customer:example.org"),)
        )

    async def count_received(self, text: str) -> int:
        return sum(1 for sent in self.server.sent_replies() if sent["text"] == text)


class TestFakeConformance(ConnectorConformance):
    @pytest.fixture
    def harness(self, tmp_path: Path) -> FakeHarness:
        return FakeHarness(tmp_path)
