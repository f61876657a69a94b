"""`inbox-app teams`: admins add teams and list them with their agents; mistakes get one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.cli.clirunner import Cli


@pytest.mark.slow
def test_add_and_list_teams(cli: Cli) -> None:
    assert cli("teams", "list").stdout.strip() == "no teams yet"
    assert cli.json("teams", "list") == []
    assert cli("teams", "add", "  Vendite ").stdout.strip() == "added team Vendite"
    added = cli.json("teams", "add", "Supporto")
    assert set(added) == {"id", "name"} and added["name"] == "Supporto"
    cli("agents", "add", "Sara Bianchi", "--email", "sara@shop.example", "--team", "Vendite")
    listed = cli.json("teams", "list")
    assert [(t["name"], t["agents"]) for t in listed] == [("Supporto", []), ("Vendite", ["Sara Bianchi"])]
    keys = {"id", "name", "agents", "assign", "capacity", "csat", "csat_delay", "csat_every"}
    assert all(set(t) == keys for t in listed)
    assert [(t["assign"], t["capacity"]) for t in listed] == [("off", None), ("off", None)]
    lines = cli("teams", "list").stdout.splitlines()
    assert lines[0].split() == ["Supporto", "-"] and lines[1].split() == ["Vendite", "Sara", "Bianchi"]


@pytest.mark.slow
def test_mistakes_get_one_line_and_a_nonzero_exit(cli: Cli) -> None:
    cli("teams", "add", "Vendite")
    for name, words in (
        ("vendite", "a team named 'Vendite' already exists"),
        ("  ", "the team needs a name"),
    ):
        proc = cli("teams", "add", name, ok=False)
        assert proc.returncode == 1
        assert proc.stderr.strip() == f"inbox-app: error: {words}"
    usage = cli("teams", ok=False)
    assert usage.returncode == 2 and "inbox-app: error:" in usage.stderr
    assert [t["name"] for t in cli.json("teams", "list")] == ["Vendite"]


def test_adding_and_renaming_is_audited(tmp_path: Path) -> None:
    from sqlalchemy import select

    from inbox_app.app import build
    from inbox_app.core.agents import AgentError
    from inbox_app.core.store.models import AuditEvent

    services = build(f"sqlite:///{tmp_path / 'store.db'}")
    try:
        agents = services.agents
        team_id, _ = agents.add_team("Vendite", actor="Giulia")
        agents.add("Sara Bianchi", "sara@shop.example", team="Vendite")
        support, _ = agents.add_team("Supporto")
        assert agents.rename_team(team_id, " Vendite  Italia ", actor="Giulia") == (team_id, "Vendite Italia")
        assert agents.list()[0].team == "Vendite Italia"  # the agents follow their team
        assert agents.rename_team(team_id, "vendite italia") == (team_id, "vendite italia")  # capitals only
        with pytest.raises(AgentError, match="a team named 'Supporto' already exists"):
            agents.rename_team(team_id, "SUPPORTO")
        with pytest.raises(AgentError, match="the team needs a name"):
            agents.rename_team(support, "")
        with pytest.raises(AgentError, match="no team with id 999"):
            agents.rename_team(999, "Altro")
        assert [name for _id, name in agents.teams()] == ["Supporto", "vendite italia"]
        with services.factory() as s:
            events = [
                (e.actor, e.action, e.object_id, e.data)
                for e in s.scalars(
                    select(AuditEvent).where(AuditEvent.object_type == "team").order_by(AuditEvent.id)
                )
            ]
        assert events[0] == ("Giulia", "team.added", team_id, {"name": "Vendite"})
        assert events[2] == (
            "Giulia",
            "team.renamed",
            team_id,
            {"old": "Vendite", "name": "Vendite Italia"},
        )
        assert [e[1] for e in events] == ["team.added", "team.added", "team.renamed", "team.renamed"]
    finally:
        services.close()
