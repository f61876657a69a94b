"""`inbox-app teams set --assign/--capacity` and `agents availability`, run as a newcomer would."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from connectors.fake import FakeServer
from inbox_app.app import build
from inbox_app.core.claims import ASSIGNED
from inbox_app.core.store.models import AuditEvent
from tests.integration.cli.clirunner import Cli

NOT_PERMITTED = 77


def _team(cli: Cli, tmp_path: Path) -> FakeServer:
    cli("teams", "add", "Vendite")
    for name, role in (("Marco Bianchi", "agent"), ("Sara Conti", "agent"), ("Luca Verdi", "lead")):
        email = name.split()[0].lower() + "@shop.example"
        cli("agents", "add", name, "--email", email, "--role", role, "--team", "Vendite")
    cli("agents", "add", "Anna Neri", "--email", "anna@shop.example", "--role", "admin")
    shop = FakeServer(tmp_path / "srv")
    cli("accounts", "add", "fake", "shop", "--set", f"path={shop.root}", "--set", "team=Vendite")
    return shop


@pytest.mark.slow
def test_admins_turn_it_on_agents_say_away_and_sync_hands_out_cases(cli: Cli, tmp_path: Path) -> None:
    shop = _team(cli, tmp_path)
    listed = cli.json("teams", "list")
    assert [(t["name"], t["assign"], t["capacity"]) for t in listed] == [("Vendite", "off", None)]
    assert all(a["available"] is True for a in cli.json("agents", "list"))

    refused = cli("--as", "Luca Verdi", "teams", "set", "Vendite", "--assign", "balanced", ok=False)
    assert refused.returncode == NOT_PERMITTED
    assert refused.stderr.strip() == "inbox-app: error: only admins set a team's automatic assignment"
    done = cli.json("--as", "Anna Neri", "teams", "set", "vendite", "--assign", "balanced", "--capacity", "1")
    assert done == {"id": listed[0]["id"], "name": "Vendite", "assign": "balanced", "capacity": 1}
    assert cli("teams", "list").stdout.split("Conti")[1].strip() == "[assign balanced, capacity 1]"

    # An agent says only their own availability; a lead anyone's.
    refused = cli("--as", "Marco Bianchi", "agents", "availability", "Sara Conti", "away", ok=False)
    assert refused.returncode == NOT_PERMITTED and "only leads and admins" in refused.stderr
    assert cli("--as", "Luca Verdi", "agents", "availability", "Luca Verdi", "away").stdout.strip() == (
        "Luca Verdi is now away"
    )
    away = {a["name"]: a["available"] for a in cli.json("agents", "list")}
    assert away == {"Anna Neri": True, "Luca Verdi": False, "Marco Bianchi": True, "Sara Conti": True}

    for n in range(3):
        shop.deliver(id=f"m{n}", text=f"domanda {n}", thread=f"t{n}", **{"from": f"c{n}@example.it"})
    cli("sync", "--once")
    cases = sorted(cli.json("cases", "list", "--status", "open"), key=lambda c: c["id"])
    # Capacity 1, Marco and Sara available: the two oldest are theirs, the third waits.
    assert sorted(c["assignee"] or "" for c in cases[:2]) == ["Marco Bianchi", "Sara Conti"]
    assert cases[2]["assignee"] is None

    cli("--as", "Luca Verdi", "agents", "availability", "luca@shop.example", "available")
    cli("sync", "--once")
    assert cli.json("cases", "show", str(cases[2]["id"]))["assignee"] == "Luca Verdi"

    services = build(cli.db)
    try:
        with services.read_factory() as s:
            reasons = list(
                s.scalars(
                    select(AuditEvent.data).where(AuditEvent.action == ASSIGNED).order_by(AuditEvent.id)
                )
            )
    finally:
        services.close()
    assert [r["reason"] for r in reasons] == [
        "balanced: 0 open (capacity 1), lowest of 2 available",
        "balanced: 0 open (capacity 1), lowest of 2 available",
        "balanced: 0 open (capacity 1), lowest of 3 available",
    ]


@pytest.mark.slow
def test_mistakes_get_one_line(cli: Cli, tmp_path: Path) -> None:
    _team(cli, tmp_path)
    for args, code, words in (
        (
            ["teams", "set", "Vendite"],
            1,
            "say what to set: --assign off|balanced|round-robin, --capacity N, --csat on|off, "
            "--csat-delay TIME, --csat-every TIME",
        ),
        (
            ["teams", "set", "Nessuno", "--assign", "off"],
            1,
            "no team named 'Nessuno' (see 'inbox-app teams list')",
        ),
        (
            ["agents", "availability", "Nessuno", "away"],
            1,
            "no agent named 'Nessuno' (see 'inbox-app agents list')",
        ),
    ):
        proc = cli(*args, ok=False)
        assert (proc.returncode, proc.stderr.strip()) == (code, f"inbox-app: error: {words}")
    for args in (
        ["teams", "set", "Vendite", "--capacity", "0"],
        ["teams", "set", "Vendite", "--assign", "maybe"],
    ):
        assert cli(*args, ok=False).returncode == 2
    assert cli.json("teams", "set", "Vendite", "--capacity", "none")["capacity"] is None
