"""The raw copy of a message is packed with zstd; copies stored with zlib before read on."""

from __future__ import annotations

import base64
import dataclasses
import zlib

from sqlalchemy import select, update

from inbox_app.core.store import rawpack
from inbox_app.core.store.models import Message, MessageRaw
from tests.unit.core.helpers import account, batch, fresh_store, item

RAW = b"From: anna@example.it\r\nSubject: Ordine\r\n\r\n" + b"Il mio ordine 42 non arriva. " * 200


def test_pack_is_zstd_and_both_kinds_unpack() -> None:
    packed = rawpack.pack(RAW)
    assert packed[:4] == rawpack.ZSTD_MAGIC and len(packed) < len(RAW) // 10
    assert rawpack.unpack(packed) == RAW
    assert rawpack.unpack(zlib.compress(RAW, 1)) == RAW
    assert rawpack.unpack(memoryview(zlib.compress(RAW, 9))) == RAW


def test_export_gives_back_the_exact_bytes_of_new_and_old_copies(tmp_path) -> None:  # type: ignore[no-untyped-def]
    services = fresh_store(tmp_path)
    try:
        acc = account(services)
        other = RAW.replace(b"42", b"43")
        services.ingest.store_batch(
            acc,
            batch(
                dataclasses.replace(item("a"), raw=RAW),
                dataclasses.replace(item("b", minutes=1), raw=other),
            ),
        )
        with services.factory() as s, s.begin():
            ids = {ext: mid for ext, mid in s.execute(select(Message.external_id, Message.id)).all()}
            stored = s.scalar(select(MessageRaw.data).where(MessageRaw.message_id == ids["a"]))
            assert bytes(stored)[:4] == rawpack.ZSTD_MAGIC
            # A copy written by an older version, with zlib.
            s.execute(
                update(MessageRaw)
                .where(MessageRaw.message_id == ids["b"])
                .values(data=zlib.compress(other, 1))
            )
            customer_id = s.scalar(select(Message.customer_id).where(Message.id == ids["a"]))
        exported = services.customers.export(customer_id)
        raws = {m["id"]: base64.b64decode(m["raw_base64"]) for m in exported["timeline"]}
        assert raws == {ids["a"]: RAW, ids["b"]: other}
    finally:
        services.close()
