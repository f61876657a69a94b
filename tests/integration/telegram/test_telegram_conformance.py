"""The Telegram connector passes the shared connector conformance suite."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest

from connectors.base import Connector, OutboundReply
from connectors.telegram import TelegramConnector
from tests.conformance.suite import ConnectorConformance, Harness
from tests.emulators.telegram import TelegramEmulator
from tests.integration.matrix.synapse import free_port

CUSTOMER = {"id": 90210, "first_name": "Ada", "username": "ada_l"}
_ids = itertools.count(1)


class TelegramHarness(Harness):
    kind = "telegram"
    channel = "chat"

    def __init__(self, emulator: TelegramEmulator) -> None:
        self.emulator = emulator

    def make_connector(self) -> Connector:
        return TelegramConnector({"api_base": self.emulator.base_url, "batch_size": 5}, self.emulator.token)

    def make_connector_with_bad_credentials(self) -> Connector:
        return TelegramConnector({"api_base": self.emulator.base_url}, "1:revoked-token")

    def make_connector_for_dead_server(self) -> Connector:
        return TelegramConnector({"api_base": f"http://127.0.0.1:{free_port()}"}, self.emulator.token)

    async def deliver(self, texts: list[str]) -> None:
        for text in texts:
            self.emulator.customer_says(CUSTOMER, text)

    def reply_template(self) -> OutboundReply:
        return OutboundReply(idempotency_key="", thread_key=str(CUSTOMER["id"]), text="")

    async def count_received(self, text: str) -> int:
        return sum(1 for m in self.emulator.sent_messages() if m["text"] == text)


class TestTelegramConformance(ConnectorConformance):
    @pytest.fixture
    def harness(self, emulator: TelegramEmulator) -> Iterator[TelegramHarness]:
        yield TelegramHarness(emulator)
