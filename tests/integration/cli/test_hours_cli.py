"""`inbox-app hours`: admins keep business-hours calendars; mistakes get one line and exit 1."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.cli.clirunner import Cli

OFFICE = ("--timezone", "Europe/Rome", "--day", "mon=09:00-13:00,14:00-18:00", "--day", "tue=09:00-18:00")


def _round_trip(cli: Cli) -> None:
    assert cli("hours", "list").stdout.strip() == "no calendars yet"
    added = cli("hours", "add", "Ufficio Roma", *OFFICE, "--holidays", "it-rm")
    assert added.stdout.strip() == "added calendar Ufficio Roma (Europe/Rome)"
    cli("hours", "add", "Night desk", "--timezone", "America/New_York", "--day", "sat=22:00-24:00")
    assert cli("hours", "holiday", "add", "ufficio roma", "2026-12-24").stdout.strip() == (
        "Ufficio Roma: closed on 2026-12-24"
    )
    assert cli.json("hours", "list") == [
        {
            "name": "Night desk",
            "timezone": "America/New_York",
            "days": {"sat": ["22:00-24:00"]},
            "holidays": {"region": None, "dates": []},
        },
        {
            "name": "Ufficio Roma",
            "timezone": "Europe/Rome",
            "days": {"mon": ["09:00-13:00", "14:00-18:00"], "tue": ["09:00-18:00"]},
            "holidays": {"region": "IT-RM", "dates": ["2026-12-24"]},
        },
    ]
    assert cli("hours", "remove", "Night desk").stdout.strip() == "removed calendar Night desk"
    assert [c["name"] for c in cli.json("hours", "list")] == ["Ufficio Roma"]


@pytest.mark.slow
def test_add_holiday_list_remove_on_sqlite(cli: Cli) -> None:
    _round_trip(cli)


@pytest.mark.slow
@pytest.mark.postgres
def test_add_holiday_list_remove_on_postgresql(tmp_path: Path, pg_url: str) -> None:
    cli = Cli(tmp_path)
    cli.env["INBOX_APP_DATABASE"] = pg_url
    cli("db", "upgrade")
    _round_trip(cli)


@pytest.mark.slow
def test_bad_input_is_refused_in_words(cli: Cli) -> None:
    cli("hours", "add", "Ufficio", *OFFICE)
    for args, words in (
        (("X", "--timezone", "Mars/Olympus", "--day", "mon=09:00-10:00"), "unknown time zone 'Mars/Olympus'"),
        (
            ("X", "--timezone", "UTC", "--day", "mon=09:00-12:00,11:00-14:00"),
            "mon: 09:00-12:00 and 11:00-14:00 overlap",
        ),
        (("X", "--timezone", "UTC", "--day", "mon=18:00-09:00"), "mon: 18:00-09:00 ends before it starts"),
        (("X", "--timezone", "UTC", "--day", "mon=09:00-25:00"), "mon: 09:00-25:00 is not a time of day"),
        (("X", "--timezone", "UTC", "--day", "funday=09:00-10:00"), "a day is written like"),
        (
            ("X", "--timezone", "UTC", "--day", "mon=09:00-10:00", "--holidays", "XX"),
            "no holidays known for country 'XX'",
        ),
        (
            ("X", "--timezone", "UTC", "--day", "mon=09:00-10:00", "--holidays", "IT-ZZ"),
            "IT has no region 'ZZ'",
        ),
        (
            ("ufficio", "--timezone", "UTC", "--day", "mon=09:00-10:00"),
            "a calendar named 'ufficio' exists already",
        ),
    ):
        proc = cli("hours", "add", *args, ok=False)
        assert proc.returncode == 1, proc.stderr
        assert proc.stderr.startswith(f"inbox-app: error: {words}"), proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1
    for args, words in (
        (("holiday", "add", "Ufficio", "2026-02-30"), "not a date (YYYY-MM-DD): '2026-02-30'"),
        (("holiday", "add", "Nowhere", "2026-02-03"), "no calendar named 'Nowhere'"),
        (("remove", "Nowhere"), "no calendar named 'Nowhere'"),
    ):
        proc = cli("hours", *args, ok=False)
        assert proc.returncode == 1 and proc.stderr.startswith(f"inbox-app: error: {words}"), proc.stderr
    assert [c["name"] for c in cli.json("hours", "list")] == ["Ufficio"]


@pytest.mark.slow
def test_only_admins_change_calendars_and_every_change_is_audited(cli: Cli) -> None:
    cli("agents", "add", "Sara", "--email", "sara@shop.example", "--role", "agent")
    cli("agents", "add", "Giulia", "--email", "giulia@shop.example", "--role", "admin")
    refused = cli("--as", "Sara", "hours", "add", "Ufficio", *OFFICE, ok=False)
    assert refused.returncode == 77 and "only admins change business hours" in refused.stderr
    cli("--as", "Giulia", "hours", "add", "Ufficio", *OFFICE)
    refused = cli("--as", "Sara", "hours", "holiday", "add", "Ufficio", "2026-08-14", ok=False)
    assert refused.returncode == 77
    assert cli("--as", "Sara", "hours", "list").returncode == 0  # everyone reads them
    cli("--as", "Giulia", "hours", "holiday", "add", "Ufficio", "2026-08-14")
    cli("--as", "Giulia", "hours", "remove", "Ufficio")
    from sqlalchemy import create_engine, text

    engine = create_engine(cli.db)
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT actor, action FROM audit_events WHERE object_type = 'calendar' ORDER BY id")
        ).all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [
        ("Giulia", "calendar.added"),
        ("Giulia", "calendar.holiday_added"),
        ("Giulia", "calendar.removed"),
    ]
