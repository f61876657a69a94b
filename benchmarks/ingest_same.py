"""Do two versions of the ingest code store the same thing? One fingerprint per table.

    python benchmarks/ingest_same.py --messages 20000 --src /tmp/old-tree   # the old code
    python benchmarks/ingest_same.py --messages 20000                       # this checkout

Stores N generated messages (the generator of bench_store.py, seed 1) into a fresh
SQLite store with the code of ``--src`` (default: this checkout), then prints, per
table, its row count and a SHA-256 of its rows (times of writing and the accounts'
folder paths left out: they differ from run to run), and the ids search finds for a
few words. Two runs print the same lines when the code changed nothing stored.
"""

from __future__ import annotations

import argparse
import hashlib
import sqlite3
import sys
import tempfile
from pathlib import Path

#: Columns holding when a row was written (not what): left out of the fingerprint.
WRITTEN_AT = {"audit_events": {"at"}, "identities": {"created_at"}, "channel_accounts": {"last_sync_at"}}
SKIPPED = {"alembic_version", "channel_accounts", "text_dictionaries"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--src", help="checkout whose inbox_app to run (default: this one)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    if args.src:
        sys.path.insert(0, str(Path(args.src).resolve()))
    from benchmarks.bench_store import add_accounts
    from benchmarks.generate import Generator
    from inbox_app.app import build

    with tempfile.TemporaryDirectory(prefix="ingest-same-") as tmp:
        db = Path(tmp) / "store.db"
        services = build(f"sqlite:///{db}", migrate=True)
        accounts = add_accounts(services, Path(tmp) / "channels")
        for channel, batch in Generator(max(1, args.messages // 25), args.messages, seed=1).batches(500):
            services.ingest.store_batch(accounts[channel], batch)
        words = ("grazie", "ordine", "spedizione", "the")
        hits = {w: [m.id for m in services.search.search(w)] for w in words}
        services.close()
        conn = sqlite3.connect(db)
        tables = [
            t
            for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            if not t.startswith(("sqlite_", "message_fts", "search_")) and t not in SKIPPED
        ]
        for table in tables:
            names = [d[0] for d in conn.execute(f"SELECT * FROM {table} LIMIT 0").description]
            keep = [i for i, n in enumerate(names) if n not in WRITTEN_AT.get(table, set())]
            digest = hashlib.sha256()
            rows = conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
            for row in rows:
                if table == "audit_events" and row[names.index("action")] == "account.added":
                    continue  # names the accounts' folders, which differ between runs
                digest.update(repr(tuple(row[i] for i in keep)).encode())
            print(f"{table}: {len(rows)} rows, {digest.hexdigest()[:16]}")
        conn.close()
        for word, ids in hits.items():
            print(f"search {word!r}: {len(ids)} hits, {hashlib.sha256(repr(ids).encode()).hexdigest()[:16]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
