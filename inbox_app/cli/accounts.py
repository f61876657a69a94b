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
        help="read the password or token from standard input (kept in the OS keyring); with "
        "--oauth, the OAuth client secret where the provider gave one",
    )
    _oauth_flags(p)
    p = acc.add_parser("set", help="change settings or the secret of an account")
    p.add_argument("name")
    p.add_argument("--set", dest="settings", action="append", default=[], metavar="KEY=VALUE")
    p.add_argument("--secret-stdin", action="store_true")
    _oauth_flags(p, again=True)
    p = acc.add_parser("list", help="list accounts with their sync status")
    json_flag(p)
    for action in ("test", "remove", "enable", "disable"):
        acc.add_parser(action).add_argument("name")
    p = acc.add_parser("kinds", help="list the channel kinds offered for new accounts and their settings")
    json_flag(p)
    p = acc.add_parser(
        "detect",
        help="find an email account's servers from its address alone (autoconfig, ISPDB, SRV, common names)",
    )
    p.add_argument("address")
    json_flag(p)


def _oauth_flags(p: argparse.ArgumentParser, *, again: bool = False) -> None:
    p.add_argument(
        "--oauth",
        action="store_true",
        help=("sign in again" if again else "sign in")
        + " through the provider's page in the browser (OAuth 2) instead of a secret: the address "
        "to open is printed alone on a line of standard output",
    )
    p.add_argument(
        "--no-browser",
        action="store_true",
        help="with --oauth: only print the address, do not open a browser",
    )


def run(args: argparse.Namespace, s: Services) -> int:
    from connectors.oauth import CLIENT_SECRET

    actor, _ = acting(args, s)
    if args.action in ("add", "set") and args.no_browser and not args.oauth:
        raise CommandError("--no-browser goes with --oauth")
    if args.action in ("add", "set") and any(p.startswith(f"{CLIENT_SECRET}=") for p in args.settings):
        raise CommandError(
            f"{CLIENT_SECRET} is a secret: give it on standard input with --secret-stdin (with --oauth), "
            "so it goes to the keyring and never to the database or the shell's history"
        )
    if args.action == "add" and args.oauth:
        from inbox_app.cli.signin import chosen, sign_in, signed_in_words

        settings = _found_settings(s, args.kind, _parse_settings(args.settings))
        s.accounts.check_new(args.kind, args.name, settings, partial=True)
        done = sign_in(s, args.kind, settings, _read_secret(args), browser=not args.no_browser)
        settings = {**settings, **done.settings, **chosen(done, settings)}
        row = s.accounts.add(args.kind, args.name, settings, done.secret, actor=actor)
        out(args, row.to_json(), f"added {row.kind} account {row.name!r}{signed_in_words(done)}")
    elif args.action == "add":
        settings = _found_settings(s, args.kind, _parse_settings(args.settings))
        row = s.accounts.add(args.kind, args.name, settings, _read_secret(args), actor=actor)
        out(args, row.to_json(), f"added {row.kind} account {row.name!r}")
    elif args.action == "set" and args.oauth:
        from inbox_app.cli.signin import sign_in, signed_in_words

        current = s.accounts.get(args.name)
        settings = {**current.settings, **_parse_settings(args.settings)}
        done = sign_in(s, current.kind, settings, _read_secret(args), browser=not args.no_browser)
        changes = {**_parse_settings(args.settings), **done.settings}
        row = s.accounts.update_settings(args.name, changes, done.secret, actor=actor)
        out(args, row.to_json(), f"updated account {row.name!r}{signed_in_words(done)}")
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
        _kinds(args, s)
    elif args.action == "detect":
        return _detect(args, s)
    return 0


