"""Property tests: crashes, replays and reordering leave the store as a clean run would.

"Identical" is judged on what users see: which messages exist, on which
customer (by identities) and conversation, with how many cases, and for
replies, that each was delivered exactly once.
"""

from __future__ import annotations

import asyncio
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from connectors.base import Address, Batch, InboundItem
from connectors.fake import FakeConnector, FakeServer
from inbox_app.core.store.models import Case, Identity, Message, Thread
from tests.unit.core.helpers import account, fresh_store

SENDERS = ["anna@example.it", "ANNA@example.it", "bruno@example.it", "carla@example.com"]
# A conversation belongs to one person: the same thread key never mixes two senders.
PERSON = [0, 0, 1, 2]
PHONES = [None, "+393331112222", "+393334445555"]

message = st.tuples(st.integers(0, len(SENDERS) - 1), st.integers(0, 3), st.integers(0, len(PHONES) - 1))


def _items(spec: list[tuple[int, int, int]]) -> list[InboundItem]:
    t0 = datetime(2026, 10, 1, tzinfo=UTC)
    out = []
    for n, (sender, thread, phone) in enumerate(spec):
        extra = (Address("phone", PHONES[phone]),) if PHONES[phone] else ()
        out.append(
            InboundItem(
                external_id=f"m{n}",
                thread_key=f"t{PERSON[sender]}-{thread}",
                sender=Address("email", SENDERS[sender]),
                sent_at=t0 + timedelta(minutes=n),
                text=f"messaggio {n}",
                extra_identities=extra,
            )
        )
    return out


def _projection(services) -> dict[str, object]:
    with services.factory() as s:
        idents: dict[int, set[str]] = {}
        for cid, kind, value in s.execute(select(Identity.customer_id, Identity.kind, Identity.value)):
            idents.setdefault(cid, set()).add(f"{kind}:{value}")
        threads = {t.id: t.external_key for t in s.scalars(select(Thread))}
        messages = {
            m.external_id: (frozenset(idents.get(m.customer_id, ())), threads[m.thread_id], m.text)
            for m in s.scalars(select(Message))
        }
        n_cases = len(list(s.scalars(select(Case.id))))
        return {
            "messages": messages,
            "n_messages": len(list(s.scalars(select(Message.id)))),
            "cases": n_cases,
            "customers": sorted(sorted(v) for v in idents.values()),
        }


def _store_in_batches(services, acc: int, items: list[InboundItem], cuts: list[int]) -> None:
    bounds = sorted({0, len(items), *[c % (len(items) + 1) for c in cuts]})
    for lo, hi in zip(bounds, bounds[1:], strict=False):
        services.ingest.store_batch(acc, Batch(tuple(items[lo:hi]), str(hi)))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    spec=st.lists(message, min_size=1, max_size=14),
    cuts=st.lists(st.integers(0, 20), max_size=4),
    replays=st.lists(st.tuples(st.integers(0, 20), st.integers(0, 20)), max_size=4),
    order=st.randoms(use_true_random=False),
)
@pytest.mark.slow
def test_replays_and_reordering_change_nothing(spec, cuts, replays, order) -> None:
    items = _items(spec)
    with tempfile.TemporaryDirectory() as tmp:
        clean = fresh_store(tmp, "clean.db")
        messy = fresh_store(tmp, "messy.db")
        try:
            _store_in_batches(clean, account(clean), items, [])
            acc = account(messy)
            batches = []
            bounds = sorted({0, len(items), *[c % (len(items) + 1) for c in cuts]})
            for lo, hi in zip(bounds, bounds[1:], strict=False):
                batches.append(Batch(tuple(items[lo:hi]), str(hi)))
            shuffled = list(batches)
            order.shuffle(shuffled)
            for b in shuffled:
                messy.ingest.store_batch(acc, b)
            for a, b in replays:  # replay any sub-range again
                lo, hi = sorted((a % (len(items) + 1), b % (len(items) + 1)))
                messy.ingest.store_batch(acc, Batch(tuple(items[lo:hi]), str(hi)))
            got, want = _projection(messy), _projection(clean)
            assert got["n_messages"] == want["n_messages"] == len(items)
            assert got["customers"] == want["customers"]
            assert {k: (v[0], v[1]) for k, v in got["messages"].items()} == {
                k: (v[0], v[1]) for k, v in want["messages"].items()
            }
            assert got["cases"] == want["cases"]
        finally:
            clean.close()
            messy.close()


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(1, 25), batch_size=st.integers(1, 7), crashes=st.lists(st.integers(0, 10), max_size=5))
def test_crash_between_any_two_batches_loses_and_duplicates_nothing(n, batch_size, crashes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        server = FakeServer(Path(tmp) / "srv")
        for i in range(n):
            server.deliver(
                id=f"x{i}", text=f"testo {i}", thread=f"t{i % 4}", **{"from": SENDERS[i % len(SENDERS)]}
            )
        services = fresh_store(tmp)
        try:
            acc = account(services)

            async def run(stop_after: int | None) -> None:
                connector = FakeConnector({"path": str(server.root), "batch_size": batch_size})
                done = 0
                async for b in connector.fetch(services.accounts.cursor(acc)):
                    if stop_after is not None and done >= stop_after:
                        return  # the worker dies with this batch fetched but not stored
                    services.ingest.store_batch(acc, b)
                    done += 1

            for crash in crashes:
                asyncio.run(run(crash))
            asyncio.run(run(None))
            with services.factory() as s:
                ids = list(s.scalars(select(Message.external_id)))
            assert sorted(ids) == sorted(f"x{i}" for i in range(n))
        finally:
            services.close()


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    replies=st.integers(1, 5),
    crash_points=st.lists(st.sampled_from(["after_claim", "after_send", "none"]), min_size=1, max_size=4),
)
@pytest.mark.slow
def test_outbox_crash_at_any_step_sends_each_reply_exactly_once(replies, crash_points) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        server = FakeServer(Path(tmp) / "srv")
        server.deliver(id="in1", text="aiuto", thread="t", **{"from": "anna@example.it"})
        services = fresh_store(tmp)
        try:
            services.accounts.add("fake", "shop", {"path": str(server.root)})
            acc = services.accounts.get("shop").id
            asyncio.run(services.supervisor().run_once())
            case_id = services.queries.cases()[0].id
            ids = [services.outbox.queue_reply(case_id, f"risposta {i}") for i in range(replies)]
            for point in crash_points:
                claimed = services.outbox.claim(acc, include_stale=True)
                if point in ("after_send", "none"):
                    for c in claimed:
                        asyncio.run(FakeConnector({"path": str(server.root)}).send(c.reply))
                if point == "none":
                    from connectors.base import SendResult

                    for c in claimed:
                        services.outbox.mark_sent(c, SendResult(f"fake-out-{c.reply.idempotency_key}"))
                # otherwise: the process dies here, leaving the claimed replies in 'sending'
            asyncio.run(services.supervisor().run_once())
            assert sorted(r["text"] for r in server.sent_replies()) == sorted(
                f"risposta {i}" for i in range(replies)
            )
            assert {services.queries.message(i).delivery for i in ids} == {"sent"}
        finally:
            services.close()
