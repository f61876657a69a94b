"""`inbox-app cases ...`: listing cases and changing who has them, their status and priority."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from inbox_app.cli.actor import acting
from inbox_app.cli.output import CommandError, codes, json_flag, message_line, out
from inbox_app.core.vocab import CaseStatus, Priority

if TYPE_CHECKING:
    from inbox_app.app import Services
    from inbox_app.cli.output import Commands
    from inbox_app.core.read.rows import CaseRow


def register(sub: Commands) -> None:
    group = sub.add_parser("cases", help="cases")
    group.set_defaults(handler=run)
    cas = group.add_subparsers(dest="action", required=True)
    p = cas.add_parser("list")
    p.add_argument("--status", choices=codes(CaseStatus))
    who = p.add_mutually_exclusive_group()
    who.add_argument("--assignee", metavar="NAME")
    who.add_argument("--unassigned", action="store_true")
    p.add_argument("--customer", type=int, metavar="ID")
    p.add_argument(
        "--overdue", action="store_true", help="only open cases with a service-level target past its due time"
    )
    p.add_argument(
        "--sort",
        choices=("activity", "due"),
        default="activity",
        help="activity: newest first (default); due: soonest due first, overdue ones first",
    )
    p.add_argument("--limit", type=int, default=100)
    json_flag(p)
    p = cas.add_parser("show")
    p.add_argument("id", type=int)
    json_flag(p)
    p = cas.add_parser(
        "assign",
        help="take a case, give it back (--none), or (leads) move it",
        description="An agent takes a case only while it is free or theirs; moving a case a colleague "
        "holds, or assigning one to someone else, is for leads and admins (unless the store "
        "setting agents_may_reassign is true). Refusals exit with code 77.",
    )
    p.add_argument("id", type=int)
    whom = p.add_mutually_exclusive_group(required=True)
    whom.add_argument("agent", nargs="?", help="agent name or email; 'none' to unassign")
    whom.add_argument("--none", action="store_true", help="unassign (give the case back)")
    _if_version(p)
    p = cas.add_parser(
        "team",
        help="move a case to another team (leads and admins)",
        description="Hand a case to a team. Giving a case without a team one is anyone's; moving "
        "a case from its team to another is for leads and admins (refusals exit with code 77).",
    )
    p.add_argument("id", type=int)
    to = p.add_mutually_exclusive_group(required=True)
    to.add_argument("team", nargs="?", help="team name; 'none' for no team")
    to.add_argument("--none", action="store_true", help="take the case out of its team")
    _if_version(p)
    p = cas.add_parser("status")
    p.add_argument("id", type=int)
    p.add_argument("status", choices=codes(CaseStatus))
    p.add_argument("--until", metavar="ISO-TIME", help="when a snoozed case wakes up")
    _if_version(p)
    p = cas.add_parser("priority")
    p.add_argument("id", type=int)
    p.add_argument("priority", choices=codes(Priority))
    _if_version(p)


def _if_version(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--if-version",
        type=int,
        metavar="N",
        dest="based_on",
        help="change the case only if it is still at version N (the 'version' of 'cases show --json'); "
        "otherwise refuse with exit code 75 and say what changed meanwhile",
    )
    json_flag(p)  # prints the case as it is after the change (with its new version)


def run(args: argparse.Namespace, s: Services) -> int:
    actor, _ = acting(args, s)
    if args.action == "list":
        _list(args, s)
    elif args.action == "show":
        row = s.queries.case(args.id)
        messages = s.queries.case_messages(args.id)
        survey = s.csat_reports.of_case(args.id)
        satisfaction = (
            []
            if survey is None
            else [f"  satisfaction {survey.score}/5" + (f": {survey.comment}" if survey.comment else "")]
            if survey.score is not None
            else [f"  satisfaction asked {survey.asked_at.astimezone():%Y-%m-%d %H:%M}, no answer yet"]
        )
        out(
            args,
            row.to_json()
            | {
                "messages": [m.to_json() for m in messages],
                # What `reply ID --after` takes; the list is in time order, not id order.
                "newest_message_id": max((m.id for m in messages), default=None),
                # The satisfaction question asked about the case and its answer; None: not asked.
                "satisfaction": survey.as_json() if survey is not None else None,
            },
            "\n".join(
                [
                    f"case {row.id}: {row.subject or ''}",
                    f"  customer {row.customer_id} {row.customer_name}; {row.status}, "
                    f"{row.priority}; assignee {row.assignee or '-'}",
                    *satisfaction,
                    "",
                ]
                + [message_line(m) for m in messages]
            ),
        )
    elif args.action == "assign":
        who = None if args.none or args.agent.lower() == "none" else args.agent
        s.cases.assign(args.id, who, actor=actor, based_on=args.based_on)
        _changed(args, s, f"case {args.id} {'unassigned' if who is None else 'assigned to ' + who}")
    elif args.action == "team":
        team = None if args.none or args.team.lower() == "none" else args.team
        s.cases.assign_team(args.id, team, actor=actor, based_on=args.based_on)
        row = s.queries.case(args.id)
        _changed(
            args,
            s,
            f"case {args.id} {'has no team' if team is None else 'belongs to team ' + (row.team or team)}",
        )
    elif args.action == "status":
        s.cases.set_status(
            args.id, args.status, until=_until(args.until), actor=actor, based_on=args.based_on
        )
        _changed(args, s, f"case {args.id} is {args.status}")
    elif args.action == "priority":
        s.cases.set_priority(args.id, args.priority, actor=actor, based_on=args.based_on)
        _changed(args, s, f"case {args.id} has priority {args.priority}")
    return 0


def _changed(args: argparse.Namespace, s: Services, words: str) -> None:
    if getattr(args, "json", False):
        out(args, s.queries.case(args.id).to_json(), words)
    else:
        print(words)


def _list(args: argparse.Namespace, s: Services) -> None:
    from inbox_app.core.read.queries import CaseFilter

    assignee_id = None
    if args.assignee:
        agent = s.agents.find(args.assignee)
        if agent is None:
            raise CommandError(f"no agent named {args.assignee!r}")
        assignee_id = agent.id
    flt = CaseFilter(
        status=(args.status,) if args.status else None,
        assignee_id=assignee_id,
        unassigned=args.unassigned,
        customer_id=args.customer,
        overdue=args.overdue,
    )
    if args.sort == "due":
        rows = s.queries.cases_by_due(flt, limit=args.limit)
    else:
        rows = s.queries.cases(flt, limit=args.limit)
    now = datetime.now(UTC)
    out(
        args,
        [r.to_json() for r in rows],
        "\n".join(
            f"{r.id:6} {r.status:9} {r.priority:7} {r.customer_name[:24]:24} "
            f"{','.join(r.channels):12} {r.assignee or '-':14} {_due(r, now):14} {(r.subject or '')[:60]}"
            for r in rows
        )
        or "no cases",
    )


def _due(row: CaseRow, now: datetime) -> str:
    """'due in 2h 5m', 'overdue 40m', 'paused' or '-' (calendar time, for a terminal)."""
    if row.due_at is None:
        return "paused" if row.sla is not None and row.sla.paused else "-"
    left = (row.due_at - now).total_seconds()
    span = int(abs(left) // 60)
    words = f"{span // 1440}d {span % 1440 // 60}h" if span >= 1440 else f"{span // 60}h {span % 60}m"
    return f"overdue {words}" if left < 0 else f"due in {words}"


def _until(text: str | None) -> datetime | None:
    """When a snoozed case wakes: an ISO time, in the local zone when it names none."""
    if not text:
        return None
    try:
        until = datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--until takes an ISO time such as 2026-12-01T09:00+01:00, not {text!r}")
    return until.astimezone() if until.tzinfo is None else until
