"""Automatic assignment in team mode: two `inbox-app sync` workers and eight agents' desktops
(each its own process and database login) on one PostgreSQL, cases arriving and being resolved
all the while. Exactly one process assigns a team at a time: no case is ever assigned twice,
nobody goes over capacity, and the backlog is handed out as capacity frees."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from connectors.fake import FakeServer
from inbox_app.core.claims import ASSIGNED
from inbox_app.core.store.models import AuditEvent, Case
from inbox_app.core.team import roles as db_roles
from inbox_app.core.vocab import AssignMode, CaseStatus
from tests.integration.roles.conftest import PASSWORD, Team

CAPACITY = 4
HANDOUT_LIMIT = 5.0  # seconds from capacity freeing to the oldest waiting case handed out
CASES = 140
MORE = ("Marco Bianchi", "Giulia Rossi", "Paolo Gallo", "Elena Fabbri", "Davide Conte")

# One agent's desktop: resolves its own open cases at a person's pace (quicker, here), and
# now and then steps away for a moment, with its own login.
DESKTOP = """
import json, os, random, sys, time
from inbox_app.app import build
from inbox_app.core.read.queries import CaseFilter
url, me, stop, seed = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
services = build(url)
rng = random.Random(seed)
agent = services.agents.find(me)
resolved = away = 0
while not os.path.exists(stop):
    mine = services.queries.cases(CaseFilter(status=("open",), assignee_id=agent.id), limit=50)
    if mine and rng.random() < 0.7:
        services.cases.set_status(rng.choice(mine).id, "resolved", actor=me)
        resolved += 1
    if rng.random() < 0.03:
        services.assign.set_availability(me, False, actor=me)
        time.sleep(0.5)
        services.assign.set_availability(me, True, actor=me)
        away += 1
    time.sleep(rng.uniform(0.1, 0.4))
