"""`inbox-app sla`: admins keep the ordered list of SLA policies; mistakes get one line and exit 1."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.integration.cli.clirunner import Cli

OFFICE = ("--timezone", "Europe/Rome", "--day", "mon=09:00-13:00,14:00-18:00", "--day", "tue=09:00-18:00")
EMAIL = ("--first-reply", "4h", "--next-reply", "8h", "--resolution", "2d", "--hours", "Ufficio")


def _round_trip(cli: Cli) -> None:
    assert cli("sla", "list").stdout.strip() == "no SLA policies yet"
    cli("hours", "add", "Ufficio", *OFFICE)
    cli("teams", "add", "Vendite")
    added = cli("sla", "add", "Email", *EMAIL, "--channel", "email")
    assert added.stdout.strip() == "added SLA policy Email at position 1"
    cli(
        "sla",
        "add",
        "Chat",
        "--first-reply",
        "5m",
        "--next-reply",
        "10m",
        "--resolution",
        "1d",
        "--channel",
        "chat",
    )
    cli("sla", "add", "VIP", "--first-reply", "30m", "--team", "vendite", "--priority", "urgent")
    cli("sla", "move", "VIP", "1")
    assert cli.json("sla", "list") == [
        {
            "name": "VIP",
            "order": 1,
            "first_reply": "30m",
            "next_reply": None,
            "resolution": None,
            "hours": None,
            "team": "Vendite",
            "channel": None,
            "priority": "urgent",
        },
        {
            "name": "Email",
            "order": 2,
            "first_reply": "4h",
            "next_reply": "8h",
            "resolution": "2d",
            "hours": "Ufficio",
            "team": None,
            "channel": "email",
            "priority": None,
        },
        {
            "name": "Chat",
            "order": 3,
            "first_reply": "5m",
            "next_reply": "10m",
            "resolution": "1d",
            "hours": None,
            "team": None,
            "channel": "chat",
            "priority": None,
        },
    ]
    assert cli("sla", "list").stdout.splitlines() == [
        " 1. VIP                  first 30m; calendar time  (only team Vendite, priority urgent)",
        " 2. Email                first 4h next 8h resolve 2d; business hours Ufficio  (only channel email)",
        " 3. Chat                 first 5m next 10m resolve 1d; calendar time  (only channel chat)",
    ]
    assert cli("sla", "remove", "email").stdout.strip() == "removed SLA policy email"
    assert [(p["name"], p["order"]) for p in cli.json("sla", "list")] == [("VIP", 1), ("Chat", 2)]
    # A calendar a policy counts with is not removed from under it.
    cli("sla", "add", "Office", "--resolution", "3d", "--hours", "Ufficio")
    proc = cli("hours", "remove", "Ufficio", ok=False)
    assert proc.returncode == 1 and "is used by SLA policy Office" in proc.stderr


@pytest.mark.slow
def test_add_list_move_remove_on_sqlite(cli: Cli) -> None:
    _round_trip(cli)


@pytest.mark.slow
@pytest.mark.postgres
def test_add_list_move_remove_on_postgresql(tmp_path: Path, pg_url: str) -> None:
    cli = Cli(tmp_path)
    cli.env["INBOX_APP_DATABASE"] = pg_url
    cli("db", "upgrade")
    _round_trip(cli)


@pytest.mark.slow
def test_bad_input_is_refused_in_words(cli: Cli) -> None:
    cli("sla", "add", "Email", "--first-reply", "4h")
    for args, words in (
        (("X", "--first-reply", "4 hours"), "a duration is written like 30m, 4h or 2d"),
        (("X", "--resolution", "0d"), "a duration is written like 30m, 4h or 2d (more than zero), not '0d'"),
        (("X",), "say at least one target"),
        (("X", "--first-reply", "1h", "--hours", "Nowhere"), "no calendar named 'Nowhere'"),
        (("X", "--first-reply", "1h", "--team", "Nobody"), "no team named 'Nobody'"),
        (
            ("X", "--first-reply", "1h", "--priority", "asap"),
            "priority must be one of low, normal, high, urgent",
        ),
        (("email", "--first-reply", "1h"), "a policy named 'email' exists already"),
    ):
        proc = cli("sla", "add", *args, ok=False)
        assert proc.returncode == 1, proc.stderr
        assert proc.stderr.startswith(f"inbox-app: error: {words}"), proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1
    for args, words in (
        (("move", "Email", "2"), "a position from 1 to 1, not 2"),
        (("move", "Nowhere", "1"), "no SLA policy named 'Nowhere'"),
        (("remove", "Nowhere"), "no SLA policy named 'Nowhere'"),
    ):
        proc = cli("sla", *args, ok=False)
        assert proc.returncode == 1 and proc.stderr.startswith(f"inbox-app: error: {words}"), proc.stderr


@pytest.mark.slow
def test_only_admins_change_policies_and_every_change_is_audited(cli: Cli) -> None:
    cli("agents", "add", "Sara", "--email", "sara@shop.example", "--role", "lead")
    cli("agents", "add", "Giulia", "--email", "giulia@shop.example", "--role", "admin")
    refused = cli("--as", "Sara", "sla", "add", "Email", "--first-reply", "4h", ok=False)
    assert refused.returncode == 77 and "only admins change SLA policies" in refused.stderr
    cli("--as", "Giulia", "sla", "add", "Email", "--first-reply", "4h")
    cli("--as", "Giulia", "sla", "add", "Chat", "--first-reply", "5m")
    for args in (("move", "Chat", "1"), ("remove", "Email")):
        assert cli("--as", "Sara", "sla", *args, ok=False).returncode == 77
    assert cli("--as", "Sara", "sla", "list").returncode == 0  # everyone reads them
    cli("--as", "Giulia", "sla", "move", "Chat", "1")
    cli("--as", "Giulia", "sla", "remove", "Email")
    engine = create_engine(cli.db)
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT actor, action FROM audit_events WHERE object_type = 'sla_policy' ORDER BY id")
        ).all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [
        ("Giulia", "sla.added"),
        ("Giulia", "sla.added"),
        ("Giulia", "sla.moved"),
        ("Giulia", "sla.removed"),
    ]
