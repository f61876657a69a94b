"""A batch is written without a savepoint; when one of its items fails, the batch's
transaction is rolled back whole and written again item by item: the good items and the
cursor land together, the bad one is quarantined, nothing is stored twice. Both backends."""

from __future__ import annotations

from sqlalchemy import func, select

from connectors.base import BrokenItem
from inbox_app.app import build
from inbox_app.core.store.models import Case, Customer, Message, QuarantineItem, Thread
from tests.unit.core.helpers import account, batch, item


def _counts(services) -> tuple[int, int, int, int, int]:  # type: ignore[no-untyped-def]
    with services.factory() as s:
        return tuple(  # type: ignore[return-value]
            s.scalar(select(func.count()).select_from(model))
            for model in (Message, Thread, Case, Customer, QuarantineItem)
        )


def test_a_bad_item_rolls_the_batch_back_and_the_rest_lands_item_by_item(any_url: str) -> None:
    services = build(any_url, migrate=True)
    try:
        acc = account(services)
        services.ingest.store_batch(acc, batch(item("a", text="prima parola lampione"), cursor="1"))
        # The bad sender fails after the batch's first items were already written in
        # its transaction: those writes go back with it, and come again one by one.
        b = batch(
            item("b", "carla@example.it", text="seconda parola divano"),
            item("c", "anna@example.it", thread="a", text="terza parola tavolino"),
            item("bad", "not an address"),
            BrokenItem("broken", "cannot parse", b"\x00raw"),
            item("d", "dario@example.it", text="quarta parola armadio"),
            cursor="2",
        )
        result = services.ingest.store_batch(acc, b)
        assert (result.fetched, result.stored, result.quarantined) == (5, 3, 2)
        assert services.accounts.cursor(acc) == "2"
        # messages, threads, cases, customers, quarantined
        assert _counts(services) == (4, 3, 3, 3, 2)
        for word in ("lampione", "divano", "tavolino", "armadio"):
            assert len(services.search.search(word)) == 1, word
        # The same items again (the broken one too): nothing twice, nothing quarantined twice.
        again = services.ingest.store_batch(
            acc, batch(*(i for i in b.items if i.external_id != "bad"), cursor="2")
        )
        assert (again.stored, again.duplicates, again.quarantined) == (0, 4, 0)
        assert _counts(services) == (4, 3, 3, 3, 2)
    finally:
        services.close()
