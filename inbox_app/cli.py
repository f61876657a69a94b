"""`inbox-app`: the GUI by default, plus headless subcommands for admins and workers.

Every command calls the same services as the GUI (built in inbox_app.app).
Bad input gets one clear line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from inbox_app import APP_NAME, __version__

EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_SYNC_FAILED = 3
EXIT_NOT_PERMITTED = 77  # the database refused this login the action (sysexits EX_NOPERM)
EXIT_UNEXPECTED = 70


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"inbox-app: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def _json_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--json", action="store_true", default=argparse.SUPPRESS, help="print machine-readable JSON"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="inbox-app", description=f"{APP_NAME}: one inbox for every channel.")
    parser.add_argument(
        "--database",
        metavar="URL",
        default=os.environ.get("INBOX_APP_DATABASE"),
        help="SQLAlchemy URL of the store (default: SQLite in your data folder; "
        "env INBOX_APP_DATABASE), e.g. postgresql+psycopg://user@host/inbox",
    )
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON")
    parser.add_argument(
        "--demo", action="store_true", help="open the app on a throwaway database filled with demo data"
    )
    parser.add_argument(
        "--as",
        dest="actor",
        metavar="AGENT",
        default=os.environ.get("INBOX_APP_AGENT"),
        help="the agent acting (name or email; env INBOX_APP_AGENT)",
    )
    parser.add_argument("--verbose", action="store_true", help="log details to the terminal")
    parser.add_argument("--version", action="version", version=f"inbox-app {__version__}")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser, metavar="COMMAND")

    dbp = sub.add_parser("db", help="database schema").add_subparsers(dest="action", required=True)
    dbp.add_parser("upgrade", help="create or upgrade the schema")
    dbp.add_parser("status", help="show the schema revision")
    _json_flag(
        dbp.add_parser(
            "compact",
            help="give space freed by deletions and upgrades back to the disk (SQLite: needs the store to itself)",
        )
    )
    from inbox_app import cli_roles

    cli_roles.add_db_parsers(dbp, _json_flag)

    acc = sub.add_parser("accounts", help="channel accounts").add_subparsers(dest="action", required=True)
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
    _json_flag(p)
    for action in ("test", "remove", "enable", "disable"):
        acc.add_parser(action).add_argument("name")
    acc.add_parser("kinds", help="list the installed channel kinds and their settings")

    p = sub.add_parser("sync", help="run the sync worker (headless)")
    p.add_argument("--once", action="store_true", help="fetch and send what is waiting, then exit")
    p.add_argument("--account", metavar="NAME")
    _json_flag(p)

    cus = sub.add_parser("customers", help="customers").add_subparsers(dest="action", required=True)
    p = cus.add_parser("list")
    p.add_argument("--search", metavar="TEXT")
    p.add_argument("--limit", type=int, default=100)
    _json_flag(p)
    p = cus.add_parser("show")
    p.add_argument("id", type=int)
    _json_flag(p)
    p = cus.add_parser("merge", help="merge the first customer into the second")
    p.add_argument("source", type=int)
    p.add_argument("target", type=int)
    p = cus.add_parser("unmerge", help="undo a merge (by customer id, or --merge ID)")
    p.add_argument("id", type=int, nargs="?")
    p.add_argument("--merge", type=int, dest="merge_id")
    p = cus.add_parser("similar", help="customers who may be the same person (to merge or tell apart)")
    p.add_argument("id", type=int)
    _json_flag(p)
    p = cus.add_parser("distinguish", help="say two customers are two people: not suggested as one again")
    p.add_argument("first", type=int)
    p.add_argument("second", type=int)
    p = cus.add_parser("add-identity")
    p.add_argument("id", type=int)
    p.add_argument("kind")
    p.add_argument("value")

    cas = sub.add_parser("cases", help="cases").add_subparsers(dest="action", required=True)
    p = cas.add_parser("list")
    p.add_argument("--status", choices=("open", "pending", "snoozed", "resolved"))
    who = p.add_mutually_exclusive_group()
    who.add_argument("--assignee", metavar="NAME")
    who.add_argument("--unassigned", action="store_true")
    p.add_argument("--customer", type=int, metavar="ID")
    p.add_argument("--limit", type=int, default=100)
    _json_flag(p)
    p = cas.add_parser("show")
    p.add_argument("id", type=int)
    _json_flag(p)
    p = cas.add_parser("assign")
    p.add_argument("id", type=int)
    p.add_argument("agent", help="agent name or email; 'none' to unassign")
    p = cas.add_parser("status")
    p.add_argument("id", type=int)
    p.add_argument("status", choices=("open", "pending", "snoozed", "resolved"))
    p.add_argument("--until", metavar="ISO-TIME", help="when a snoozed case wakes up")
    p = cas.add_parser("priority")
    p.add_argument("id", type=int)
    p.add_argument("priority", choices=("low", "normal", "high", "urgent"))

    p = sub.add_parser("reply", help="queue a reply (or an internal note) on a case")
    p.add_argument("case", type=int)
    text = p.add_mutually_exclusive_group()
    text.add_argument("--text")
    text.add_argument("--text-file", metavar="F")
    p.add_argument("--account", metavar="NAME")
    p.add_argument("--note", action="store_true", help="an internal note, never sent")
    p.add_argument(
        "--attach",
        metavar="FILE",
        action="append",
        default=[],
        help="send this file with the reply (repeat for more; needs a channel that carries files)",
    )
    _json_flag(p)

    p = sub.add_parser("search", help="search messages")
    p.add_argument("query")
    p.add_argument("--limit", type=int, default=50)
    _json_flag(p)

    q = sub.add_parser("quarantine", help="items that could not be stored").add_subparsers(
        dest="action", required=True
    )
    p = q.add_parser("list")
    _json_flag(p)
    q.add_parser("retry").add_argument("id", type=int)

    ag = sub.add_parser("agents", help="agents").add_subparsers(dest="action", required=True)
    p = ag.add_parser("add")
    p.add_argument("name")
    p.add_argument("--email", required=True)
    p.add_argument("--role", choices=("agent", "lead", "admin"), default="agent")
    p.add_argument("--team")
    p = ag.add_parser("list")
    _json_flag(p)
    cli_roles.add_agent_parsers(ag)

    tm = sub.add_parser("teams", help="teams").add_subparsers(dest="action", required=True)
    p = tm.add_parser("add", help="add a team")
    p.add_argument("name")
    _json_flag(p)
    p = tm.add_parser("list", help="list teams with their agents")
    _json_flag(p)

    p = sub.add_parser("export", help="everything held on one customer, as JSON")
    p.add_argument("--customer", type=int, required=True)
    p.add_argument("--output", metavar="FILE")
    p = sub.add_parser("erase", help="erase one customer's data (keeps an audit stub)")
    p.add_argument("--customer", type=int, required=True)
    p.add_argument("--yes", action="store_true", help="confirm")

    st = sub.add_parser("settings", help="team-wide settings kept in the store").add_subparsers(
        dest="action", required=True
    )
    p = st.add_parser("list")
    _json_flag(p)
    p = st.add_parser("set")
    p.add_argument("key")
    p.add_argument("value")

    p = sub.add_parser("demo", help="fill a database with the demo data set")
    p.add_argument("--customers", type=int, default=None)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from inbox_app import logs

    logs.setup(args.verbose)
    if args.command is None:
        from inbox_app.ui.launch import run_gui

        return run_gui(database=args.database, demo=args.demo, actor=args.actor)
    from inbox_app.cli_commands import run

    return run(args)


if __name__ == "__main__":
    sys.exit(main())
