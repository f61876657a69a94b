"""`inbox-app hours ...`: business-hours calendars (admins change them)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from inbox_app.cli.actor import acting
from inbox_app.cli.output import json_flag, out

if TYPE_CHECKING:
    from inbox_app.app import Services
    from inbox_app.cli.output import Commands


def register(sub: Commands) -> None:
    group = sub.add_parser("hours", help="business hours: working calendars")
    group.set_defaults(handler=run)
    hs = group.add_subparsers(dest="action", required=True)
    p = hs.add_parser("add", help="admins: add a calendar")
    p.add_argument("name")
    p.add_argument("--timezone", required=True, metavar="TZ", help="IANA time zone, e.g. Europe/Rome")
    p.add_argument(
        "--day",
        action="append",
        default=[],
        metavar="DAY=HH:MM-HH:MM[,...]",
        help="a weekday's working intervals, e.g. mon=09:00-13:00,14:00-18:00 (repeat per day; "
        "days not given are closed)",
    )
    p.add_argument(
        "--holidays",
        metavar="CC[-REGION]",
        help="close on the public holidays of a country and region, e.g. IT or IT-RM",
    )
    json_flag(p)
    hol = hs.add_parser("holiday", help="admins: dates a calendar is closed").add_subparsers(
        dest="holiday_action", required=True
    )
    p = hol.add_parser("add", help="close a calendar on a date")
    p.add_argument("name")
    p.add_argument("date", metavar="YYYY-MM-DD")
    json_flag(p)
    p = hs.add_parser("list", help="list calendars")
    json_flag(p)
    p = hs.add_parser("remove", help="admins: remove a calendar")
    p.add_argument("name")
    json_flag(p)


def run(args: argparse.Namespace, s: Services) -> int:
    actor, _ = acting(args, s)
    if args.action == "add":
        row = s.hours.add(args.name, args.timezone, args.day, args.holidays, actor=actor)
        out(args, row, f"added calendar {row['name']} ({row['timezone']})")
        return 0
    if args.action == "holiday":
        row = s.hours.add_holiday(args.name, args.date, actor=actor)
        out(args, row, f"{row['name']}: closed on {args.date}")
        return 0
    if args.action == "remove":
        s.hours.remove(args.name, actor=actor)
        out(args, {"removed": args.name}, f"removed calendar {args.name}")
        return 0
    rows = s.hours.list()
    out(args, rows, "\n".join(_line(r) for r in rows) or "no calendars yet")
    return 0


def _line(row: dict[str, object]) -> str:
    days = row["days"]
    assert isinstance(days, dict)
    week = "; ".join(f"{d} {','.join(spans)}" for d, spans in days.items())
    holidays = row["holidays"]
    assert isinstance(holidays, dict)
    closed = [holidays["region"] or "", *holidays["dates"]]
    extra = f"  [holidays: {', '.join(c for c in closed if c)}]" if any(closed) else ""
    return f"{row['name']:20} {row['timezone']:20} {week}{extra}"
