"""A team on one PostgreSQL: how soon every desktop sees what another changed, and what an idle
desktop costs.

Separate processes, as a team runs them: D simulated desktops (each its own process with the
app's services and its change feed listening, re-reading what a window would re-read when it
hears a change: the changed cases, and the first page of the open cases), W headless workers
(`inbox-app sync`) fetching from fake channel accounts, one "customers" process appending new
messages to those accounts at R a second, and one of the desktops (the "changer") changing a
case twice a second (its tags, as an agent does).

Figures (all from one run, so the machine's noise touches them alike):
- change -> visible in the other desktops: the changer's commit to each other desktop having
  re-read the case, p50/p95/max over every (change, desktop) pair;
- new message -> visible: appended to the channel -> stored by a worker -> heard and re-read by
  each desktop (this includes the workers' polling of the channel, 1 s);
- statements per second per desktop while nothing changes (a quiet minute before the load), and
  during the load;
- exact counts at the end: every appended message stored once (nothing lost, nothing twice).

    python benchmarks/bench_team.py --messages 1000000 --desktops 20 --workers 2 --rate 50 --minutes 10
    python benchmarks/bench_team.py --messages 20000 --desktops 5 --minutes 1     # a quick look

The store is filled first with generated history (benchmarks/generate.py) in a private
PostgreSQL cluster (bench_store.own_postgres), unless ``--pg-url`` names a filled one
(``--no-fill``).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script from a checkout
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

LIVE_ACCOUNTS = 4
CHANGES_PER_SECOND = 2.0


# --------------------------------------------------------------------------- one desktop


def desktop(url: str, folder: Path, name: str, changer: bool) -> None:
    """One simulated desktop: listens, re-reads what it shows on every change, counts its
    statements, and (the changer) changes a case twice a second. Writes what it saw on exit."""
    import asyncio

    from sqlalchemy import event

    from inbox_app.app import build
    from inbox_app.core.events import CasesChanged, MessagesAdded
    from inbox_app.core.read.queries import OPEN_STATES, CaseFilter

    services = build(url)
    statements = [0]
    event.listen(
        services.engine, "before_cursor_execute", lambda *_a: statements.__setitem__(0, statements[0] + 1)
    )
    page = CaseFilter(status=OPEN_STATES)
    seen_cases: list[tuple[int, str, float]] = []  # case id, its tags, when re-read
    seen_messages: list[tuple[list[int], float]] = []
    marks: list[tuple[str, float, int]] = []  # phase marks: name, time, statements so far
    made: list[tuple[int, str, float]] = []  # the changer's: case id, tag, committed at
    stop_file, phase_file = folder / "stop", folder / "phase"

    async def main() -> None:
        loop = asyncio.get_running_loop()
        heard: asyncio.Queue[Any] = asyncio.Queue()
        for kind in (CasesChanged, MessagesAdded):
            services.bus.subscribe(kind, lambda e: loop.call_soon_threadsafe(heard.put_nowait, e))
        stop = asyncio.Event()
        feed = services.changefeed()
        listening = asyncio.create_task(feed.listen(stop))

        def reread_rows(events: list[Any]) -> None:
            # As the window's case list does: the changed rows at once...
            case_ids = {cid for e in events if isinstance(e, CasesChanged) for cid in e.case_ids}
            if case_ids:
                rows = services.queries.cases_by_id(sorted(case_ids))
                now = time.time()
                seen_cases.extend((cid, ",".join(r.tags), now) for cid, r in rows.items())

        def reread_page(events: list[Any]) -> None:
            # ...and the list's first page within 200 ms of the first change, once for all.
            services.queries.cases(page, limit=50)
            now = time.time()
            seen_messages.extend((list(e.message_ids), now) for e in events if isinstance(e, MessagesAdded))

        pending: list[Any] = []
        page_due = asyncio.Event()

        async def consume() -> None:
            while True:
                events = [await heard.get()]
                while not heard.empty():
                    events.append(heard.get_nowait())
                pending.extend(events)
                page_due.set()
                await loop.run_in_executor(None, reread_rows, events)

        async def page_reader() -> None:
            while True:
                await page_due.wait()
                await asyncio.sleep(0.2)
                page_due.clear()
                events = pending[:]
                pending.clear()
                await loop.run_in_executor(None, reread_page, events)

        async def change() -> None:
            ids = [c.id for c in services.queries.cases(page, limit=200)]
            seq = 0
            while True:
                await asyncio.sleep(1 / CHANGES_PER_SECOND)
                if (folder / "load").exists():
                    seq += 1
                    case_id = random.choice(ids)
                    tag = f"{name}-{seq}"
                    await loop.run_in_executor(None, services.cases.set_tags, case_id, [tag])
                    made.append((case_id, tag, time.time()))

        tasks = [asyncio.create_task(consume()), asyncio.create_task(page_reader())]
        if changer:
            tasks.append(asyncio.create_task(change()))
        (folder / f"{name}.ready").touch()
        last_phase = ""
        while not stop_file.exists():
            phase = phase_file.read_text().strip() if phase_file.exists() else ""
            if phase != last_phase:
                marks.append((phase, time.time(), statements[0]))
                last_phase = phase
            await asyncio.sleep(0.05)
        marks.append(("end", time.time(), statements[0]))
        stop.set()
        for task in tasks:
            task.cancel()
        listening.cancel()  # it may be waiting out a quiet heartbeat
        with contextlib.suppress(asyncio.CancelledError):
            await listening

    asyncio.run(main())
    services.close()
    record = {"cases": seen_cases, "messages": seen_messages, "marks": marks, "made": made}
    (folder / f"{name}.json").write_text(json.dumps(record))


# --------------------------------------------------------------------------- the run


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def fill(url: str, args: argparse.Namespace, work: Path) -> dict[str, Any]:
    from benchmarks.bench_store import add_accounts, ingest, resolve_old_cases
    from benchmarks.generate import Generator
    from inbox_app.app import build

    services = build(url, migrate=True)
    try:
        gen = Generator(max(1, args.messages // 25), args.messages, seed=1)
        result = ingest(services, gen, add_accounts(services, work / "history"), 500, True)
        resolve_old_cases(services)
        return result
    finally:
        services.close()


def customers(folder: Path, accounts: list[Path], rate: float, stop: threading.Event, log: list[Any]) -> None:
    """Appends new messages to the live accounts at ``rate`` a second, spread over them."""
    from connectors.fake import FakeServer

    servers = [FakeServer(p) for p in accounts]
    seq, start = 0, time.monotonic()
    while not stop.is_set():
        due = start + seq / rate
        wait = due - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        seq += 1
        n = seq % 400  # some customers write more than once: existing cases change too
        ext = f"live-{seq}"
        servers[seq % len(servers)].deliver(
            id=ext,
            thread=f"live-thread-{n}",
            **{"from": f"email:cliente{n}@example.it"},
            text=f"Messaggio {seq}",
        )
        log.append((ext, time.time()))


def run(url: str, args: argparse.Namespace, work: Path) -> dict[str, Any]:
    from inbox_app.app import build

    services = build(url, migrate=True)
    live = [work / f"live-{i}" for i in range(LIVE_ACCOUNTS)]
    for i, path in enumerate(live):
        services.accounts.add(
            "fake", f"live-{i}", {"path": str(path), "channel": "email", "poll_interval": 1}
        )
    # The history's accounts are done: the workers serve the live ones only.
    for row in services.accounts.list():
        if not row.name.startswith("live-"):
            services.accounts.set_enabled(row.name, False)
    folder = work / "desktops"
    folder.mkdir()
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parent.parent))
    me = str(Path(__file__).resolve())
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                me,
                "--desktop",
                url,
                str(folder),
                f"d{i}",
                "--changer" if i == 0 else "--watcher",
            ],
            env=env,
        )
        for i in range(args.desktops)
    ]
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "inbox_app", "--database", url, "sync"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=(work / f"worker{i}.log").open("w"),
        )
        for i in range(args.workers)
    ]
    deadline = time.monotonic() + 300
    while not all((folder / f"d{i}.ready").exists() for i in range(args.desktops)):
        if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
            raise RuntimeError("a desktop did not start")
        time.sleep(0.2)
    log: list[Any] = []
    stop = threading.Event()
    try:
        print(f"quiet for {args.quiet_seconds} s...", file=sys.stderr, flush=True)
        (folder / "phase").write_text("quiet")
        time.sleep(args.quiet_seconds)
        print(f"load for {args.minutes} min...", file=sys.stderr, flush=True)
        (folder / "phase").write_text("load")
        (folder / "load").touch()
        appender = threading.Thread(target=customers, args=(folder, live, args.rate, stop, log))
        appender.start()
        time.sleep(args.minutes * 60)
        stop.set()
        appender.join()
        (folder / "load").unlink()
        (folder / "phase").write_text("drain")
        # Everything appended is stored, and heard, before the counts.
        deadline = time.monotonic() + 120
        while _stored(services) < len(log) and time.monotonic() < deadline:
            time.sleep(0.5)
        time.sleep(3)
    finally:
        (folder / "stop").touch()
        for p in procs:
            p.wait(timeout=120)
        for w in workers:
            w.send_signal(signal.SIGINT)
        for w in workers:
            try:
                w.wait(timeout=60)
            except subprocess.TimeoutExpired:
                w.kill()
    result = analyse(services, folder, args, log)
    services.close()
    return result


def _stored(services: Any) -> int:
    from sqlalchemy import func, select

    from inbox_app.core.store.models import Message

    with services.factory() as s:
        return int(s.scalar(select(func.count()).where(Message.external_id.like("live-%"))) or 0)


def analyse(services: Any, folder: Path, args: argparse.Namespace, log: list[Any]) -> dict[str, Any]:
    from sqlalchemy import func, select

    from inbox_app.core.store.models import Message

    records = {p.stem: json.loads(p.read_text()) for p in folder.glob("d*.json")}
    made = {tag: (case_id, at) for case_id, tag, at in records["d0"]["made"]}
    change_lat: list[float] = []
    for name, rec in records.items():
        if name == "d0":
            continue
        first_seen: dict[str, float] = {}
        for _case_id, tags, at in rec["cases"]:
            if tags in made and tags not in first_seen:
                first_seen[tags] = at
        change_lat += [first_seen[t] - made[t][1] for t in made if t in first_seen]
    missing_changes = sum(1 for name in records if name != "d0" for t in made) - len(change_lat)
    with services.factory() as s:
        ids = dict(
            s.execute(select(Message.id, Message.external_id).where(Message.external_id.like("live-%"))).all()
        )
        distinct = int(
            s.scalar(
                select(func.count(func.distinct(Message.external_id))).where(
                    Message.external_id.like("live-%")
                )
            )
            or 0
        )
    appended = dict(log)
    msg_lat: list[float] = []
    for rec in records.values():
        for message_ids, at in rec["messages"]:
            for mid in message_ids:
                ext = ids.get(mid)
                if ext in appended:
                    msg_lat.append(at - appended[ext])
    idle, busy = [], []
    for rec in records.values():
        marks = {name: (at, n) for name, at, n in rec["marks"]}
        (q0, n0), (l0, n1), (e0, n2) = marks["quiet"], marks["load"], marks.get("drain", marks["end"])
        idle.append((n1 - n0) / (l0 - q0))
        busy.append((n2 - n1) / (e0 - l0))
    ms = 1000
    return {
        "desktops": args.desktops,
        "workers": args.workers,
        "rate": args.rate,
        "minutes": args.minutes,
        "changes": len(made),
        "change_pairs_seen": len(change_lat),
        "change_pairs_missed": missing_changes,
        "change_p50_ms": round(_pct(change_lat, 0.5) * ms, 1),
        "change_p95_ms": round(_pct(change_lat, 0.95) * ms, 1),
        "change_max_ms": round(max(change_lat, default=float("nan")) * ms, 1),
        "message_p50_ms": round(_pct(msg_lat, 0.5) * ms, 1),
        "message_p95_ms": round(_pct(msg_lat, 0.95) * ms, 1),
        "idle_statements_per_s": round(sum(idle) / len(idle), 3),
        "idle_statements_per_s_max": round(max(idle), 3),
        "load_statements_per_s": round(sum(busy) / len(busy), 2),
        "appended": len(log),
        "stored": len(ids),
        "stored_distinct": distinct,
    }


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--desktop":
        desktop(argv[1], Path(argv[2]), argv[3], argv[4] == "--changer")
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=1_000_000, help="history in the store first")
    parser.add_argument("--desktops", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rate", type=float, default=50.0, help="new messages a second")
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--quiet-seconds", type=float, default=60.0)
    parser.add_argument("--pg-url", help="an existing database (empty, or filled with --no-fill)")
    parser.add_argument("--no-fill", action="store_true")
    parser.add_argument("--fill-only", action="store_true", help="fill --pg-url's database and stop")
    parser.add_argument("--pg-bindir", default="/usr/lib/postgresql/15/bin")
    parser.add_argument("--workdir")
    parser.add_argument("--json", metavar="FILE")
    args = parser.parse_args(argv)
    work = Path(args.workdir or tempfile.mkdtemp(prefix="inbox-team-"))
    work.mkdir(parents=True, exist_ok=True)
    print(
        f"# {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {platform.machine()}, {os.cpu_count()} cores"
    )
    print("# bench_team.py " + " ".join(argv))
    if args.pg_url:
        url = args.pg_url
        if not args.no_fill:
            print(json.dumps({"fill": fill(url, args, work)}), flush=True)
        if args.fill_only:
            return 0
        result = run(url, args, work)
    else:
        from benchmarks.bench_store import own_postgres

        (work / "pg").mkdir(exist_ok=True)
        with own_postgres(Path(args.pg_bindir), work / "pg") as url:
            if not args.no_fill:
                print(json.dumps({"fill": fill(url, args, work)}), flush=True)
            result = run(url, args, work)
    print(json.dumps(result, indent=1))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
