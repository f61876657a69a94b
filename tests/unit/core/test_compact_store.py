"""The compact SQLite store: packed text, integer timestamps, and stores from before them."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from inbox_app.app import build
from inbox_app.core.store import database as db
from inbox_app.core.store import textpack
from inbox_app.core.store.coltypes import from_micros, to_micros
from tests.unit.core.helpers import T0, account, batch, item

ROOT = Path(__file__).resolve().parents[3]


def _body(n: int) -> str:
    return (
        f"Buongiorno, vi scrivo per l'ordine numero {n} arrivato ieri: il pacco era aperto "
        f"e manca il caricabatterie. Potete spedirlo? Perché è urgente. Grazie, Anna {n % 7}"
    )


def test_packing_round_trips_every_kind() -> None:
    samples = [_body(n) for n in range(300)]
    key = textpack.register(textpack.train(samples) or b"")
    for value in ("", "ciao", _body(1), "é" * 500, _body(2) * 40):
        for packed in (textpack.pack(value), textpack.pack(value, key)):
            assert isinstance(packed, bytes)
            assert textpack.unpack(packed) == value
    # The dictionary is what makes short messages small.
    assert len(textpack.pack(_body(5), key)) < len(textpack.pack(_body(5))) * 0.7
    assert to_micros(from_micros(1_764_000_000_123_456)) == 1_764_000_000_123_456


@pytest.mark.slow
def test_store_trains_its_dictionary_and_other_processes_read_with_it(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/s.db"
    services = build(url, migrate=True)
    acc = account(services)
    n = textpack.TRAIN_AFTER + 300
    for start in range(0, n, 500):
        items = [
            item(f"<m{i}@x>", f"c{i % 50}@example.it", minutes=i, text=_body(i))
            for i in range(start, min(n, start + 500))
        ]
        services.ingest.store_batch(acc, batch(*items))
    with sqlite3.connect(tmp_path / "s.db") as conn:
        assert conn.execute("SELECT count(*) FROM text_dictionaries").fetchone()[0] == 1
        kinds = dict(conn.execute("SELECT substr(text, 1, 1), count(*) FROM messages GROUP BY 1"))
        stored_at = conn.execute("SELECT typeof(sent_at) FROM messages LIMIT 1").fetchone()[0]
    assert kinds[b"\x02"] >= 300  # the messages after training use the dictionary
    assert sum(kinds.values()) == n
    assert stored_at == "integer"
    # Search and the timeline read text packed both ways.
    found = services.search.search("caricabatterie", limit=5)
    assert found and all("caricabatterie" in m.text for m in found)
    services.close()
    # A new process knows no dictionary until it reads the store.
    script = (
        "import sys; from inbox_app.app import build; s = build(sys.argv[1]); "
        "m = s.queries.message(int(sys.argv[2])); print(m.text); s.close()"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, url, str(n)], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == _body(n - 1)


def test_a_store_from_before_is_compacted_and_searchable(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/old.db"
    engine = db.open_engine(url)
    db.upgrade(engine, "0003")
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO customers (id, name, details, created_at) VALUES (1, 'Anna', '{}', :t)"),
            {"t": "2026-11-01 09:00:00.000000"},
        )
        for i in range(3):
            conn.execute(
                text(
                    "INSERT INTO messages (id, customer_id, direction, channel, sent_at, text, is_auto, attempts)"
                    " VALUES (:i, 1, 'in', 'email', :t, :x, 0, 0)"
                ),
                {"i": i + 1, "t": f"2026-11-01 09:0{i}:00.250000", "x": _body(i)},
            )
    db.upgrade(engine)
    engine.dispose()
    services = build(url)
    timeline = services.queries.timeline(1)
    assert [m.text for m in timeline] == [_body(i) for i in range(3)]
    assert timeline[0].sent_at == T0.replace(microsecond=250000)
    assert [m.id for m in services.search.search("caricabatterie", limit=10)] == [3, 2, 1]
    services.close()
    engine = db.open_engine(url)
    db.downgrade(engine, "0003")
    with engine.connect() as conn:
        row = conn.execute(text("SELECT text, sent_at FROM messages WHERE id = 1")).one()
    engine.dispose()
    assert tuple(row) == (_body(0), "2026-11-01 09:00:00.250000")


def _schema(path: Path) -> dict[str, str]:
    with sqlite3.connect(path) as conn:
        return {name: sql or "" for name, sql in conn.execute("SELECT name, sql FROM sqlite_master")}


def test_lean_indexes_keep_search_and_the_outbox_working_both_ways(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/s.db"
    # Stored by today's code, then taken back to 0004 (today's code writes columns 0004
    # does not have), and up again.
    services = build(url)
    acc = account(services)
    services.ingest.store_batch(
        acc, batch(*(item(f"<m{i}@x>", f"c{i % 3}@example.it", minutes=i, text=_body(i)) for i in range(40)))
    )
    services.close()
    engine = db.open_engine(url)
    db.downgrade(engine, "0004")
    engine.dispose()
    before = _schema(tmp_path / "s.db")
    assert "detail=column" in before["message_fts"]
    services = build(url, migrate=False)
    assert len(services.search.search("caricabatterie", limit=100)) == 40
    services.close()

    engine = db.open_engine(url)
    db.upgrade(engine)
    engine.dispose()
    after = _schema(tmp_path / "s.db")
    assert "detail=none" in after["message_fts"] and "columnsize=0" in after["message_fts"]
    assert "WHERE delivery IS NOT NULL" in after["ix_messages_delivery"]
    assert "ix_messages_case_time" not in after and "ix_messages_case" in after
    services = build(url)
    # Every message is indexed again, words and prefixes alike.
    assert sorted(m.id for m in services.search.search("caricabatterie", limit=100)) == list(range(1, 41))
    assert len(services.search.search("caricab", limit=100)) == 40
    anna_3 = services.search.search("Anna 3", limit=100, prefix=False)
    assert sorted(m.id for m in anna_3) == [4, 11, 18, 25, 32, 39]
    # New messages reach the rebuilt index through the same triggers.
    services.ingest.store_batch(
        acc, batch(item("<new@x>", "c9@example.it", minutes=99, text="spedizione smarrita"))
    )
    assert [m.text for m in services.search.search("smarrita")] == ["spedizione smarrita"]
    with services.factory() as s:
        plan = " ".join(
            str(r[-1])
            for r in s.execute(
                text(
                    "EXPLAIN QUERY PLAN SELECT id FROM messages WHERE delivery = 'queued' AND next_attempt_at < 0"
                )
            )
        )
    assert "ix_messages_delivery" in plan
    services.close()

    engine = db.open_engine(url)
    db.downgrade(engine, "0004")
    engine.dispose()
    assert _schema(tmp_path / "s.db")["message_fts"] == before["message_fts"]
    services = build(url, migrate=False)
    assert len(services.search.search("caricabatterie", limit=100)) == 40
    assert len(services.search.search("smarrita")) == 1
    services.close()
