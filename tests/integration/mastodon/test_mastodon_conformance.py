"""The Mastodon connector passes the shared connector conformance suite."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from connectors.base import Address, Connector, OutboundReply
from connectors.mastodon import MastodonConnector
from tests.conformance.suite import ConnectorConformance, Harness
from tests.emulators.mastodon import MastodonEmulator
from tests.integration.matrix.synapse import free_port


class MastodonHarness(Harness):
    kind = "mastodon"
    channel = "social"
    # A page holds 40 mentions: 45 make two batches.
    batch_test_count = 45

    def __init__(self, emulator: MastodonEmulator) -> None:
        self.emulator = emulator
        self.ada: dict[str, Any] = emulator.account("ada", display_name="Ada Lovelace")

    def make_connector(self) -> Connector:
        return MastodonConnector({"instance": self.emulator.base_url}, self.emulator.token)

    def make_connector_with_bad_credentials(self) -> Connector:
        return MastodonConnector({"instance": self.emulator.base_url}, "revoked-access-token")

    def make_connector_for_dead_server(self) -> Connector:
        return MastodonConnector({"instance": f"http://127.0.0.1:{free_port()}"}, self.emulator.token)

    async def deliver(self, texts: list[str]) -> None:
        for text in texts:
            self.emulator.customer_mentions(self.ada, text)

    def reply_template(self) -> OutboundReply:
        return OutboundReply(
            idempotency_key="",
            thread_key="",
            text="",
            to=(Address("mastodon", f"@ada@{self.emulator.domain}", "Ada Lovelace"),),
        )

    async def count_received(self, text: str) -> int:
        return sum(
            1
            for post in self.emulator.our_posts()
            if post["source"].endswith(text) and self.ada["id"] in {m["id"] for m in post["mentions"]}
        )


class TestMastodonConformance(ConnectorConformance):
    @pytest.fixture
    def harness(self, emulator: MastodonEmulator) -> Iterator[MastodonHarness]:
        yield MastodonHarness(emulator)
