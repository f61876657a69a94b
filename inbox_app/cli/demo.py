"""`inbox-app demo`: fill a store with the demo data set."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from inbox_app.cli.output import out

if TYPE_CHECKING:
    from inbox_app.app import Services
    from inbox_app.cli.output import Commands


def register(sub: Commands) -> None:
    p = sub.add_parser("demo", help="fill a database with the demo data set")
    p.set_defaults(handler=run)
    p.add_argument("--customers", type=int, default=None)


def run(args: argparse.Namespace, s: Services) -> int:
    from inbox_app.demo import seed

    summary = seed(s, customers=args.customers)
    out(args, summary, "demo data: " + ", ".join(f"{v} {k}" for k, v in summary.items()))
    return 0
