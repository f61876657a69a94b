"""Team mode: reports are for leads and admins; an agent's login is refused in words."""

from __future__ import annotations

import json

import pytest

from tests.integration.roles.conftest import Team

NOT_PERMITTED = 77
YEARS = ("--from", "2020-01-01", "--to", "2035-12-31")


@pytest.mark.slow
@pytest.mark.postgres
def test_leads_and_admins_logins_read_reports_agents_are_refused(team: Team) -> None:
    sara, luca, anna = (team.logins[n] for n in ("Sara Bianchi", "Luca Verdi", "Anna Neri"))
    for user in (luca, anna):
        proc = team.cli_as(user, "report", *YEARS, "--by", "team", "--json")
        (row,) = json.loads(proc.stdout)
        assert (row["group"], row["cases_opened"], row["backlog_end"]) == ("(no team)", 2, 2)
    refused = team.cli_as(sara, "report", *YEARS, "--csv", ok=False)
    assert refused.returncode == NOT_PERMITTED
    assert "only leads and admins see reports" in refused.stderr and not refused.stdout
