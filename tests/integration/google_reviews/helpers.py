"""What the Google reviews tests share: a connector on the emulator, fetching, a store account."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from sqlalchemy import select

from connectors.base import Batch, BatchItem, InboundItem
from connectors.google_reviews import GoogleReviewsConnector
from inbox_app.app import Services
from inbox_app.core.store.models import ChannelAccount, Message
from tests.emulators.google_reviews import GoogleReviewsEmulator

DAY_NS = 86_400 * 1_000_000_000


def connector(
    emulator: GoogleReviewsEmulator, secret: str | None = None, **settings: Any
) -> GoogleReviewsConnector:
    given = {
        "location": emulator.location,
        "client_id": emulator.client_id,
        "api_base": emulator.base_url,
        "token_url": emulator.token_url,
        "history_days": 0,
        **settings,
    }
    return GoogleReviewsConnector(given, secret if secret is not None else emulator.secret)


async def collect(account: GoogleReviewsConnector, cursor: str | None) -> tuple[list[Batch], str | None]:
    batches = []
    async for batch in account.fetch(cursor):
        batches.append(batch)
        cursor = batch.cursor
    return batches, cursor


def fetched(
    emulator: GoogleReviewsEmulator, cursor: str | None = None, **settings: Any
) -> tuple[list[BatchItem], str | None]:
    async def run() -> tuple[list[BatchItem], str | None]:
        account = connector(emulator, **settings)
        try:
            batches, after = await collect(account, cursor)
            return [item for batch in batches for item in batch.items], after
        finally:
            await account.close()

    return asyncio.run(run())


def texts(items: list[BatchItem] | tuple[BatchItem, ...]) -> list[str]:
    return [i.text for i in items if isinstance(i, InboundItem) and i.direction == "in"]


def new_account(store: Services) -> int:
    with store.factory() as s, s.begin():
        row = ChannelAccount(
            name=f"reviews-{uuid.uuid4().hex[:6]}",
            kind="google_reviews",
            channel="review",
            settings={},
            enabled=True,
            status="idle",
        )
        s.add(row)
        s.flush()
        return row.id


def sync(store: Services, account_id: int, emulator: GoogleReviewsEmulator, **settings: Any) -> list[Batch]:
    """One fetch from the account's stored cursor, each batch stored as the runner does."""

    async def run() -> list[Batch]:
        with store.factory() as s:
            cursor = s.scalar(select(ChannelAccount.cursor).where(ChannelAccount.id == account_id))
        account = connector(emulator, **settings)
        try:
            batches, _ = await collect(account, cursor)
        finally:
            await account.close()
        for batch in batches:
            store.ingest.store_batch(account_id, batch)
        return batches

    return asyncio.run(run())


def messages(store: Services, account_id: int) -> list[tuple[str, str, dict[str, Any]]]:
    """(direction, text, meta) of every stored message, in time order."""
    with store.factory() as s:
        rows = s.execute(
            select(Message.direction, Message.text, Message.meta)
            .where(Message.account_id == account_id)
            .order_by(Message.sent_at, Message.id)
        ).all()
    return [(d, t, dict(m or {})) for d, t, m in rows]
