"""Email import against mbsync, on a loopback Dovecot with a generated mailbox.

    python benchmarks/bench_email.py                  # 10,000 messages
    python benchmarks/bench_email.py --messages 2000 --json out.json
    python benchmarks/bench_email.py --before /tmp/before --rounds 3   # before/after a change

``--before DIR`` imports the same mailbox, alternately, with the code in DIR (a copy
of the tree with the files of a change reverted: ``connectors``, ``inbox_app``) and
with the current code, so the two are compared on one machine in one run; the
best of ``--rounds`` imports of each is reported.

In one run: fills a Dovecot mailbox with N generated messages (plain, HTML with
Italian Latin-1 text, photo attachments, replies in threads), then

(a) mbsync (isync) copies the mailbox to a maildir: wall time and peak RSS, with its
    default settings (the target's reference) and again with ``FSync no``; an untimed
    pull first warms Dovecot's caches so every timed run finds the server alike;
(b) ``inbox-app sync --once`` imports it into a fresh SQLite store (fetch, parse,
    identities, threading, cases, full-text index): wall time and peak RSS of that
    process, and the stored message count checked against the mailbox;
(c) IDLE latency: with ``inbox-app sync`` running, 20 messages are appended one by
    one over IMAP, alternately to INBOX and to a second configured folder (Reclami),
    and each is waited for in the store (polled every 20 ms).

Targets (issue 3): import within 2x of mbsync's wall time, peak RSS <= 300 MB,
APPEND -> message in the store p50 <= 1 s.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script from a checkout
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.integration.email import servers  # noqa: E402
from tests.integration.email.bench_email_import import fill_mailbox  # noqa: E402

TARGETS = {"import_vs_mbsync": 2.0, "import_peak_rss_mb": 300.0, "idle_p50_s": 1.0}
IDLE_MESSAGES = 20
FOLDERS = ("INBOX", "Reclami")


def inbox_app() -> list[str]:
    exe = Path(sys.executable).parent / "inbox-app"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "inbox_app"]


def timed(cmd: list[str], **kwargs: Any) -> tuple[float, float, subprocess.CompletedProcess[bytes]]:
    """Wall seconds and peak RSS (MB) of one child process run to completion."""
    started = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)
    # wait4 gives the rusage of this very child, not the largest of all children so far.
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    out = proc.stdout.read() if proc.stdout else b""
    err = proc.stderr.read() if proc.stderr else b""
    for stream in (proc.stdout, proc.stderr):
        if stream:
            stream.close()
    result = subprocess.CompletedProcess(cmd, proc.returncode, out, err)
    return wall, usage.ru_maxrss / 1024, result


def run_mbsync(
    root: Path, dovecot: servers.Dovecot, user: str, password: str, *, fsync: bool = True, suffix: str = ""
) -> dict[str, Any]:
    target = root / f"mbsync-maildir{suffix}"
    target.mkdir()
    rc = root / f"mbsyncrc{suffix}"
    rc.write_text(f"""FSync {"yes" if fsync else "no"}

IMAPAccount bench
Host 127.0.0.1
Port {dovecot.imap_port}
User {user}
Pass "{password}"
SSLType None
AuthMechs PLAIN LOGIN

IMAPStore bench-remote
Account bench

MaildirStore bench-local
Path {target}/
Inbox {target}/INBOX

