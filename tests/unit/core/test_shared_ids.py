"""Ingest's side of "nothing lost": exact counts for shared Message-IDs, broken ones included."""

from __future__ import annotations

from pathlib import Path

from connectors.base import BrokenItem
from tests.unit.core.helpers import account, batch, fresh_store, item


def _sum(r) -> int:
    return r.stored + r.duplicates + r.quarantined


def test_two_broken_messages_with_one_id_are_both_quarantined_and_a_replay_adds_nothing(
    tmp_path: Path,
) -> None:
    services = fresh_store(tmp_path)
    try:
        acc = account(services)
        one, other = (
            BrokenItem("<same@x>", "bad charset", b"first bytes"),
            BrokenItem("<same@x>", "bad", b"other"),
        )
        first = services.ingest.store_batch(acc, batch(one, other))
        assert (first.fetched, first.quarantined, first.duplicates) == (2, 2, 0)
        again = services.ingest.store_batch(acc, batch(one, other))
        assert (again.fetched, again.quarantined, again.duplicates) == (2, 0, 2)
        assert len(services.ingest.quarantined()) == 2
    finally:
        services.close()


def test_shared_message_id_keeps_both_and_the_same_message_once(tmp_path: Path) -> None:
    services = fresh_store(tmp_path)
    try:
        acc = account(services)
        anna = item("<form@x>", "anna@example.it", text="Vorrei un preventivo")
        bruno = item("<form@x>", "bruno@example.it", text="Vorrei un preventivo")  # same words, other person
        anna_again = item("<form@x>", "anna@example.it", text="Vorrei  un\npreventivo")  # refolded copy
        r = services.ingest.store_batch(acc, batch(anna, bruno, anna_again))
        assert (r.fetched, r.stored, r.duplicates, r.quarantined) == (3, 2, 1, 0)
        assert r.fetched == _sum(r)
        r = services.ingest.store_batch(acc, batch(bruno, anna))
        assert (r.fetched, r.stored, r.duplicates) == (2, 0, 2)
        assert len(services.search.search("preventivo")) == 2
    finally:
        services.close()
