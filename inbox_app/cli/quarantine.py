"""`inbox-app quarantine ...`: what could not be stored, and storing it again after a fix."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from inbox_app.cli.output import json_flag, out

if TYPE_CHECKING:
    from inbox_app.app import Services
    from inbox_app.cli.output import Commands
    from inbox_app.core.ingest.quarantine import RawParser


def register(sub: Commands) -> None:
    group = sub.add_parser("quarantine", help="items that could not be stored")
    group.set_defaults(handler=run)
    q = group.add_subparsers(dest="action", required=True)
    p = q.add_parser("list")
    json_flag(p)
    q.add_parser("retry").add_argument("id", type=int)


def run(args: argparse.Namespace, s: Services) -> int:
    if args.action == "list":
        data = [row.to_json() for row in s.ingest.quarantined()]
        out(
            args,
            data,
            "\n".join(
                f"{d['id']:5} {d['account'] or '-':16} {str(d['external_id'])[:40]:40} {d['reason']}"
                for d in data
            )
            or "quarantine is empty",
        )
        return 0
    result = s.ingest.retry_quarantined(args.id, _parser(s, s.ingest.quarantined_account(args.id)))
    print(f"stored quarantined item {args.id} ({result.stored} new message(s))")
    return 0


def _parser(s: Services, account_id: int | None) -> RawParser | None:
    """The channel's own parser, which reads raw-only items again."""
    from connectors.base import ConnectorError, ParsesRaw

    if account_id is None:
        return None
    try:
        connector = s.supervisor().build_connector(s.accounts.get_by_id(account_id))
    except ConnectorError:
        return None
    parser: RawParser | None = connector.parse_raw if isinstance(connector, ParsesRaw) else None
    return parser
