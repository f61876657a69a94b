"""Presence between desktops: how soon one desktop sees another open a case or start a reply.

    python benchmarks/presence_latency.py [--desktops 5] [--moves 40] [--idle 30] [--url URL] [--json out.json]

Every desktop is a process of its own, with the app's own presence (``sync/presence_link.py``)
on its own change feed connection, as a window has. One observer process listens too. After
all are listening, each desktop opens ``--moves`` cases one after the other (a new case every
0.2-0.6 s) and starts typing a reply on every other one; the observer notes when each of those
reaches it. Latency: the desktop's call (``view``/``typed``) to the observer's tracker having
it, wall clock on one machine. Then all desktops keep one case open and stay still for
``--idle`` seconds: the announcements per desktop per second show what presence costs while
nobody moves (the heartbeat), and one desktop with no case open shows it costs nothing.
Finally the rows the database wrote meanwhile (``pg_stat_database``: inserted + updated +
deleted, read after every process has ended and flushed its statistics): presence writes none.

Without ``--url`` a throwaway PostgreSQL cluster is started (``--pg-bindir``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

# ---------------------------------------------------------------- inside a desktop or the observer


async def _child(role: str, url: str, index: int, moves: int) -> dict[str, Any]:
    from inbox_app.app import build
    from inbox_app.core.events import PresenceChanged
    from inbox_app.sync.presence_link import PresenceLink

    services = build(url)
    feed = services.changefeed()
    link = PresenceLink(services.engine, services.bus, feed, f"Agent {index}", index)
    seen: dict[str, float] = {}

    def changed(_event: PresenceChanged) -> None:
        now = time.time()
        for colleagues in link.by_case().values():
            for c in colleagues:
                seen.setdefault(f"{c.case_id}:{int(c.replying)}", now)

    services.bus.subscribe(PresenceChanged, changed)
    stop = asyncio.Event()
    tasks = [asyncio.ensure_future(feed.listen(stop))]
    link.start(lambda coro, name: asyncio.ensure_future(coro))
    while not feed.live:
        await asyncio.sleep(0.02)
    print("ready", flush=True)
    await asyncio.to_thread(sys.stdin.readline)  # "go"
    result: dict[str, Any] = {}
    if role == "desktop":
        rng = random.Random(index)
        said: dict[str, float] = {}
        for k in range(moves):
            case_id = index * 100_000 + k
            said[f"{case_id}:0"] = time.time()
            link.view(case_id)
            await asyncio.sleep(rng.uniform(0.2, 0.6))
            if k % 2:
                said[f"{case_id}:1"] = time.time()
                link.typed()
                await asyncio.sleep(rng.uniform(0.2, 0.6))
        # Still: one case open (index 0: none), nobody moving, for the idle phase.
        link.stopped_typing()
        link.view(None if index == 0 else index * 100_000 + 99_999)
        await asyncio.sleep(1.0)
        sent, still = link.sent, time.monotonic()
        print("still", flush=True)
        await asyncio.to_thread(sys.stdin.readline)  # "end", after the idle phase
        result = {"said": said, "idle_sent_per_s": (link.sent - sent) / (time.monotonic() - still)}
    else:
        heard, idle_from = 0, time.monotonic()
        while True:
            line = await asyncio.to_thread(sys.stdin.readline)
            if line.strip() == "idle":
                heard, idle_from = link.heard, time.monotonic()
            elif line.strip() == "end":
                break
        result = {"seen": seen, "idle_heard_per_s": (link.heard - heard) / (time.monotonic() - idle_from)}
    await link.stop()
    stop.set()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    services.close()
    return result


# ---------------------------------------------------------------- the parent


def _start(role: str, url: str, index: int, args: argparse.Namespace) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            __file__,
            "--child",
            role,
            "--url",
            url,
            "--index",
            str(index),
            "--moves",
            str(args.moves),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def _tell(proc: subprocess.Popen[str], line: str) -> None:
    assert proc.stdin is not None
    proc.stdin.write(line + "\n")
    proc.stdin.flush()


def _rows_written(url: str) -> tuple[dict[str, int], int]:
    """Rows inserted + updated + deleted so far, per table (the store's and the system
    catalogs', which autovacuum's statistics write to), and the commits."""
    import psycopg

    dsn = url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(dsn, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT schemaname || '.' || relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_all_tables"
        ).fetchall()
        commits = conn.execute(
            "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()"
        ).fetchone()
    assert commits is not None
    return {str(name): int(n) for name, n in rows}, int(commits[0])


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run(url: str, args: argparse.Namespace) -> dict[str, Any]:
    from inbox_app.app import build

    build(url, migrate=True).close()  # a store as the desktops would open it
    time.sleep(1.5)  # the migration's statistics reach pg_stat_database
    rows_before, commits_before = _rows_written(url)
    observer = _start("observer", url, 0, args)
    desktops = [_start("desktop", url, i, args) for i in range(args.desktops)]
    for proc in (observer, *desktops):
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    for proc in (observer, *desktops):
        _tell(proc, "go")
    for proc in desktops:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "still"
    _tell(observer, "idle")
    time.sleep(args.idle)
    results = []
    for proc in (observer, *desktops):  # the observer first: its idle phase ends now
        _tell(proc, "end")
        out, _ = proc.communicate(timeout=120)
        results.append(json.loads(out.strip().splitlines()[-1]))
    time.sleep(1.5)  # the last statistics reach pg_stat_database
    rows_after, commits_after = _rows_written(url)
    written = {t: n - rows_before.get(t, 0) for t, n in rows_after.items() if n != rows_before.get(t, 0)}
    results.append(results.pop(0))  # the desktops, then the observer
    seen = results[-1]["seen"]
    latencies = []
    missing = 0
    for desk in results[:-1]:
        for key, at in desk["said"].items():
            if key in seen:
                latencies.append((seen[key] - at) * 1000)
            else:
                missing += 1
    still = args.desktops - 1  # desktop 0 keeps no case open while still
    return {
        "desktops": args.desktops,
        "announcements_measured": len(latencies),
        "not_seen": missing,
        "p50_ms": round(statistics.median(latencies), 1),
        "p95_ms": round(_percentile(latencies, 0.95), 1),
        "max_ms": round(max(latencies), 1),
        "idle_seconds": args.idle,
        "idle_sent_per_s_by_a_desktop_with_a_case": round(
            sum(d["idle_sent_per_s"] for d in results[1:-1]) / max(1, still), 3
        ),
        "idle_sent_per_s_by_the_desktop_without_a_case": round(results[0]["idle_sent_per_s"], 3),
        "idle_heard_per_s_by_the_observer": round(results[-1]["idle_heard_per_s"], 3),
        "rows_written_in_the_store": sum(n for t, n in written.items() if not t.startswith("pg_")),
        "rows_written_in_system_catalogs": {t: n for t, n in written.items() if t.startswith("pg_")},
        "commits": commits_after - commits_before,
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--desktops", type=int, default=5)
    parser.add_argument("--moves", type=int, default=40)
    parser.add_argument("--idle", type=float, default=30.0)
    parser.add_argument("--url", help="an empty PostgreSQL database (default: a throwaway cluster)")
    parser.add_argument("--pg-bindir", default="/usr/lib/postgresql/15/bin")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--child", choices=("desktop", "observer"), help=argparse.SUPPRESS)
    parser.add_argument("--index", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        result = asyncio.run(_child(args.child, args.url, args.index, args.moves))
        print(json.dumps(result), flush=True)
        return 0
    if args.desktops < 2:
        parser.error("--desktops: at least 2 (one of them keeps no case open while still)")
    if args.url:
        figures = run(args.url, args)
    else:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from bench_store import own_postgres

        with (
            tempfile.TemporaryDirectory(prefix="presence-bench-") as root,
            own_postgres(Path(args.pg_bindir), Path(root)) as url,
        ):
            figures = run(url, args)
    print(json.dumps(figures, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
