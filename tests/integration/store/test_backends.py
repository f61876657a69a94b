"""The same store behaviour on the embedded SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select

from connectors.fake import FakeServer
from inbox_app.app import build
from inbox_app.core.store import database as db
from inbox_app.core.store.models import Message
from tests.unit.core.helpers import account, batch, item


def test_migrations_run_up_down_and_up_again(any_url: str) -> None:
    engine = db.open_engine(any_url)
    try:
        db.upgrade(engine)
        assert db.current_revision(engine) == db.head_revision(engine)
        tables = set(inspect(engine).get_table_names())
        assert {
            "customers",
            "identities",
            "messages",
            "cases",
            "threads",
            "audit_events",
            "attachment_blobs",
            "channel_accounts",
            "quarantine",
        } <= tables
        db.downgrade(engine, "base")
        assert not {"customers", "messages"} & set(inspect(engine).get_table_names())
        db.upgrade(engine)
        assert db.current_revision(engine) == db.head_revision(engine)
    finally:
        engine.dispose()


def test_sqlite_store_uses_wal(tmp_path: Path) -> None:
    services = build(f"sqlite:///{tmp_path / 's.db'}")
    try:
        with services.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        services.close()


def test_ingest_dedup_and_search_on_both_backends(any_url: str) -> None:
    services = build(any_url, migrate=True)
    try:
        acc = account(services)
        b = batch(
            item("a", text="Perché la città è già chiusa?"),
            item("b", "Bob@Example.com", text="ordine 42"),
            item("c", text="Grazie mille"),
            cursor="3",
        )
        services.ingest.store_batch(acc, b)
        services.ingest.store_batch(acc, b)
        with services.factory() as s:
            assert s.scalar(select(func.count(Message.id))) == 3
        assert [h.text for h in services.search.search("perche citta")] == ["Perché la città è già chiusa?"]
        assert [
            h.external_id if hasattr(h, "external_id") else h.text for h in services.search.search("ordine")
        ] == ["ordine 42"]
        assert len(services.queries.customers()) == 2
        assert services.accounts.cursor(acc) == "3"
    finally:
        services.close()


def test_search_puts_the_message_most_about_the_words_first_on_both_backends(any_url: str) -> None:
    services = build(any_url, migrate=True)
    try:
        acc = account(services)
        services.ingest.store_batch(
            acc,
            batch(
                item("old", text="Reso del frullatore: il reso del frullatore rotto, secondo reso"),
                item(
                    "new", minutes=5, text="Vorrei sapere se il reso è gratuito, e poi altro sul frullatore"
                ),
                item("other", minutes=9, text="Nessuna domanda"),
            ),
        )
        assert [h.text[:4] for h in services.search.search("reso frullatore")] == ["Reso", "Vorr"]
        # The words side by side beat the same words apart, whatever their age.
        services.ingest.store_batch(
            acc,
            batch(
                item(
                    "near",
                    minutes=20,
                    text="Qual è il numero ordine giusto da indicare nel modulo della richiesta di reso?",
                ),
                item("far", minutes=30, text="Il numero del cliente non basta, serve l'ordine"),
            ),
        )
        assert [h.text[:4] for h in services.search.search("numero ordine")] == ["Qual", "Il n"]
    finally:
        services.close()


def test_customers_under_one_name_are_suggested_and_told_apart_on_both_backends(any_url: str) -> None:
    services = build(any_url, migrate=True)
    try:
        acc = account(services)
        services.ingest.store_batch(
            acc,
            batch(
                item("a", "sara@example.it", name="Sara Bruno"),
                item("b", "s.bruno@example.com", name="BRUNO Sàra"),
                item("c", "anna@example.it", name="Anna Verdi"),
            ),
        )
        ids = sorted(c.id for c in services.queries.customers())
        assert [c.customer.id for c in services.queries.similar_customers(ids[0])] == [ids[1]]
        assert services.customers.distinguish(ids[1], ids[0]) is True
        assert services.queries.similar_customers(ids[0]) == []
        assert services.queries.similar_customers(ids[2]) == []
        # The same mailbox name at another provider, and only that (byte for byte).
        services.ingest.store_batch(
            acc,
            batch(
                item("d", "anna.verdi@lavoro.example"),
                item("e", "annaverdi@example.org"),
                item("f", "anna.verdix@example.org"),
            ),
        )
        anna = next(c.id for c in services.queries.customers() if "anna@example.it" in str(c.identities))
        work = next(c.id for c in services.queries.customers() if "anna.verdi@lavoro" in str(c.identities))
        services.ingest.store_batch(acc, batch(item("g", "anna.verdi@casa.example", name="Anna V")))
        home = next(c.id for c in services.queries.customers() if "anna.verdi@casa" in str(c.identities))
        found = services.queries.similar_customers(home)
        assert [(c.customer.id, c.reason) for c in found] == [(work, "same_address_name")]
        assert anna not in [c.customer.id for c in found]
    finally:
        services.close()


def test_replies_without_headers_join_their_own_customers_thread_on_both_backends(any_url: str) -> None:
    services = build(any_url, migrate=True)
    try:
        acc = account(services)
        services.ingest.store_batch(
            acc,
            batch(
                item("<a1@x>", "anna@example.it", subject="Fattura di ottobre"),
                item("<b1@x>", "bruno@example.it", subject="Reso del frullatore"),
            ),
        )
        # One batch, two customers, two subjects: each reply joins its own customer's
        # thread, and a customer writing the other's subject starts a thread of their own.
        services.ingest.store_batch(
            acc,
            batch(
                item("<a2@x>", "anna@example.it", subject="R: Fattura di ottobre", minutes=30),
                item("<b2@x>", "bruno@example.it", subject="Re: Reso del frullatore", minutes=31),
                item("<b3@x>", "bruno@example.it", subject="Fattura di ottobre", minutes=32),
            ),
        )
        with services.factory() as s:
            thread_of = dict(s.execute(select(Message.external_id, Message.thread_id)).all())
        assert thread_of["<a2@x>"] == thread_of["<a1@x>"]
        assert thread_of["<b2@x>"] == thread_of["<b1@x>"]
        assert len({thread_of[k] for k in ("<a1@x>", "<b1@x>", "<b3@x>")}) == 3
    finally:
        services.close()


def test_outbox_round_trip_on_both_backends(any_url: str, tmp_path: Path) -> None:
    services = build(any_url, migrate=True)
    try:
        server = FakeServer(tmp_path / "srv")
        server.deliver(id="m1", text="Salve", **{"from": "cliente@example.it"})
        services.accounts.add("fake", "shop", {"path": str(server.root)})
        asyncio.run(services.supervisor().run_once())
        case_id = services.queries.cases()[0].id
        mid = services.outbox.queue_reply(case_id, "Risposta")
        server.set_faults(crash_after_send=True)
        asyncio.run(services.supervisor().run_once())
        server.set_faults()
        from inbox_app.core.store.models import Message as M

        with services.factory() as s, s.begin():
            s.get(M, mid).next_attempt_at = None
        asyncio.run(services.supervisor().run_once())
        assert services.queries.message(mid).delivery == "sent"
        assert len(server.sent_replies()) == 1
    finally:
        services.close()


@pytest.mark.postgres
def test_team_store_refuses_to_run_behind_its_schema(pg_url: str) -> None:
    from inbox_app.core.store.database import StoreError

    engine = db.open_engine(pg_url)
    db.upgrade(engine, "0001")
    engine.dispose()
    with pytest.raises(StoreError, match="inbox-app db upgrade"):
        build(pg_url)


@pytest.mark.postgres
def test_only_one_runner_per_account_on_a_team_store(pg_url: str, tmp_path: Path) -> None:
    from inbox_app.sync.locks import AccountLock

    services = build(pg_url, migrate=True)
    try:
        first, second = AccountLock(services.engine, 7), AccountLock(services.engine, 7)
        assert first.acquire()
        assert not second.acquire()
        first.release()
        assert second.acquire()
        second.release()
    finally:
        services.close()


def test_schema_head_constant_matches_the_migrations(tmp_path: Path) -> None:
    engine = db.open_engine(f"sqlite:///{tmp_path / 's.db'}")
    try:
        assert db.head_revision(engine) == db.SCHEMA_HEAD
        assert not db.is_current(engine)
        db.upgrade(engine)
        assert db.is_current(engine)
    finally:
        engine.dispose()


def test_channel_kinds_are_listed_without_importing_them() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from connectors.base import available_connectors; r = available_connectors(); "
        "assert {'email', 'matrix', 'telegram', 'fake'} <= set(r); "
        "assert 'connectors.matrix' not in sys.modules; r['matrix']; "
        "assert 'connectors.matrix' in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
