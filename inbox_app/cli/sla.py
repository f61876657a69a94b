"""`inbox-app sla ...`: service-level policies (admins change them; the first match applies)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from inbox_app.cli.actor import acting
from inbox_app.cli.output import json_flag, out

if TYPE_CHECKING:
    from inbox_app.app import Services
    from inbox_app.cli.output import Commands

_DURATION = "DURATION"
_DURATION_HELP = "30m, 4h or 2d (d: business days when --hours names a calendar, else calendar days)"


def register(sub: Commands) -> None:
    group = sub.add_parser("sla", help="service levels: response and resolution targets")
    group.set_defaults(handler=run)
    ss = group.add_subparsers(dest="action", required=True)
    p = ss.add_parser("add", help="admins: add a policy at the end of the list")
    p.add_argument("name")
    p.add_argument("--first-reply", metavar=_DURATION, help=f"opened -> first public reply: {_DURATION_HELP}")
    p.add_argument(
        "--next-reply", metavar=_DURATION, help=f"unanswered customer message -> next reply: {_DURATION_HELP}"
    )
    p.add_argument(
        "--resolution",
        metavar=_DURATION,
        help=f"opened -> resolved, paused while pending/snoozed: {_DURATION_HELP}",
    )
    p.add_argument("--hours", metavar="CALENDAR", help="count business time with this calendar (hours list)")
    p.add_argument("--team", metavar="T", help="only cases of this team")
    p.add_argument(
        "--channel", metavar="KIND", help="only cases on this channel (email, chat, social, review)"
    )
    p.add_argument("--priority", metavar="P", help="only cases of this priority (low, normal, high, urgent)")
    json_flag(p)
    p = ss.add_parser("list", help="list policies in the order they are tried")
    json_flag(p)
    p = ss.add_parser("remove", help="admins: remove a policy")
    p.add_argument("name")
    json_flag(p)
    p = ss.add_parser("move", help="admins: put a policy at a position (1 = tried first)")
    p.add_argument("name")
    p.add_argument("position", type=int)
    json_flag(p)


def run(args: argparse.Namespace, s: Services) -> int:
    actor, _ = acting(args, s)
    if args.action == "add":
        row = s.sla.add(
            args.name,
            first_reply=args.first_reply,
            next_reply=args.next_reply,
            resolution=args.resolution,
            hours=args.hours,
            team=args.team,
            channel=args.channel,
            priority=args.priority,
            actor=actor,
        )
        out(args, row, f"added SLA policy {row['name']} at position {row['order']}")
        return 0
    if args.action == "remove":
        s.sla.remove(args.name, actor=actor)
        out(args, {"removed": args.name}, f"removed SLA policy {args.name}")
        return 0
    if args.action == "move":
        rows = s.sla.move(args.name, args.position, actor=actor)
        out(args, rows, "\n".join(_line(r) for r in rows))
        return 0
    rows = s.sla.list()
    out(args, rows, "\n".join(_line(r) for r in rows) or "no SLA policies yet")
    return 0


def _line(row: dict[str, Any]) -> str:
    targets = " ".join(
        f"{label} {row[key]}"
        for key, label in (("first_reply", "first"), ("next_reply", "next"), ("resolution", "resolve"))
        if row[key]
    )
    time = f"business hours {row['hours']}" if row["hours"] else "calendar time"
    scope = [f"{k} {row[k]}" for k in ("team", "channel", "priority") if row[k]]
    when = f"  (only {', '.join(scope)})" if scope else "  (every case)"
    return f"{row['order']:>2}. {row['name']:20} {targets}; {time}{when}"
