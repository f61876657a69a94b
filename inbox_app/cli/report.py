"""`inbox-app report`: service-level figures of a period, per agent, team or channel
(leads and admins). The figures are the leads' dashboard's: core/service/report.py says
what each one means."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import TYPE_CHECKING, TextIO

from inbox_app.cli.actor import acting
from inbox_app.cli.output import CommandError, json_flag

if TYPE_CHECKING:
    from inbox_app.app import Services
    from inbox_app.cli.output import Commands
    from inbox_app.core.service.report import Row


def register(sub: Commands) -> None:
    p = sub.add_parser(
        "report",
        help="leads: cases, reply and resolution times, SLA met and backlog of a period",
        description="One row per group: group, cases_opened, cases_resolved, first_reply_median_s, "
        "first_reply_p90_s, resolution_median_s, resolution_p90_s, sla_targets, sla_met, "
        "backlog_end. Times are in seconds of business time (each case's SLA calendar), medians "
        "and 90th percentiles by nearest rank; dates are days of this computer's time zone.",
    )
    p.set_defaults(handler=run)
    p.add_argument(
        "--from", dest="start", required=True, type=_date, metavar="DATE", help="first day (YYYY-MM-DD)"
    )
    p.add_argument("--to", dest="end", required=True, type=_date, metavar="DATE", help="last day, included")
    p.add_argument("--by", choices=("agent", "team", "channel"), help="one row per agent, team or channel")
    p.add_argument(
        "--calendar-time", action="store_true", help="measure times in calendar time, not business hours"
    )
    json_flag(p)
    p.add_argument("--csv", action="store_true", help="print CSV (a header line, then one line per group)")


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}")


def run(args: argparse.Namespace, s: Services) -> int:
    from inbox_app.core.service.report import rows
    from inbox_app.core.service.report_series import day_bounds
    from inbox_app.core.service.report_store import ReportService, local_zone

    if getattr(args, "json", False) and args.csv:
        raise CommandError("say --json or --csv, not both")
    if args.end < args.start:
        raise CommandError(f"the period ends ({args.end}) before it starts ({args.start})")
    actor, _ = acting(args, s)
    bounds = day_bounds(args.start, args.end, local_zone())
    start, end = bounds[0], bounds[-1]
    loaded = ReportService(s.read_factory).load(start, end, actor=actor)
    found = rows(loaded.facts(business=not args.calendar_time), start, end, args.by, loaded.names(args.by))
    if args.csv:
        write_csv(found, sys.stdout)
    elif getattr(args, "json", False):
        import json

        print(json.dumps([r.to_json() for r in found], ensure_ascii=False, indent=2))
    else:
        print(_table(found))
    return 0


def write_csv(found: list[Row], stream: TextIO) -> None:
    import csv

    from inbox_app.core.service.report import COLUMNS

    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(COLUMNS)
    for r in found:
        values = r.to_json()
        writer.writerow(["" if values[c] is None else values[c] for c in COLUMNS])


def _table(found: list[Row]) -> str:
    if not found:
        return "nothing happened in this period"
    head = f"{'group':24} {'opened':>7} {'resolved':>8} {'1st reply med/p90':>19} {'resolution med/p90':>21} {'SLA met':>9} {'backlog':>7}"
    lines = [head]
    for r in found:
        v = r.to_json()
        sla = f"{v['sla_met']}/{v['sla_targets']}"
        fr = f"{_span(v['first_reply_median_s'])}/{_span(v['first_reply_p90_s'])}"
        res = f"{_span(v['resolution_median_s'])}/{_span(v['resolution_p90_s'])}"
        lines.append(
            f"{r.group[:24]:24} {v['cases_opened']:>7} {v['cases_resolved']:>8} {fr:>19} {res:>21} {sla:>9} {v['backlog_end']:>7}"
        )
    return "\n".join(lines)


def _span(seconds: int | None) -> str:
    if seconds is None:
        return "-"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
