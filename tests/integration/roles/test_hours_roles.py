"""Team mode: business-hours calendars are the admins'; the database refuses the others' logins."""

from __future__ import annotations

import json

import pytest

from tests.integration.roles.conftest import Team

NOT_PERMITTED = 77
DAY = ("--timezone", "Europe/Rome", "--day", "mon=09:00-13:00,14:00-18:00")


@pytest.mark.slow
@pytest.mark.postgres
def test_only_the_admins_login_changes_calendars(team: Team) -> None:
    sara, luca, anna = (team.logins[n] for n in ("Sara Bianchi", "Luca Verdi", "Anna Neri"))
    assert team.cli_as(anna, "hours", "add", "Ufficio", *DAY, "--holidays", "IT").returncode == 0
    for user in (sara, luca):
        for args in (
            ("add", "Altro", *DAY),
            ("holiday", "add", "Ufficio", "2026-12-24"),
            ("remove", "Ufficio"),
        ):
            proc = team.cli_as(user, "hours", *args, ok=False)
            assert proc.returncode == NOT_PERMITTED, (user, args, proc.stderr)
        listed = json.loads(team.cli_as(user, "hours", "list", "--json").stdout)  # everyone reads them
        assert [c["name"] for c in listed] == ["Ufficio"]
    # The database itself refuses an agent's login, whatever the program would let through.
    with team.connect_as(sara) as conn, pytest.raises(Exception, match="permission denied"):
        conn.execute("UPDATE calendars SET timezone = 'UTC'")
    assert team.cli_as(anna, "hours", "holiday", "add", "Ufficio", "2026-12-24").returncode == 0
    assert team.cli_as(anna, "hours", "remove", "Ufficio").returncode == 0
