"""`inbox-app`: the GUI by default, plus headless subcommands for admins and workers.

Every command calls the same services as the GUI (built in inbox_app.app).
Bad input gets one clear line on stderr and a non-zero exit, never a traceback.
Building the parser imports no store, Qt or channel code, so `--help` answers at once;
each command group imports what it needs when it runs.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from inbox_app import APP_NAME, __version__
from inbox_app.cli import (
    accounts,
    agents,
    approvals,
    cases,
    csat,
    customers,
    db,
    demo,
    export,
    hours,
    quarantine,
    reply,
    report,
    search,
    settings,
    sla,
    sync,
    teams,
)
from inbox_app.cli.output import (
    EXIT_ERROR,
    EXIT_NOT_PERMITTED,
    EXIT_STALE,
    EXIT_UNEXPECTED,
    CommandError,
    Parser,
)

if TYPE_CHECKING:
    from inbox_app.app import Services

# In the order `inbox-app --help` lists them.
GROUPS = (
    db,
    accounts,
    sync,
    customers,
    cases,
    reply,
    approvals,
    search,
    quarantine,
    agents,
    teams,
    hours,
    sla,
    report,
    csat,
    export,
    settings,
    demo,
)


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="inbox-app", description=f"{APP_NAME}: one inbox for every channel.")
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
    sub = parser.add_subparsers(dest="command", parser_class=Parser, metavar="COMMAND")
    for group in GROUPS:
        group.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from inbox_app import logs

    logs.setup(args.verbose)
    if args.command is None:
        from inbox_app.ui.launch import run_gui

        return run_gui(database=args.database, demo=args.demo, actor=args.actor)
    return run(args)


def _errors() -> tuple[type[BaseException], ...]:
    from connectors.base import ConnectorError
    from inbox_app.core.accounts import AccountError
    from inbox_app.core.agents import AgentError
    from inbox_app.core.approvals import ApprovalError
    from inbox_app.core.assign import AssignError
    from inbox_app.core.cases import CaseError
    from inbox_app.core.customers.service import CustomerError
    from inbox_app.core.ingest.service import IngestError
    from inbox_app.core.outbox.queue import ReplyError
    from inbox_app.core.read.queries import NotFound
    from inbox_app.core.read.search import SearchError
    from inbox_app.core.secrets import SecretStoreError
    from inbox_app.core.service.hours import HoursError
    from inbox_app.core.service.sla import SlaError
    from inbox_app.core.settings import SettingError
    from inbox_app.core.store.database import StoreError
    from inbox_app.core.team.roles import RolesError
    from inbox_app.core.voice.csat_settings import CsatSettingsError
    from inbox_app.core.voice.risk_service import RiskError

    return (
        CommandError,
        AccountError,
        AgentError,
        AssignError,
        ApprovalError,
        CaseError,
        CustomerError,
        HoursError,
        SlaError,
        StoreError,
        RolesError,
        CsatSettingsError,
        IngestError,
        ReplyError,
        NotFound,
        SearchError,
        SecretStoreError,
        SettingError,
        RiskError,
        ConnectorError,
    )


def run(args: argparse.Namespace) -> int:
    """Run the headless command ``args`` names; its failure becomes one line and an exit code."""
    known = _errors()
    from inbox_app.core.versions import StaleCase

    try:
        return _dispatch(args)
    except StaleCase as exc:
        print(f"inbox-app: refused: {exc}", file=sys.stderr)
        if getattr(args, "json", False):
            import json

            fresh = {"error": "stale", "case_id": exc.case_id, "based_on": exc.based_on}
            print(json.dumps(fresh | {"fresh": exc.fresh.to_json()}, ensure_ascii=False, indent=2))
        return EXIT_STALE
    except known as exc:
        print(f"inbox-app: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("inbox-app: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`inbox-app cases list | head`): what it wanted was printed.
        # Standard output goes to /dev/null so closing it at exit raises nothing more.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # noqa: BLE001 - never a traceback on the terminal
        import logging

        from inbox_app.core.store import database
        from inbox_app.core.team.refusals import refusal

        logger = logging.getLogger(__name__)
        refused = refusal(exc)  # team mode: the database said no to this login
        if refused is not None:
            logger.warning("command %s: %s", args.command, refused)
            print(f"inbox-app: error: {refused}", file=sys.stderr)
            return EXIT_NOT_PERMITTED
        logger.exception("command %s failed", args.command)
        reason = database.unreachable_reason(exc)
        if reason is not None:
            print(f"inbox-app: error: the database cannot be reached or used: {reason}", file=sys.stderr)
            return EXIT_ERROR
        if database.is_database_error(exc):
            print(f"inbox-app: error: database error: {type(exc).__name__}", file=sys.stderr)
            return EXIT_ERROR
        print(
            f"inbox-app: unexpected error ({type(exc).__name__}: {exc}); details are in the log file",
            file=sys.stderr,
        )
        return EXIT_UNEXPECTED


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "db":
        return db.run(args)  # opens the engine itself: the store may be empty or behind
    from inbox_app.app import build

    services = build(args.database)
    try:
        handler: Callable[[argparse.Namespace, Services], int] = args.handler
        return handler(args, services)
    finally:
        services.close()
