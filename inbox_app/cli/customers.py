"""`inbox-app customers ...`: finding, merging and telling apart the people who write in."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from inbox_app.cli.actor import acting
from inbox_app.cli.output import CommandError, json_flag, message_line, out

if TYPE_CHECKING:
    from inbox_app.app import Services
    from inbox_app.cli.output import Commands
    from inbox_app.core.voice.risk_service import RiskRow

REASON_WORDS = {"same_name": "same name", "same_address_name": "same mailbox name"}


def register(sub: Commands) -> None:
    group = sub.add_parser("customers", help="customers")
    group.set_defaults(handler=run)
    cus = group.add_subparsers(dest="action", required=True)
    p = cus.add_parser("list")
    p.add_argument("--search", metavar="TEXT")
    p.add_argument("--limit", type=int, default=100)
    p.add_argument(
        "--at-risk",
        action="store_true",
        help="only customers whose at-risk score reaches the threshold (setting risk_threshold), riskiest first",
    )
    p.add_argument("--threshold", type=int, metavar="SCORE", help="with --at-risk: this threshold instead")
    json_flag(p)
    p = cus.add_parser("show")
    p.add_argument("id", type=int)
    json_flag(p)
    p = cus.add_parser("merge", help="merge the first customer into the second")
    p.add_argument("source", type=int)
    p.add_argument("target", type=int)
    p = cus.add_parser("unmerge", help="undo a merge (by customer id, or --merge ID)")
    p.add_argument("id", type=int, nargs="?")
    p.add_argument("--merge", type=int, dest="merge_id")
    p = cus.add_parser("similar", help="customers who may be the same person (to merge or tell apart)")
    p.add_argument("id", type=int)
    json_flag(p)
    p = cus.add_parser("distinguish", help="say two customers are two people: not suggested as one again")
    p.add_argument("first", type=int)
    p.add_argument("second", type=int)
    p = cus.add_parser(
        "not-at-risk", help="say a customer's at-risk score is wrong: it reads 0 until they write again"
    )
    p.add_argument("id", type=int)
    p.add_argument("--reason", required=True, help="why (kept in the audit trail)")
    json_flag(p)
    p = cus.add_parser("add-identity")
    p.add_argument("id", type=int)
    p.add_argument("kind")
    p.add_argument("value")


def run(args: argparse.Namespace, s: Services) -> int:
    actor, _ = acting(args, s)
    if args.action == "list" and (args.at_risk or args.threshold is not None):
        _at_risk(args, s)
    elif args.action == "list":
        rows = s.queries.customers(limit=args.limit, text=args.search)
        out(
            args,
            [r.to_json() for r in rows],
            "\n".join(
                f"{r.id:6}  {r.name:30} {', '.join(i.value for i in r.identities):50} "
                f"open cases: {', '.join(map(str, r.open_case_ids)) or '-'}"
                for r in rows
            )
            or "no customers",
        )
    elif args.action == "show":
        _show(args, s)
    elif args.action == "merge":
        merge_id = s.customers.merge(args.source, args.target, actor=actor)
        print(
            f"merged customer {args.source} into {args.target} (merge {merge_id}; "
            f"undo with 'inbox-app customers unmerge --merge {merge_id}')"
        )
    elif args.action == "unmerge":
        if args.id is None and args.merge_id is None:
            raise CommandError("say which merge to undo: a customer id or --merge ID")
        source, target = s.customers.unmerge(merge_id=args.merge_id, customer_id=args.id, actor=actor)
        print(f"customer {source} is separate from {target} again")
    elif args.action == "similar":
        _similar(args, s)
    elif args.action == "distinguish":
        if s.customers.distinguish(args.first, args.second, actor=actor):
            print(f"customers {args.first} and {args.second} are two people: not suggested as one again")
        else:
            print(f"customers {args.first} and {args.second} were already told apart")
    elif args.action == "not-at-risk":
        risk = s.risk.mute(args.id, actor=actor, reason=args.reason)
        out(
            args,
            risk.to_json(),
            f"customer {args.id} marked not at risk (score {risk.computed_score} muted until they write again)",
        )
    elif args.action == "add-identity":
        norm = s.customers.add_identity(args.id, args.kind, args.value, actor=actor)
        print(f"customer {args.id} has {args.kind} {norm}")
    return 0


def _show(args: argparse.Namespace, s: Services) -> None:
    row = s.queries.customer(args.id)
    if row.merged_into_id:
        raise CommandError(f"customer {args.id} was merged into {row.merged_into_id}")
    timeline = s.queries.timeline(args.id)
    risk = s.risk.current(args.id)
    data = row.to_json() | {"risk": risk.to_json(), "timeline": [m.to_json() for m in timeline]}
    text = [f"{row.name} (customer {row.id})"]
    text += [f"  {i.kind}: {i.value}" for i in row.identities]
    text += [f"  open cases: {', '.join(map(str, row.open_case_ids)) or '-'}"]
    text += [f"  {risk_line(risk)}", ""]
    text += [message_line(m) for m in timeline]
    out(args, data, "\n".join(text))


def _at_risk(args: argparse.Namespace, s: Services) -> None:
    if args.threshold is not None and not 0 <= args.threshold <= 100:
        raise CommandError("--threshold is a score from 0 to 100")
    if args.search:
        raise CommandError("--at-risk lists by score; leave out --search")
    risks = s.risk.at_risk(args.threshold, limit=args.limit)
    rows = [(s.queries.customer(r.customer_id), r) for r in risks]
    bar = s.risk.threshold() if args.threshold is None else args.threshold
    out(
        args,
        [c.to_json() | {"risk": r.to_json()} for c, r in rows],
        "\n".join(f"{c.id:6}  {c.name:30} {risk_line(r)}" for c, r in rows)
        or f"no customer at risk (score {bar} or more)",
    )


def risk_line(risk: RiskRow) -> str:
    """``at risk: 72 (tone 45 %, waiting 30 %, reviews 25 %)``, or why it reads 0."""
    if risk.muted_at is not None:
        return f"at risk: 0 (marked not at risk by {risk.muted_by or 'system'}: {risk.muted_reason})"
    chips = ", ".join(f"{f['name'].replace('_', ' ')} {f['share']} %" for f in risk.factors)
    return f"at risk: {risk.score}" + (f" ({chips})" if chips else "")


def _similar(args: argparse.Namespace, s: Services) -> None:
    similar = s.queries.similar_customers(args.id)
    out(
        args,
        [c.to_json() for c in similar],
        "\n".join(
            f"{c.customer.id:6}  {c.customer.name:30} {', '.join(i.value for i in c.customer.identities):50} "
            f"{REASON_WORDS.get(c.reason, c.reason)}; "
            f"open cases: {', '.join(map(str, c.customer.open_case_ids)) or '-'}"
            for c in similar
        )
        or f"no other customer looks like customer {args.id}",
    )
