"""SLA clocks end to end on both backends, on a simulated clock: messages arriving, replies,
pending / snoozed / reopen, reassignment, policy changes, breaches found by the housekeeping
tick; exact due times on the cases and exactly the right events in their history."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from connectors.base import Address, Batch, InboundItem
from inbox_app.app import Services, build
from inbox_app.core.clock import aware
from inbox_app.core.service import events

ROME = ZoneInfo("Europe/Rome")
WEEK = [f"{d}=09:00-13:00,14:00-18:00" for d in ("mon", "tue", "wed", "thu", "fri")]
#: Every module that asks for "now" while a case changes.
NOW_USERS = (
    "inbox_app.core.cases",
    "inbox_app.core.outbox.queue",
    "inbox_app.core.approvals",
    "inbox_app.core.service.clocks",
    "inbox_app.core.service.sla_store",
    "inbox_app.core.ingest.cases",
    "inbox_app.core.ingest.updates",
    "inbox_app.core.read.queries",
)


def rome(y: int, mo: int, d: int, h: int, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=ROME).astimezone(UTC)


class SimClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> SimClock:
    sim = SimClock(rome(2027, 3, 1, 9))
    for module in NOW_USERS:
        monkeypatch.setattr(f"{module}.utcnow", sim)
    return sim


@pytest.fixture
def store(any_url: str, tmp_path: Any, clock: SimClock) -> Iterator[Services]:
    services = build(any_url, migrate=True)
    try:
        services.agents.add("Sara Conti", "sara@example.com", "agent")
        services.agents.add("Luca Verdi", "luca@example.com", "agent")
        services.agents.add_team("Vendite")
        services.hours.add("Ufficio", "Europe/Rome", WEEK)
        services.sla.add(
            "Email", first_reply="4h", next_reply="2h", resolution="2d", hours="Ufficio", channel="email"
        )
        services.accounts.add("fake", "posta", {"path": str(tmp_path / "fake"), "channel": "email"})
        yield services
    finally:
        services.close()


def arrive(store: Services, ext: str, at: datetime, thread: str = "t1", who: str = "cliente") -> None:
    item = InboundItem(
        external_id=ext,
        thread_key=thread,
        sender=Address("email", f"{who}@example.it"),
        sent_at=at,
        text=f"messaggio {ext}",
        subject="Ordine 1234",
    )
    account = store.accounts.get("posta").id
    got = store.ingest.store_batch(account, Batch((item,), ext))
    assert got.stored == 1, (got, store.ingest.quarantined())


def due(store: Services, case_id: int) -> dict[str, Any]:
    with store.factory() as s:
        from inbox_app.core.store.models import Case

        c = s.get(Case, case_id)
        assert c is not None
        return {
            "first_reply": aware(c.first_reply_due),
            "next_reply": aware(c.next_reply_due),
            "resolution": aware(c.resolution_due),
            "due_at": aware(c.due_at),
            "breached": c.sla_breached,
            "paused": c.sla_paused,
        }


def sla_log(store: Services, case_id: int) -> list[tuple[str, str, datetime, str | None]]:
    with store.factory() as s:
        return [
            (e.kind, (e.detail or {})["target"], e.at, (e.detail or {}).get("due"))
            for e in events.history(s, case_id)
            if e.kind.startswith("sla_")
        ]


def test_a_case_through_its_life(store: Services, clock: SimClock) -> None:
    sara = store.agents.find("Sara Conti")
    assert sara is not None
    # Arrived Monday 11:00 in Rome; stored five minutes later.
    clock.now = rome(2027, 3, 1, 11, 5)
    arrive(store, "a", rome(2027, 3, 1, 11))
    case_id = store.queries.cases()[0].id
    assert due(store, case_id) == {
        "first_reply": rome(2027, 3, 1, 16),  # 11-13, 14-16
        "next_reply": None,
        "resolution": rome(2027, 3, 3, 11),  # two business days
        "due_at": rome(2027, 3, 1, 16),
        "breached": "",
        "paused": False,
    }
    assert store.queries.case(case_id).sla.warn_at == rome(2027, 3, 1, 15)  # 3 of its 4 hours
    # Sara answers at 12:00: first reply met.
    clock.now = rome(2027, 3, 1, 12)
    store.outbox.queue_reply(case_id, "Lo controllo subito.", agent_id=sara.id)
    assert due(store, case_id)["first_reply"] is None
    assert due(store, case_id)["due_at"] == rome(2027, 3, 3, 11)
    # The customer writes at 14:00: the next reply is due at 16:00.
    clock.now = rome(2027, 3, 1, 14, 1)
    arrive(store, "b", rome(2027, 3, 1, 14))
    assert due(store, case_id)["next_reply"] == rome(2027, 3, 1, 16)
    assert due(store, case_id)["due_at"] == rome(2027, 3, 1, 16)
    # Nobody answers. The tick before 16:00 finds nothing; after, one breach, written once.
    clock.now = rome(2027, 3, 1, 15, 59)
    assert store.sla.check_breaches(clock.now) == []
    clock.now = rome(2027, 3, 1, 16, 0)
    assert store.sla.check_breaches(clock.now) == [case_id]
    assert store.sla.check_breaches(rome(2027, 3, 1, 16, 30)) == []
    assert due(store, case_id)["breached"] == "next_reply"
    # Reassigned and handed to a team: no policy names a team, nothing moves.
    store.cases.assign(case_id, "Luca Verdi")
    store.cases.assign_team(case_id, "Vendite")
    assert due(store, case_id)["resolution"] == rome(2027, 3, 3, 11)
    # Pending at 17:00: the resolution clock stands still (6 business hours ran: 11-13, 14-17... 5).
    clock.now = rome(2027, 3, 1, 17)
    store.cases.set_status(case_id, "pending")
    got = due(store, case_id)
    assert (got["resolution"], got["paused"], got["next_reply"]) == (None, True, rome(2027, 3, 1, 16))
    # The customer answers Tuesday 09:00: open again, the clock runs on. 5 h ran of 17:
    # Tuesday 9 h, then Wednesday 09:00-12:00.
    clock.now = rome(2027, 3, 2, 9, 1)
    arrive(store, "c", rome(2027, 3, 2, 9))
    got = due(store, case_id)
    assert (got["resolution"], got["paused"]) == (rome(2027, 3, 3, 12), False)
    assert got["next_reply"] == rome(2027, 3, 1, 16)  # still Monday's message unanswered
    # Resolved Tuesday 10:00: the resolution target is met; nothing is due any more.
    clock.now = rome(2027, 3, 2, 10)
    store.cases.set_status(case_id, "resolved")
    got = due(store, case_id)
    assert (got["due_at"], got["first_reply"], got["next_reply"], got["resolution"]) == (
        None,
        None,
        None,
        None,
    )
    assert got["breached"] == "next_reply"
    # The customer writes again Tuesday 13:00: reopened, a new segment with new clocks.
    clock.now = rome(2027, 3, 2, 13, 1)
    arrive(store, "d", rome(2027, 3, 2, 13))
    assert due(store, case_id) == {
        "first_reply": rome(2027, 3, 2, 18),  # the lunch break does not count
        "next_reply": None,
        "resolution": rome(2027, 3, 4, 13),  # as many working hours into Thursday (4)
        "due_at": rome(2027, 3, 2, 18),
        "breached": "",
        "paused": False,
    }
    log = sla_log(store, case_id)
    assert [(k, t) for k, t, _at, _due in log] == [
        ("sla_started", "first_reply"),
        ("sla_started", "resolution"),
        ("sla_fulfilled", "first_reply"),
        ("sla_started", "next_reply"),
        ("sla_breached", "next_reply"),
        ("sla_paused", "resolution"),
        ("sla_resumed", "resolution"),
        ("sla_fulfilled", "resolution"),
        ("sla_started", "first_reply"),
        ("sla_started", "resolution"),
    ]
    assert log[4][2] == rome(2027, 3, 1, 16)  # the breach is dated at the due time
    assert log[6][3] == rome(2027, 3, 3, 12).isoformat()


def test_snoozed_pauses_resolution_until_it_wakes(store: Services, clock: SimClock) -> None:
    clock.now = rome(2027, 3, 1, 9, 1)
    arrive(store, "a", rome(2027, 3, 1, 9))
    case_id = store.queries.cases()[0].id
    clock.now = rome(2027, 3, 1, 10)
    store.cases.set_status(case_id, "snoozed", until=rome(2027, 3, 2, 10))
    assert due(store, case_id)["paused"] is True
    clock.now = rome(2027, 3, 2, 10, 30)
    assert store.cases.wake_snoozed() == [case_id]
    # Woke at 10:00 Tuesday (its time), 1 h ran Monday; 16 h remain: Tue 10-13, 14-18 (7 h),
    # Wed 9 h -> Wednesday 18:00.
    assert due(store, case_id)["resolution"] == rome(2027, 3, 3, 18)


def test_a_policy_added_later_applies_to_targets_not_yet_reached(store: Services, clock: SimClock) -> None:
    clock.now = rome(2027, 3, 1, 9, 1)
    arrive(store, "a", rome(2027, 3, 1, 9))
    case_id = store.queries.cases()[0].id
    assert due(store, case_id)["first_reply"] == rome(2027, 3, 1, 13)
    # Urgent cases: one business hour, tried first.
    clock.now = rome(2027, 3, 1, 9, 30)
    store.sla.add(
        "Urgent", first_reply="1h", next_reply=None, resolution=None, hours="Ufficio", priority="urgent"
    )
    store.sla.move("Urgent", 1)
    assert due(store, case_id)["first_reply"] == rome(2027, 3, 1, 13)  # still normal priority
    store.cases.set_priority(case_id, "urgent")
    got = due(store, case_id)
    assert (got["first_reply"], got["resolution"], got["due_at"]) == (
        rome(2027, 3, 1, 10),
        None,
        rome(2027, 3, 1, 10),
    )
    changed = [(k, t, due_) for k, t, _at, due_ in sla_log(store, case_id) if k == "sla_changed"]
    assert changed == [("sla_changed", "first_reply", rome(2027, 3, 1, 10).isoformat())]
    # A holiday added to the calendar moves what is not reached yet.
    store.cases.set_priority(case_id, "normal")
    clock.now = rome(2027, 3, 1, 9, 45)
    store.hours.add_holiday("Ufficio", "2027-03-02")
    store.cases.set_status(case_id, "open")
    assert due(store, case_id)["resolution"] == rome(2027, 3, 4, 9)


def test_the_history_dst_week(store: Services, clock: SimClock) -> None:
    # Friday before the spring-forward Sunday: due Monday 12:00 local, 10:00 UTC.
    clock.now = rome(2027, 3, 26, 17, 1)
    arrive(store, "a", rome(2027, 3, 26, 17))
    case_id = store.queries.cases()[0].id
    assert due(store, case_id)["first_reply"] == datetime(2027, 3, 29, 10, tzinfo=UTC)
    assert due(store, case_id)["resolution"] == rome(2027, 3, 30, 17) == datetime(2027, 3, 30, 15, tzinfo=UTC)


def test_mail_imported_late_gets_the_due_times_it_really_had(store: Services, clock: SimClock) -> None:
    # Arrived at the mail server Monday 9:00; this program stored it Tuesday.
    clock.now = rome(2027, 3, 2, 11)
    arrive(store, "a", rome(2027, 3, 1, 9))
    case_id = store.queries.cases()[0].id
    got = due(store, case_id)
    assert (got["first_reply"], got["breached"]) == (rome(2027, 3, 1, 13), "first_reply")
    assert [(k, t, at) for k, t, at, _d in sla_log(store, case_id)][:3] == [
        ("sla_started", "first_reply", rome(2027, 3, 1, 9)),
        ("sla_started", "resolution", rome(2027, 3, 1, 9)),
        ("sla_breached", "first_reply", rome(2027, 3, 1, 13)),
    ]
    # Only one breach, whatever the tick does later.
    assert store.sla.check_breaches(rome(2027, 3, 2, 12)) == []


def test_the_list_by_time_to_breach_pages_and_counts_the_overdue(store: Services, clock: SimClock) -> None:
    from inbox_app.core.read.queries import OPEN_STATES, CaseFilter

    clock.now = rome(2027, 3, 1, 12)
    for i, hour in enumerate((9, 11, 10, 8)):
        arrive(store, f"m{i}", rome(2027, 3, 1, hour), thread=f"t{i}", who=f"cliente{i}")
    by_arrival = sorted(store.queries.cases(), key=lambda c: c.opened_at)
    resolved = by_arrival[1]  # arrived 09:00
    store.cases.set_status(resolved.id, "resolved")
    clock.now = rome(2027, 3, 1, 13, 30)
    flt = CaseFilter(status=OPEN_STATES)
    pages, after = [], None
    while True:
        page = store.queries.cases_by_due(flt, limit=2, after=after)
        if not page:
            break
        pages.append([(c.opened_at.astimezone(ROME).hour, c.due_at) for c in page])
        after = page[-1]
    # Four business hours: 08:00 -> 13:00 (before opening: from nine), 10:00 -> 15:00 (lunch).
    assert pages == [
        [(8, rome(2027, 3, 1, 13)), (10, rome(2027, 3, 1, 15))],
        [(11, rome(2027, 3, 1, 16))],
    ]
    assert store.queries.count_cases(CaseFilter(overdue=True)) == 1
    everything = store.queries.cases_by_due(CaseFilter(), limit=10)
    assert [c.id for c in everything][-1] == resolved.id  # nothing due: after the rest


def test_removing_the_last_policy_clears_the_clocks_and_says_so(store: Services, clock: SimClock) -> None:
    clock.now = rome(2027, 3, 1, 9, 1)
    arrive(store, "a", rome(2027, 3, 1, 9))
    case_id = store.queries.cases()[0].id
    assert due(store, case_id)["due_at"] == rome(2027, 3, 1, 13)
    clock.now = rome(2027, 3, 1, 10)
    store.sla.remove("Email")
    assert due(store, case_id) == {
        "first_reply": None,
        "next_reply": None,
        "resolution": None,
        "due_at": None,
        "breached": "",
        "paused": False,
    }
    assert store.queries.case(case_id).sla is None
    dropped = [(k, t, at, d) for k, t, at, d in sla_log(store, case_id) if k == "sla_changed"]
    assert dropped == [
        ("sla_changed", "first_reply", rome(2027, 3, 1, 10), None),
        ("sla_changed", "resolution", rome(2027, 3, 1, 10), None),
    ]
