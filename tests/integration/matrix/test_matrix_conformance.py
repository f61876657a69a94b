"""The Matrix connector passes the shared connector conformance suite on a real Synapse."""

from __future__ import annotations

import pytest

from connectors.base import Connector, OutboundReply
from connectors.matrix import MatrixConnector
from tests.conformance.suite import ConnectorConformance, Harness
from tests.integration.matrix.synapse import Accounts, free_port

pytestmark = pytest.mark.synapse


class MatrixHarness(Harness):
    kind = "matrix"
    channel = "chat"

    def __init__(self, accounts: Accounts) -> None:
        self.accounts = accounts
        self.room = accounts.direct_room()
        # The support account is already in the room, as after its first sync.
        support = accounts.server.client(accounts.support)
        support.join(self.room)
        support.close()

    def make_connector(self) -> Connector:
        return self.accounts.connector(batch_size=5, sync_limit=5)

    def make_connector_with_bad_credentials(self) -> Connector:
        return self.accounts.connector(secret="not the password")

    def make_connector_for_dead_server(self) -> Connector:
        return MatrixConnector(
            {
                "homeserver": f"http://127.0.0.1:{free_port()}",
                "user_id": self.accounts.support.user_id,
            },
            self.accounts.support.password,
        )

    async def deliver(self, texts: list[str]) -> None:
        for text in texts:
            self.accounts.customer_client.send(self.room, text)

    def reply_template(self) -> OutboundReply:
        return OutboundReply(idempotency_key="", thread_key=self.room, text="")

    async def count_received(self, text: str) -> int:
        events = self.accounts.customer_client.messages_from(self.room, self.accounts.support.user_id)
        return sum(1 for e in events if e["content"].get("body") == text)


class TestMatrixConformance(ConnectorConformance):
    @pytest.fixture
    def harness(self, accounts: Accounts) -> MatrixHarness:
        return MatrixHarness(accounts)
