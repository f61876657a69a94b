"""`inbox-app customers ...`: finding, merging and telling apart the people who write in."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from inbox_app.cli.actor import acting
from inbox_app.cli.output import CommandError, json_flag, message_line, out

if TYPE_CHECKING:
    from inbox_app.app import Services
    from inbox_app.cli.output import Commands

REASON_WORDS = {"same_name": "same name", "same_address_name": "same mailbox name"}


def register(sub: Commands) -> None:
    group = sub.add_parser("customers", help="customers")
    group.set_defaults(handler=run)
    cus = group.add_subparsers(dest="action", required=True)
    p = cus.add_parser("list")
    p.add_argument("--search", metavar="TEXT")
    p.add_argument("--limit", type=int, default=100)
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
    p = cus.add_parser("add-identity")
    p.add_argument("id", type=int)
    p.add_argument("kind")
    p.add_argument("value")


def run(args: argparse.Namespace, s: Services) -> int:
    actor, _ = acting(args, s)
    if args.action == "list":
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
    elif args.action == "add-identity":
        norm = s.customers.add_identity(args.id, args.kind, args.value, actor=actor)
        print(f"customer {args.id} has {args.kind} {norm}")
    return 0


def _show(args: argparse.Namespace, s: Services) -> None:
    row = s.queries.customer(args.id)
    if row.merged_into_id:
        raise CommandError(f"customer {args.id} was merged into {row.merged_into_id}")
    timeline = s.queries.timeline(args.id)
    data = row.to_json() | {"timeline": [m.to_json() for m in timeline]}
    text = [f"{row.name} (customer {row.id})"]
    text += [f"  {i.kind}: {i.value}" for i in row.identities]
    text += [f"  open cases: {', '.join(map(str, row.open_case_ids)) or '-'}", ""]
    text += [message_line(m) for m in timeline]
    out(args, data, "\n".join(text))


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