Channel bench
Far :bench-remote:
Near :bench-local:
Patterns INBOX
Sync Pull
Create Near
SyncState *
""")
    rc.chmod(0o600)
    wall, rss, result = timed(["mbsync", "-c", str(rc), "-q", "bench"])
    if result.returncode != 0:
        raise RuntimeError(f"mbsync failed: {result.stderr.decode(errors='replace')}")
    copied = sum(1 for _ in (target / "INBOX" / "cur").iterdir()) + sum(
        1 for _ in (target / "INBOX" / "new").iterdir()
    )
    return {"wall_s": wall, "peak_rss_mb": rss, "messages": copied}


def count_messages(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            return int(conn.execute("SELECT count(*) FROM messages WHERE direction = 'in'").fetchone()[0])
    except sqlite3.OperationalError:
        return 0


def run_import(
    root: Path,
    dovecot: servers.Dovecot,
    user: str,
    password: str,
    count: int,
    *,
    source: Path | None = None,
    suffix: str = "",
) -> tuple[dict[str, Any], list[str], dict[str, str], Path]:
    home = root / f"home{suffix}"
    (home / "data").mkdir(parents=True)
    env = dict(
        os.environ,
        HOME=str(home),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CONFIG_HOME=str(home / "config"),
        PYTHON_KEYRING_BACKEND="keyrings.alt.file.PlaintextKeyring",
    )
    if source is not None:
        # Another copy of the code (e.g. the code before a change) wins over the
        # installed one: the editable install's finder comes after sys.path.
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(source), env.get("PYTHONPATH")) if p)
    db = root / f"store{suffix}.db"
    base = [*inbox_app(), "--database", f"sqlite:///{db}"]
    settings = {
        "imap_host": "127.0.0.1",
        "imap_port": dovecot.imap_port,
        "imap_security": "none",
        "smtp_host": "127.0.0.1",
        "smtp_port": servers.free_port(),
        "smtp_security": "none",
        "username": user,
        "address": "support@example.com",
        # A second, empty folder: new mail must be pushed from every configured folder.
        "folders": ",".join(FOLDERS),
    }
    add = [*base, "accounts", "add", "email", "bench", "--secret-stdin"]
    for key, value in settings.items():
        add += ["--set", f"{key}={value}"]
    done = subprocess.run(add, input=password.encode(), env=env, capture_output=True)
    if done.returncode != 0:
        raise RuntimeError(f"accounts add failed: {done.stderr.decode(errors='replace')}")
    wall, rss, result = timed([*base, "sync", "--once"], env=env)
    if result.returncode != 0:
        raise RuntimeError(f"sync --once failed: {result.stderr.decode(errors='replace')[-3000:]}")
    stored = count_messages(db)
    with sqlite3.connect(db) as conn:
        quarantined = int(conn.execute("SELECT count(*) FROM quarantine").fetchone()[0])
    figures = {
        "wall_s": wall,
        "peak_rss_mb": rss,
        "stored": stored,
        "quarantined": quarantined,
        "count_ok": stored == count,
        "msg_per_s": stored / wall if wall else 0.0,
    }
    return figures, base, env, db


def run_idle(
    root: Path,
    dovecot: servers.Dovecot,
    user: str,
    password: str,
    base: list[str],
    env: dict[str, str],
    db: Path,
    count: int,
) -> dict[str, Any]:
    log = (root / "worker.log").open("wb")
    worker = subprocess.Popen(
        [*base, "sync"], env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    latencies: list[float] = []
    by_folder: dict[str, list[float]] = {}
    client = dovecot.client(user, password)
    try:
        time.sleep(3)  # the worker connects and enters IDLE
        stored = count_messages(db)
        for n in range(IDLE_MESSAGES):
            if worker.poll() is not None:
                raise RuntimeError(
                    "the sync worker exited: " + (root / "worker.log").read_text(errors="replace")[-3000:]
                )
            appended = time.monotonic()
            folder = FOLDERS[n % len(FOLDERS)]
            client.append(folder, servers.make_message(count + 1000 + n))
            deadline = appended + 30
            while count_messages(db) <= stored:
                if time.monotonic() > deadline:
                    raise RuntimeError("an appended message did not reach the store in 30 s")
                time.sleep(0.02)
            latencies.append(time.monotonic() - appended)
            by_folder.setdefault(folder, []).append(latencies[-1])
            stored = count_messages(db)
            time.sleep(0.3)
    finally:
        client.logout()
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            try:
                worker.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait(5)
        log.close()
    ordered = sorted(latencies)
    return {
        "p50_s": statistics.median(ordered),
        "p95_s": ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))],
        "max_s": ordered[-1],
        "samples": latencies,
        "p50_by_folder_s": {f: statistics.median(v) for f, v in by_folder.items()},
        "worker_exit": worker.returncode,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument(
        "--before",
        metavar="DIR",
        type=Path,
        help="also import with the code in DIR (a copy of the tree before a change), "
        "alternating with the current code, so both are compared in one run",
    )
    parser.add_argument("--rounds", type=int, default=1, help="imports per code version (with --before)")
    args = parser.parse_args()
    if not shutil.which("mbsync"):
        parser.error("mbsync not found (apt-get install isync)")

    root = Path(tempfile.mkdtemp(prefix="bench-email-"))
    root.chmod(0o755)
    dovecot = servers.Dovecot(root / "dovecot", *servers.make_certificate(root))
    dovecot.start()
    try:
        user, password = dovecot.add_user()
        started = time.monotonic()
        size = fill_mailbox(dovecot, user, password, args.messages)
        client = dovecot.client(user, password)
        for folder in FOLDERS[1:]:
            client.create_folder(folder)
        client.logout()
        print(
            f"mailbox: {args.messages} messages, {size / 1e6:.0f} MB "
            f"(filled and indexed in {time.monotonic() - started:.1f} s)",
            flush=True,
        )
        # An untimed pull first, so that every timed run finds Dovecot's caches warm
        # (the first reader of a fresh mailbox pays for building them).
        run_mbsync(root, dovecot, user, password, fsync=False, suffix="-warmup")
        mbsync = run_mbsync(root, dovecot, user, password)
        print(
            f"mbsync: {mbsync['wall_s']:.2f} s, peak RSS {mbsync['peak_rss_mb']:.0f} MB, "
            f"{mbsync['messages']} messages",
            flush=True,
        )
        mbsync_nofsync = run_mbsync(root, dovecot, user, password, fsync=False, suffix="-nofsync")
        print(
            f"mbsync (FSync no): {mbsync_nofsync['wall_s']:.2f} s, peak RSS "
            f"{mbsync_nofsync['peak_rss_mb']:.0f} MB",
            flush=True,
        )
        before: list[dict[str, Any]] = []
        after: list[dict[str, Any]] = []
        for n in range(args.rounds if args.before else 1):
            if args.before:
                old, *_ = run_import(
                    root, dovecot, user, password, args.messages, source=args.before, suffix=f"-before{n}"
                )
                before.append(old)
                print(
                    f"inbox-app sync --once, code before: {old['wall_s']:.2f} s, peak RSS "
                    f"{old['peak_rss_mb']:.0f} MB, {old['stored']} stored",
                    flush=True,
                )
            one = run_import(root, dovecot, user, password, args.messages, suffix=f"-{n}")
            after.append(one[0])
            imported, base, env, db = one
            print(
                f"inbox-app sync --once: {imported['wall_s']:.2f} s, peak RSS "
                f"{imported['peak_rss_mb']:.0f} MB, {imported['stored']} stored, "
                f"{imported['quarantined']} quarantined",
                flush=True,
            )
        imported = min(after, key=lambda r: r["wall_s"])
        idle = run_idle(root, dovecot, user, password, base, env, db, args.messages)
    finally:
        dovecot.stop()
        if not args.keep:
            servers.rmtree(root)

    ratio = imported["wall_s"] / mbsync["wall_s"]
    compared: list[tuple[str, str, str, bool | None]] = []
    if before:
        best_before = min(r["wall_s"] for r in before)
        compared.append(
            (
                "  code before: import / mbsync",
                f"{best_before / mbsync['wall_s']:.2f}x ({best_before:.1f} s; now {imported['wall_s'] / best_before:.2f} of it)",
                "-",
                None,
            )
        )
    rows: list[tuple[str, str, str, bool | None]] = [
        (
            "import wall time / mbsync",
            f"{ratio:.2f}x ({imported['wall_s']:.1f} s vs {mbsync['wall_s']:.1f} s)",
            "<= 2x",
            ratio <= TARGETS["import_vs_mbsync"],
        ),
        (
            "  (against mbsync with FSync no)",
            f"{imported['wall_s'] / mbsync_nofsync['wall_s']:.2f}x ({mbsync_nofsync['wall_s']:.1f} s)",
            "-",
            None,
        ),
        *compared,
        (
            "import peak RSS",
            f"{imported['peak_rss_mb']:.0f} MB (mbsync {mbsync['peak_rss_mb']:.0f} MB)",
            "<= 300 MB",
            imported["peak_rss_mb"] <= TARGETS["import_peak_rss_mb"],
        ),
        ("messages stored", f"{imported['stored']} of {args.messages}", "all", imported["count_ok"]),
        (
            "IDLE: APPEND -> in the store",
            f"p50 {idle['p50_s']:.2f} s, p95 {idle['p95_s']:.2f} s ("
            + ", ".join(f"{f} {v:.2f} s" for f, v in idle["p50_by_folder_s"].items())
            + ")",
            "p50 <= 1 s",
            idle["p50_s"] <= TARGETS["idle_p50_s"],
        ),
    ]
    print()
    width = max(len(r[0]) for r in rows)
    vwidth = max(len(r[1]) for r in rows)
    print(f"{'measure':<{width}}  {'figure':<{vwidth}}  {'target':<10}  verdict")
    for name, figure, target, ok in rows:
        verdict = "-" if ok is None else "met" if ok else "missed"
        print(f"{name:<{width}}  {figure:<{vwidth}}  {target:<10}  {verdict}")
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "messages": args.messages,
                    "mailbox_bytes": size,
                    "mbsync": mbsync,
                    "mbsync_nofsync": mbsync_nofsync,
                    "import": imported,
                    "imports": after,
                    "imports_before": before,
                    "import_vs_mbsync": ratio,
                    "idle": idle,
                    "targets": TARGETS,
                    "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
                    "verdicts": {r[0]: r[3] for r in rows},
                },
                indent=2,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
