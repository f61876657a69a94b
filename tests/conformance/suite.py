"""The connector conformance suite: what every channel must guarantee.

A channel's test module subclasses :class:`ConnectorConformance` and provides a
``harness`` fixture (a :class:`Harness` talking to the real server or an
emulator). The suite then proves, with exact counts, that fetching resumes
after a crash between batches, that replayed batches store nothing twice, that
sending is idempotent and that failures are typed.
"""

from __future__ import annotations

import asyncio
import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from connectors.base import (
    AuthError,
    Batch,
    Connector,
    InboundItem,
    OutboundReply,
    TransientError,
)
from inbox_app.app import Services, build
from inbox_app.core.store.models import ChannelAccount, Message


class Harness(ABC):
    """The server side of one channel, as the suite needs it."""

    kind: str
    channel: str
    #: messages delivered for the batch tests; the connector must yield them in >= 2 batches
    batch_test_count: int = 12

    @abstractmethod
    def make_connector(self) -> Connector:
        """A connector with working credentials and a small batch size."""

    @abstractmethod
    def make_connector_with_bad_credentials(self) -> Connector: ...

    @abstractmethod
    def make_connector_for_dead_server(self) -> Connector:
        """A connector whose server does not answer (closed port, stopped server)."""

    @abstractmethod
    async def deliver(self, texts: list[str]) -> None:
        """The customer sends these texts, in order."""

    @abstractmethod
    def reply_template(self) -> OutboundReply:
        """A reply addressed to the customer (idempotency key to be replaced)."""

    @abstractmethod
    async def count_received(self, text: str) -> int:
        """How many messages with exactly this text the customer has received."""

    def settle(self) -> float:
        """Seconds to let the server make delivered messages visible."""
        return 0.0


async def collect(connector: Connector, cursor: str | None) -> list[Batch]:
    batches = []
    async for batch in connector.fetch(cursor):
        batches.append(batch)
    return batches


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Services]:
    services = build(f"sqlite:///{tmp_path / 'store.db'}")
    yield services
    services.close()


def _account(store: Services, harness: Harness) -> int:
    with store.factory() as s, s.begin():
        row = ChannelAccount(
            name=f"conformance-{uuid.uuid4().hex[:6]}",
            kind=harness.kind,
            channel=harness.channel,
            settings={},
            enabled=True,
            status="idle",
        )
        s.add(row)
        s.flush()
        return row.id


def _stored(store: Services, account_id: int, texts: set[str]) -> list[str]:
    with store.factory() as s:
        rows = s.scalars(
            select(Message.text).where(Message.account_id == account_id, Message.direction == "in")
        )
        return [t.strip() for t in rows if t.strip() in texts]


def _cursor(store: Services, account_id: int) -> str | None:
    with store.factory() as s:
        return s.scalar(select(ChannelAccount.cursor).where(ChannelAccount.id == account_id))


def _texts(n: int) -> list[str]:
    tag = uuid.uuid4().hex[:8]
    return [f"conformance {tag} message {i}" for i in range(n)]


class ConnectorConformance:
    """Subclass this in a channel's tests and provide a ``harness`` fixture."""

    def test_fetch_stores_every_message_exactly_once(self, harness: Harness, store: Services) -> None:
        texts = _texts(harness.batch_test_count)

        async def scenario() -> None:
            await harness.deliver(texts)
            await asyncio.sleep(harness.settle())
            connector = harness.make_connector()
            try:
                account = _account(store, harness)
                for batch in await collect(connector, None):
                    store.ingest.store_batch(account, batch)
                assert sorted(_stored(store, account, set(texts))) == sorted(texts)
                # Fetching again from the stored cursor brings nothing new.
                for batch in await collect(connector, _cursor(store, account)):
                    store.ingest.store_batch(account, batch)
                assert sorted(_stored(store, account, set(texts))) == sorted(texts)
            finally:
                await connector.close()

        asyncio.run(scenario())

    def test_resume_after_crash_between_batches(self, harness: Harness, store: Services) -> None:
        texts = _texts(harness.batch_test_count)

        async def scenario() -> None:
            await harness.deliver(texts)
            await asyncio.sleep(harness.settle())
            account = _account(store, harness)
            first = harness.make_connector()
            try:
                batches = await collect(first, None)
                ours = [
                    b
                    for b in batches
                    if any(isinstance(i, InboundItem) and i.text.strip() in texts for i in b.items)
                ]
                assert len(ours) >= 2, "deliver enough messages for at least two batches"
                store.ingest.store_batch(account, batches[0])
            finally:
                await first.close()  # the worker dies here: later batches were never stored
            second = harness.make_connector()
            try:
                for batch in await collect(second, _cursor(store, account)):
                    store.ingest.store_batch(account, batch)
            finally:
                await second.close()
            assert sorted(_stored(store, account, set(texts))) == sorted(texts)

        asyncio.run(scenario())

    def test_replayed_batches_store_nothing_twice(self, harness: Harness, store: Services) -> None:
        texts = _texts(harness.batch_test_count)

        async def scenario() -> None:
            await harness.deliver(texts)
            await asyncio.sleep(harness.settle())
            account = _account(store, harness)
            connector = harness.make_connector()
            try:
                batches = await collect(connector, None)
            finally:
                await connector.close()
            for batch in [*batches, *batches, batches[0]]:
                store.ingest.store_batch(account, batch)
            assert sorted(_stored(store, account, set(texts))) == sorted(texts)
            with store.factory() as s:
                total = s.scalar(select(func.count(Message.id)).where(Message.account_id == account))
            assert total == len(
                {i.external_id for b in batches for i in b.items if isinstance(i, InboundItem)}
            )

        asyncio.run(scenario())

    def test_send_twice_with_one_key_delivers_once(self, harness: Harness) -> None:
        async def scenario() -> None:
            await harness.deliver(_texts(1))
            text = f"reply {uuid.uuid4().hex}"
            template = harness.reply_template()
            reply = OutboundReply(
                **{**template.__dict__, "text": text, "idempotency_key": _key(harness, template)}
            )
            connector = harness.make_connector()
            try:
                first = await connector.send(reply)
                second = await connector.send(reply)
            finally:
                await connector.close()
            assert first.external_id == second.external_id
            await asyncio.sleep(harness.settle())
            assert await harness.count_received(text) == 1

        asyncio.run(scenario())

    def test_bad_credentials_are_an_auth_error(self, harness: Harness) -> None:
        async def scenario() -> None:
            connector = harness.make_connector_with_bad_credentials()
            try:
                with pytest.raises(AuthError) as info:
                    await connector.check()
                assert str(info.value).strip(), "the admin needs words, not an empty error"
            finally:
                await connector.close()

        asyncio.run(scenario())

    def test_dead_server_is_a_transient_error(self, harness: Harness) -> None:
        async def scenario() -> None:
            connector = harness.make_connector_for_dead_server()
            try:
                with pytest.raises(TransientError):
                    await collect(connector, None)
            finally:
                await connector.close()

        asyncio.run(scenario())


def _key(harness: Harness, template: OutboundReply) -> str:
    connector_cls = type(harness.make_connector())
    maker = getattr(connector_cls, "make_idempotency_key", None)
    if maker is not None:
        return str(maker(getattr(harness, "settings", {})))
    return uuid.uuid4().hex
