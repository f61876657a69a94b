"""Team mode: the at-risk score is kept by every login that changes what it is made of (the
worker's ingest, an agent's case change, a lead's merge) within the rights the database grants."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from inbox_app.core.store.models import CustomerRisk
from inbox_app.core.team import roles as db_roles
from tests.integration.roles.conftest import PASSWORD, Team


@pytest.mark.slow
@pytest.mark.postgres
def test_worker_agents_and_leads_keep_the_score(team: Team, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR, logger="inbox_app.core.voice.risk_store")
    worker = db_roles.set_worker_login(
        team.owner.engine, f"worker_{team.database}", PASSWORD, actor="test"
    ).user
    team.shop.deliver(
        id="m3",
        text="Vergognoso! Ancora niente, è la terza volta!!",
        subject="Reclamo",
        thread="t9",
        sent_at=(datetime.now(UTC) - timedelta(hours=30)).isoformat(),
        **{"from": "mario@example.it"},
    )
    syncing = team.open_as(worker)
    asyncio.run(syncing.supervisor().run_once())
    mario = team.owner.queries.customers(text="mario@example.it")[0].id
    giulia = team.owner.queries.customers(text="giulia@example.it")[0].id
    with team.owner.factory() as s:
        factors = s.scalars(select(CustomerRisk.factors).where(CustomerRisk.customer_id == mario)).one()
    assert {f["name"] for f in factors} == {"tone", "waiting"}
    # An agent resolving the complaint recomputes his score with the agent's own login.
    sara = team.open_as(team.logins["Sara Bianchi"])
    case_id = next(c.id for c in team.owner.queries.cases() if c.subject == "Reclamo")
    sara.cases.set_status(case_id, "resolved", actor="Sara Bianchi")
    with team.owner.factory() as s:
        factors = s.scalars(select(CustomerRisk.factors).where(CustomerRisk.customer_id == mario)).one()
    assert "waiting" not in {f["name"] for f in factors}
    # "Not at risk" with an agent's login; a lead's merge leaves one score.
    proc = team.cli_as(team.logins["Sara Bianchi"], "customers", "not-at-risk", str(mario), "--reason", "ok")
    assert proc.returncode == 0, proc.stderr
    luca = team.open_as(team.logins["Luca Verdi"])
    luca.customers.merge(giulia, mario, actor="Luca Verdi")
    with team.owner.factory() as s:
        assert s.get(CustomerRisk, giulia) is None and s.get(CustomerRisk, mario) is not None
    assert [r.message for r in caplog.records] == []
