"""Erasure that erases: after `erase`, no byte of the person's words, addresses or file
names is left in any file of the store, on SQLite (database file and WAL) and on
PostgreSQL (its whole data folder after a CHECKPOINT); another customer's words stay."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from connectors.fake import FakeServer
from inbox_app.app import build
from inbox_app.core.drafts import DraftService
from inbox_app.core.store.models import Identity

# Unique to the erased customer, one per place their words can be.
THEIRS = {
    "mail": "zafferanoviola",
    "chat": "quercialucente",
    "note": "castagnorosso",
    "file": "ricevutasegreta",
    "draft": "melograno",
    "address": "ginevra.erasmi",
}
OTHERS = "tamerindoblu"


def _files(url: str, tmp_path: Path, request: pytest.FixtureRequest) -> list[Path]:
    if url.startswith("sqlite"):
        return [p for p in tmp_path.iterdir() if p.name.startswith("store.db")]
    server: Any = request.getfixturevalue("postgres_server")
    with server.admin() as conn:
        # The admin's setting for erasure (README): WAL segments a checkpoint no longer
        # needs are deleted, not kept for reuse with the old records inside.
        conn.execute("ALTER SYSTEM SET wal_recycle = off")
        conn.execute("SELECT pg_reload_conf()")
        conn.execute("SELECT pg_switch_wal()")
        conn.execute("CHECKPOINT")
    return [p for p in Path(server.data).rglob("*") if p.is_file()]


def _held(files: list[Path], words: list[str]) -> set[str]:
    found = set()
    for path in files:
        try:
            data = path.read_bytes()
        except (FileNotFoundError, PermissionError):
            continue
        for word in words:
            if word.encode() in data or word.upper().encode() in data:
                found.add(word)
    return found


def test_erase_leaves_no_byte_of_the_persons_words(any_url: str, tmp_path: Path, request: Any) -> None:
    mail, chat = FakeServer(tmp_path / "mail"), FakeServer(tmp_path / "chat")
    who = {"from": f"{THEIRS['address']}@example.it"}
    mail.deliver(
        id="g1",
        thread="tg",
        text=f"Buongiorno, allego la ricevuta: {THEIRS['mail']}.",
        attachments=[{"filename": f"{THEIRS['file']}.pdf", "data": "contenuto"}],
        **who,
    )
    chat.deliver(id="g2", thread="tc", text=f"Scrivo anche qui: {THEIRS['chat']}", **who)
    mail.deliver(id="o1", thread="to", text=f"Io invece parlo di {OTHERS}", **{"from": "otto@example.it"})
    services = build(any_url, migrate=True)
    try:
        services.accounts.add("fake", "mail", {"path": str(mail.root), "channel": "email"})
        services.accounts.add("fake", "chat", {"path": str(chat.root), "channel": "chat"})
        assert all(r.error is None for r in asyncio.run(services.supervisor().run_once()))
        with services.factory() as s:
            customer = s.scalar(
                select(Identity.customer_id).where(Identity.value.like(f"{THEIRS['address']}%"))
            )
        case = next(c for c in services.queries.cases() if c.customer_id == customer)
        services.outbox.queue_reply(case.id, f"Nota interna: {THEIRS['note']}", note=True)
        DraftService(services.factory).save(case.id, None, f"Gentile cliente, {THEIRS['draft']}")
        files = _files(any_url, tmp_path, request)
        assert _held(files, list(THEIRS.values())) == set(THEIRS.values())  # the test can fail

        done = services.customers.erase(customer)

        assert done["messages"] == 3 and done["seconds"] > 0
        assert done["cleanup"], done
        assert _held(_files(any_url, tmp_path, request), list(THEIRS.values())) == set()
        # Another customer's words are still found, and the store works on.
        assert [h.text for h in services.search.search(OTHERS)] == [f"Io invece parlo di {OTHERS}"]
        assert services.search.search(THEIRS["mail"]) == []
        other = next(c for c in services.queries.cases() if c.customer_id != customer)
        assert [m.text for m in services.queries.timeline(other.customer_id)] == [
            f"Io invece parlo di {OTHERS}"
        ]
        mail.deliver(id="o2", thread="to", text="Ancora io, grazie", **{"from": "otto@example.it"})
        assert all(r.error is None for r in asyncio.run(services.supervisor().run_once()))
        assert len(services.search.search("Ancora")) == 1
    finally:
        services.close()
