"""A simulated working day of automatic assignment, with the real assigner loop running.

Two teams of four agents: Vendite balanced with a capacity of 5, Assistenza round robin with
a capacity of 4. Some 320 cases arrive in bursts; agents finish cases; availability changes
through the day and one agent of each team goes away at midday for good. Checked at every
step: nobody is ever over capacity; after each burst every available agent of the balanced
team holds within 1 of the fairest share (the water-filled one, since the assigner never takes
a case away); after capacity frees, the backlog is handed out within 5 s; each case is
assigned exactly once and oldest first.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import func, select

from inbox_app.app import Services
from inbox_app.core.claims import ASSIGNED
from inbox_app.core.store.models import Agent, AuditEvent, Case, ChannelAccount, Team
from inbox_app.core.vocab import AssignMode, CaseStatus
from inbox_app.sync.assigner import Assigner
from tests.unit.core.helpers import batch, fresh_store, item

TEAMS = {"Vendite": (AssignMode.BALANCED, 5), "Assistenza": (AssignMode.ROUND_ROBIN, 4)}
HANDOUT_LIMIT = 5.0  # seconds from capacity freeing to the backlog handed out
ROUNDS = 48


@dataclass
class Day:
    services: Services
    accounts: dict[str, int]
    agents: dict[str, list[int]]  # team -> agent ids
    sent: int = 0
    handouts: list[float] = field(default_factory=list)
    fairness_checks: int = 0


@pytest.fixture
def day(tmp_path: Path) -> Iterator[Day]:
    svc = fresh_store(tmp_path)
    accounts, agents = {}, {}
    for team, (mode, capacity) in TEAMS.items():
        team_id, _ = svc.agents.add_team(team)
        agents[team] = [
            svc.agents.add(f"{team} {n}", f"{team.lower()}{n}@example.com", team=team).id for n in range(4)
        ]
        svc.assign.set_team(team, mode, capacity)
        with svc.factory() as s, s.begin():
            row = ChannelAccount(
                name=team.lower(), kind="fake", channel="email", settings={"path": "/x", "team_id": team_id}
            )
            s.add(row)
            s.flush()
            accounts[team] = row.id
    yield Day(svc, accounts, agents)
    svc.close()


def _state(services: Services) -> dict[str, object]:
    """Per team: the available agents' open loads, the away ones', and the waiting cases."""
    with services.read_factory() as s:
        loads = dict(
            s.execute(
                select(Case.assignee_id, func.count(Case.id))
                .where(Case.status == CaseStatus.OPEN, Case.assignee_id.is_not(None))
                .group_by(Case.assignee_id)
            ).all()
        )
        agents = s.execute(select(Agent.id, Agent.team_id, Agent.available)).all()
        teams = {t.id: t for t in s.scalars(select(Team))}
        waiting = dict(
            s.execute(
                select(Case.team_id, func.count(Case.id))
                .where(Case.status == CaseStatus.OPEN, Case.assignee_id.is_(None))
                .group_by(Case.team_id)
            ).all()
        )
    out: dict[str, object] = {}
    for team_id, team in teams.items():
        out[team.name] = {
            "capacity": team.capacity,
            "available": {a.id: loads.get(a.id, 0) for a in agents if a.team_id == team_id and a.available},
            "all": {a.id: loads.get(a.id, 0) for a in agents if a.team_id == team_id},
            "waiting": waiting.get(team_id, 0),
        }
    return out


def _settled(state: dict[str, object]) -> bool:
    """Nothing waits while an available agent of its team has room."""
    for team in state.values():
        assert isinstance(team, dict)
        room = any(load < team["capacity"] for load in team["available"].values())
        if team["waiting"] and room:
            return False
    return True


def _check_capacity(state: dict[str, object]) -> None:
    for name, team in state.items():
        assert isinstance(team, dict)
        over = {a: load for a, load in team["all"].items() if load > team["capacity"]}
        assert not over, f"{name}: over capacity {over}"


async def _settle(day: Day) -> tuple[float, dict[str, object]]:
    """Seconds until the store is settled (capacity checked at every look), and its state."""
    started = time.monotonic()
    while True:
        state = await asyncio.to_thread(_state, day.services)
        _check_capacity(state)
        if _settled(state):
            return time.monotonic() - started, state
        assert time.monotonic() - started < 15, f"never settled: {state}"
        await asyncio.sleep(0.02)


def _fairest(loads: dict[int, int], arrivals: int, capacity: int) -> dict[int, int]:
    """Each agent's open load if ``arrivals`` cases went, one by one, to whoever has fewest."""
    out = dict(loads)
    for _ in range(arrivals):
        room = [a for a in out if out[a] < capacity]
        if not room:
            break
        out[min(room, key=lambda a: out[a])] += 1
    return out


def _arrive(day: Day, team: str, n: int) -> None:
    items = []
    for _ in range(n):
        day.sent += 1
        items.append(item(f"d{day.sent}", f"c{day.sent}@example.it", minutes=day.sent))
    day.services.ingest.store_batch(day.accounts[team], batch(*items))


