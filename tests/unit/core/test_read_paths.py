"""What the window reads: long timelines and the multi-status case list, on both backends."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from connectors.base import AttachmentData
from inbox_app.app import build
from inbox_app.core.read.queries import OPEN_STATES, CaseFilter
from inbox_app.core.read.workspace import WorkspaceReads
from inbox_app.core.store.models import Case, Message
from tests.unit.core.helpers import T0, account, batch, item


def test_a_long_timeline_keeps_every_attachment_and_metadata(any_url: str) -> None:
    store = build(any_url, migrate=True)
    try:
        acc = account(store)
        logo = AttachmentData("logo.png", "image/png", b"\x89PNG bytes")
        items = [
            item(
                f"m{n}",
                thread=f"t{n // 10}",
                minutes=n,
                attachments=(logo,) if n % 100 == 7 else (),
                meta={"to": ["shop@example.it"]} if n % 3 == 0 else {},
            )
            for n in range(650)  # more than one IN list's worth of ids
        ]
        store.ingest.store_batch(acc, batch(*items))
        with store.factory() as s:
            customer_id = s.scalars(select(Message.customer_id)).first()
            assert s.scalars(select(Message.meta).where(Message.external_id == "m1")).one() is None
        assert customer_id is not None
        rows = store.queries.timeline(customer_id)
        assert [r.text for r in rows] == [f"text of m{n}" for n in range(650)]
        assert [r.sent_at for r in rows] == [T0 + timedelta(minutes=n) for n in range(650)]
        with_files = [r.text for r in rows if r.attachments]
        assert with_files == [f"text of m{n}" for n in range(650) if n % 100 == 7]
        assert all(a.filename == "logo.png" for r in rows for a in r.attachments)
        assert [r.meta for r in rows[:3]] == [{"to": ["shop@example.it"]}, {}, {}]
        page = store.queries.timeline(customer_id, limit=20)
        assert page == rows[-20:]
    finally:
        store.close()


def test_the_all_open_view_pages_in_order_across_statuses(any_url: str) -> None:
    store = build(any_url, migrate=True)
    try:
        acc = account(store)
        store.ingest.store_batch(
            acc, batch(*(item(f"c{n}", f"p{n}@example.it", minutes=n) for n in range(40)))
        )
        statuses = ("open", "pending", "snoozed", "resolved")
        with store.factory() as s, s.begin():
            for n, case_id in enumerate(s.scalars(select(Case.id).order_by(Case.id)).all()):
                s.execute(update(Case).where(Case.id == case_id).values(status=statuses[n * 7 % 4]))
        expected = [c.id for c in store.queries.cases(limit=1000) if c.status in OPEN_STATES]
        assert len(expected) == 30
        view = CaseFilter(status=OPEN_STATES)
        seen: list[int] = []
        after = None
        while True:
            page = store.queries.cases(view, limit=7, after=after)
            if not page:
                break
            assert len(page) <= 7
            seen += [c.id for c in page]
            after = (page[-1].last_message_at, page[-1].id)
        assert seen == expected
        assert list(WorkspaceReads(store.read_factory, store.queries).case_ids(view)) == expected
    finally:
        store.close()
