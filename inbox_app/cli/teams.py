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
    p = tm.add_parser(
        "set", help="admins: a team's automatic assignment, capacity and satisfaction questions"
    )
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
    p.add_argument(
        "--csat",
        choices=("on", "off"),
        help="ask the customer of each resolved case how satisfied they are, once, on their own "
        "channel, without links (off by default)",
    )
    p.add_argument(
        "--csat-delay",
        type=_duration,
        metavar="TIME",
        help="how long after a case is resolved the question goes (0s: at the next sync round; 1h, 2d...)",
    )
    p.add_argument(
        "--csat-every",
        type=_duration,
        metavar="TIME",
        help="a customer is not asked again within this time (30d, 4w...)",
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


def _duration(value: str) -> int:
    from inbox_app.core.voice.csat_settings import CsatSettingsError, parse_duration

    try:
        return parse_duration(value)
    except CsatSettingsError as exc:
        raise argparse.ArgumentTypeError(str(exc))


def _csat_words(on: bool, delay: int, every: int) -> str:
    from inbox_app.core.voice.csat_settings import duration_words

    if not on:
        return "satisfaction questions off"
    return (
        f"satisfaction asked {duration_words(delay)} after resolving, at most every {duration_words(every)}"
    )


def _limit(capacity: int | None) -> str:
    return "no limit" if capacity is None else f"capacity {capacity}"


def run(args: argparse.Namespace, s: Services) -> int:
    actor, _ = acting(args, s)
    if args.action == "add":
        team_id, name = s.agents.add_team(args.name, actor=actor)
        out(args, {"id": team_id, "name": name}, f"added team {name}")
        return 0
    if args.action == "set":
        csat = (args.csat, args.csat_delay, args.csat_every)
        if args.assign is None and args.capacity is False and csat == (None, None, None):
            raise CommandError(
                "say what to set: --assign off|balanced|round-robin, --capacity N, "
                "--csat on|off, --csat-delay TIME, --csat-every TIME"
            )
        lines, row = [], {}
        if args.assign is not None or args.capacity is not False:
            row = s.assign.set_team(args.name, args.assign, args.capacity, actor=actor)
            lines.append(f"{row['name']}: automatic assignment {row['assign']}, {_limit(row['capacity'])}")
        if csat != (None, None, None):
            enabled = None if args.csat is None else args.csat == "on"
            got = s.csat_settings.set_team(
                args.name, enabled=enabled, delay=args.csat_delay, every=args.csat_every, actor=actor
            )
            row = {**row, **got}
            lines.append(f"{got['name']}: {_csat_words(got['csat'], got['csat_delay'], got['csat_every'])}")
        out(args, row, "\n".join(lines))
        return 0
    people = s.agents.list()
    teams = [(t, [a.name for a in people if a.team == t.name]) for t in s.agents.team_rows()]
    out(
        args,
        [
            {
                "id": t.id,
                "name": t.name,
                "agents": members,
                "assign": t.assign,
                "capacity": t.capacity,
                "csat": t.csat,
                "csat_delay": t.csat_delay,
                "csat_every": t.csat_every,
            }
            for t, members in teams
        ],
        "\n".join(
            f"{t.name:24} {', '.join(members) or '-'}"
            + (f"  [assign {t.assign}, {_limit(t.capacity)}]" if t.assign != AssignMode.OFF else "")
            + (f"  [{_csat_words(t.csat, t.csat_delay, t.csat_every)}]" if t.csat else "")
            for t, members in teams
        )
        or "no teams yet",
    )
    return 0
