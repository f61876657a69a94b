"""`inbox-app db ...`: the schema, compaction and, in team mode, the PostgreSQL roles.

These commands open the engine themselves rather than the services: the store may be
empty, behind the code, or shared by a team whose rights are being set up. A password is
read from standard input and goes nowhere but to the database, as a SCRAM verifier.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from inbox_app.cli.actor import local_user
from inbox_app.cli.output import CommandError, json_flag, out

if TYPE_CHECKING:
    from inbox_app.cli.output import Commands
    from inbox_app.core.store.database import Engine


def register(sub: Commands) -> None:
    dbp = sub.add_parser("db", help="database schema").add_subparsers(dest="action", required=True)
    dbp.add_parser("upgrade", help="create or upgrade the schema")
    dbp.add_parser("status", help="show the schema revision")
    json_flag(
        dbp.add_parser(
            "compact",
            help="give space freed by deletions and upgrades back to the disk (SQLite: needs the store to itself)",
        )
    )
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


def run(args: argparse.Namespace) -> int:
    from inbox_app.core.store import database as db
    from inbox_app.paths import default_database_url

    engine = db.open_engine(args.database or default_database_url())
    try:
        if args.action == "roles":
            return _roles(args, engine, args.actor or local_user())
        if args.action == "compact":
            before, after = db.compact(engine)
            out(args, {"before": before, "after": after}, _compacted(before, after))
        elif args.action == "upgrade":
            _upgrade(args, engine)
        else:
            current, head = db.current_revision(engine), db.head_revision(engine)
            out(args, {"current": current, "head": head}, f"schema {current or 'empty'}; newest {head}")
    except Exception as exc:
        reason = db.unreachable_reason(exc)
        if reason is not None:
            raise CommandError(f"the database cannot be reached: {reason}")
        raise
    finally:
        engine.dispose()
    return 0


def _upgrade(args: argparse.Namespace, engine: Engine) -> None:
    from inbox_app.core.store import database as db
    from inbox_app.core.team import roles as db_roles

    before = db.current_revision(engine)
    db.upgrade(engine)
    after = db.current_revision(engine)
    # Team mode: tables the upgrade added get their rights at once.
    refreshed = db_roles.is_set_up(engine)
    if refreshed:
        db_roles.setup(engine)
    out(
        args,
        {"from": before, "to": after} | ({"roles_refreshed": True} if refreshed else {}),
        f"database schema at {after}"
        + ("" if before == after else f" (was {before or 'empty'})")
        + ("; group rights refreshed" if refreshed else ""),
    )


def _compacted(before: int | None, after: int | None) -> str:
    if before is None or after is None:
        return "store compacted"
    return f"store compacted: {before / 1e6:,.1f} MB -> {after / 1e6:,.1f} MB"


def _roles(args: argparse.Namespace, engine: Engine, actor: str) -> int:
    """`inbox-app db roles ...` on the store ``engine`` opens."""
    from inbox_app.core.agents import agent_names
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
        out(
            args,
            {"groups": report.groups, "created": list(report.created), "unmanaged": list(report.unmanaged)},
            words,
        )
    elif args.roles_action == "list":
        view = db_roles.overview(engine)
        names = agent_names(engine)
        lines = [f"group {name:30} {kind}" for kind, name in view.groups.items()]
        if not view.set_up:
            lines = ["the group roles are not set up yet: run 'inbox-app db roles setup'"]
        lines += [
            f"login {x.user:30} {'/'.join(x.groups) or 'no group':8} "
            f"{names.get(x.agent_id, '?') if x.agent_id is not None else 'sync worker'}"
            for x in view.logins
        ]
        out(
            args,
            {
                "set_up": view.set_up,
                "groups": view.groups,
                "logins": [
                    x.to_json() | {"agent": None if x.agent_id is None else names.get(x.agent_id)}
                    for x in view.logins
                ],
            },
            "\n".join(lines),
        )
    elif args.roles_action == "worker":
        result = db_roles.set_worker_login(engine, args.user, password(args), actor=actor)
        print(
            f"{'created' if result.created else 'updated'} the worker login {result.user!r} "
            f"(group {result.group}); the worker connects with {login_url(engine, result.user)}"
        )
    elif args.roles_action == "drop":
        login = db_roles.drop_login(engine, args.user, actor=actor)
        print(f"removed the database login {login.user!r}")
    return 0


def password(args: argparse.Namespace) -> str:
    """A login's new password, from standard input (never from the command line)."""
    from inbox_app.core.team.roles import RolesError

    if not args.secret_stdin:
        raise RolesError("give the password on standard input with --secret-stdin")
    secret = sys.stdin.readline().rstrip("\r\n")
    if not secret:
        raise RolesError("--secret-stdin was given but standard input was empty")
    return secret


def login_url(engine: Engine, user: str) -> str:
    """The store's URL as ``user`` signs in with it, without any password."""
    return engine.url.set(username=user, password=None).render_as_string(hide_password=True)