def _kinds(args: argparse.Namespace, s: Services) -> None:
    from connectors.base import ExplainsSecret, kind_title, secret_label

    lines: list[str] = []
    kinds: list[dict[str, object]] = []
    for kind in s.setup.offered_kinds():
        cls = s.registry[kind]
        lines.append(f"{kind} ({cls.channel}): {kind_title(cls)}")
        settings: list[dict[str, object]] = []
        for spec in cls.settings_schema:
            flag = " (required)" if spec.required else ""
            default = spec.default
            if spec.follows:
                leader = next(x for x in cls.settings_schema if x.key == spec.follows)
                words = ", ".join(f"{v} with {leader.choice_label(c)}" for c, v in spec.by_choice)
                shown = f" [default {words}]"
            elif default not in (None, "", []):
                shown = f" [default {', '.join(default) if isinstance(default, list) else _word(default)}]"
            else:
                shown = ""
            lines.append(f"    {spec.key}{flag}: {spec.label}. {spec.help}{shown}")
            if spec.choices:
                lines.append(
                    "        one of: " + ", ".join(f"{c} ({spec.choice_label(c)})" for c in spec.choices)
                )
            settings.append(
                {
                    "key": spec.key,
                    "label": spec.label,
                    "help": spec.help,
                    "required": spec.required,
                    "default": default,
                    "type": spec.type,
                    "choices": list(spec.choices),
                    "choice_labels": [spec.choice_label(c) for c in spec.choices],
                    "follows": spec.follows or None,
                    "default_by_choice": dict(spec.by_choice) if spec.follows else None,
                    "advanced": spec.advanced,
                }
            )
        secret = None
        if cls.needs_secret:
            secret = {
                "label": secret_label(cls) or "Password or token",
                "help": cls.secret_help if isinstance(cls, ExplainsSecret) else "the password or token",
            }
            lines.append(f"    secret (--secret-stdin): {secret['label']}: {secret['help']}")
        lines.append(f"    replies: {_replies_words(cls.capabilities)}")
        kinds.append(
            {
                "kind": kind,
                "channel": cls.channel,
                "title": kind_title(cls),
                "settings": settings,
                "secret": secret,
                "discovers_from": s.setup.discovers_from(kind),
                "replies": _replies_words(cls.capabilities),
            }
        )
    lines.append("every kind")
    lines.append("    team: the team new cases of the account belong to ('none' for no team)")
    lines.append(
        "    approve_stars_max: replies to reviews of this many stars or fewer wait for a lead (1-5, 'none')"
    )
    lines.append("    approve_public: every public reply of the account waits for a lead (true/false)")
    out(args, kinds, "\n".join(lines))


def _word(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _detect(args: argparse.Namespace, s: Services) -> int:
    import asyncio

    found = asyncio.run(s.setup.discover("email", {"address": args.address}))
    tried = "\n".join(f"    {words}" for words in found.tried)
    if not found.found:
        sys.stderr.write(
            f"no settings found for {args.address}; fill in the servers by hand: "
            "inbox-app accounts add email NAME --set address=... --set imap_host=... "
            "--set smtp_host=... (your provider's help pages give them)\n"
            f"what was tried:\n{tried}\n"
        )
        return 1
    f = found.found
    text = (
        f"found by {f['source']}:\n"
        f"    incoming (IMAP): {f['imap_host']} port {f['imap_port']} ({f['imap_security']})\n"
        f"    outgoing (SMTP): {f['smtp_host']} port {f['smtp_port']} ({f['smtp_security']})\n"
        f"    login: {f['username']}, sign-in: {f['auth']}\n"
        f"what was tried:\n{tried}"
    )
    out(args, dict(f), text)
    return 0


def _found_settings(s: Services, kind: str, given: dict[str, str]) -> dict[str, object]:
    """``given`` completed by what the kind finds by itself (an email account's servers from
    its address, a Matrix homeserver from the Matrix ID) when a setting it finds is missing;
    what is found is said on standard error, and a setting given always wins."""
    import asyncio

    cls = s.registry.get(kind)
    start = s.setup.discovers_from(kind)
    if cls is None or start is None or not given.get(start):
        return dict(given)
    missing = [x.key for x in cls.settings_schema if x.discovered and x.required and not given.get(x.key)]
    if not missing:
        return dict(given)
    found = asyncio.run(s.setup.discover(kind, given))
    if not found.settings:
        tried = "; ".join(found.tried)
        raise CommandError(
            f"setting {missing[0]!r} was not given and could not be found ({tried}); give it with --set"
        )
    shown = ", ".join(f"{k}={v}" for k, v in found.settings.items() if k not in given)
    sys.stderr.write(f"found by {found.source}: {shown}\n")
    return {**found.settings, **given}


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