services.close()
print(json.dumps({"resolved": resolved, "away": away}))
"""


def _handouts(owner, team_cases: set[int]) -> list[float]:  # type: ignore[no-untyped-def]
    """From the audit trail (written by every process): each time a case was resolved while
    cases waited, the seconds until the next automatic assignment."""
    with owner.read_factory() as s:
        events = s.execute(
            select(AuditEvent.at, AuditEvent.action, AuditEvent.object_id, AuditEvent.data)
            .where(AuditEvent.action.in_(("case.opened", "case.status", ASSIGNED)))
            .order_by(AuditEvent.at, AuditEvent.id)
        ).all()
    waiting, freed, out = 0, [], []
    for at, action, case_id, data in events:
        if case_id not in team_cases:
            continue
        if action == "case.opened":
            waiting += 1
        elif action == "case.status" and data.get("status") == "resolved" and waiting > 0:
            freed.append(at)
        elif action == ASSIGNED and data.get("automatic"):
            waiting -= 1
            out.extend((at - when).total_seconds() for when in freed)
            freed = []
    return out


def _wait(what, timeout: float, step: float = 0.2):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = what()
        if got:
            return got
        time.sleep(step)
    raise AssertionError(f"timed out after {timeout} s")


@pytest.mark.postgres
@pytest.mark.slow
def test_two_workers_and_eight_desktops_never_assign_a_case_twice(team: Team, tmp_path: Path) -> None:
    owner = team.owner
    for name in MORE:
        owner.agents.add(name, name.split()[0].lower() + "@example.com", "agent", "Vendite", actor="test")
        team.logins[name] = db_roles.set_agent_login(owner.engine, name, PASSWORD, actor="test").user
    owner.assign.set_team("Vendite", AssignMode.BALANCED, CAPACITY, actor="test")
    shops = [team.shop, FakeServer(tmp_path / "srv2")]
    owner.accounts.add("fake", "shop2", {"path": str(shops[1].root), "channel": "email"}, actor="test")
    for account in ("shop", "shop2"):
        team.cli_as("postgres", "accounts", "set", account, "--set", "team=Vendite")
    worker_user = db_roles.set_worker_login(
        owner.engine, f"worker_{team.database}", PASSWORD, actor="test"
    ).user

    stop = tmp_path / "stop"
    env = {**os.environ, "INBOX_APP_DATABASE": team.url_as(worker_user)}
    logs = [tmp_path / f"worker{n}.log" for n in range(2)]
    workers = []
    for n, log in enumerate(logs):
        # Each worker's log file of its own: who assigned what is counted there at the end.
        state = {"XDG_STATE_HOME": str(tmp_path / f"state{n}"), "XDG_CACHE_HOME": str(tmp_path / f"cache{n}")}
        with log.open("wb") as out:
            workers.append(
                subprocess.Popen(
                    [sys.executable, "-m", "inbox_app.cli", "sync"],
                    env={**env, **state},
                    stdout=out,
                    stderr=out,
                )
            )
    desktops = [
        subprocess.Popen(
            [sys.executable, "-c", DESKTOP, team.url_as(login), name, str(stop), str(n)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n, (name, login) in enumerate(sorted(team.logins.items()))
    ]
    assert len(desktops) == 8

    def loads() -> dict[int, int]:
        with owner.read_factory() as s:
            return dict(
                s.execute(
                    select(Case.assignee_id, func.count(Case.id))
                    .where(
                        Case.status == CaseStatus.OPEN,
                        Case.assignee_id.is_not(None),
                        Case.team_id.is_not(None),
                    )
                    .group_by(Case.assignee_id)
                ).all()
            )

    def waiting() -> int:
        with owner.read_factory() as s:
            return int(
                s.scalar(
                    select(func.count(Case.id)).where(
                        Case.status == CaseStatus.OPEN, Case.assignee_id.is_(None), Case.team_id.is_not(None)
                    )
                )
                or 0
            )

    def stored() -> int:
        with owner.read_factory() as s:
            return int(s.scalar(select(func.count(Case.id)).where(Case.team_id.is_not(None))) or 0)

    most = 0
    try:
        started = time.monotonic()
        for n in range(CASES):
            shops[n % 2].deliver(
                id=f"a{n}", text=f"domanda {n}", thread=f"a{n}", **{"from": f"c{n}@example.it"}
            )
            if n % 10 == 9:
                most = max(most, *loads().values(), 0)
                assert most <= CAPACITY
                time.sleep(0.4)
        _wait(lambda: stored() == CASES, 60)

        # The desktops keep resolving: the backlog drains, never over capacity on the way.
        def drained() -> bool:
            nonlocal most
            most = max(most, *loads().values(), 0)
            assert most <= CAPACITY
            return waiting() == 0

        _wait(drained, 60)
        took = time.monotonic() - started
        assert all(w.poll() is None for w in workers), [log.read_text()[-2000:] for log in logs]
    finally:
        stop.touch()
        told = [p.communicate(timeout=60) for p in desktops]
        for w in workers:
            w.send_signal(signal.SIGTERM)
        codes = [w.wait(timeout=60) for w in workers]
    assert all(p.returncode == 0 for p in desktops), [err[-2000:] for _out, err in told]
    assert codes == [0, 0], [log.read_text()[-2000:] for log in logs]
    work = [json.loads(out) for out, _err in told]
    assert sum(w["resolved"] for w in work) >= CASES - 8 * CAPACITY

    with owner.read_factory() as s:
        trail = s.execute(
            select(AuditEvent.object_id, AuditEvent.data).where(AuditEvent.action == ASSIGNED)
        ).all()
        team_cases = set(s.scalars(select(Case.id).where(Case.team_id.is_not(None))))
    handouts = _handouts(owner, team_cases)
    assert len(handouts) >= 10 and max(handouts) < HANDOUT_LIMIT, sorted(handouts)[-5:]
    automatic: dict[int, int] = {}
    for case_id, data in trail:
        if data.get("automatic"):
            automatic[case_id] = automatic.get(case_id, 0) + 1
    assert set(automatic) == team_cases and len(team_cases) == CASES
    assert set(automatic.values()) == {1}, {c: n for c, n in automatic.items() if n > 1}
    assert 0 < most <= CAPACITY
    by_worker = [
        sum(f.read_text().count(" assigned to ") for f in (tmp_path / f"state{n}").rglob("*.log"))
        for n in range(2)
    ]
    assert sum(by_worker) == CASES, by_worker
    print(
        f"\n{CASES} cases, {len(automatic)} automatic assignments, "
        f"{sum(w['resolved'] for w in work)} resolved and {sum(w['away'] for w in work)} breaks by 8 desktops, "
        f"2 workers (assigned {by_worker[0]} and {by_worker[1]}); {len(handouts)} hand-outs after a case "
        f"was resolved with a backlog: max {max(handouts):.2f} s, median {sorted(handouts)[len(handouts) // 2]:.2f} s; "
        f"drained in {took:.1f} s; most open cases held by one agent: {most}"
    )


@pytest.mark.postgres
def test_an_agents_login_sets_only_its_own_availability_even_in_plain_sql(team: Team) -> None:
    import psycopg

    sara, luca = team.logins["Sara Bianchi"], team.logins["Luca Verdi"]
    with team.connect_as(sara) as conn:
        conn.execute("UPDATE agents SET available = false WHERE name = 'Sara Bianchi'")
        conn.commit()
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="another agent's availability"):
            conn.execute("UPDATE agents SET available = false WHERE name = 'Luca Verdi'")
        conn.rollback()
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE agents SET role = 'admin' WHERE name = 'Sara Bianchi'")
        conn.rollback()
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE teams SET assign_mode = 'balanced'")
        conn.rollback()
    with team.connect_as(luca) as conn:  # a lead: anyone's
        conn.execute("UPDATE agents SET available = true WHERE name = 'Sara Bianchi'")
        conn.execute("UPDATE agents SET available = false WHERE name = 'Anna Neri'")
        conn.commit()
    assert {a.name: a.available for a in team.owner.agents.list()} == {
        "Anna Neri": False,
        "Luca Verdi": True,
        "Sara Bianchi": True,
    }
    # The command line, as separate processes with each login: the same rules, in words.
    said = team.cli_as(sara, "agents", "availability", "Luca Verdi", "away", ok=False)
    assert said.returncode == 77 and "only leads and admins set another agent's availability" in said.stderr
    assert team.cli_as(sara, "--json", "agents", "availability", "Sara Bianchi", "away").returncode == 0
    refused = team.cli_as(luca, "teams", "set", "Vendite", "--assign", "balanced", ok=False)
    assert refused.returncode == 77
    admin = team.cli_as(team.logins["Anna Neri"], "--json", "teams", "set", "Vendite", "--assign", "balanced")
    assert json.loads(admin.stdout)["assign"] == "balanced"
