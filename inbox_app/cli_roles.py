"""`inbox-app db roles ...` and `inbox-app agents login|role`: team-mode rights in PostgreSQL.

The parsers are added by inbox_app.cli; the commands are thin layers over
inbox_app.core.team.roles. A password is read from standard input and goes
nowhere but to the database, as a SCRAM verifier.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy import Engine

ROLE_CHOICES = ("agent", "lead", "admin")


def add_db_parsers(dbp: Any, json_flag: Callable[[argparse.ArgumentParser], None]) -> None:
    """`inbox-app db roles setup|list|worker|drop`."""
    roles = dbp.add_parser(
        "roles", help="team mode: PostgreSQL roles that enforce who may do what"
    ).add_subparsers(dest="roles_action", required=True, metavar="ACTION")
    p = roles.add_parser(
        "setup", help="create or refresh the group roles and their rights (run again any time)"
    )
    json_flag(p)
    p = roles.add_parser("list", help="the group roles and the database logins of this store")
    json_flag(p)
    p = roles.add_parser(
        "worker", help="create a login for the headless sync worker, or set its new password"
    )
    p.add_argument("user", help="the database user name")
    p.add_argument("--secret-stdin", action="store_true", help="read the password from standard input")
    p = roles.add_parser("drop", help="remove a database login made with 'agents login' or 'db roles worker'")
    p.add_argument("user")


def add_agent_parsers(ag: Any) -> None:
    """`inbox-app agents login NAME` and `inbox-app agents role NAME ROLE`."""
    p = ag.add_parser("login", help="team mode: give an agent a database login, or set its new password")
    p.add_argument("name", help="agent name or email")
    p.add_argument(
        "--user", metavar="LOGIN", help="database user name (default: the start of the agent's email)"
    )
    p.add_argument("--secret-stdin", action="store_true", help="read the password from standard input")
    p = ag.add_parser("role", help="change an agent's role (and the database group of their login)")
    p.add_argument("name", help="agent name or email")
    p.add_argument("role", choices=ROLE_CHOICES)


def _password(args: argparse.Namespace) -> str:
    from inbox_app.core.team.roles import RolesError

    if not args.secret_stdin:
        raise RolesError("give the password on standard input with --secret-stdin")
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise RolesError("--secret-stdin was given but standard input was empty")
    return password


def _print(args: argparse.Namespace, data: Any, words: str) -> None:
    from inbox_app.cli_commands import _out

    _out(args, data, words)


def db_roles_command(args: argparse.Namespace, engine: Engine, actor: str) -> int:
    """`inbox-app db roles ...` on the store ``engine`` opens."""
    from inbox_app.core.team import roles as db_roles

    db_roles.require_team_store(engine)
    if args.roles_action == "setup":
        report = db_roles.setup(engine)
        groups = ", ".join(f"{name} ({kind})" for kind, name in report.groups.items())
        words = f"group roles ready: {groups}; rights set on {report.tables} tables"
        if report.unmanaged:
            words += (
                f"\nno group may use these tables, which are not Unisono's: {', '.join(report.unmanaged)}"
            )
        _print(
            args,
            {"groups": report.groups, "created": list(report.created), "unmanaged": list(report.unmanaged)},
            words,
        )
    elif args.roles_action == "list":
        view = db_roles.overview(engine)
        names = _agent_names(engine)
        lines = [f"group {name:30} {kind}" for kind, name in view.groups.items()]
        if not view.set_up:
            lines = ["the group roles are not set up yet: run 'inbox-app db roles setup'"]
        lines += [
            f"login {x.user:30} {'/'.join(x.groups) or 'no group':8} "
            f"{names.get(x.agent_id, '?') if x.agent_id is not None else 'sync worker'}"
            for x in view.logins
        ]
        _print(
            args,
            {
                "set_up": view.set_up,
                "groups": view.groups,
                "logins": [x.to_json() | {"agent": names.get(x.agent_id)} for x in view.logins],
            },
            "\n".join(lines),
        )
    elif args.roles_action == "worker":
        result = db_roles.set_worker_login(engine, args.user, _password(args), actor=actor)
        print(
            f"{'created' if result.created else 'updated'} the worker login {result.user!r} "
            f"(group {result.group}); the worker connects with {_url(engine, result.user)}"
        )
    elif args.roles_action == "drop":
        login = db_roles.drop_login(engine, args.user, actor=actor)
        print(f"removed the database login {login.user!r}")
    return 0


def _agent_names(engine: Engine) -> dict[int | None, str]:
    from sqlalchemy import select

    from inbox_app.core.store.models import Agent

    with engine.connect() as conn:
        return {int(i): str(n) for i, n in conn.execute(select(Agent.id, Agent.name))}


def _url(engine: Engine, user: str) -> str:
    return engine.url.set(username=user, password=None).render_as_string(hide_password=True)


def agents_command(args: argparse.Namespace, services: Any, actor: str) -> int:
    """`inbox-app agents login|role` on the store of ``services``."""
    from inbox_app.core.team import roles as db_roles

    if args.action == "login":
        db_roles.require_team_store(services.engine)
        result = db_roles.set_agent_login(
            services.engine, args.name, _password(args), user=args.user, actor=actor
        )
        print(
            f"{'created' if result.created else 'updated'} the database login {result.user!r} of "
            f"{result.agent} (group {result.group}); they connect with {_url(services.engine, result.user)}"
        )
        return 0
    row = services.agents.set_role(args.name, args.role, actor=actor)
    words = f"{row.name} is now {row.role}"
    if services.engine.dialect.name == "postgresql":
        view = db_roles.overview(services.engine)
        for login in view.logins:
            if login.agent_id == row.id:
                groups = ", ".join(view.groups[kind] for kind in login.groups) or "no group"
                words += f"; their database login {login.user!r} is in group {groups}"
    print(words)
    return 0
