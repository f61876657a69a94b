"""A team store on the suite's PostgreSQL with its roles set up and a login per kind of user."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from connectors.fake import FakeServer
from inbox_app.app import Services, build
from inbox_app.core.team import roles as db_roles
from tests.integration.cli.clirunner import Cli

PASSWORD = "correct horse battery staple"
# name, email, role, database login
PEOPLE = (
    ("Sara Bianchi", "sara@example.com", "agent"),
    ("Luca Verdi", "luca@example.com", "lead"),
    ("Anna Neri", "anna@example.com", "admin"),
)


@dataclass
class Team:
    url: str  # the store's owner (the suite's superuser)
    database: str
    server: object
    owner: Services
    shop: FakeServer
    tmp: Path
    logins: dict[str, str]  # agent name -> database user
    opened: list[Services] = field(default_factory=list)

    def url_as(self, user: str) -> str:
        return make_url(self.url).set(username=user).render_as_string(hide_password=False)

    def open_as(self, user: str) -> Services:
        services = build(self.url_as(user))
        self.opened.append(services)
        return services

    def connect_as(self, user: str) -> psycopg.Connection:
        """A plain driver connection, as a script with the login would make."""
        port = make_url(self.url).port
        return psycopg.connect(f"host=127.0.0.1 port={port} user={user} dbname={self.database}")

    def cli_as(self, user: str, *args: str, stdin: str | None = None, ok: bool = True):
        return Cli(self.tmp)(*args, stdin=stdin, ok=ok, env={"INBOX_APP_DATABASE": self.url_as(user)})

    def group(self, kind: str) -> str:
        return db_roles.group_names(self.database)[kind]

    def groups_of(self, user: str) -> set[str]:
        with self.connect_as("postgres") as conn:
            rows = conn.execute(
                "SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
                "JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = %s",
                (user,),
            ).fetchall()
        return {r[0] for r in rows}


def drop_roles(server, database: str) -> None:
    """Roles belong to the whole server: take this store's away again after the test."""
    with server.admin() as conn:
        names = [
            r[0]
            for r in conn.execute(
                "SELECT rolname FROM pg_roles WHERE shobj_description(oid, 'pg_authid') LIKE %s",
                (f"Unisono % database {database}",),
            )
        ]
    if not names:
        return
    quoted = ", ".join('"' + n.replace('"', '""') + '"' for n in names)
    with psycopg.connect(
        f"host=127.0.0.1 port={server.port} user=postgres dbname={database}", autocommit=True
    ) as conn:
        conn.execute(f"DROP OWNED BY {quoted}")
    with server.admin() as conn:
        conn.execute(f"DROP ROLE {quoted}")


@pytest.fixture
def team(pg_url: str, postgres_server, tmp_path: Path) -> Iterator[Team]:
    database = make_url(pg_url).database
    assert database
    owner = build(pg_url, migrate=True)
    shop = FakeServer(tmp_path / "srv")
    shop.deliver(
        id="m1", text="Il pacco non è arrivato", subject="Pacco", thread="t1", **{"from": "mario@example.it"}
    )
    shop.deliver(
        id="m2", text="Avete la taglia M?", subject="Taglia", thread="t2", **{"from": "giulia@example.it"}
    )
    team = Team(pg_url, database, postgres_server, owner, shop, tmp_path, {})
    try:
        for name, email, role in PEOPLE:
            owner.agents.add(name, email, role, "Vendite", actor="test")
        owner.accounts.add("fake", "shop", {"path": str(shop.root), "channel": "email"}, actor="test")
        asyncio.run(owner.supervisor().run_once())
        db_roles.setup(owner.engine)
        for name, _email, _role in PEOPLE:
            team.logins[name] = db_roles.set_agent_login(owner.engine, name, PASSWORD, actor="test").user
        yield team
    finally:
        for services in team.opened:
            services.close()
        owner.close()
        drop_roles(postgres_server, database)
