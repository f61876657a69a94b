"""Claims and moves in team mode: separate processes racing for one case, and the database
holding every agent's login to the rules, even with plain SQL."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from inbox_app.core.settings import SettingsService
from inbox_app.core.team import roles as db_roles
from tests.integration.roles.conftest import PASSWORD, Team
from tests.unit.core.helpers import account, batch, item

NOT_PERMITTED = 77
RACES = 200
SLOT = 0.015  # seconds per case: more than one claim takes, so both start each case together

# One claimer: its own process and store connection. Both claim every case in the same order,
# each case at the same instant by the clock they share (a slot of SLOT seconds per case from
# the start time the test writes in 'go'), and report what they were told for each.
CLAIMER = """
import json, os, sys, time
from inbox_app.app import build
from inbox_app.core.claims import CaseHeld
url, me, folder = sys.argv[1], sys.argv[2], sys.argv[3]
ids = json.loads(sys.argv[4])
services = build(url)
services.queries.cases(limit=1)  # connected before the start
open(os.path.join(folder, me + '.ready'), 'w').close()
go = os.path.join(folder, 'go')
while not os.path.exists(go) or not open(go).read().strip():
    time.sleep(0.0005)
start, slot = (float(x) for x in open(go).read().split())
told = {}
for n, case_id in enumerate(ids):
    wait = start + n * slot - time.time()
    if wait > 0:
        time.sleep(wait)
    try:
        services.cases.assign(case_id, me, actor=me)
        told[case_id] = 'won'
    except CaseHeld as held:
        told[case_id] = held.holder
services.close()
print(json.dumps(told))
"""


def _second_agent(team: Team) -> None:
    team.owner.agents.add("Marco Bianchi", "marco@example.com", "agent", "Vendite", actor="test")
    team.logins["Marco Bianchi"] = db_roles.set_agent_login(
        team.owner.engine, "Marco Bianchi", PASSWORD, actor="test"
    ).user


@pytest.mark.postgres
@pytest.mark.slow
def test_two_processes_claiming_the_same_cases_at_once_one_wins_each_and_the_other_is_told_who(
    team: Team, tmp_path: Path
) -> None:
    _second_agent(team)
    owner = team.owner
    acc = account(owner, name="race")
    owner.ingest.store_batch(acc, batch(*(item(f"r{i}", f"cliente{i}@example.it") for i in range(RACES))))
    ids = sorted(c.id for c in owner.queries.cases(limit=1000) if c.assignee is None)
    assert len(ids) >= RACES
    ids = ids[:RACES]
    people = ("Sara Bianchi", "Marco Bianchi")
    procs = {
        who: subprocess.Popen(
            [
                sys.executable,
                "-c",
                CLAIMER,
                team.url_as(team.logins[who]),
                who,
                str(tmp_path),
                json.dumps(ids),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for who in people
    }
    deadline = time.monotonic() + 60
    while not all((tmp_path / f"{who}.ready").exists() for who in people):
        assert time.monotonic() < deadline and all(p.poll() is None for p in procs.values())
        time.sleep(0.01)
    started = time.monotonic()
    (tmp_path / "go.tmp").write_text(f"{time.time() + 0.2} {SLOT}")
    (tmp_path / "go.tmp").rename(tmp_path / "go")
    told = {}
    for who, proc in procs.items():
        stdout, stderr = proc.communicate(timeout=120)
        assert proc.returncode == 0, stderr
        told[who] = {int(k): v for k, v in json.loads(stdout).items()}
    took = time.monotonic() - started
    wins = {who: 0 for who in people}
    for case_id in ids:
        sara, marco = told["Sara Bianchi"][case_id], told["Marco Bianchi"][case_id]
        winner = "Sara Bianchi" if sara == "won" else "Marco Bianchi"
        loser_heard = marco if winner == "Sara Bianchi" else sara
        assert loser_heard == winner, (case_id, sara, marco)  # exactly one won; the other heard who
        assert owner.queries.case(case_id).assignee == winner
        wins[winner] += 1
    assert sum(wins.values()) == RACES
    print(f"{RACES} claims raced by two processes in {took:.2f} s; wins {wins}")


@pytest.mark.postgres
def test_an_agents_login_cannot_move_a_colleagues_case_even_with_sql(team: Team) -> None:
    _second_agent(team)
    owner = team.owner
    first, second = sorted(c.id for c in owner.queries.cases())[:2]
    ids = {a.name: a.id for a in owner.agents.list()}
    team.cli_as(team.logins["Marco Bianchi"], "cases", "assign", str(first), "Marco Bianchi")
    # The command line: refused in words naming the holder and since when, exit code 77.
    proc = team.cli_as(team.logins["Sara Bianchi"], "cases", "assign", str(first), "Sara Bianchi", ok=False)
    assert proc.returncode == NOT_PERMITTED
    assert proc.stderr.startswith(f"inbox-app: error: case {first} is Marco Bianchi's since ")
    proc = team.cli_as(team.logins["Sara Bianchi"], "cases", "assign", str(second), "Luca Verdi", ok=False)
    assert proc.returncode == NOT_PERMITTED and "only leads and admins" in proc.stderr
    # Plain SQL with her login: the database refuses every move of others' work.
    with team.connect_as(team.logins["Sara Bianchi"]) as conn:
        for sql, args in (
            ("UPDATE cases SET assignee_id = %s WHERE id = %s", (ids["Sara Bianchi"], first)),
            ("UPDATE cases SET assignee_id = NULL WHERE id = %s", (first,)),
            ("UPDATE cases SET assignee_id = %s WHERE id = %s", (ids["Luca Verdi"], second)),
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="only leads and admins"):
                conn.execute(sql, args)
            conn.rollback()
        # Taking a free case and giving her own back stay hers to do.
        conn.execute("UPDATE cases SET assignee_id = %s WHERE id = %s", (ids["Sara Bianchi"], second))
        conn.execute("UPDATE cases SET assignee_id = NULL WHERE id = %s", (second,))
        conn.commit()
    assert owner.queries.case(first).assignee == "Marco Bianchi"
    # A lead moves it, with SQL too.
    with team.connect_as(team.logins["Luca Verdi"]) as conn:
        conn.execute("UPDATE cases SET assignee_id = %s WHERE id = %s", (ids["Sara Bianchi"], first))
        conn.commit()
    luca = team.open_as(team.logins["Luca Verdi"])
    luca.cases.assign(first, "Marco Bianchi", actor="Luca Verdi")
    assert owner.queries.case(first).assignee == "Marco Bianchi"
    # Once an admin lets agents reassign, Sara may.
    SettingsService(owner.factory).change("agents_may_reassign", True, actor="test")
    with team.connect_as(team.logins["Sara Bianchi"]) as conn:
        conn.execute("UPDATE cases SET assignee_id = %s WHERE id = %s", (ids["Luca Verdi"], first))
        conn.commit()
    team.cli_as(team.logins["Sara Bianchi"], "cases", "assign", str(first), "Sara Bianchi")
    assert owner.queries.case(first).assignee == "Sara Bianchi"
    # Giving one's own case back is always allowed.
    SettingsService(owner.factory).change("agents_may_reassign", False, actor="test")
    team.cli_as(team.logins["Sara Bianchi"], "cases", "assign", str(first), "--none")
    assert owner.queries.case(first).assignee is None
