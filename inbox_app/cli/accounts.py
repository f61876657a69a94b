"""`inbox-app accounts ...`: the channel accounts, their settings and secrets."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from inbox_app.cli.actor import acting
from inbox_app.cli.output import CommandError, json_flag, out

if TYPE_CHECKING:
    from connectors.base import Capabilities
    from inbox_app.app import Services
    from inbox_app.cli.output import Commands


def register(sub: Commands) -> None:
    group = sub.add_parser("accounts", help="channel accounts")
    group.set_defaults(handler=run)
    acc = group.add_subparsers(dest="action", required=True)
    p = acc.add_parser("add", help="add a channel account")
    p.add_argument("kind", help="email, matrix, telegram, fake ...")
    p.add_argument("name")
    p.add_argument("--set", dest="settings", action="append", default=[], metavar="KEY=VALUE")
    p.add_argument(
        "--secret-stdin",
        action="store_true",
        help="read the password or token from standard input (kept in the OS keyring)",
    )
    p = acc.add_parser("set", help="change settings or the secret of an account")
    p.add_argument("name")
    p.add_argument("--set", dest="settings", action="append", default=[], metavar="KEY=VALUE")
    p.add_argument("--secret-stdin", action="store_true")
    p = acc.add_parser("list", help="list accounts with their sync status")
    json_flag(p)
    for action in ("test", "remove", "enable", "disable"):
        acc.add_parser(action).add_argument("name")
    acc.add_parser("kinds", help="list the installed channel kinds and their settings")


def run(args: argparse.Namespace, s: Services) -> int:
    actor, _ = acting(args, s)
    if args.action == "add":
        row = s.accounts.add(
            args.kind, args.name, _parse_settings(args.settings), _read_secret(args), actor=actor
        )
        out(args, row.to_json(), f"added {row.kind} account {row.name!r}")
    elif args.action == "set":
        row = s.accounts.update_settings(
            args.name, _parse_settings(args.settings), _read_secret(args), actor=actor
        )
        out(args, row.to_json(), f"updated account {row.name!r}")
    elif args.action == "list":
        rows = s.accounts.list()
        lines = [
            f"{r.name:20} {r.kind:10} {'enabled' if r.enabled else 'disabled':9} "
            f"{r.status:11} {r.last_sync_at.isoformat(timespec='seconds') if r.last_sync_at else '-':26}"
            f"{r.last_error or ''}"
            for r in rows
        ]
        out(args, [r.to_json() for r in rows], "\n".join(lines) or "no channel accounts yet")
    elif args.action == "test":
        import asyncio

        asyncio.run(s.supervisor().check(args.name))
        out(args, {"name": args.name, "ok": True}, f"account {args.name!r}: connection works")
    elif args.action == "remove":
        s.accounts.remove(args.name, actor=actor)
        print(f"removed account {args.name!r}; its conversations stay in the store")
    elif args.action in ("enable", "disable"):
        s.accounts.set_enabled(args.name, args.action == "enable", actor=actor)
        print(f"account {args.name!r} {args.action}d")
    elif args.action == "kinds":
        _kinds(s)
    return 0


def _kinds(s: Services) -> None:
    from connectors.base import ExplainsSecret

    for kind, cls in sorted(s.registry.items()):
        print(f"{kind} ({cls.channel})")
        for spec in cls.settings_schema:
            flag = " (required)" if spec.required else ""
            print(f"    {spec.key}{flag}: {spec.help}")
        if cls.needs_secret:
            secret = cls.secret_help if isinstance(cls, ExplainsSecret) else "the password or token"
            print(f"    secret (--secret-stdin): {secret}")
        print(f"    replies: {_replies_words(cls.capabilities)}")
    print("every kind")
    print("    team: the team new cases of the account belong to ('none' for no team)")
    print(
        "    approve_stars_max: replies to reviews of this many stars or fewer wait for a lead (1-5, 'none')"
    )
    print("    approve_public: every public reply of the account waits for a lead (true/false)")


def _parse_settings(pairs: list[str]) -> dict[str, str]:
    settings = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise CommandError(f"--set takes KEY=VALUE, not {pair!r}")
        settings[key.strip()] = value
    return settings


def _read_secret(args: argparse.Namespace) -> str | None:
    if not getattr(args, "secret_stdin", False):
        return None
    secret = sys.stdin.readline().rstrip("\r\n")
    if not secret:
        raise CommandError("--secret-stdin was given but standard input was empty")
    return secret


def _replies_words(caps: Capabilities) -> str:
    """What a channel's replies can be, for an admin choosing accounts."""
    unit = "bytes" if caps.length_unit == "bytes" else "characters"
    length = f"up to {caps.max_length:,} {unit}" if caps.max_length else "any length"
    if caps.max_length and caps.split_long:
        length += " a message (longer ones go in parts)"
    if not caps.attachments:
        files = "no files"
    elif caps.attachment_types:
        files = "files: " + caps.attachment_kinds()
    else:
        files = "files of any kind"
    if caps.attachments and caps.max_attachments:
        files += f" ({caps.max_attachments} at most)"
    return f"{length}; {files}" + ("; public" if caps.public else "")
