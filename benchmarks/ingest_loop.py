"""Ingest only: N generated messages into a fresh SQLite store, timed per CPU second.

For comparing two versions of the ingest code in the same minutes on a shared
machine: ``--src`` points at another checkout (e.g. a ``git worktree`` of an older
commit) whose ``inbox_app`` is used instead of this one. ``--profile`` prints where
the time goes (cProfile overstates Python's share).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=40_000)
    parser.add_argument("--src", help="checkout whose inbox_app to measure (default: this one)")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args(argv)
    here = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(here))
    if args.src:
        sys.path.insert(0, str(Path(args.src).resolve()))
    from benchmarks.bench_store import add_accounts
    from benchmarks.generate import Generator
    from inbox_app.app import build

    batches = list(Generator(max(1, args.messages // 25), args.messages, seed=1).batches(500))
    with tempfile.TemporaryDirectory(prefix="ingest-loop-") as tmp:
        work = Path(tmp)
        services = build(f"sqlite:///{work}/store.db", migrate=True)
        accounts = add_accounts(services, work / "channels")
        profile = cProfile.Profile() if args.profile else None
        c0, t0 = time.process_time(), time.perf_counter()
        if profile:
            profile.enable()
        for channel, batch in batches:
            services.ingest.store_batch(accounts[channel], batch)
        if profile:
            profile.disable()
        cpu, wall = time.process_time() - c0, time.perf_counter() - t0
        services.close()
        size = sum(p.stat().st_size for p in work.glob("store.db*"))
        print(
            f"{args.messages:,} messages: {args.messages / wall:,.0f} msg/s wall, "
            f"{args.messages / cpu:,.0f} per CPU second; store {size / 1e6:.1f} MB"
        )
        if profile:
            pstats.Stats(profile).sort_stats("tottime").print_stats(30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
