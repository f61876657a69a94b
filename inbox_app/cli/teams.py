"""`inbox-app teams ...`: the teams agents belong to."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from inbox_app.cli.actor import acting
from inbox_app.cli.output import CommandError, codes, json_flag, out
from inbox_app.core.vocab import AssignMode

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
    p = tm.add_parser("set", help="admins: a team's automatic assignment and capacity")
    p.add_argument("name", help="the team")
    p.add_argument(
        "--assign",
        choices=codes(AssignMode),
        help="hand the team's new and reopened cases to its available agents: balanced (fewest "
        "open cases) or round-robin (longest since their last); off: nobody does",
    )
    p.add_argument(
        "--capacity",
        type=_capacity,
        default=False,
        metavar="N",
        help="open cases per agent that automatic assignment fills up to ('none': no limit)",
    )
    json_flag(p)


def _capacity(value: str) -> int | None:
    if value.strip().lower() in ("none", "-"):
        return None
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of cases: {value!r}")
    if number < 1:
        raise argparse.ArgumentTypeError("capacity must be 1 or more ('none': no limit)")
    return number


def _limit(capacity: int | None) -> str:
    return "no limit" if capacity is None else f"capacity {capacity}"


def run(args: argparse.Namespace, s: Services) -> int:
    actor, _ = acting(args, s)
    if args.action == "add":
        team_id, name = s.agents.add_team(args.name, actor=actor)
        out(args, {"id": team_id, "name": name}, f"added team {name}")
        return 0
    if args.action == "set":
        if args.assign is None and args.capacity is False:
            raise CommandError("say what to set: --assign off|balanced|round-robin and/or --capacity N")
        row = s.assign.set_team(args.name, args.assign, args.capacity, actor=actor)
        out(args, row, f"{row['name']}: automatic assignment {row['assign']}, {_limit(row['capacity'])}")
        return 0
    people = s.agents.list()
    teams = [(t, [a.name for a in people if a.team == t.name]) for t in s.agents.team_rows()]
    out(
        args,
        [
            {"id": t.id, "name": t.name, "agents": members, "assign": t.assign, "capacity": t.capacity}
            for t, members in teams
        ],
        "\n".join(
            f"{t.name:24} {', '.join(members) or '-'}"
            + (f"  [assign {t.assign}, {_limit(t.capacity)}]" if t.assign != AssignMode.OFF else "")
            for t, members in teams
        )
        or "no teams yet",
    )
    return 0
