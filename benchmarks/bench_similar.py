"""How long the customer panel's "Maybe the same person" lookup takes on a kept store.

    python benchmarks/bench_store.py --messages 200000 --workdir /tmp/b2 --keep
    python benchmarks/bench_similar.py --db /tmp/b2/sqlite/bench.db [--customers 50]

Times ``queries.similar_customers(id)`` once per customer, for every 40th of the first
customers, and prints p50/p95/slowest with how many had suggestions.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, type=Path, help="a SQLite store made by bench_store.py --keep")
    parser.add_argument("--customers", type=int, default=50)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from sqlalchemy import func, select

    from inbox_app.app import build
    from inbox_app.core.store.models import Customer

    services = build(f"sqlite:///{args.db}")
    with services.factory() as s:
        total = s.scalar(select(func.count()).select_from(Customer))
        keyed = s.scalar(select(func.count()).where(Customer.name_key.is_not(None)))
        ids = list(s.scalars(select(Customer.id).order_by(Customer.id).limit(args.customers * 40)))[::40]
    times, found = [], 0
    for cid in ids:
        t0 = time.perf_counter()
        found += bool(services.queries.similar_customers(cid))
        times.append((time.perf_counter() - t0) * 1000)
    services.close()
    times.sort()
    print(
        f"{total:,} customers, {keyed:,} with a name key; similar_customers over {len(ids)} customers: "
        f"p50 {statistics.median(times):.2f} ms, p95 {times[int(len(times) * 0.95)]:.2f} ms, "
        f"slowest {times[-1]:.2f} ms; {found} had suggestions"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
