"""How long a satisfaction pass takes on a store with many resolved cases.

    python benchmarks/bench_csat.py --cases 1000000 --due 100 --workdir /tmp/bcsat

Builds a SQLite store of ``--cases`` cases of one team with satisfaction questions on, all
resolved over the last year (one customer, account and message per 10 cases), of which
``--due`` were resolved in the last hour. Then times the passes the worker runs every few
seconds: the first asks the due cases (a question queued and a survey written each), the
next ones find nothing to do, which is what almost every pass does.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=100)
    parser.add_argument("--idle-passes", type=int, default=20)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/bench-csat"))
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from sqlalchemy import insert

    from inbox_app.app import build
    from inbox_app.core.store.models import Case, ChannelAccount, Customer, Identity, Message, Team

    shutil.rmtree(args.workdir, ignore_errors=True)
    args.workdir.mkdir(parents=True)
    services = build(f"sqlite:///{args.workdir / 'bench.db'}")
    now = datetime.now(UTC)
    t0 = time.perf_counter()
    with services.factory() as s, s.begin():
        s.execute(insert(Team).values(id=1, name="Support", csat_enabled=True, csat_delay=0))
        s.execute(
            insert(ChannelAccount).values(
                id=1, name="mail", kind="fake", channel="email", settings={"path": "/nonexistent"}
            )
        )
        customers = max(1, args.cases // 10)
        s.execute(
            insert(Customer),
            [
                {"id": n + 1, "name": f"Customer {n}", "details": {}, "created_at": now}
                for n in range(customers)
            ],
        )
        s.execute(
            insert(Identity),
            [
                {
                    "customer_id": n + 1,
                    "kind": "email",
                    "value": f"customer{n}@example.com",
                    "created_at": now,
                }
                for n in range(customers)
            ],
        )
        step = 20_000
        for start in range(0, args.cases, step):
            rows = []
            for n in range(start, min(args.cases, start + step)):
                recent = n >= args.cases - args.due
                resolved = now - (timedelta(minutes=5) if recent else timedelta(days=4 + n % 360))
                rows.append(
                    {
                        "id": n + 1,
                        "customer_id": n % customers + 1,
                        "status": "resolved",
                        "priority": "normal",
                        "team_id": 1,
                        "tags": {},
                        "opened_at": resolved - timedelta(hours=3),
                        "resolved_at": resolved,
                        "last_message_at": resolved,
                    }
                )
            s.execute(insert(Case), rows)
        # The due cases' customers wrote through the account (what the question goes back by).
        s.execute(
            insert(Message),
            [
                {
                    "account_id": 1,
                    "case_id": n + 1,
                    "customer_id": n % customers + 1,
                    "direction": "in",
                    "channel": "email",
                    "external_id": f"m{n}",
                    "sent_at": now - timedelta(hours=3),
                    "text": "Hello, my order has not arrived yet",
                    "is_auto": False,
                    "attempts": 0,
                }
                for n in range(args.cases - args.due, args.cases)
            ],
        )
    built = time.perf_counter() - t0
    # One customer per 10 cases: some due cases share a customer and are skipped (asked within
    # the period); each is decided once either way.
    t1 = time.perf_counter()
    first = services.csat_asker.run_pass()
    asking = (time.perf_counter() - t1) * 1000
    passes, asked = 1, len(first.asked)
    while first.more:  # more than a batch due: the worker passes again at once
        first = services.csat_asker.run_pass()
        passes, asked = passes + 1, asked + len(first.asked)
    all_due = (time.perf_counter() - t1) * 1000
    idle = []
    for _ in range(args.idle_passes):
        t2 = time.perf_counter()
        result = services.csat_asker.run_pass()
        idle.append((time.perf_counter() - t2) * 1000)
        assert result.asked == ()
    services.close()
    print(f"store: {args.cases:,} resolved cases, {args.due} due (built in {built:.0f} s)")
    print(
        f"first pass (one batch): {asking:.0f} ms; all {args.due} due: {asked} asked in {passes} passes, {all_due:.0f} ms"
    )
    print(
        f"idle passes ({args.idle_passes}): p50 {statistics.median(idle):.2f} ms, slowest {max(idle):.2f} ms"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
