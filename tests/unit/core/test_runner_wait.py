"""How long an account's runner waits between rounds: its poll interval, or the next reply due."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from connectors.fake import FakeServer
from inbox_app.core.clock import utcnow
from inbox_app.core.store.models import Message


def _runner(store, tmp_path: Path):
    server = FakeServer(tmp_path / "srv")
    server.deliver(id="m1", text="Dove è il mio ordine?", thread="t1", **{"from": "cliente@example.it"})
    store.accounts.add("fake", "shop", {"path": str(server.root), "channel": "email"})
    assert asyncio.run(store.supervisor().run_once())[0].stored == 1
    supervisor = store.supervisor()
    account = store.accounts.get("shop")
    return supervisor._runner(account, supervisor.build_connector(account))


def test_a_polling_account_waits_its_own_interval_but_not_past_a_reply_due(store, tmp_path: Path) -> None:
    runner = _runner(store, tmp_path)
    wait = lambda: asyncio.run(runner._wait_time(30.0))  # noqa: E731
    assert wait() == 30.0  # the fake connector does not poll: the runner's own round
    runner.connector.poll_interval = 300  # as a review location or a Mastodon account does
    assert wait() == 300.0
    assert store.outbox.next_due_in(runner.account.id) is None
    mid = store.outbox.queue_reply(store.queries.cases()[0].id, "Arriva domani")
    assert store.outbox.next_due_in(runner.account.id) == 0.0
    assert wait() == 1.0  # due now: the next round comes at once (never a busy loop)
    with store.factory() as s, s.begin():  # a retry with backoff, due in a minute
        s.get(Message, mid).next_attempt_at = utcnow() + timedelta(seconds=60)
    assert 55.0 < wait() <= 60.0
    with store.factory() as s, s.begin():
        s.get(Message, mid).delivery = "sent"
    assert wait() == 300.0
