"""Automatic assignment: the policies as plain functions, then the store operation on SQLite."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from inbox_app.app import Services
from inbox_app.core.assign import AssignError, AvailabilityRefused, Candidate, choose, counts_available, plan
from inbox_app.core.claims import ASSIGNED
from inbox_app.core.store.models import AuditEvent, Case, ChannelAccount
from inbox_app.core.team.refusals import NotPermitted
from inbox_app.core.vocab import AssignMode
from tests.unit.core.helpers import batch, fresh_store, item

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)


def _pool(*loads: int, last: tuple[datetime | None, ...] = ()) -> list[Candidate]:
    return [
        Candidate(n + 1, f"A{n + 1}", load, last[n] if n < len(last) else None)
        for n, load in enumerate(loads)
    ]


# ------------------------------------------------------------------ policies


def test_balanced_picks_the_fewest_open_cases_and_says_why() -> None:
    choice = choose(AssignMode.BALANCED, _pool(5, 3, 4, 7), 10, NOW)
    assert choice is not None and choice.agent_id == 2
    assert choice.reason == "balanced: 3 open (capacity 10), lowest of 4 available"


def test_balanced_never_goes_over_capacity_and_stops_when_all_are_full() -> None:
    assert choose(AssignMode.BALANCED, _pool(3, 2), 3, NOW).agent_id == 2  # type: ignore[union-attr]
    assert choose(AssignMode.BALANCED, _pool(3, 3), 3, NOW) is None
    assert choose(AssignMode.BALANCED, [], None, NOW) is None


def test_balanced_breaks_a_tie_by_who_waited_longest_for_a_case() -> None:
    earlier, later = NOW - timedelta(minutes=9), NOW - timedelta(minutes=1)
    assert choose(AssignMode.BALANCED, _pool(1, 1, 1, last=(later, earlier, later)), None, NOW).agent_id == 2  # type: ignore[union-attr]


def test_round_robin_picks_the_longest_since_the_last_assignment_within_capacity() -> None:
    last = (NOW - timedelta(minutes=5), NOW - timedelta(minutes=30), NOW - timedelta(minutes=1))
    choice = choose(AssignMode.ROUND_ROBIN, _pool(0, 4, 0, last=last), 5, NOW)
    assert choice is not None and choice.agent_id == 2
    assert (
        choice.reason == "round robin: last assigned 30 min ago, longest of 3 available; 4 open (capacity 5)"
    )
    # The longest-waiting one is full: the next in line.
    assert choose(AssignMode.ROUND_ROBIN, _pool(0, 5, 0, last=last), 5, NOW).agent_id == 1  # type: ignore[union-attr]
    never = choose(AssignMode.ROUND_ROBIN, _pool(3, 0, last=(last[0], None)), None, NOW)
    assert never is not None and never.agent_id == 2 and "never assigned before" in never.reason


def test_off_assigns_nobody() -> None:
    assert choose(AssignMode.OFF, _pool(0), None, NOW) is None
    assert plan(AssignMode.OFF, _pool(0), None, [1, 2], NOW) == []


def test_a_plan_sees_its_own_choices_balanced() -> None:
    out = plan(AssignMode.BALANCED, _pool(0, 2, 1), 3, list(range(100, 110)), NOW)
    # 0+2+1 open, capacity 3 each: 6 fit, and every agent ends full.
    assert [case for case, _c, _at in out] == [100, 101, 102, 103, 104, 105]
    given = [c.agent_id for _case, c, _at in out]
    assert given.count(1) == 3 and given.count(2) == 1 and given.count(3) == 2


def test_a_plan_goes_round_with_round_robin() -> None:
    out = plan(AssignMode.ROUND_ROBIN, _pool(0, 0, 0), None, list(range(7)), NOW)
    assert [c.agent_id for _case, c, _at in out] == [1, 2, 3, 1, 2, 3, 1]
    stamps = [at for _case, _c, at in out]
    assert stamps == sorted(stamps) and len(set(stamps)) == 7


def test_availability_is_the_agents_word_and_a_calendar_may_narrow_it() -> None:
    assert counts_available(True, 1, NOW) and not counts_available(False, 1, NOW)
    closed = lambda _agent, _at: False  # noqa: E731 - a calendar outside working hours
    assert not counts_available(True, 1, NOW, closed)


# ------------------------------------------------------------------ the store


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    svc = fresh_store(tmp_path)
    svc.agents.add_team("Vendite")
    svc.agents.add("Marco Bianchi", "marco@example.com", team="Vendite")
    svc.agents.add("Sara Conti", "sara@example.com", team="Vendite")
    svc.agents.add("Luca Verdi", "luca@example.com", role="lead", team="Vendite")
    svc.agents.add("Anna Neri", "anna@example.com", role="admin")
    yield svc
    svc.close()


def _routed_account(services: Services) -> int:
    team_id = next(tid for tid, name in services.agents.teams() if name == "Vendite")
    with services.factory() as s, s.begin():
        row = ChannelAccount(
            name="shop", kind="fake", channel="email", settings={"path": "/x", "team_id": team_id}
        )
        s.add(row)
        s.flush()
        return row.id


def _new_cases(services: Services, account_id: int, n: int, start: int = 0) -> list[int]:
    items = [item(f"m{start + k}", f"c{start + k}@example.it", minutes=start + k) for k in range(n)]
    services.ingest.store_batch(account_id, batch(*items))
    with services.factory() as s:
        return list(s.scalars(select(Case.id).order_by(Case.id)))[-n:]


def _assignees(services: Services) -> dict[int, int | None]:
    with services.factory() as s:
        return {int(i): a for i, a in s.execute(select(Case.id, Case.assignee_id))}


def test_off_by_default_nothing_is_assigned(services: Services) -> None:
    acc = _routed_account(services)
    _new_cases(services, acc, 3)
    assert services.assign.run_pass().assigned == ()
    assert set(_assignees(services).values()) == {None}


def test_balanced_fills_up_to_capacity_oldest_first_and_records_why(services: Services) -> None:
    acc = _routed_account(services)
    ids = _new_cases(services, acc, 8)
    services.assign.set_availability("Luca Verdi", False, actor="Luca Verdi")
    services.assign.set_team("Vendite", AssignMode.BALANCED, 3, actor="Anna Neri")
    done = services.assign.run_pass().assigned
    # Marco and Sara are available (Luca is away): 3 each, the 6 oldest cases.
    assert [a.case_id for a in done] == ids[:6]
    assert sorted(a.agent for a in done) == ["Marco Bianchi"] * 3 + ["Sara Conti"] * 3
    owners = _assignees(services)
    assert owners[ids[6]] is None and owners[ids[7]] is None
    with services.factory() as s:
        trail = list(
            s.scalars(select(AuditEvent).where(AuditEvent.action == ASSIGNED).order_by(AuditEvent.id))
        )
    assert len(trail) == 6
    assert trail[0].data["reason"] == "balanced: 0 open (capacity 3), lowest of 2 available"
    assert trail[0].data["automatic"] is True and trail[0].actor == "system"
    # Capacity frees: a case resolved; the oldest waiting one goes to whoever has room.
    services.cases.set_status(ids[0], "resolved")
    again = services.assign.run_pass().assigned
    assert [a.case_id for a in again] == [ids[6]]
    assert again[0].agent_id == owners[ids[0]]
    # Luca comes back: the last one is his.
    services.assign.set_availability("Luca Verdi", True, actor="Luca Verdi")
    last = services.assign.run_pass().assigned
    assert [(a.case_id, a.agent) for a in last] == [(ids[7], "Luca Verdi")]
    assert services.assign.run_pass().assigned == ()


def test_a_reopened_case_nobody_holds_is_assigned_and_a_held_one_keeps_its_agent(services: Services) -> None:
    acc = _routed_account(services)
    ids = _new_cases(services, acc, 2)
    services.cases.assign(ids[0], "Sara Conti")
    for case_id in ids:
        services.cases.set_status(case_id, "resolved")
    services.assign.set_team("Vendite", AssignMode.ROUND_ROBIN, None)
    assert services.assign.run_pass().assigned == ()
    # The customers write again: both cases reopen.
    services.ingest.store_batch(
        acc,
        batch(
            item("r0", "c0@example.it", thread="m0", minutes=60),
            item("r1", "c1@example.it", thread="m1", minutes=61),
        ),
    )
    done = services.assign.run_pass().assigned
    assert [a.case_id for a in done] == [ids[1]]
    assert _assignees(services)[ids[0]] == services.agents.find("Sara Conti").id  # type: ignore[union-attr]


def test_a_case_taken_by_hand_meanwhile_is_not_taken_again(services: Services) -> None:
    acc = _routed_account(services)
    ids = _new_cases(services, acc, 1)
    services.assign.set_team("Vendite", AssignMode.BALANCED, None)
    with services.factory() as s, s.begin():
        s.execute(
            update(Case).where(Case.id == ids[0]).values(assignee_id=services.agents.find("Luca Verdi").id)
        )  # type: ignore[union-attr]
    assert services.assign.run_pass().assigned == ()


def test_availability_is_each_agents_own_and_any_for_leads(services: Services) -> None:
    with pytest.raises(AvailabilityRefused):
        services.assign.set_availability("Sara Conti", False, actor="Marco Bianchi")
    assert services.assign.set_availability("Sara Conti", False, actor="Luca Verdi")["available"] is False
    assert services.agents.find("Sara Conti").available is False  # type: ignore[union-attr]
    assert (
        services.assign.set_availability("marco@example.com", False, actor="Marco Bianchi")["available"]
        is False
    )
    with pytest.raises(AssignError):
        services.assign.set_availability("Nobody", True)


def test_only_admins_set_a_teams_assignment(services: Services) -> None:
    with pytest.raises(NotPermitted):
        services.assign.set_team("Vendite", AssignMode.BALANCED, 3, actor="Luca Verdi")
    row = services.assign.set_team("vendite", AssignMode.ROUND_ROBIN, 4, actor="Anna Neri")
    assert row == {"id": row["id"], "name": "Vendite", "assign": "round-robin", "capacity": 4}
    assert services.assign.set_team("Vendite", capacity=None)["capacity"] is None
    assert services.assign.set_team("Vendite")["assign"] == "round-robin"  # nothing said: as it was
    with pytest.raises(AssignError):
        services.assign.set_team("Vendite", "sometimes")
    with pytest.raises(AssignError):
        services.assign.set_team("Vendite", capacity=0)
