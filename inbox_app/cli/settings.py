"""`inbox-app settings ...`: the team-wide settings kept in the store."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from inbox_app.cli.actor import acting
from inbox_app.cli.output import json_flag, out

if TYPE_CHECKING:
    from inbox_app.app import Services
    from inbox_app.cli.output import Commands


def register(sub: Commands) -> None:
    group = sub.add_parser("settings", help="team-wide settings kept in the store")
    group.set_defaults(handler=run)
    st = group.add_subparsers(dest="action", required=True)
    p = st.add_parser("list")
    json_flag(p)
    p = st.add_parser("set")
    p.add_argument("key")
    p.add_argument("value")


def run(args: argparse.Namespace, s: Services) -> int:
    from inbox_app.core.settings import SettingsService

    settings = SettingsService(s.factory)
    if args.action == "list":
        current = settings.current()
        out(args, current, "\n".join(f"{k} = {_word(v)}" for k, v in current.items()))
        return 0
    value = settings.parse(args.key, args.value)
    actor, _ = acting(args, s)
    settings.change(args.key, value, actor=actor)
    print(f"{args.key} = {_word(value)}")
    return 0


def _word(value: object) -> str:
    """A value as it is typed: true/false, not Python's True/False."""
    return str(value).lower() if isinstance(value, bool) else str(value)
