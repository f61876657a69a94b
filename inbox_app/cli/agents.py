"""`inbox-app agents ...`: the people who answer, their roles and, in team mode, their logins."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from inbox_app.cli.actor import acting
from inbox_app.cli.db import login_url, password
from inbox_app.cli.output import codes, json_flag, out
from inbox_app.core.vocab import Role

if TYPE_CHECKING:
    from inbox_app.app import Services
    from inbox_app.cli.output import Commands


def register(sub: Commands) -> None:
    group = sub.add_parser("agents", help="agents")
    group.set_defaults(handler=run)
    ag = group.add_subparsers(dest="action", required=True)
    p = ag.add_parser("add")
    p.add_argument("name")
    p.add_argument("--email", required=True)
    p.add_argument("--role", choices=codes(Role), default=Role.AGENT.value)
    p.add_argument("--team")
    p = ag.add_parser("list")
    json_flag(p)
    p = ag.add_parser("login", help="team mode: give an agent a database login, or set its new password")
    p.add_argument("name", help="agent name or email")
    p.add_argument(
        "--user", metavar="LOGIN", help="database user name (default: the start of the agent's email)"
    )
    p.add_argument("--secret-stdin", action="store_true", help="read the password from standard input")
    p = ag.add_parser("role", help="change an agent's role (and the database group of their login)")
    p.add_argument("name", help="agent name or email")
    p.add_argument("role", choices=codes(Role))
    p = ag.add_parser("availability", help="available or away: whether automatic assignment gives them cases")
    p.add_argument("name", help="agent name or email")
    p.add_argument("state", choices=("available", "away"))
    json_flag(p)
    p = ag.add_parser(
        "trainee", help="mark an agent trainee: every reply of theirs waits for a lead's approval"
    )
    p.add_argument("name", help="agent name or email")
    p.add_argument("state", choices=["on", "off"])
    json_flag(p)


def run(args: argparse.Namespace, s: Services) -> int:
    actor, _ = acting(args, s)
    if args.action == "login":
        _login(args, s, actor)
    elif args.action == "role":
        _role(args, s, actor)
    elif args.action == "availability":
        said = s.assign.set_availability(args.name, args.state == "available", actor=actor)
        out(args, said, f"{said['name']} is now {args.state}")
    elif args.action == "trainee":
        row = s.agents.set_trainee(args.name, args.state == "on", actor=actor)
        words = (
            "now a trainee: every reply of theirs waits for a lead's approval"
            if row.trainee
            else "no longer a trainee"
        )
        out(args, row.to_json(), f"{row.name} is {words}")
    elif args.action == "add":
        row = s.agents.add(args.name, args.email, args.role, args.team, actor=actor)
        out(args, row.to_json(), f"added {row.role} {row.name} <{row.email}>")
    else:
        rows = s.agents.list()
        out(
            args,
            [r.to_json() for r in rows],
            "\n".join(
                f"{r.name:24} {r.email:32} {r.role:6} {r.team or '-':16} {'available' if r.available else 'away'}"
                f"{'  (trainee)' if r.trainee else ''}"
                for r in rows
            )
            or "no agents yet",
        )
    return 0


def _login(args: argparse.Namespace, s: Services, actor: str) -> None:
    from inbox_app.core.team import roles as db_roles

    db_roles.require_team_store(s.engine)
    result = db_roles.set_agent_login(s.engine, args.name, password(args), user=args.user, actor=actor)
    print(
        f"{'created' if result.created else 'updated'} the database login {result.user!r} of "
        f"{result.agent} (group {result.group}); they connect with {login_url(s.engine, result.user)}"
    )


def _role(args: argparse.Namespace, s: Services, actor: str) -> None:
    from inbox_app.core.team import roles as db_roles

    row = s.agents.set_role(args.name, args.role, actor=actor)
    words = f"{row.name} is now {row.role}"
    if s.engine.dialect.name == "postgresql":
        view = db_roles.overview(s.engine)
        for login in view.logins:
            if login.agent_id == row.id:
                groups = ", ".join(view.groups[kind] for kind in login.groups) or "no group"
                words += f"; their database login {login.user!r} is in group {groups}"
    print(words)
