"""`inbox-app sync`: the headless worker, or one round of fetching and sending."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from inbox_app.cli.output import EXIT_SYNC_FAILED, EXIT_USAGE, json_flag, out

if TYPE_CHECKING:
    from inbox_app.app import Services
    from inbox_app.cli.output import Commands
    from inbox_app.cli.progress import TerminalProgress
    from inbox_app.sync.runner import SyncReport


def register(sub: Commands) -> None:
    p = sub.add_parser("sync", help="run the sync worker (headless)")
    p.set_defaults(handler=run)
    p.add_argument("--once", action="store_true", help="fetch and send what is waiting, then exit")
    p.add_argument("--account", metavar="NAME")
    p.add_argument(
        "--housekeeping-interval",
        metavar="SECONDS",
        type=float,
        default=30.0,
        help="seconds between the worker's housekeeping ticks (snoozed cases waking up); default 30",
    )
    json_flag(p)


def run(args: argparse.Namespace, s: Services) -> int:
    from inbox_app.core.team.roles import require_sync

    require_sync(s.engine)
    supervisor = s.supervisor()
    if not args.once:
        from inbox_app.sync.worker import run_worker

        if args.housekeeping_interval <= 0:
            print("inbox-app: error: --housekeeping-interval must be more than 0 seconds", file=sys.stderr)
            return EXIT_USAGE
        live = _progress(args, s)
        try:
            return run_worker(
                s,
                args.account,
                housekeeping=args.housekeeping_interval,
                say=live.say if live is not None else None,
            )
        finally:
            if live is not None:
                live.close()
    import asyncio

    # Satisfaction questions now due are queued first, so this round sends them too.
    asked = s.csat_asker.run_pass().asked
    if asked and not getattr(args, "json", False):
        print(f"{len(asked)} satisfaction question(s) asked", file=sys.stderr)
    progress = _progress(args, s)
    try:
        reports: list[SyncReport] = asyncio.run(supervisor.run_once(args.account))
    finally:
        if progress is not None:
            progress.close()
    # Like the worker, one round also hands out the cases of teams that assign automatically.
    assigned = s.assign.run_pass().assigned
    if assigned and not getattr(args, "json", False):
        print(f"{len(assigned)} case(s) assigned automatically", file=sys.stderr)
    failed = [r for r in reports if r.error]
    lines = [
        f"{r.account}: {r.fetched} fetched, {r.stored} new, {r.duplicates} already stored, {r.updated} updated, "
        f"{r.quarantined} quarantined, {r.sent} sent, {r.retrying} to retry, "
        f"{r.failed} failed" + (f" -- ERROR: {r.error}" if r.error else "")
        for r in reports
    ]
    out(args, [r.to_json() for r in reports], "\n".join(lines) or "no enabled channel accounts")
    for r in failed:
        print(f"inbox-app: error: account {r.account}: {r.error}", file=sys.stderr)
    return EXIT_SYNC_FAILED if failed else 0


def _progress(args: argparse.Namespace, s: Services) -> TerminalProgress | None:
    """A live progress line on standard error, when it is a terminal and not --json."""
    from inbox_app.cli.progress import TerminalProgress, wanted

    if not wanted(sys.stderr, bool(getattr(args, "json", False))):
        return None
    return TerminalProgress(s.bus, sys.stderr)
