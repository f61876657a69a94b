"""`inbox-app search QUERY`: messages found by their words, with where the words are."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from inbox_app.cli.output import json_flag, message_line, out

if TYPE_CHECKING:
    from inbox_app.app import Services
    from inbox_app.cli.output import Commands


def register(sub: Commands) -> None:
    p = sub.add_parser("search", help="search messages")
    p.set_defaults(handler=run)
    p.add_argument("query")
    p.add_argument("--limit", type=int, default=50)
    json_flag(p)


def run(args: argparse.Namespace, s: Services) -> int:
    rows = s.search.search(args.query, limit=args.limit)
    out(
        args,
        [r.to_json(with_customer=True) for r in rows],
        "\n".join(
            f"case {r.case_id or '-':>5} customer {r.customer_id:>5}  " + message_line(r, args.query)
            for r in rows
        )
        or "no matches",
    )
    return 0
