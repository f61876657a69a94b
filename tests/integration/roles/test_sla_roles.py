"""Team mode: SLA policies are the admins'; agents' changes keep the clocks current; the
case history is append-only even for the admins' logins."""

from __future__ import annotations

import json

import pytest

from tests.integration.roles.conftest import Team

NOT_PERMITTED = 77


@pytest.mark.slow
@pytest.mark.postgres
def test_only_the_admins_login_changes_policies(team: Team) -> None:
    sara, luca, anna = (team.logins[n] for n in ("Sara Bianchi", "Luca Verdi", "Anna Neri"))
    assert team.cli_as(anna, "sla", "add", "Email", "--first-reply", "4h").returncode == 0
    for user in (sara, luca):
        for args in (("add", "Altro", "--first-reply", "1h"), ("move", "Email", "1"), ("remove", "Email")):
            proc = team.cli_as(user, "sla", *args, ok=False)
            assert proc.returncode == NOT_PERMITTED, (user, args, proc.stderr)
        listed = json.loads(team.cli_as(user, "sla", "list", "--json").stdout)
        assert [p["name"] for p in listed] == ["Email"]
    with team.connect_as(sara) as conn, pytest.raises(Exception, match="permission denied"):
        conn.execute("UPDATE sla_policies SET first_reply = '1m'")
    with team.connect_as(anna) as conn:
        customer = conn.execute(
            "INSERT INTO customers (name, details, created_at) VALUES ('Cliente', '{}', now()) RETURNING id"
        ).fetchone()[0]
        case = conn.execute(
            "INSERT INTO cases (customer_id, status, priority, tags, opened_at, last_message_at) "
            "VALUES (%s, 'open', 'normal', '{}', now(), now()) RETURNING id",
            (customer,),
        ).fetchone()[0]
        conn.execute("INSERT INTO case_events (case_id, at, kind) VALUES (%s, now(), 'opened')", (case,))
        conn.commit()
    for sql in ("DELETE FROM case_events", "UPDATE case_events SET at = now()"):
        with team.connect_as(anna) as conn, pytest.raises(Exception, match="append-only"):
            conn.execute(sql)
    with team.connect_as(sara) as conn:  # agents add to it and read it
        conn.execute("INSERT INTO case_events (case_id, at, kind) VALUES (%s, now(), 'inbound')", (case,))
        kinds = conn.execute(
            "SELECT kind FROM case_events WHERE case_id = %s ORDER BY id", (case,)
        ).fetchall()
        assert [k for (k,) in kinds] == ["opened", "inbound"]
    assert team.cli_as(anna, "sla", "remove", "Email").returncode == 0
