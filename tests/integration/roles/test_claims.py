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


def _race(urls: dict[str, str], ids: list[int], folder: Path) -> tuple[dict[str, dict[int, str]], float]:
    """Each agent's claimer process on its own connection; what each was told, and how long."""
    procs = {
        who: subprocess.Popen(
            [sys.executable, "-c", CLAIMER, url, who, str(folder), json.dumps(ids)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for who, url in urls.items()
    }
    deadline = time.monotonic() + 60
    while not all((folder / f"{who}.ready").exists() for who in urls):
        assert time.monotonic() < deadline and all(p.poll() is None for p in procs.values())
        time.sleep(0.01)
    started = time.monotonic()
    (folder / "go.tmp").write_text(f"{time.time() + 0.2} {SLOT}")
    (folder / "go.tmp").rename(folder / "go")
    told = {}
    for who, proc in procs.items():
        stdout, stderr = proc.communicate(timeout=120)
        assert proc.returncode == 0, stderr
        told[who] = {int(k): v for k, v in json.loads(stdout).items()}
    return told, time.monotonic() - started


def _one_won_each(told: dict[str, dict[int, str]], ids: list[int], assignee) -> dict[str, int]:
    """Exactly one won each case; the other was told the winner's name; the store agrees."""
    first, second = told
    wins = dict.fromkeys(told, 0)
    for case_id in ids:
        a, b = told[first][case_id], told[second][case_id]
        winner = first if a == "won" else second
        assert (a, b) in (("won", first), (second, "won")), (case_id, a, b)
        assert assignee(case_id) == winner
        wins[winner] += 1
    assert sum(wins.values()) == len(ids)
    return wins


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
    told, took = _race({who: team.url_as(team.logins[who]) for who in people}, ids, tmp_path)
    wins = _one_won_each(told, ids, lambda case_id: owner.queries.case(case_id).assignee)
    print(f"{RACES} claims raced by two processes in {took:.2f} s; wins {wins}")


@pytest.mark.slow
def test_on_the_embedded_store_too_one_claim_wins_each_race(tmp_path: Path) -> None:
    from tests.unit.core.helpers import fresh_store

    store = fresh_store(tmp_path)
    try:
        store.agents.add("Sara Bianchi", "sara@example.com")
        store.agents.add("Marco Bianchi", "marco@example.com")
        store.ingest.store_batch(
            account(store), batch(*(item(f"r{i}", f"cliente{i}@example.it") for i in range(RACES // 2)))
        )
        ids = sorted(c.id for c in store.queries.cases(limit=1000))
        url = f"sqlite:///{tmp_path / 'store.db'}"
        told, took = _race({"Sara Bianchi": url, "Marco Bianchi": url}, ids, tmp_path)
        wins = _one_won_each(told, ids, lambda case_id: store.queries.case(case_id).assignee)
        print(f"{len(ids)} claims raced by two processes on SQLite in {took:.2f} s; wins {wins}")
    finally:
        store.close()


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


@pytest.mark.postgres
def test_moving_a_case_to_another_team_is_for_leads_logins(team: Team) -> None:
    owner = team.owner
    owner.agents.add_team("Resi", actor="test")
    case_id = sorted(c.id for c in owner.queries.cases())[0]
    team.cli_as(team.logins["Sara Bianchi"], "cases", "assign", str(case_id), "Sara Bianchi")
    assert owner.queries.case(case_id).team == "Vendite"  # a case without a team takes its taker's
    teams = dict((name, team_id) for team_id, name in owner.agents.teams())
    proc = team.cli_as(team.logins["Sara Bianchi"], "cases", "team", str(case_id), "Resi", ok=False)
    assert (
        proc.returncode == NOT_PERMITTED and "only leads and admins move cases to another team" in proc.stderr
    )
    with (
        team.connect_as(team.logins["Sara Bianchi"]) as conn,
        pytest.raises(psycopg.errors.InsufficientPrivilege, match="to another team"),
    ):
        conn.execute("UPDATE cases SET team_id = %s WHERE id = %s", (teams["Resi"], case_id))
    team.cli_as(team.logins["Luca Verdi"], "cases", "team", str(case_id), "Resi")
    assert owner.queries.case(case_id).team == "Resi"
