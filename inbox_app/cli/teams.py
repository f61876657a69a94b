"""`inbox-app teams ...`: the teams agents belong to."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from inbox_app.cli.actor import acting
from inbox_app.cli.output import json_flag, out

if TYPE_CHECKING:
    from inbox_app.app import Services
    from inbox_app.cli.output import Commands


def register(sub: Commands) -> None:
    group = sub.add_parser("teams", help="teams")
    group.set_defaults(handler=run)
    tm = group.add_subparsers(dest="action", required=True)
    p = tm.add_parser("add", help="add a team")
    p.add_argument("name")
    json_flag(p)
    p = tm.add_parser("list", help="list teams with their agents")
    json_flag(p)


def run(args: argparse.Namespace, s: Services) -> int:
    actor, _ = acting(args, s)
    if args.action == "add":
        team_id, name = s.agents.add_team(args.name, actor=actor)
        out(args, {"id": team_id, "name": name}, f"added team {name}")
        return 0
    people = s.agents.list()
    teams = [(tid, name, [a.name for a in people if a.team == name]) for tid, name in s.agents.teams()]
    out(
        args,
        [{"id": tid, "name": name, "agents": members} for tid, name, members in teams],
        "\n".join(f"{name:24} {', '.join(members) or '-'}" for _tid, name, members in teams)
        or "no teams yet",
    )
    return 0