def _finish(day: Day, rng: random.Random, how_many: int) -> int:
    """Agents finish ``how_many`` open cases (the busiest agents first, as people do)."""
    with day.services.read_factory() as s:
        rows = s.execute(
            select(Case.id, Case.assignee_id).where(
                Case.status == CaseStatus.OPEN, Case.assignee_id.is_not(None)
            )
        ).all()
    by_agent: dict[int, list[int]] = {}
    for case_id, agent in rows:
        by_agent.setdefault(agent, []).append(case_id)
    done = 0
    for _ in range(how_many):
        if not by_agent:
            break
        busiest = max(len(v) for v in by_agent.values())
        agent = rng.choice(sorted(a for a, v in by_agent.items() if len(v) == busiest))
        case_id = by_agent[agent].pop(rng.randrange(len(by_agent[agent])))
        if not by_agent[agent]:
            del by_agent[agent]
        day.services.cases.set_status(case_id, CaseStatus.RESOLVED)
        done += 1
    return done


async def _simulate(day: Day) -> None:
    rng = random.Random(13)
    services = day.services
    stop = asyncio.Event()
    assigner = Assigner(services.assign, services.bus, tick=30.0)  # only events wake it here
    task = asyncio.ensure_future(assigner.run(stop))
    gone = {"Vendite": day.agents["Vendite"][3], "Assistenza": day.agents["Assistenza"][2]}
    names = {a.id: a.name for a in services.agents.list()}
    try:
        await _settle(day)
        for round_ in range(ROUNDS):
            # A burst of new cases for each team.
            before = await asyncio.to_thread(_state, services)
            bursts = {team: rng.randint(1, 6) for team in TEAMS}
            for team, n in bursts.items():
                await asyncio.to_thread(_arrive, day, team, n)
            _took, after = await _settle(day)
            vendite_before, vendite_after = before["Vendite"], after["Vendite"]
            assert isinstance(vendite_before, dict) and isinstance(vendite_after, dict)
            fair = _fairest(
                vendite_before["available"],
                vendite_before["waiting"] + bursts["Vendite"],
                vendite_before["capacity"],
            )
            for agent, load in vendite_after["available"].items():
                assert abs(load - fair[agent]) <= 1, (round_, vendite_before, vendite_after, fair)
            day.fairness_checks += 1
            # Midday: one agent of each team goes away for the rest of the day.
            if round_ == ROUNDS // 2:
                for agent in gone.values():
                    await asyncio.to_thread(services.assign.set_availability, names[agent], False)
            # Now and then someone steps away for a while and comes back.
            if round_ % 7 == 3:
                pause = rng.choice(
                    [a for team in day.agents.values() for a in team if a not in gone.values()]
                )
                await asyncio.to_thread(services.assign.set_availability, names[pause], False)
                await asyncio.to_thread(_arrive, day, "Vendite", 2)
                _took, waited = await _settle(day)
                started = time.monotonic()
                await asyncio.to_thread(services.assign.set_availability, names[pause], True)
                await _settle(day)  # back: the backlog of the team goes to them first
                if any(t["waiting"] for t in waited.values() if isinstance(t, dict)):
                    day.handouts.append(time.monotonic() - started)
            # Capacity frees: agents finish cases while a backlog waits.
            state = await asyncio.to_thread(_state, services)
            backlog = sum(t["waiting"] for t in state.values() if isinstance(t, dict))
            started = time.monotonic()
            await asyncio.to_thread(_finish, day, rng, rng.randint(2, 7))
            await _settle(day)
            if backlog:
                day.handouts.append(time.monotonic() - started)
    finally:
        stop.set()
        await task


def test_a_simulated_day(day: Day) -> None:
    asyncio.run(_simulate(day))
    services = day.services
    assert day.sent >= 250 and day.fairness_checks == ROUNDS
    assert len(day.handouts) >= 20, "the day should have had a backlog waiting for capacity often"
    assert max(day.handouts) < HANDOUT_LIMIT, sorted(day.handouts)[-5:]
    with services.read_factory() as s:
        trail = s.execute(
            select(AuditEvent.object_id, AuditEvent.id)
            .where(AuditEvent.action == ASSIGNED)
            .order_by(AuditEvent.id)
        ).all()
        assigned = s.scalar(select(func.count(Case.id)).where(Case.assignee_id.is_not(None)))
        opened = {
            int(c.id): (c.waiting_since or c.opened_at)
            for c in s.execute(select(Case.id, Case.waiting_since, Case.opened_at))
        }
    per_case: dict[int, int] = {}
    for case_id, _id in trail:
        per_case[case_id] = per_case.get(case_id, 0) + 1
    assert set(per_case.values()) == {1}, "a case was assigned twice"
    assert len(per_case) == assigned
    # Oldest first, per team: the trail's order is the cases' arrival order.
    with services.read_factory() as s:
        team_of = dict(s.execute(select(Case.id, Case.team_id)).all())
    for team_id in set(team_of.values()):
        order = [opened[c] for c, _ in trail if team_of[c] == team_id]
        assert order == sorted(order)
    print(
        f"\n{day.sent} cases, {len(trail)} automatic assignments, {len(day.handouts)} hand-outs after "
        f"capacity freed: max {max(day.handouts):.3f} s, median {sorted(day.handouts)[len(day.handouts) // 2]:.3f} s"
    )
