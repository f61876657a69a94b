"""The demo data set seeded into a throwaway store looks like a real shop's inbox."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from inbox_app.app import Services, build
from inbox_app.core.read.queries import CaseFilter
from inbox_app.core.store.database import StoreError
from inbox_app.core.store.models import AuditEvent, Message
from inbox_app.demo import seed


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Services, dict[str, int]]]:
    folder = tmp_path_factory.mktemp("demo")
    services = build(f"sqlite:///{folder / 'demo.db'}")
    summary = seed(services)
    yield services, summary
    services.close()


def test_three_agents_in_two_teams(demo: tuple[Services, dict[str, int]]) -> None:
    services, summary = demo
    agents = services.agents.list()
    assert len(agents) == 3 and summary["agents"] == 3
    assert len({a.team for a in agents}) == 2 and summary["teams"] == 2
    assert {a.role for a in agents} >= {"admin", "agent"}  # the demo opens as its admin: every tab shows


def test_summary_counts_what_is_stored(demo: tuple[Services, dict[str, int]]) -> None:
    services, summary = demo
    assert summary["accounts"] == 4
    assert summary["messages"] > 300
    assert 30 <= summary["customers"] <= 60
    assert summary["templates"] >= 4


def test_channel_accounts_are_fake_channels_with_their_inbox(demo: tuple[Services, dict[str, int]]) -> None:
    services, _ = demo
    accounts = services.accounts.list()
    assert {a.channel for a in accounts} == {"email", "chat", "social", "review"}
    for account in accounts:
        assert account.kind == "fake"
        assert Path(account.settings["path"], "inbox.jsonl").stat().st_size > 0


def test_same_person_by_email_and_chat_is_one_customer(demo: tuple[Services, dict[str, int]]) -> None:
    services, _ = demo
    customers = services.queries.customers(limit=1000)
    linked = [c for c in customers if {"email", "matrix", "phone"} <= {i.kind for i in c.identities}]
    assert linked, "nobody was merged across email and chat by phone"
    timeline = services.queries.timeline(linked[0].id)
    assert {"email", "chat"} <= {m.channel for m in timeline}


def test_open_resolved_and_waiting_cases(demo: tuple[Services, dict[str, int]]) -> None:
    services, _ = demo
    statuses = {c.status for c in services.queries.cases(limit=1000)}
    assert statuses == {"open", "pending", "snoozed", "resolved"}
    assert services.queries.cases(CaseFilter(unassigned=True), limit=5)
    assigned = [c for c in services.queries.cases(limit=1000) if c.assignee]
    assert {c.assignee for c in assigned} == {"Giulia Rossi", "Marco Bianchi", "Emma Clarke"}
    resolved = [c for c in services.queries.cases(CaseFilter(status=("resolved",)), limit=1000)]
    assert all(c.resolved_at is not None and c.resolved_at >= c.last_message_at for c in resolved)


def test_history_spans_the_last_two_months(demo: tuple[Services, dict[str, int]]) -> None:
    services, _ = demo
    with services.factory() as s:
        oldest, newest = s.execute(select(func.min(Message.sent_at), func.max(Message.sent_at))).one()
    assert 40 <= (newest - oldest).days <= 61


def test_notes_and_replies_in_every_delivery_state(demo: tuple[Services, dict[str, int]]) -> None:
    services, _ = demo
    with services.factory() as s:
        kinds = set(s.execute(select(Message.direction, Message.delivery).distinct()).all())
        reopened_or_opened = s.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "case.opened")
        )
    assert {("note", None), ("out", "sent"), ("out", "queued"), ("out", "failed")} <= kinds
    assert reopened_or_opened


def test_auto_replies_are_on_the_timeline_without_their_own_case(
    demo: tuple[Services, dict[str, int]],
) -> None:
    services, _ = demo
    with services.factory() as s:
        autos = s.execute(select(Message.case_id, Message.thread_id).where(Message.is_auto)).all()
    assert autos


def test_search_finds_italian_words_typed_without_accents(demo: tuple[Services, dict[str, int]]) -> None:
    services, _ = demo
    for typed, written in (("perche", "perché"), ("citta", "città"), ("piu", "più")):
        found = services.search.search(typed)
        assert found, typed
        assert any(written in (m.text or "").lower() or written in (m.subject or "").lower() for m in found)


def test_seed_refuses_a_store_in_use(demo: tuple[Services, dict[str, int]]) -> None:
    services, _ = demo
    with pytest.raises(StoreError, match="already holds data"):
        seed(services)


def test_fewer_customers_on_request(tmp_path: Path) -> None:
    services = build(f"sqlite:///{tmp_path / 'small.db'}")
    try:
        summary = seed(services, customers=8)
        assert 8 <= summary["customers"] <= 12
        assert summary["agents"] == 3
    finally:
        services.close()


@pytest.mark.slow
def test_more_customers_than_the_shipped_set_come_from_the_generator(tmp_path: Path) -> None:
    services = build(f"sqlite:///{tmp_path / 'big.db'}")
    try:
        summary = seed(services, customers=50)
        assert summary["customers"] >= 50
    finally:
        services.close()


@pytest.mark.slow
def test_nothing_lies_in_the_future_even_next_to_an_old_demo(tmp_path: Path) -> None:
    from inbox_app.core.clock import aware, utcnow

    for attempt in range(2):  # the second store finds the first one's channel folders
        (tmp_path / "demo.db").unlink(missing_ok=True)
        services = build(f"sqlite:///{tmp_path / 'demo.db'}")
        try:
            seed(services)
            with services.factory() as s:
                latest = aware(s.scalar(select(func.max(Message.sent_at)).where(Message.direction == "in")))
            assert latest is not None and latest <= utcnow(), attempt
        finally:
            services.close()


def test_the_case_history_says_when_each_case_was_resolved(demo: tuple[Services, dict[str, int]]) -> None:
    """The dashboard reads the case history: its resolutions are the ones back then, the same
    instant as each case's resolved_at, not the moment the demo was seeded."""
    from inbox_app.core.clock import aware
    from inbox_app.core.store.models import CaseEvent

    services, _ = demo
    resolved = {
        c.id: c.resolved_at for c in services.queries.cases(CaseFilter(status=("resolved",)), limit=1000)
    }
    assert resolved
    with services.factory() as s:
        events = s.execute(
            select(CaseEvent.case_id, CaseEvent.at, CaseEvent.detail).where(CaseEvent.kind == "status")
        )
        history = {
            case_id: aware(at)
            for case_id, at, detail in events
            if case_id in resolved and (detail or {}).get("to") == "resolved"
        }
    assert history == resolved
    # Back then: hours after the last message, days before now for most of them.
    seeded = max(history.values())
    assert sum(1 for at in history.values() if (seeded - at).days >= 1) > len(history) // 2
