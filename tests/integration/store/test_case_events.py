"""The case history: every place that changes a case writes it, on both backends; the
migration back-fills it; PostgreSQL refuses to rewrite it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text

from connectors.base import Address, Batch, InboundItem
from inbox_app.app import Services, build
from inbox_app.core.service import events
from inbox_app.core.store import database as db

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)  # a Monday


@pytest.fixture
def store(any_url: str) -> Iterator[Services]:
    services = build(any_url, migrate=True)
    try:
        services.agents.add("Sara Conti", "sara@example.com", "agent")
        services.agents.add("Lea Neri", "lea@example.com", "lead")
        yield services
    finally:
        services.close()


def _account(store: Services, tmp_path: Any) -> int:
    return store.accounts.add("fake", "email", {"path": str(tmp_path / "fake"), "channel": "email"}).id


def msg(
    ext: str, at: datetime, *, thread: str = "t1", direction: str = "in", auto: bool = False
) -> InboundItem:
    return InboundItem(
        external_id=ext,
        thread_key=thread,
        sender=Address("email", "cliente@example.it"),
        sent_at=at,
        text=f"testo {ext}",
        subject="Ordine 1234",
        direction=direction,  # type: ignore[arg-type]
        is_auto=auto,
    )


def _history(store: Services, case_id: int) -> list[tuple[str, datetime, Any, int | None]]:
    with store.factory() as s:
        return [(e.kind, e.at, e.detail, e.actor_agent_id) for e in events.history(s, case_id)]


def _agent(store: Services, name: str) -> int:
    agent = store.agents.find(name)
    assert agent is not None
    return agent.id


def test_every_change_of_a_case_is_in_its_history(store: Services, tmp_path: Any) -> None:
    account = _account(store, tmp_path)
    store.ingest.store_batch(
        account, Batch((msg("a", T0), msg("auto", T0 + timedelta(minutes=1), auto=True)), "c1")
    )
    case_id = store.queries.cases()[0].id
    sara, lea = _agent(store, "Sara Conti"), _agent(store, "Lea Neri")
    store.cases.assign(case_id, "Sara Conti", actor="Lea Neri")
    store.outbox.queue_reply(case_id, "Nota interna", note=True, agent_id=sara)
    store.outbox.queue_reply(case_id, "Lo controllo subito.", agent_id=sara)
    store.cases.set_status(case_id, "pending", actor="Sara Conti")
    b_at = datetime.now(UTC)
    store.ingest.store_batch(account, Batch((msg("b", b_at),), "c2"))
    store.cases.set_status(case_id, "resolved", actor="Sara Conti")
    # The customer writes again soon after: reopened, a new segment.
    store.ingest.store_batch(account, Batch((msg("c", datetime.now(UTC) + timedelta(minutes=1)),), "c3"))
    kinds = [(k, d, who) for k, _at, d, who in _history(store, case_id)]
    assert kinds == [
        ("opened", None, None),
        ("inbound", None, None),  # not the auto-reply
        ("assigned", {"from": None, "to": sara}, lea),
        ("outbound", None, sara),  # not the note
        ("status", {"from": "open", "to": "pending"}, sara),
        ("status", {"from": "pending", "to": "open"}, None),  # the customer's message wakes it
        ("inbound", None, None),
        ("status", {"from": "open", "to": "resolved"}, sara),
        ("status", {"from": "resolved", "to": "open"}, None),
        ("opened", {"reopen": True}, None),
        ("inbound", None, None),
    ]
    got = _history(store, case_id)
    # Stored later than they arrived: the history keeps their arrival times.
    assert got[0][1] == T0 and got[1][1] == T0
    assert got[5][1] == b_at == got[6][1]


def test_team_changes_and_automatic_assignment_are_in_the_history(store: Services, tmp_path: Any) -> None:
    account = _account(store, tmp_path)
    store.ingest.store_batch(account, Batch((msg("a", T0),), "c1"))
    case_id = store.queries.cases()[0].id
    team_id, _ = store.agents.add_team("Vendite")
    store.cases.assign_team(case_id, "Vendite", actor="Lea Neri")
    before = store.cases.assign(case_id, "Sara Conti", actor="Lea Neri")
    store.cases.restore(case_id, before, actor="Lea Neri")
    sara, lea = _agent(store, "Sara Conti"), _agent(store, "Lea Neri")
    kinds = [(k, d, who) for k, _at, d, who in _history(store, case_id)][2:]
    assert kinds == [
        ("team", {"from": None, "to": team_id}, lea),
        ("assigned", {"from": None, "to": sara}, lea),
        ("assigned", {"from": sara, "to": None}, lea),
    ]


def test_a_held_reply_counts_once_approved(store: Services, tmp_path: Any) -> None:
    account = _account(store, tmp_path)
    store.agents.set_trainee("Sara Conti", True)
    store.ingest.store_batch(account, Batch((msg("a", T0),), "c1"))
    case_id = store.queries.cases()[0].id
    sara = _agent(store, "Sara Conti")
    store.outbox.queue_reply(case_id, "Arriva domani.", agent_id=sara)
    assert [k for k, *_ in _history(store, case_id)] == ["opened", "inbound"]
    held = store.approvals.waiting()[0]
    store.approvals.approve(held.id, actor="Lea Neri")
    assert [(k, who) for k, _at, _d, who in _history(store, case_id)][2:] == [("outbound", sara)]


def test_the_migration_back_fills_the_history_of_a_store(any_url: str, tmp_path: Any) -> None:
    services = build(any_url, migrate=True)
    try:
        services.agents.add("Sara Conti", "sara@example.com", "agent")
        account = _account(services, tmp_path)
        services.ingest.store_batch(account, Batch((msg("a", T0), msg("b", T0 + timedelta(hours=1))), "c1"))
        case_id = services.queries.cases()[0].id
        sara = _agent(services, "Sara Conti")
        services.outbox.queue_reply(case_id, "Lo controllo.", agent_id=sara)
        services.cases.assign(case_id, "Sara Conti", actor="Sara Conti")
        services.cases.set_status(case_id, "resolved", actor="Sara Conti")
        expected = [(k, d, who) for k, _at, d, who in _history(services, case_id)]
        with services.factory() as s, s.begin():
            if services.engine.dialect.name == "postgresql":
                s.execute(text("DROP TRIGGER case_events_append_only ON case_events"))
            s.execute(text("DELETE FROM case_events"))
        db.downgrade(services.engine, "0009")
        db.upgrade(services.engine)
        got = [(k, d, who) for k, _at, d, who in _history(services, case_id)]
        assert got == expected
        assert _history(services, case_id)[0][1] == T0
    finally:
        services.close()


@pytest.mark.postgres
def test_postgres_refuses_to_rewrite_the_history(pg_url: str, tmp_path: Any) -> None:
    services = build(pg_url, migrate=True)
    try:
        account = _account(services, tmp_path)
        services.ingest.store_batch(account, Batch((msg("a", T0),), "c1"))
        case_id = services.queries.cases()[0].id
        for sql in ("UPDATE case_events SET kind = 'inbound'", "DELETE FROM case_events"):
            with pytest.raises(Exception, match="append-only"), services.factory() as s, s.begin():
                s.execute(text(sql))
        # Erasing the customer takes the case and its history with it.
        with services.factory() as s, s.begin():
            s.execute(text("DELETE FROM messages"))
            s.execute(text("DELETE FROM threads"))
            s.execute(text("DELETE FROM cases"))
            left = s.execute(text("SELECT count(*) FROM case_events")).scalar_one()
        assert left == 0 and case_id
    finally:
        services.close()
