"""What relevance ranking costs a search, on a kept store, in one run.

    python benchmarks/bench_store.py --messages 1000000 --workdir /tmp/b1 --keep
    python benchmarks/bench_search.py --db /tmp/b1/sqlite/bench.db [--repeat 7]
    python benchmarks/bench_search.py --url postgresql+psycopg://postgres@127.0.0.1:PORT/bench --windows 2000

Runs bench_store's query mix (common, middling and rare words, phrases) through
``SearchService.search``: as the CLI does (the best 50 among the newest matches,
the store's own window), with each window of ``--windows``, as the window searched
as you type does first (whole words, 20 among the newest 100), and with the window
cut to the 50 asked for, which reads no more than the newest-first search did
before ranking. Prints p50/p95 of each.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script from a checkout
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_store import COMMON_QUERIES, MIDDLE_QUERIES, _ms, _pct, _timed, rare_queries  # noqa: E402
from inbox_app.app import build  # noqa: E402


def ways(windows: list[int]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {"CLI (50, the store's own window)": {"limit": 50}}
    out |= {f"50 of the newest {w:,}": {"limit": 50, "window": w} for w in windows}
    out["as you type (20 of the newest 100, whole words)"] = {"limit": 20, "window": 100, "prefix": False}
    out["window = limit (50 of the newest 50)"] = {"limit": 50, "window": 50}
    return out


def timed(services: Any, queries: dict[str, tuple[str, ...]], kw: dict[str, Any], repeat: int) -> str:
    every: list[float] = []
    parts = []
    for group, words in queries.items():
        times = [t for q in words for t in _timed(lambda q=q: services.search.search(q, **kw), repeat)]
        every += times
        parts.append(f"{group} p50 {_ms(_pct(times, 0.5))} / p95 {_ms(_pct(times, 0.95))}")
    return f"p50 {_ms(_pct(every, 0.5))} ms, p95 {_ms(_pct(every, 0.95))} ms  ({'; '.join(parts)})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--db", type=Path, help="a SQLite store made by bench_store.py --keep")
    where.add_argument("--url", help="any store by its URL, e.g. a kept PostgreSQL cluster started again")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--windows", default="500,1000,2000", help="windows to compare, comma-separated")
    args = parser.parse_args(argv)
    services = build(args.url or f"sqlite:///{args.db}")
    try:
        queries = {"common": COMMON_QUERIES, "middle": MIDDLE_QUERIES, "rare": tuple(rare_queries(services))}
        for way, kw in ways([int(w) for w in args.windows.split(",") if w]).items():
            print(f"{way}: {timed(services, queries, kw, args.repeat)}")
    finally:
        services.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
