"""`inbox-app export` and `inbox-app erase`: a customer's right to their data, and to be forgotten."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from inbox_app.cli.actor import acting
from inbox_app.cli.output import CommandError

if TYPE_CHECKING:
    from inbox_app.app import Services
    from inbox_app.cli.output import Commands


def register(sub: Commands) -> None:
    p = sub.add_parser("export", help="everything held on one customer, as JSON")
    p.set_defaults(handler=export)
    p.add_argument("--customer", type=int, required=True)
    p.add_argument("--output", metavar="FILE")
    p = sub.add_parser("erase", help="erase one customer's data (keeps an audit stub)")
    p.set_defaults(handler=erase)
    p.add_argument("--customer", type=int, required=True)
    p.add_argument("--yes", action="store_true", help="confirm")


def export(args: argparse.Namespace, s: Services) -> int:
    import json

    data = s.customers.export(args.customer)
    text = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"exported customer {args.customer} to {args.output}")
    else:
        print(text)
    return 0


def erase(args: argparse.Namespace, s: Services) -> int:
    if not args.yes:
        raise CommandError("erasing cannot be undone; add --yes to confirm")
    actor, _ = acting(args, s)
    done = s.customers.erase(args.customer, actor=actor)
    counts = {k: v for k, v in done.items() if isinstance(v, int) and not isinstance(v, bool)}
    print(f"erased customer {args.customer}: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
    for step in done["cleanup"]:
        print(f"  {step}")
    print(f"done in {done['seconds']:.2f} s")
    return 0
