"""Team mode on the desktop: the window works as the agent whose database login it uses."""

from __future__ import annotations

import pytest

from tests.integration.roles.conftest import Team


@pytest.mark.postgres
def test_the_desktop_knows_its_agent_from_the_login(team: Team) -> None:
    from inbox_app.ui.workspace import pick_agent

    sara = team.open_as(team.logins["Sara Bianchi"])
    assert getattr(pick_agent(sara, None), "name", None) == "Sara Bianchi"
    assert getattr(pick_agent(sara, "Anna Neri"), "name", None) == "Sara Bianchi"  # not someone else
    assert getattr(pick_agent(team.owner, "Luca Verdi"), "name", None) == "Luca Verdi"  # no login: as before
