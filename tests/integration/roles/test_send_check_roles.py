"""Team mode: agents' own database logins run the send-time check (the case row lock included)."""

from __future__ import annotations

import json

import pytest

from tests.integration.roles.conftest import Team

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


def test_an_agent_login_is_held_by_a_colleague_login_reply_and_may_force(team: Team) -> None:
    sara, luca = team.logins["Sara Bianchi"], team.logins["Luca Verdi"]
    case_id = team.owner.queries.cases()[0].id
    seen = json.loads(team.cli_as(sara, "cases", "show", str(case_id), "--json").stdout)["newest_message_id"]
    first = team.cli_as(sara, "reply", str(case_id), "--after", str(seen), "--text", "Spedito oggi", "--json")
    reply_id = json.loads(first.stdout)["id"]
    held = team.cli_as(luca, "reply", str(case_id), "--after", str(seen), "--text", "Arriva domani", ok=False)
    assert held.returncode == 3, held.stderr
    assert f"message {reply_id}, reply by Sara Bianchi, email, " in held.stderr
    forced = team.cli_as(
        luca, "reply", str(case_id), "--after", str(seen), "--force", "--text", "Arriva domani"
    )
    assert forced.stdout.startswith("reply queued as message ")
