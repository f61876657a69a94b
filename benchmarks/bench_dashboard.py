"""Time the leads' dashboard on a large store: a period's figures over every case.

    python benchmarks/bench_dashboard.py --db /path/to/bench.db [--days 90] [--repeat 3] [--json out.json]

Each run is a fresh process (cold: no module, statement or page cache of the app warmed; the
operating system's file cache is what it is), median of ``--repeat``:

- window_ms: from the dashboard window being built (the lead chose *Service levels…*) to its
  four charts and the SLA tables painted, offscreen (or the X display in DISPLAY);
- load_ms / compute_ms: the two halves without Qt: reading the period's case events and cases
  (core/service/report_store.py), and computing every figure of the board from them
  (core/service/report*.py), in business time;
- events / cases: how much the period holds.

The period is the ``--days`` days ending on the day of the store's last case event. The store
gets one business-hours calendar (Mon-Fri 09:00-18:00, Europe/Rome, Italian holidays) if it has
none, so every case is measured in business time: the dearer way; and the resolutions
bench_store.py makes in one UPDATE are written into the case history (see prepare). Build a
store with

    python benchmarks/bench_store.py --messages 1000000 --backend sqlite --workdir /tmp/b1m --keep
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

TARGET_MS = 500


def prepare(url: str) -> None:
    """A calendar for business time, and the resolutions bench_store.py makes in one UPDATE
    (cases idle for two weeks, resolved at their last message) written into the history as
    the services would have: without them every case ever opened would look unresolved."""
    from sqlalchemy import JSON, exists, insert, literal, select

    from inbox_app.app import build
    from inbox_app.core.store.models import Case, CaseEvent

    services = build(url)
    try:
        if not services.hours.list():
            week = [f"{d}=09:00-18:00" for d in ("mon", "tue", "wed", "thu", "fri")]
            services.hours.add("Bench office", "Europe/Rome", week, "IT")
        ev = CaseEvent.__table__
        resolved = select(
            Case.id, Case.resolved_at, literal("status"), literal({"from": "open", "to": "resolved"}, JSON)
        ).where(
            Case.status == "resolved",
            Case.resolved_at.is_not(None),
            ~exists().where(ev.c.case_id == Case.id, ev.c.kind == "status"),
        )
        with services.factory() as s, s.begin():
            s.execute(insert(ev).from_select(["case_id", "at", "kind", "detail"], resolved))
    finally:
        services.close()


def last_day(url: str) -> date:
    from sqlalchemy import func, select

    from inbox_app.app import build
    from inbox_app.core.clock import aware
    from inbox_app.core.store.models import CaseEvent

    services = build(url)
    try:
        with services.factory() as s:
            at = aware(s.scalar(select(func.max(CaseEvent.at))))
    finally:
        services.close()
    assert at is not None, "the store has no case events"
    return at.date()


def child_core(url: str, first: date, last: date) -> dict[str, Any]:
    from inbox_app.app import build
    from inbox_app.core.service.report_series import board, day_bounds
    from inbox_app.core.service.report_store import ReportService

    services = build(url)
    bounds = day_bounds(first, last, UTC)
    t0 = time.perf_counter()
    loaded = ReportService(services.read_factory).load(bounds[0], bounds[-1])
    t1 = time.perf_counter()
    board(loaded.facts(business=True), bounds, UTC, loaded.agents, loaded.teams)
    t2 = time.perf_counter()
    services.close()
    return {
        "load_ms": (t1 - t0) * 1000,
        "compute_ms": (t2 - t1) * 1000,
        "events": len(loaded.events),
        "cases": len(loaded.cases),
    }


def child_window(url: str, first: date, last: date) -> dict[str, Any]:
    import asyncio

    if not os.environ.get("DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from inbox_app.app import build
    from inbox_app.ui.event_bridge import Bridge
    from inbox_app.ui.workspace import Workspace

    app = QApplication([])
    import qasync

    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    services = build(url)
    ws = Workspace(services, Bridge(services.bus), None)
    t0 = time.perf_counter()
    from inbox_app.ui.dashboard import Dashboard  # imported when the lead opens it (pyqtgraph too)

    dash = Dashboard(ws, tz=UTC, period=(first, last))
    dash.show()
    painted: asyncio.Future[None] = loop.create_future()

    def drawn() -> None:
        if dash.period() == (first, last) and not painted.done():
            dash.repaint()  # paints now, charts included
            painted.set_result(None)

    dash.drawn.connect(drawn)
    with loop:
        loop.run_until_complete(asyncio.wait_for(painted, 120))
    took = (time.perf_counter() - t0) * 1000
    services.close()
    return {"window_ms": took}


def run_child(kind: str, url: str, first: date, last: date) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, __file__, "--child", kind, "--url", url, "--first", str(first), "--last", str(last)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if proc.returncode != 0:
        raise SystemExit(f"{kind} run failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--db", help="a SQLite store (bench_store.py --keep)")
    p.add_argument("--url", help="or any store's SQLAlchemy URL")
    p.add_argument("--days", type=int, default=90)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--json", dest="json_out")
    p.add_argument("--child", choices=("core", "window"))
    p.add_argument("--first")
    p.add_argument("--last")
    args = p.parse_args()
    url = args.url or f"sqlite:///{args.db}"
    if args.child:
        first, last = date.fromisoformat(args.first), date.fromisoformat(args.last)
        fn = child_core if args.child == "core" else child_window
        print(json.dumps(fn(url, first, last)))
        return
    prepare(url)
    last = last_day(url)
    first = last - timedelta(days=args.days - 1)
    print(f"# {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores; {url}; {first} .. {last}")
    runs: dict[str, list[float]] = {}
    sizes: dict[str, Any] = {}
    for n in range(args.repeat):
        core = run_child("core", url, first, last)
        window = run_child("window", url, first, last)
        for key in ("load_ms", "compute_ms"):
            runs.setdefault(key, []).append(core[key])
        runs.setdefault("window_ms", []).append(window["window_ms"])
        sizes = {"events": core["events"], "cases": core["cases"]}
        print(
            f"run {n + 1}: window {window['window_ms']:.0f} ms (load {core['load_ms']:.0f} + compute {core['compute_ms']:.0f} ms)"
        )
    result = {k: statistics.median(v) for k, v in runs.items()} | sizes
    result |= {"days": args.days, "first": str(first), "last": str(last), "target_ms": TARGET_MS}
    print(
        f"median of {args.repeat}: window {result['window_ms']:.0f} ms (target <= {TARGET_MS}); "
        f"load {result['load_ms']:.0f} ms, compute {result['compute_ms']:.0f} ms; "
        f"{sizes['events']:,} events of {sizes['cases']:,} cases"
    )
    if args.json_out:
        with open(args.json_out, "w", encoding="utf-8") as f:
            json.dump(result, f, indent=2)


if __name__ == "__main__":
    main()
