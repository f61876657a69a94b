"""Satisfaction in team mode on PostgreSQL: only admins turn it on, the worker's login asks
(two workers at once still ask each case once) and records the answers, agents read them."""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from inbox_app.core.store.models import CsatSurvey, Message
from inbox_app.core.team import roles as db_roles
from tests.integration.roles.conftest import PASSWORD, Team

NOT_PERMITTED = 77


def test_admins_turn_it_on_workers_ask_once_and_read_answers(team: Team) -> None:
    owner = team.owner
    refused = team.cli_as(team.logins["Luca Verdi"], "teams", "set", "Vendite", "--csat", "on", ok=False)
    assert refused.returncode == NOT_PERMITTED
    done = team.cli_as(
        team.logins["Anna Neri"], "--json", "teams", "set", "Vendite", "--csat", "on", "--csat-delay", "0s"
    )
    assert json.loads(done.stdout)["csat"] is True

    with owner.factory() as s:
        case_ids = sorted(int(c) for c in s.scalars(select(Message.case_id).where(Message.direction == "in")))
    for case_id in case_ids:
        owner.cases.assign_team(case_id, "Vendite", actor="test")
        owner.cases.assign(case_id, "Sara Bianchi", actor="test")
        owner.cases.set_status(case_id, "resolved", actor="test")

    worker = db_roles.set_worker_login(owner.engine, f"worker_{team.database}", PASSWORD, actor="test").user
    workers = [team.open_as(worker), team.open_as(worker)]
    with ThreadPoolExecutor(2) as pool:
        passes = list(pool.map(lambda w: w.csat_asker.run_pass(), workers))
    while any(p.busy for p in passes):  # one worker found the team taken: it looks again
        passes = [w.csat_asker.run_pass() for w in workers]
    with owner.factory() as s:
        assert s.scalar(select(func.count(CsatSurvey.id))) == 2
        assert sorted(s.scalars(select(CsatSurvey.case_id))) == case_ids
    [report] = asyncio.run(workers[0].supervisor().run_once("shop"))
    assert report.error is None and report.sent == 2
    assert len(team.shop.sent_replies()) == 2

    team.shop.deliver(id="a1", text="1 - nessuno mi ha risposto", thread="t1", **{"from": "mario@example.it"})
    [report] = asyncio.run(workers[0].supervisor().run_once("shop"))
    assert report.error is None and report.stored == 1

    listed = json.loads(team.cli_as(team.logins["Sara Bianchi"], "--json", "csat", "list").stdout)
    assert sorted(((r["agent"], r["score"], r["comment"]) for r in listed), key=lambda r: r[1] or 0) == [
        ("Sara Bianchi", None, None),
        ("Sara Bianchi", 1, "nessuno mi ha risposto"),
    ]
    answered = next(r["case_id"] for r in listed if r["score"] == 1)
    assert owner.queries.case(answered).status == "open"  # a low score reopens
