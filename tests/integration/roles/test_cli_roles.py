"""`inbox-app db roles ...`, `agents login` and `agents role` as an admin runs them, and what a
login's user is told when the database says no: one line, exit code 77, no traceback."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from inbox_app.core.team import roles as db_roles
from tests.integration.cli.clirunner import Cli
from tests.integration.roles.conftest import PASSWORD, Team

NOT_PERMITTED = 77
TEAM_MODE_ONLY = (
    "inbox-app: error: database roles are a team-mode feature: they need a PostgreSQL store "
    "(--database postgresql+psycopg://...)\n"
)


def test_on_the_embedded_store_roles_are_a_team_mode_feature(tmp_path: Path) -> None:
    cli = Cli(tmp_path)
    for args in (("db", "roles", "setup"), ("agents", "login", "Sara", "--secret-stdin")):
        proc = cli(*args, stdin=PASSWORD + "\n", ok=False)
        assert (proc.returncode, proc.stderr, proc.stdout) == (1, TEAM_MODE_ONLY, "")


@pytest.mark.slow
@pytest.mark.postgres
def test_an_agent_login_replies_and_assigns_but_is_refused_admin_work(team: Team, postgres_server) -> None:
    # The server writes every statement to its log while this runs: the password must not be there.
    with team.connect_as("postgres") as conn:
        conn.execute(f"ALTER DATABASE \"{team.database}\" SET log_statement = 'all'")
        conn.commit()
    owner = team.cli_as
    owner("postgres", "agents", "add", "Paolo Blu", "--email", "Paolo.Blu@example.com")
    made = owner("postgres", "agents", "login", "Paolo Blu", "--secret-stdin", stdin=PASSWORD + "\n")
    assert made.stdout == (
        f"created the database login 'paolo.blu' of Paolo Blu (group {team.group('agent')}); "
        f"they connect with {team.url_as('paolo.blu')}\n"
    )
    assert team.groups_of("paolo.blu") == {team.group("agent")}
    again = owner("postgres", "agents", "login", "Paolo Blu", "--secret-stdin", stdin="another password\n")
    assert again.stdout.startswith("updated the database login 'paolo.blu' of Paolo Blu")

    case_id = team.owner.queries.cases()[0].id
    paolo = team.cli_as
    reply = json.loads(paolo("paolo.blu", "reply", str(case_id), "--text", "Spedito oggi", "--json").stdout)
    assert (reply["sender"], reply["delivery"]) == ("Paolo Blu", "queued")  # the agent comes from the login
    assert paolo("paolo.blu", "reply", str(case_id), "--note", "--text", "Richiamare").stdout.startswith(
        "note added as message"
    )
    assert paolo("paolo.blu", "cases", "assign", str(case_id), "Paolo Blu").stdout == (
        f"case {case_id} assigned to Paolo Blu\n"
    )
    assert paolo("paolo.blu", "cases", "status", str(case_id), "pending").returncode == 0

    refusals = {
        (
            "accounts",
            "add",
            "fake",
            "other",
            "--set",
            f"path={team.tmp / 'other'}",
            "--set",
            "channel=email",
        ): ("may not add channel accounts"),
        ("agents", "add", "Nuovo", "--email", "nuovo@example.com"): "may not add agents",
        ("settings", "set", "reopen_window_days", "1"): "may not add store settings",
        ("sync", "--once"): (
            "may not run the sync worker "
            "(the worker signs in with a login made by 'inbox-app db roles worker')"
        ),
    }
    for args, words in refusals.items():
        proc = paolo("paolo.blu", *args, ok=False)
        assert (proc.returncode, proc.stderr) == (
            NOT_PERMITTED,
            f"inbox-app: error: not permitted: your database login {words}\n",
        ), args
    proc = paolo("paolo.blu", "--as", "Anna Neri", "cases", "assign", str(case_id), "none", ok=False)
    assert (proc.returncode, proc.stderr) == (
        1,
        "inbox-app: error: this database login is Paolo Blu's; it cannot act as 'Anna Neri'\n",
    )
    assert [a["name"] for a in json.loads(owner("postgres", "accounts", "list", "--json").stdout)] == ["shop"]

    # No secret in the database, the server's log, the app's log or anything printed.
    with team.connect_as("postgres") as conn:
        stored = conn.execute("SELECT rolpassword FROM pg_authid WHERE rolname = 'paolo.blu'").fetchone()
        assert stored is not None and stored[0].startswith("SCRAM-SHA-256$")
        for (table,) in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
        ).fetchall():
            dump = conn.execute(f"SELECT coalesce(string_agg(t::text, ''), '') FROM \"{table}\" t").fetchone()
            assert dump is not None and PASSWORD not in dump[0] and "another password" not in dump[0], table
    server_log = (Path(postgres_server.data) / "log.txt").read_text(errors="replace")
    assert "PASSWORD 'SCRAM-SHA-256$" in server_log  # statements were logged...
    assert PASSWORD not in server_log and "another password" not in server_log  # ...but never the password
    for folder in (os.environ["XDG_STATE_HOME"], os.environ["XDG_DATA_HOME"]):
        for path in Path(folder).rglob("*"):
            if path.is_file():
                assert PASSWORD.encode() not in path.read_bytes(), path
    for proc in (made, again):
        assert PASSWORD not in proc.stdout + proc.stderr


@pytest.mark.slow
@pytest.mark.postgres
def test_a_role_change_moves_the_login_to_the_new_group(team: Team) -> None:
    sara = team.logins["Sara Bianchi"]
    assert team.groups_of(sara) == {team.group("agent")}
    proc = team.cli_as("postgres", "agents", "role", "Sara Bianchi", "lead")
    assert proc.stdout == (
        f"Sara Bianchi is now lead; their database login 'sara' is in group {team.group('lead')}\n"
    )
    assert team.groups_of(sara) == {team.group("lead")}
    as_lead = team.open_as(sara)
    as_lead.templates.save("Saluti", "Buongiorno")  # a lead's right, now hers
    team.cli_as("postgres", "agents", "role", "sara@example.com", "agent")
    assert team.groups_of(sara) == {team.group("agent")}
    proc = team.cli_as(sara, "agents", "role", "Sara Bianchi", "admin", ok=False)
    assert (proc.returncode, proc.stderr) == (
        NOT_PERMITTED,
        "inbox-app: error: not permitted: your database login may not change agents\n",
    )
    assert team.groups_of(sara) == {team.group("agent")}
    # An admin login may change the record but not the server's roles: nothing changes then.
    proc = team.cli_as(team.logins["Anna Neri"], "agents", "role", "Sara Bianchi", "lead", ok=False)
    assert proc.returncode == NOT_PERMITTED and "may not manage database roles" in proc.stderr
    assert team.groups_of(sara) == {team.group("agent")}
    assert [a.role for a in team.owner.agents.list() if a.name == "Sara Bianchi"] == ["agent"]


@pytest.mark.slow
@pytest.mark.postgres
def test_setup_runs_again_and_again_to_the_same_rights(team: Team) -> None:
    def grants() -> list[tuple[str, ...]]:
        with team.connect_as("postgres") as conn:
            return conn.execute(
                "SELECT grantee, table_name, privilege_type, '' FROM information_schema.role_table_grants "
                "WHERE grantee LIKE %(g)s UNION ALL "
                "SELECT grantee, table_name, privilege_type, column_name "
                "FROM information_schema.column_privileges "
                "WHERE grantee LIKE %(g)s ORDER BY 1, 2, 3, 4",
                {"g": team.group("agent").removesuffix("agent") + "%"},
            ).fetchall()

    before = grants()
    first = team.cli_as("postgres", "db", "roles", "setup", "--json")
    second = team.cli_as("postgres", "db", "roles", "setup")
    assert json.loads(first.stdout)["created"] == []  # the fixture made them already
    assert second.stdout.startswith(f"group roles ready: {team.group('agent')} (agent), ")
    assert grants() == before
    tables = {row[1] for row in before if row[0] == team.group("admin")}
    assert tables == set(db_roles.RIGHTS) | {"alembic_version"}
    # A right taken away outside the app is back after setup; one given outside is gone.
    with team.connect_as("postgres") as conn:
        conn.execute(f'REVOKE SELECT ON cases FROM "{team.group("agent")}"')
        conn.execute(f'GRANT DELETE ON audit_events TO "{team.group("lead")}"')
        conn.commit()
    assert grants() != before
    upgraded = team.cli_as("postgres", "db", "upgrade")
    assert upgraded.stdout.endswith("; group rights refreshed\n")
    assert grants() == before

    listing = json.loads(team.cli_as("postgres", "db", "roles", "list", "--json").stdout)
    assert listing["set_up"] and listing["groups"]["worker"] == team.group("worker")
    assert {(x["user"], x["agent"], tuple(x["groups"])) for x in listing["logins"]} == {
        ("sara", "Sara Bianchi", ("agent",)),
        ("luca", "Luca Verdi", ("lead",)),
        ("anna", "Anna Neri", ("admin",)),
    }


@pytest.mark.slow
@pytest.mark.postgres
def test_the_worker_login_runs_the_sync_and_nothing_else(team: Team) -> None:
    user = f"sync_{team.database}"
    made = team.cli_as("postgres", "db", "roles", "worker", user, "--secret-stdin", stdin=PASSWORD + "\n")
    assert made.stdout.startswith(f"created the worker login '{user}' (group {team.group('worker')})")
    team.shop.deliver(
        id="m3", text="Ancora io", subject="Re: Pacco", thread="t1", **{"from": "mario@example.it"}
    )
    synced = team.cli_as(user, "sync", "--once")
    assert synced.stdout.startswith("shop: 1 fetched, 1 new, "), synced.stdout
    proc = team.cli_as(user, "accounts", "disable", "shop", ok=False)
    assert (proc.returncode, proc.stderr) == (
        NOT_PERMITTED,
        "inbox-app: error: not permitted: your database login may not change channel accounts\n",
    )
    assert (
        team.cli_as("postgres", "db", "roles", "drop", user).stdout
        == f"removed the database login '{user}'\n"
    )
    proc = team.cli_as("postgres", "db", "roles", "drop", "postgres", ok=False)
    assert (proc.returncode, proc.stderr) == (
        1,
        "inbox-app: error: 'postgres' is not a database login of this store "
        "(see 'inbox-app db roles list')\n",
    )
