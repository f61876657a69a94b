"""The homeserver goes away in the middle of a long poll: nothing is lost, nothing doubled."""

from __future__ import annotations

import asyncio

import pytest

from connectors.base import BatchItem, InboundItem, TransientError
from connectors.matrix import MatrixConnector
from tests.integration.matrix.synapse import Accounts

pytestmark = [pytest.mark.synapse, pytest.mark.slow]


async def collect(connector: MatrixConnector, cursor: str | None) -> tuple[list[BatchItem], str | None]:
    items: list[BatchItem] = []
    async for batch in connector.fetch(cursor):
        items.extend(batch.items)
        cursor = batch.cursor
    return items, cursor


def texts(items: list[BatchItem]) -> list[str]:
    return [i.text for i in items if isinstance(i, InboundItem) and i.direction == "in"]


def test_homeserver_restart_during_a_long_poll(accounts: Accounts) -> None:
    room = accounts.direct_room()
    accounts.customer_client.send(room, "before the restart")
    server = accounts.server

    async def run() -> None:
        connector = accounts.connector(sync_limit=5)
        try:
            items, cursor = await collect(connector, None)
            assert texts(items) == ["before the restart"]
            waiting = asyncio.create_task(connector.wait_for_changes(cursor, 60))
            await asyncio.sleep(0.5)
            await asyncio.to_thread(server.stop)
            with pytest.raises(TransientError) as lost:
                await waiting
            assert "homeserver" in str(lost.value)
            with pytest.raises(TransientError):
                await collect(connector, cursor)
            await asyncio.to_thread(server.start)
            for n in range(12):  # more than one sync holds: the gap is filled back too
                await asyncio.to_thread(accounts.customer_client.send, room, f"after {n}")
            assert await connector.wait_for_changes(cursor, 10) is True
            items, cursor = await collect(connector, cursor)
            assert sorted(texts(items)) == sorted(f"after {n}" for n in range(12))
            items, cursor = await collect(connector, cursor)
            assert texts(items) == []
        finally:
            await connector.close()

    asyncio.run(run())
