"""How fast the store is for its users, on SQLite and on PostgreSQL.

Feeds generated conversations (benchmarks/generate.py) through the real ingest
service (identity resolution, threading, cases, full-text index) as connector
batches, then times what an agent waits for: a search, a customer's timeline,
the first page of the case list, the ids of the "all open" view. Prints the
figures and the database size against the raw text it holds.

    python benchmarks/bench_store.py --messages 100000 --backend sqlite
    python benchmarks/bench_store.py --messages 1000000 --backend sqlite
    python benchmarks/bench_store.py --messages 200000 --backend postgres

PostgreSQL runs in a throwaway cluster of its own (initdb into a temporary
folder, loopback port, fsync off), so the figures do not depend on whatever
else the machine's server is doing. ``--pg-url`` points at an existing,
empty database instead.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script from a checkout
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select, text  # noqa: E402

from benchmarks.generate import CHANNELS, RARE_WORDS, Generator, raw_text_bytes  # noqa: E402
from inbox_app.app import Services, build  # noqa: E402
from inbox_app.core.read.queries import OPEN_STATES, CaseFilter  # noqa: E402
from inbox_app.core.read.workspace import WorkspaceReads  # noqa: E402
from inbox_app.core.store.models import Case, Identity, Message  # noqa: E402

#: Very common words (most messages), middling ones, and phrases; rare ones are added
#: from the data (RARE_WORDS and reference codes seen while generating).
COMMON_QUERIES = ("grazie", "ordine", "perche", "citta", "piu", "the", "order", "gia")
MIDDLE_QUERIES = (
    "rimborso",
    "fattura",
    "giacenza",
    "corriere",
    "monopattino",
    "garanzia",
    "refund",
    "warranty",
    "etichetta reso",
    "rimborso carta",
    "pacco arrivato",
)

TARGETS = {
    "ingest_msg_s": 8000.0,  # SQLite, through the ingest service
    "search_p50_ms": 30.0,
    "search_p95_ms": 100.0,
    "timeline_ms": 20.0,
    "case_page_ms": 10.0,
    "size_ratio": 2.0,
}


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def _timed(fn: Callable[[], Any], repeat: int) -> list[float]:
    fn()  # warm the cache: an agent's second look is the common case
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


# --------------------------------------------------------------------------- PostgreSQL


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def own_postgres(bindir: Path, root: Path) -> Iterator[str]:
    """A private PostgreSQL cluster for the run; yields the URL of an empty database."""
    data = root / "pgdata"
    as_root = os.geteuid() == 0

    def run(*args: str) -> None:
        cmd = [str(bindir / args[0]), *args[1:]]
        if as_root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
        if done.returncode != 0:
            raise RuntimeError(f"{args[0]} failed: {done.stderr.strip() or done.stdout.strip()}")

    if as_root:  # postgres refuses to run as root: the data folder is the postgres user's
        for folder in (root, *root.parents):  # and it must be able to reach it
            if folder == Path(tempfile.gettempdir()) or folder == Path("/"):
                break
            os.chmod(folder, os.stat(folder).st_mode | 0o055)
        data.mkdir(mode=0o700)
        shutil.chown(data, "postgres", "postgres")
    port = _free_port()
    run(
        "initdb",
        "-D",
        str(data),
        "-U",
        "postgres",
        "-A",
        "trust",
        "--no-sync",
        "-E",
        "UTF8",
        "--locale=C.UTF-8",
    )
    opts = (
        f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={data} "
        "-c fsync=off -c full_page_writes=off -c shared_buffers=256MB "
        "-c maintenance_work_mem=256MB -c max_wal_size=4GB"
    )
    run("pg_ctl", "-D", str(data), "-w", "-t", "60", "-l", str(data / "log.txt"), "-o", opts, "start")
    try:
        import psycopg

        with psycopg.connect(
            f"host=127.0.0.1 port={port} user=postgres dbname=postgres", autocommit=True
        ) as conn:
            conn.execute("CREATE DATABASE bench")
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/bench"
    finally:
        with contextlib.suppress(RuntimeError):
            run("pg_ctl", "-D", str(data), "-m", "fast", "-w", "stop")


# --------------------------------------------------------------------------- the run


def add_accounts(services: Services, folder: Path) -> dict[str, int]:
    ids = {}
    for channel in CHANNELS:
        row = services.accounts.add(
            "fake", f"bench-{channel}", {"path": str(folder / channel), "channel": channel}
        )
        ids[channel] = row.id
    return ids


def add_policies(services: Services) -> None:
    """Service levels on every case (--sla): email in business hours, the rest in calendar time."""
    week = [f"{d}=09:00-13:00,14:00-18:00" for d in ("mon", "tue", "wed", "thu", "fri")]
    services.hours.add("Ufficio", "Europe/Rome", week, "IT")
    services.sla.add(
        "Email", first_reply="4h", next_reply="8h", resolution="3d", hours="Ufficio", channel="email"
    )
    services.sla.add("Chat", first_reply="5m", next_reply="15m", resolution="1d", channel="chat")
    services.sla.add("Others", first_reply="1d", next_reply="1d", resolution="5d", hours="Ufficio")


def ingest(
    services: Services, gen: Generator, accounts: dict[str, int], batch_size: int, progress: bool
) -> dict[str, Any]:
    stored = duplicates = messages = raw = 0
    busy = cpu = 0.0
    t_start = time.perf_counter()
    next_report = 100_000
    for channel, batch in gen.batches(batch_size):
        raw += sum(raw_text_bytes(i) for i in batch.items)  # type: ignore[arg-type]
        messages += len(batch.items)
        t0, c0 = time.perf_counter(), time.process_time()
        result = services.ingest.store_batch(accounts[channel], batch)
        busy += time.perf_counter() - t0
        cpu += time.process_time() - c0
        stored += result.stored
        duplicates += result.duplicates
        if progress and messages >= next_report:
            print(
                f"  {messages:>9,} messages, {messages / busy:,.0f} msg/s in ingest, "
                f"{messages / cpu:,.0f} per CPU second "
                f"({time.perf_counter() - t_start:,.0f} s so far)",
                file=sys.stderr,
                flush=True,
            )
            next_report += 100_000
    wall = time.perf_counter() - t_start
    return {
        "messages": messages,
        "stored": stored,
        "duplicates": duplicates,
        "raw_text_bytes": raw,
        "ingest_seconds": round(busy, 1),
        "wall_seconds": round(wall, 1),
        "ingest_msg_s": round(messages / busy),
        "ingest_cpu_seconds": round(cpu, 1),
        "ingest_msg_per_cpu_s": round(messages / cpu),
    }


def resolve_old_cases(services: Services, idle_days: int = 14) -> None:
    """Agents close cases as they go: here, in one statement, every case idle for two weeks.

    Without this the benchmark store would hold years of open cases, which no
    team has; the "all open" view would measure a store nobody uses.
    """
    from datetime import timedelta

    from sqlalchemy import func, update

    with services.factory() as s, s.begin():
        last = s.scalar(select(func.max(Case.last_message_at)))
        if last is None:
            return
        cutoff = last - timedelta(days=idle_days)
        s.execute(
            update(Case)
            .where(Case.status != "resolved", Case.last_message_at < cutoff)
            .values(status="resolved", resolved_at=Case.last_message_at)
        )


def rare_queries(services: Services) -> list[str]:
    """Rare needles: the unusual words plus a few reference codes that really occur."""
    words = list(RARE_WORDS[:6])
    # The text may be stored packed (SQLite), so it is read through the model, not LIKE.
    with services.factory() as s:
        for (body,) in s.execute(select(Message.text).order_by(Message.id).limit(50_000)):
            start = body.find("Rif. pratica PRT")
            if start >= 0:
                start = body.index("PRT", start)
                words.append(body[start : start + 11].rstrip("."))
                if len(words) >= 10:
                    break
    return words


def measure(services: Services, repeat: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    rare = rare_queries(services)
    groups = {"common": COMMON_QUERIES, "middle": MIDDLE_QUERIES, "rare": tuple(rare)}
    all_times: list[float] = []
    per_group = {}
    slowest: tuple[float, str] = (0.0, "")
    for name, queries in groups.items():
        times: list[float] = []
        hits = 0
        for q in queries:
            found = services.search.search(q)
            hits += len(found)
            for t in _timed(lambda q=q: services.search.search(q), repeat):
                times.append(t)
                slowest = max(slowest, (t, q))
        per_group[name] = {
            "queries": len(queries),
            "p50_ms": _ms(_pct(times, 0.5)),
            "p95_ms": _ms(_pct(times, 0.95)),
            "avg_hits": hits // len(queries),
        }
        all_times += times
    out["search"] = {
        "p50_ms": _ms(_pct(all_times, 0.5)),
        "p95_ms": _ms(_pct(all_times, 0.95)),
        "slowest": f"{slowest[1]!r} {_ms(slowest[0])} ms",
        "groups": per_group,
        "rare_queries": rare,
    }

    with services.factory() as s:
        heavy = s.scalar(
            select(Identity.customer_id).where(
                Identity.kind == "email", Identity.value == "amministrazione@rossi-impianti.example"
            )
        )
    heavy = heavy if heavy is None else services.queries.customer(heavy).id
    if heavy is not None:
        count = len(services.queries.timeline(heavy))
        full = _timed(lambda: services.queries.timeline(heavy), max(3, repeat // 2))
        page = _timed(lambda: services.queries.timeline(heavy, limit=50), repeat)
        # Rows convert their fields when first read: also time a reader of every text.
        read_all = _timed(lambda: [m.text for m in services.queries.timeline(heavy)], max(3, repeat // 2))
        out["timeline"] = {
            "customer_id": heavy,
            "messages": count,
            "full_p50_ms": _ms(_pct(full, 0.5)),
            "full_every_text_read_p50_ms": _ms(_pct(read_all, 0.5)),
            "newest_page_p50_ms": _ms(_pct(page, 0.5)),
        }

    open_view = CaseFilter(status=OPEN_STATES)
    cases_all = _timed(lambda: services.queries.cases(limit=50), repeat)
    cases_open = _timed(lambda: services.queries.cases(open_view, limit=50), repeat)
    reads = WorkspaceReads(services.read_factory, services.queries)
    ids = _timed(lambda: reads.case_ids(open_view), max(3, repeat // 2))
    out["cases"] = {
        "total": services.queries.count_cases(),
        "open": services.queries.count_cases(open_view),
        "page_all_p50_ms": _ms(_pct(cases_all, 0.5)),
        "page_open_p50_ms": _ms(_pct(cases_open, 0.5)),
        "open_case_ids_p50_ms": _ms(_pct(ids, 0.5)),
    }
    return out


def database_size(services: Services, path: Path | None) -> int:
    if services.engine.dialect.name == "sqlite":
        assert path is not None
        raw = services.engine.raw_connection()  # outside a transaction: fold the WAL in
        try:
            raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            raw.close()
        return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
    with services.engine.connect() as conn:
        return int(conn.scalar(text("SELECT pg_database_size(current_database())")))


def run_backend(backend: str, args: argparse.Namespace, work: Path) -> dict[str, Any]:
    gen = Generator(args.customers, args.messages, seed=args.seed)
    with _store(backend, args, work) as (url, path):
        services = build(url, migrate=True)
        if backend == "sqlite" and args.sqlite_cache_mb:
            # A what-if for the store's connection settings: a bigger page cache than
            # SQLite's default 2 MB (applies to connections opened from here on).
            from sqlalchemy import event

            services.engine.dispose()
            pragma = f"PRAGMA cache_size=-{args.sqlite_cache_mb * 1024}"
            event.listen(services.engine, "connect", lambda conn, _rec: conn.execute(pragma))
        try:
            if args.sla:
                add_policies(services)
            accounts = add_accounts(services, work / f"{backend}-channels")
            print(
                f"{backend}: ingesting {args.messages:,} messages from {args.customers:,} "
                f"customers in batches of {args.batch_size}...",
                file=sys.stderr,
                flush=True,
            )
            result: dict[str, Any] = {"backend": backend, "batch_size": args.batch_size}
            result.update(ingest(services, gen, accounts, args.batch_size, not args.quiet))
            resolve_old_cases(services)
            # No ANALYZE: the app never runs one, so the planner sees what it sees for users.
            result["customers_in_store"] = (
                len(services.queries.customers(limit=10**9)) if args.messages <= 200_000 else None
            )
            result.update(measure(services, args.repeat))
            result["db_bytes"] = database_size(services, path)
            result["size_ratio"] = round(result["db_bytes"] / result["raw_text_bytes"], 2)
        finally:
            services.close()
    return result


@contextmanager
def _store(backend: str, args: argparse.Namespace, work: Path) -> Iterator[tuple[str, Path | None]]:
    if backend == "sqlite":
        path = work / "bench.db"
        yield f"sqlite:///{path}", path
    elif args.pg_url:
        yield args.pg_url, None
    else:
        root = work / "pg"
        root.mkdir()
        with own_postgres(Path(args.pg_bindir), root) as url:
            yield url, None


def report(result: dict[str, Any]) -> str:
    def mark(ok: bool) -> str:
        return "ok  " if ok else "MISS"

    r = result
    lines = [f"== {r['backend']}: {r['messages']:,} messages =="]
    if r["backend"] == "sqlite":
        lines.append(
            f"{mark(r['ingest_msg_s'] >= TARGETS['ingest_msg_s'])} ingest      "
            f"{r['ingest_msg_s']:,} msg/s ({r['ingest_seconds']} s in store_batch, "
            f"{r['wall_seconds']} s with generation; target >= 8,000)"
        )
        lines.append(
            f"                 {r['ingest_msg_per_cpu_s']:,} msg per CPU second "
            f"({r['ingest_cpu_seconds']} s of CPU: the rate on an otherwise idle core)"
        )
    else:
        lines.append(
            f"     ingest      {r['ingest_msg_s']:,} msg/s ({r['ingest_seconds']} s in "
            f"store_batch, {r['wall_seconds']} s with generation; the server's own "
            f"CPU time is not in the {r['ingest_msg_per_cpu_s']:,} msg per client CPU second)"
        )
    s = r["search"]
    search_ok = s["p50_ms"] <= TARGETS["search_p50_ms"] and s["p95_ms"] <= TARGETS["search_p95_ms"]
    lines.append(
        f"{mark(search_ok)} search      p50 {s['p50_ms']} ms, p95 {s['p95_ms']} ms "
        f"(targets 30 / 100); slowest {s['slowest']}"
    )
    for name, g in s["groups"].items():
        lines.append(
            f"       {name:<7} {g['queries']:>2} queries: p50 {g['p50_ms']} ms, "
            f"p95 {g['p95_ms']} ms, ~{g['avg_hits']} hits"
        )
    t = r.get("timeline")
    if t:
        lines.append(
            f"{mark(t['full_p50_ms'] <= TARGETS['timeline_ms'])} timeline    "
            f"{t['messages']:,} messages in {t['full_p50_ms']} ms (target 20); "
            f"newest 50 in {t['newest_page_p50_ms']} ms"
        )
        lines.append(
            f"                 the same with every message's text read: {t['full_every_text_read_p50_ms']} ms"
        )
    c = r["cases"]
    lines.append(
        f"{mark(max(c['page_all_p50_ms'], c['page_open_p50_ms']) <= TARGETS['case_page_ms'])}"
        f" case list   first 50 of {c['total']:,}: {c['page_all_p50_ms']} ms; "
        f"of {c['open']:,} open: {c['page_open_p50_ms']} ms (target 10)"
    )
    lines.append(f"     open ids    case_ids(all open) {c['open']:,} ids in {c['open_case_ids_p50_ms']} ms")
    lines.append(
        f"{mark(r['size_ratio'] <= TARGETS['size_ratio'])} size        "
        f"{r['db_bytes'] / 1e6:,.0f} MB for {r['raw_text_bytes'] / 1e6:,.0f} MB of raw text "
        f"= {r['size_ratio']}x (target <= 2x)"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--customers", type=int, default=None, help="default: one customer per 25 messages")
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="sqlite")
    parser.add_argument(
        "--batch-size", type=int, default=500, help="items per connector batch (one transaction each)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=10, help="timed runs per query")
    parser.add_argument("--workdir", help="where the stores go (default: a temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the stores afterwards")
    parser.add_argument("--pg-url", help="use this existing, empty PostgreSQL database")
    parser.add_argument("--pg-bindir", default="/usr/lib/postgresql/15/bin")
    parser.add_argument(
        "--sqlite-cache-mb",
        type=int,
        default=0,
        help="what-if: SQLite page cache per connection (default: the app's own)",
    )
    parser.add_argument(
        "--sla", action="store_true", help="SLA policies on every case before ingest (clocks kept at ingest)"
    )
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    args.customers = args.customers or max(1, args.messages // 25)
    backends = ("sqlite", "postgres") if args.backend == "both" else (args.backend,)
    base = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="inbox-bench-"))
    base.mkdir(parents=True, exist_ok=True)
    results = []
    print(
        f"# {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, "
        f"SQLite {__import__('sqlite3').sqlite_version}"
    )
    print("# " + " ".join([Path(sys.argv[0]).name, *(argv if argv is not None else sys.argv[1:])]))
    try:
        for backend in backends:
            work = base / backend
            work.mkdir(parents=True, exist_ok=True)
            result = run_backend(backend, args, work)
            results.append(result)
            print(report(result), flush=True)
    finally:
        if not args.keep and not args.workdir:
            shutil.rmtree(base, ignore_errors=True)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1, default=str) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
