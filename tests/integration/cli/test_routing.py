"""Routing to teams: an account names the team of its new cases; leads move cases between teams."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import delete, select

from connectors.fake import FakeServer
from inbox_app.app import build
from inbox_app.core.accounts import AccountError
from inbox_app.core.claims import TeamMoveRefused
from inbox_app.core.events import CasesChanged
from inbox_app.core.store.models import AuditEvent, ChannelAccount, Team
from tests.integration.cli.clirunner import Cli

NOT_PERMITTED = 77


def _set(cli: Cli, pair: str) -> dict:
    return json.loads(cli("--json", "accounts", "set", "shop", "--set", pair).stdout)


@pytest.mark.slow
def test_an_accounts_new_cases_belong_to_its_team_and_leads_move_them(cli: Cli, tmp_path: Path) -> None:
    shop = FakeServer(tmp_path / "shop")
    shop.deliver(id="m1", text="Il pacco?", thread="t1", **{"from": "mario@example.it"})
    cli("accounts", "add", "fake", "shop", "--set", f"path={shop.root}", "--set", "channel=email")
    cli("teams", "add", "Vendite")
    cli("teams", "add", "Resi")
    cli("agents", "add", "Sara Bianchi", "--email", "sara@example.com", "--role", "agent")
    cli("agents", "add", "Luca Verdi", "--email", "luca@example.com", "--role", "lead")
    refused = cli("accounts", "set", "shop", "--set", "team=Nessuno", ok=False)
    assert (refused.returncode, refused.stderr) == (
        1,
        "inbox-app: error: no team named 'Nessuno' (see 'inbox-app teams list')\n",
    )
    assert _set(cli, "team=vendite")["team"] == "Vendite"
    assert cli.json("accounts", "list")[0]["team"] == "Vendite"
    assert "every kind" in cli("accounts", "kinds").stdout
    cli("sync", "--once")  # the connector still reads its own settings only
    (case,) = cli.json("cases", "list")
    assert case["team"] == "Vendite"
    # Another setting changed keeps the routing; 'none' ends it.
    assert _set(cli, "batch_size=50")["team"] == "Vendite"

    case_id = str(case["id"])
    moved = cli("--as", "Sara Bianchi", "cases", "team", case_id, "Resi", ok=False)
    assert (moved.returncode, moved.stderr) == (
        NOT_PERMITTED,
        f"inbox-app: error: case {case_id}: only leads and admins move cases to another team\n",
    )
    assert cli("--as", "Luca Verdi", "cases", "team", case_id, "Resi").stdout == (
        f"case {case_id} belongs to team Resi\n"
    )
    assert cli.json("cases", "show", case_id)["team"] == "Resi"
    assert (
        cli("--as", "Luca Verdi", "cases", "team", case_id, "--none").stdout
        == f"case {case_id} has no team\n"
    )
    # A case without a team is anyone's to give one.
    cli("--as", "Sara Bianchi", "cases", "team", case_id, "Vendite")
    assert cli.json("cases", "show", case_id)["team"] == "Vendite"
    assert _set(cli, "team=none")["team"] is None

    services = build(cli.db)
    try:
        with services.factory() as s:
            moves = s.execute(
                select(AuditEvent.actor, AuditEvent.data)
                .where(AuditEvent.action == "case.team_assigned")
                .order_by(AuditEvent.id)
            ).all()
            stored = s.scalar(select(ChannelAccount.settings).where(ChannelAccount.name == "shop"))
        assert [(a, d["team"]) for a, d in moves] == [
            ("Luca Verdi", "Resi"),
            ("Luca Verdi", None),
            ("Sara Bianchi", "Vendite"),
        ]
        assert stored is not None and "team_id" not in stored and "team" not in stored
    finally:
        services.close()


def test_routing_in_the_services_and_at_ingest(tmp_path: Path) -> None:
    from tests.unit.core.helpers import batch, item

    services = build(f"sqlite:///{tmp_path / 'store.db'}")
    try:
        team_id, _ = services.agents.add_team("Vendite")
        services.agents.add("Luca Verdi", "luca@example.com", role="lead")
        shop = services.accounts.add(
            "fake", "shop", {"path": str(tmp_path / "srv"), "channel": "email", "team": "Vendite"}
        )
        assert (shop.team_id, shop.team) == (team_id, "Vendite") and "team" not in shop.settings
        services.supervisor().build_connector(shop)  # the connector never sees the routing
        with pytest.raises(AccountError, match="no team named 'Altro'"):
            services.accounts.update_settings("shop", {"team": "Altro"})
        seen: list[tuple[int, ...]] = []
        services.bus.subscribe(CasesChanged, lambda e: seen.append(e.case_ids))
        services.ingest.store_batch(shop.id, batch(*(item(f"m{i}", f"c{i}@example.it") for i in range(5))))
        cases = services.queries.cases()
        assert len(cases) == 5 and {c.team for c in cases} == {"Vendite"}
        # A team renamed keeps routing; a team removed routes nowhere (never a failed batch).
        services.agents.rename_team(team_id, "Vendite Italia")
        assert services.accounts.get("shop").team == "Vendite Italia"
        services.agents.add_team("Resi")
        services.cases.assign_team(cases[0].id, "resi", actor="Luca Verdi")
        assert services.queries.case(cases[0].id).team == "Resi" and (cases[0].id,) in seen
        services.agents.add("Sara Bianchi", "sara@example.com")
        with pytest.raises(TeamMoveRefused):
            services.cases.assign_team(cases[0].id, "Vendite Italia", actor="Sara Bianchi")
        with services.factory() as s, s.begin():
            s.execute(delete(Team).where(Team.id == team_id))
        assert services.accounts.get("shop").team is None
        services.ingest.store_batch(shop.id, batch(item("late", "nuovo@example.it")))
        assert len(services.queries.cases()) == 6
    finally:
        services.close()


def test_the_lead_command_answers_help_at_once() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "inbox_app", "cases", "team", "--help"], capture_output=True, text=True
    )
    assert proc.returncode == 0 and "leads and admins" in proc.stdout
