"""Erasing a customer removes the files they sent, not only the links to them."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import select

from connectors.fake import FakeServer
from inbox_app.core.store.models import AttachmentBlob, Identity


def _blobs(store) -> set[bytes]:
    with store.factory() as s:
        return set(s.scalars(select(AttachmentBlob.data)))


def _customer_of(store, address: str) -> int:
    with store.factory() as s:
        return int(s.scalar(select(Identity.customer_id).where(Identity.value == address)))


def test_erase_removes_files_only_that_customer_sent(store, tmp_path: Path) -> None:
    server = FakeServer(tmp_path / "srv")
    common = {"filename": "modulo.txt", "data": "modulo di reso"}
    private = {"filename": "documento.txt", "data": "carta d'identità di Anna"}
    server.deliver(
        id="a1", text="Ecco", thread="ta", attachments=[private, common], **{"from": "anna@example.it"}
    )
    server.deliver(
        id="b1", text="Anche io", thread="tb", attachments=[common], **{"from": "bruno@example.it"}
    )
    store.accounts.add("fake", "shop", {"path": str(server.root), "channel": "email"})
    assert asyncio.run(store.supervisor().run_once())[0].error is None
    assert _blobs(store) == {b"modulo di reso", "carta d'identità di Anna".encode()}

    store.customers.erase(_customer_of(store, "anna@example.it"))

    assert _blobs(store) == {b"modulo di reso"}  # still attached to Bruno's message


def test_erase_keeps_the_trail_but_not_the_persons_words(store, tmp_path: Path) -> None:
    import json

    from inbox_app.core.store.models import AuditEvent

    server = FakeServer(tmp_path / "srv")
    server.deliver(id="a1", text="Ciao", thread="ta", **{"from": "anna.segreta@example.it"})
    store.accounts.add("fake", "shop", {"path": str(server.root), "channel": "email"})
    asyncio.run(store.supervisor().run_once())
    case_id = store.queries.cases()[0].id
    store.outbox.queue_reply(case_id, "Risposta riservata per Anna")
    asyncio.run(store.supervisor().run_once())
    customer = _customer_of(store, "anna.segreta@example.it")
    store.customers.erase(customer)
    with store.factory() as s:
        trail = [(e.action, json.dumps(e.data)) for e in s.scalars(select(AuditEvent))]
    assert any(action == "reply.sent" for action, _ in trail)  # who did what stays
    assert not any("riservata" in data or "anna.segreta" in data for _, data in trail)
    assert trail[-1][0] == "customer.erased"
