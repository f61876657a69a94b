"""`inbox-app csat ...`: the satisfaction questions asked, their answers, and CSAT."""

from __future__ import annotations

import argparse
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from inbox_app.cli.output import CommandError, json_flag, out

if TYPE_CHECKING:
    from inbox_app.app import Services
    from inbox_app.cli.output import Commands
    from inbox_app.core.voice.csat_report import Figures


def register(sub: Commands) -> None:
    group = sub.add_parser("csat", help="satisfaction: questions asked, answers, CSAT")
    group.set_defaults(handler=run)
    cs = group.add_subparsers(dest="action", required=True)
    p = cs.add_parser("list", help="the satisfaction questions asked, with their answers")
    _period(p, required=False)
    json_flag(p)
    p = cs.add_parser(
        "report",
        help="CSAT (answers of 4-5 / answers) with the number of answers and the response rate",
    )
    _period(p, required=True)
    p.add_argument("--by", choices=("agent", "team", "channel"), help="one line per agent, team or channel")
    json_flag(p)


def _period(p: argparse.ArgumentParser, *, required: bool) -> None:
    p.add_argument(
        "--from",
        dest="start",
        type=_day_or_time,
        required=required,
        metavar="DATE",
        help="questions asked from this day (2026-11-01) or time (ISO), in the local zone when it names none",
    )
    p.add_argument(
        "--to",
        dest="end",
        type=_day_or_time,
        required=required,
        metavar="DATE",
        help="questions asked up to this day, that day included (or before this ISO time)",
    )


def _day_or_time(text: str) -> tuple[datetime, bool]:
    """The instant ``text`` names, and whether it was a whole day (an end then includes it)."""
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (write 2026-11-30 or 2026-11-30T18:00)")
    whole_day = len(text.strip()) == 10
    return (when.astimezone() if when.tzinfo is None else when), whole_day


def _bounds(args: argparse.Namespace) -> tuple[datetime | None, datetime | None]:
    start = args.start[0] if args.start else None
    end = None
    if args.end:
        end = args.end[0] + timedelta(days=1) if args.end[1] else args.end[0]
    if start is not None and end is not None and end <= start:
        raise CommandError("--to is before --from")
    return start, end


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f} %"


def _line(f: Figures, label: str) -> str:
    return (
        f"{label:28} CSAT {_pct(f.csat):>8}  {f.answers:>5} answer{'' if f.answers == 1 else 's'} "
        f"({f.satisfied} of 4-5)  "
        f"of {f.asked} asked, response rate {_pct(f.response_rate)}"
    )


def run(args: argparse.Namespace, s: Services) -> int:
    from inbox_app.core.voice.csat_report import figures

    start, end = _bounds(args)
    rows = s.csat_reports.surveys(start, end)
    if args.action == "list":
        out(
            args,
            [r.as_json() for r in rows],
            "\n".join(
                f"case {r.case_id:<7} {r.asked_at.astimezone():%Y-%m-%d %H:%M} {r.channel:9} "
                f"{r.agent or '-':20} "
                + (f"{r.score}/5" if r.score is not None else "no answer")
                + (f"  {r.comment.splitlines()[0][:60]}" if r.comment else "")
                for r in rows
            )
            or "no satisfaction questions asked in that period",
        )
        return 0
    total, groups = figures(rows, args.by)
    data = {
        "from": start.isoformat() if start else None,
        "to": end.isoformat() if end else None,
        "by": args.by,
        "total": total.as_json(),
        "groups": [g.as_json() for g in groups],
    }
    lines = [_line(total, "all")]
    lines += [_line(g, g.name or "(nobody)") for g in groups]
    out(args, data, "\n".join(lines))
    return 0
