"""A real Synapse for the whole Matrix test session, fresh users for every test."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]
if str(ROOT) not in sys.path:  # the helpers live in tests/, which is not installed
    sys.path.insert(0, str(ROOT))

from connectors.matrix import MatrixConnector  # noqa: E402
from tests.integration.matrix.synapse import (  # noqa: E402
    CustomerClient,
    Synapse,
    User,
    ensure_synapse,
    stop_synapse,
)


@pytest.fixture(scope="session")
def synapse() -> Iterator[Synapse]:
    server = ensure_synapse()
    yield server
    stop_synapse()


@dataclass
class Accounts:
    server: Synapse
    support: User
    customer: User
    customer_client: CustomerClient

    def connector(self, **settings: Any) -> MatrixConnector:
        secret = settings.pop("secret", self.support.password)
        return MatrixConnector(
            {"homeserver": self.server.base_url, "user_id": self.support.user_id, **settings},
            secret,
        )

    def direct_room(self) -> str:
        """A room the customer opens with the support account, as Element does for a DM."""
        return self.customer_client.create_room(invite=(self.support.user_id,))


@pytest.fixture
def accounts(synapse: Synapse) -> Iterator[Accounts]:
    tag = uuid.uuid4().hex[:8]
    support = synapse.register(f"support{tag}", displayname="Support")
    customer = synapse.register(f"customer{tag}", displayname="Giulia Rossi")
    client = synapse.client(customer)
    yield Accounts(synapse, support, customer, client)
    client.close()
