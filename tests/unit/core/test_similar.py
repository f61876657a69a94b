"""Customers who may be the same person: suggested by name, never merged by themselves."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from inbox_app.app import build
from inbox_app.core.customers.identities import name_key
from inbox_app.core.customers.store import CustomerError
from inbox_app.core.store import database as db
from inbox_app.core.store.models import AuditEvent, Customer, CustomerDistinction, Identity
from tests.unit.core.helpers import account, batch, item


@pytest.mark.parametrize(
    "name, key",
    [
        ("Sara Bruno", "bruno sara"),
        ("BRUNO Sara", "bruno sara"),
        ("  Niccolò   Rossi ", "niccolo rossi"),
        ("Rossi, Niccolo", "niccolo rossi"),
        ("Mario R.", None),  # one word of two letters or more: not enough to tell a person
        ("Sara", None),
        ("Unknown", None),
        ("anna.verdi@example.it", None),  # a customer named after an identifier
        ("@anna@mastodon.social", None),
        ("+39 333 123 4567", None),
        ("whatsapp_393492259306", None),
        ("", None),
        (None, None),
    ],
)
def test_name_keys(name: str | None, key: str | None) -> None:
    assert name_key(name) == key


def _customer_of(store, ext: str) -> int:
    with store.factory() as s:
        return int(s.scalar(select(Identity.customer_id).where(Identity.value == ext)))


def _people(store) -> dict[str, int]:
    """Four people on four channels, two of them under one name written three ways."""
    email, review, social = account(store), account(store, channel="review"), account(store, channel="social")
    store.ingest.store_batch(email, batch(item("<a@x>", "sara.bruno@example.it", name="Sara Bruno")))
    store.ingest.store_batch(email, batch(item("<b@x>", "anna@example.it", name="Anna Verdi")))
    store.ingest.store_batch(
        review, batch(item("r1", "gbp-1", kind="review", name="sara bruno", text="★★★★★ Ottimo"))
    )
    store.ingest.store_batch(
        social,
        batch(item("s1", "@sbruno@mastodon.social", kind="mastodon", name="BRUNO Sara", text="ciao")),
    )
    return {
        "email": _customer_of(store, "sara.bruno@example.it"),
        "review": _customer_of(store, "gbp-1"),
        "social": _customer_of(store, "@sbruno@mastodon.social"),
        "anna": _customer_of(store, "anna@example.it"),
    }


def _suggested(store, customer_id: int) -> list[int]:
    return [s.customer.id for s in store.queries.similar_customers(customer_id)]


def test_the_same_name_on_other_channels_is_suggested_newest_first_and_nothing_is_merged(store) -> None:
    p = _people(store)
    assert len(set(p.values())) == 4  # four customers: a name alone merges nobody
    assert _suggested(store, p["email"]) == [p["social"], p["review"]]
    assert _suggested(store, p["review"]) == [p["social"], p["email"]]
    assert _suggested(store, p["anna"]) == []
    first = store.queries.similar_customers(p["email"])[0]
    assert first.to_json() == {
        "id": p["social"],
        "name": "BRUNO Sara",
        "reason": "same_name",
        "identities": [{"kind": "mastodon", "value": "@sbruno@mastodon.social"}],
        "open_case_ids": list(first.customer.open_case_ids),
    }
    assert len(first.customer.open_case_ids) == 1


def test_two_people_told_apart_are_not_suggested_again(store) -> None:
    p = _people(store)
    assert store.customers.distinguish(p["email"], p["review"], actor="Marco Bianchi") is True
    assert (
        store.customers.distinguish(p["review"], p["email"], actor="Marco Bianchi") is False
    )  # said already
    assert _suggested(store, p["email"]) == [p["social"]]
    assert _suggested(store, p["review"]) == [p["social"]]
    with store.factory() as s:
        trail = [
            (e.action, e.actor, e.data["other_id"])
            for e in s.scalars(select(AuditEvent).where(AuditEvent.action == "customer.distinguished"))
        ]
    assert trail == [("customer.distinguished", "Marco Bianchi", max(p["email"], p["review"]))]
    with pytest.raises(CustomerError, match="no customer with id 999"):
        store.customers.distinguish(p["email"], 999)
    with pytest.raises(CustomerError, match="same person"):
        store.customers.distinguish(p["email"], p["email"])


def test_merged_customers_are_not_suggested_and_an_undone_merge_stays_apart(store) -> None:
    p = _people(store)
    merge_id = store.customers.merge(p["review"], p["email"], actor="Marco Bianchi")
    assert _suggested(store, p["email"]) == [p["social"]]
    assert _suggested(store, p["review"]) == []  # merged away: it is the target now
    store.customers.unmerge(merge_id=merge_id, actor="Marco Bianchi")
    # Put apart again by hand means two people: not offered straight back as one.
    assert _suggested(store, p["email"]) == [p["social"]]
    assert _suggested(store, p["review"]) == [p["social"]]


def test_a_renamed_customer_is_suggested_under_the_new_name(store) -> None:
    p = _people(store)
    store.customers.update(p["anna"], name="Sara  Brunò", actor="Marco Bianchi")
    assert _suggested(store, p["anna"]) == [p["social"], p["review"], p["email"]]
    store.customers.update(p["anna"], name="Anna Verdi", actor="Marco Bianchi")
    assert _suggested(store, p["anna"]) == []


def test_an_erased_customer_is_never_suggested_and_its_pairs_are_forgotten(store) -> None:
    p = _people(store)
    store.customers.distinguish(p["email"], p["social"])
    store.customers.erase(p["review"], actor="Giulia Rossi")
    assert _suggested(store, p["email"]) == []
    assert _suggested(store, p["review"]) == []
    store.customers.erase(p["social"], actor="Giulia Rossi")
    with store.factory() as s:
        assert s.scalar(select(func.count()).select_from(CustomerDistinction)) == 0
        assert s.scalar(select(Customer.name_key).where(Customer.id == p["review"])) is None


def test_the_migration_keys_existing_customers_and_goes_back_without_losing_any(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/s.db"
    engine = db.open_engine(url)
    db.upgrade(engine, "0005")
    with engine.begin() as conn:
        for cid, name in ((1, "Sara Bruno"), (2, "bruno SARA"), (3, "anna@example.it")):
            conn.execute(
                text("INSERT INTO customers (id, name, details, created_at) VALUES (:i, :n, '{}', 0)"),
                {"i": cid, "n": name},
            )
            conn.execute(
                text(
                    "INSERT INTO identities (id, customer_id, kind, value, created_at) "
                    "VALUES (:i, :i, 'email', :v, 0)"
                ),
                {"i": cid, "v": f"c{cid}@example.it"},
            )
    db.upgrade(engine)
    store = build(url)
    assert _suggested(store, 1) == [2] and _suggested(store, 3) == []
    store.customers.distinguish(1, 2)
    store.close()
    db.downgrade(engine, "0005")
    with engine.connect() as conn:
        # Dropping the column in place: every customer and identity is still there.
        assert conn.execute(text("SELECT count(*) FROM customers")).scalar() == 3
        assert conn.execute(text("SELECT count(*) FROM identities")).scalar() == 3
        columns = [r[1] for r in conn.execute(text("PRAGMA table_info(customers)"))]
    assert "name_key" not in columns
    engine.dispose()


def test_a_sender_without_a_name_is_suggested_to_nobody(store) -> None:
    acc = account(store)
    store.ingest.store_batch(acc, batch(item("<a@x>", "info@example.it"), item("<b@x>", "info@example.com")))
    ids = {_customer_of(store, "info@example.it"), _customer_of(store, "info@example.com")}
    assert all(_suggested(store, cid) == [] for cid in ids)


def test_a_name_shared_by_too_many_customers_suggests_no_one(store) -> None:
    from inbox_app.core.read.similar import COMMON_NAME

    acc = account(store)
    senders = [f"mario{i}@example.it" for i in range(COMMON_NAME + 2)]
    store.ingest.store_batch(
        acc, batch(*(item(f"<m{i}@x>", a, name="Mario Rossi") for i, a in enumerate(senders)))
    )
    first = _customer_of(store, senders[0])
    assert _suggested(store, first) == []  # eleven other Mario Rossi: the name tells nobody apart
    store.customers.distinguish(first, _customer_of(store, senders[-1]))
    # Ten others left: few enough to be worth a look; the panel shows the newest five.
    assert len(store.queries.similar_customers(first)) == 5
    assert len(store.queries.similar_customers(first, limit=20)) == COMMON_NAME


def test_the_same_mailbox_name_at_another_provider_is_suggested(store) -> None:
    acc = account(store)
    store.ingest.store_batch(
        acc,
        batch(
            item("<a@x>", "mario.rossi77@gmail.com", name="Mario Rossi"),
            item("<b@x>", "mario.rossi77@libero.it", name="M. R."),  # no name key to go by
            item("<c@x>", "mario.rossi77+ordini@outlook.it"),  # plus-addressing: the same mailbox name
            item("<d@x>", "mario.rossi7@libero.it", name="Marco Ricci"),  # one letter short: someone else
            item("<e@x>", "info@negozio-uno.it"),
            item("<f@x>", "info@negozio-due.it"),  # a role mailbox says nothing about who writes
        ),
    )
    gmail, libero, outlook, other = (
        _customer_of(store, a)
        for a in (
            "mario.rossi77@gmail.com",
            "mario.rossi77@libero.it",
            "mario.rossi77+ordini@outlook.it",
            "mario.rossi7@libero.it",
        )
    )
    found = store.queries.similar_customers(gmail)
    assert [(s.customer.id, s.reason) for s in found] == [
        (outlook, "same_address_name"),
        (libero, "same_address_name"),
    ]
    assert [s.customer.id for s in store.queries.similar_customers(outlook)] == [libero, gmail]
    assert _suggested(store, other) == []
    assert _suggested(store, _customer_of(store, "info@negozio-uno.it")) == []
    store.customers.distinguish(gmail, libero)
    assert _suggested(store, gmail) == [outlook]
    store.customers.merge(outlook, gmail)
    assert _suggested(store, gmail) == []  # merged in: the same customer now, told apart from the other
