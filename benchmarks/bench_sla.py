"""Service levels on a big store: the case list sorted by time to breach (first page), the
Overdue view's count, and the worker's breach check, on a store kept by
``bench_store.py --sla --keep`` (policies on every case).

    python benchmarks/bench_sla.py --db /tmp/b/sqlite/bench.db [--repeat 20]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from typing import Any

from inbox_app.app import build
from inbox_app.core.read.queries import OPEN_STATES, CaseFilter


def _timed(fn: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    fn()  # warm: the first call also loads the policies' calendars
    times, got = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        got = fn()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))], got


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="a SQLite store made by bench_store.py --sla --keep")
    parser.add_argument("--url", help="or any store URL (PostgreSQL)")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--json", metavar="FILE")
    args = parser.parse_args(argv)
    services = build(args.url or f"sqlite:///{args.db}")
    try:
        q = services.queries
        out: dict[str, Any] = {"cases": q.count_cases(CaseFilter())}
        out["open_cases"] = q.count_cases(CaseFilter(status=OPEN_STATES))
        p50, p95, rows = _timed(lambda: q.cases_by_due(CaseFilter(status=OPEN_STATES), limit=50), args.repeat)
        out["sort_due_first_page_ms"] = {"p50": round(p50, 2), "p95": round(p95, 2), "rows": len(rows)}
        p50, p95, n = _timed(lambda: q.count_cases(CaseFilter(overdue=True)), args.repeat)
        out["overdue_count_ms"] = {"p50": round(p50, 2), "p95": round(p95, 2), "count": n}
        p50, p95, _ids = _timed(lambda: services.sla.check_breaches(), 3)
        out["breach_check_ms"] = {"p50": round(p50, 2), "p95": round(p95, 2)}
    finally:
        services.close()
    print(json.dumps(out, indent=2))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(out, fh, indent=2)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
