"""No stale writes in team mode: a change based on an old version of a case is refused with
the fresh state, in separate processes (the command line as two agents) on one PostgreSQL,
with every agent's own login."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.integration.roles.conftest import Team
from tests.integration.roles.test_claims import _second_agent

STALE = 75
ROUNDS = 40
SLOT = 0.03  # seconds per case: both writers change each case at the same instant

# One writer: its own process and login. It reads every case's version first (as a desktop
# shows a case), then, at each case's instant, changes its priority based on that version.
WRITER = """
import json, os, sys, time
from inbox_app.app import build
from inbox_app.core.versions import StaleCase
url, me, priority, folder = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
ids = json.loads(sys.argv[5])
services = build(url)
seen = {case_id: services.queries.case(case_id).version for case_id in ids}
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
        services.cases.set_priority(case_id, priority, actor=me, based_on=seen[case_id])
        told[case_id] = 'won'
    except StaleCase as stale:
        told[case_id] = [stale.fresh.last_actor, stale.fresh.priority, str(stale)]
services.close()
print(json.dumps(told))
"""


@pytest.mark.postgres
def test_a_change_based_on_an_old_version_is_refused_with_what_happened_meanwhile(team: Team) -> None:
    _second_agent(team)
    owner = team.owner
    case_id = sorted(c.id for c in owner.queries.cases())[0]
    sara, marco = team.logins["Sara Bianchi"], team.logins["Marco Bianchi"]
    # Sara's desktop shows the case at some version...
    shown = json.loads(team.cli_as(sara, "cases", "show", str(case_id), "--json").stdout)
    version = shown["version"]
    # ...Marco resolves it meanwhile, from his own process and login...
    team.cli_as(marco, "cases", "status", str(case_id), "resolved", "--if-version", str(version))
    after = owner.queries.case(case_id)
    assert (after.status, after.version) == ("resolved", version + 1)
    # ...and Sara's change, based on what she saw, is refused with the fresh state, changing nothing.
    proc = team.cli_as(
        sara,
        "cases",
        "assign",
        str(case_id),
        "Sara Bianchi",
        "--if-version",
        str(version),
        "--json",
        ok=False,
    )
    assert proc.returncode == STALE, proc.stderr
    assert f"case {case_id} changed since you read it (version {version}, now {version + 1})" in proc.stderr
    assert "it was just resolved by Marco Bianchi at " in proc.stderr
    refusal = json.loads(proc.stdout)
    assert refusal["error"] == "stale" and refusal["based_on"] == version
    assert refusal["fresh"]["status"] == "resolved" and refusal["fresh"]["changed_by"] == "Marco Bianchi"
    assert refusal["fresh"]["version"] == version + 1
    unchanged = owner.queries.case(case_id)
    assert (unchanged.assignee, unchanged.version) == (after.assignee, version + 1)
    # Based on the fresh version, the same change goes through.
    team.cli_as(sara, "cases", "assign", str(case_id), "Sara Bianchi", "--if-version", str(version + 1))
    assert owner.queries.case(case_id).assignee == "Sara Bianchi"
    # Without --if-version the command line behaves as before (scripts keep working).
    team.cli_as(sara, "cases", "priority", str(case_id), "high")
    assert owner.queries.case(case_id).version == version + 3


@pytest.mark.postgres
@pytest.mark.slow
def test_two_processes_changing_one_case_at_once_from_one_version_one_wins_the_other_is_told(
    team: Team, tmp_path: Path
) -> None:
    from tests.unit.core.helpers import account, batch, item

    _second_agent(team)
    owner = team.owner
    owner.ingest.store_batch(
        account(owner, name="stale"),
        batch(*(item(f"v{i}", f"versione{i}@example.it") for i in range(ROUNDS))),
    )
    ids = sorted(c.id for c in owner.queries.cases(limit=1000))[-ROUNDS:]
    writers = {"Sara Bianchi": "high", "Marco Bianchi": "urgent"}
    procs = {
        who: subprocess.Popen(
            [
                sys.executable,
                "-c",
                WRITER,
                team.url_as(team.logins[who]),
                who,
                prio,
                str(tmp_path),
                json.dumps(ids),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for who, prio in writers.items()
    }
    deadline = time.monotonic() + 60
    while not all((tmp_path / f"{who}.ready").exists() for who in writers):
        assert time.monotonic() < deadline and all(p.poll() is None for p in procs.values())
        time.sleep(0.01)
    (tmp_path / "go.tmp").write_text(f"{time.time() + 0.2} {SLOT}")
    (tmp_path / "go.tmp").rename(tmp_path / "go")
    told = {}
    for who, proc in procs.items():
        stdout, stderr = proc.communicate(timeout=120)
        assert proc.returncode == 0, stderr
        told[who] = {int(k): v for k, v in json.loads(stdout).items()}
    first, second = writers
    wins = dict.fromkeys(writers, 0)
    for case_id in ids:
        a, b = told[first][case_id], told[second][case_id]
        winner, loser = (first, second) if a == "won" else (second, first)
        assert told[winner][case_id] == "won", (case_id, a, b)
        last_actor, priority, words = told[loser][case_id]
        # The loser is told who changed the case and how; the winner's change stands, once.
        assert (last_actor, priority) == (winner, writers[winner]), (case_id, a, b)
        assert f"given priority {writers[winner]} by {winner}" in words
        row = owner.queries.case(case_id)
        assert (row.priority, row.version) == (writers[winner], 1)
        wins[winner] += 1
    assert sum(wins.values()) == ROUNDS
    print(f"{ROUNDS} changes raced by two processes from one version; wins {wins}")
