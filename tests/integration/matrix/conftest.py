"""A real Synapse for the whole Matrix test session, fresh users for every test."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from tests.integration.matrix.synapse import Accounts, Synapse, ensure_synapse, stop_synapse


@pytest.fixture(scope="session")
def synapse() -> Iterator[Synapse]:
    server = ensure_synapse()
    yield server
    stop_synapse()


@pytest.fixture
def accounts(synapse: Synapse) -> Iterator[Accounts]:
    tag = uuid.uuid4().hex[:8]
    support = synapse.register(f"support{tag}", displayname="Support")
    customer = synapse.register(f"customer{tag}", displayname="Giulia Rossi")
    client = synapse.client(customer)
    yield Accounts(synapse, support, customer, client)
    client.close()
