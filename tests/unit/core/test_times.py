"""Times given with any UTC offset are stored as the same instant on every store."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from connectors.fake import FakeServer
from inbox_app.core.calls import CallLog, CallService
from inbox_app.core.clock import aware, utcnow
from inbox_app.core.store.models import Case, Message

FAR_EAST = timezone(timedelta(hours=5, minutes=30))


def _case(store, tmp_path: Path) -> int:
    server = FakeServer(tmp_path / "srv")
    server.deliver(id="m0", text="Dov'è il mio ordine?", thread="t1", **{"from": "cliente@example.it"})
    store.accounts.add("fake", "shop", {"path": str(server.root), "channel": "email"})
    assert asyncio.run(store.supervisor().run_once())[0].error is None
    return int(store.queries.cases()[0].id)


def test_aware_keeps_the_instant_and_speaks_utc() -> None:
    local = datetime(2026, 12, 1, 9, 0, tzinfo=FAR_EAST)
    assert aware(local) == local
    assert aware(local).utcoffset() == timedelta(0)
    assert aware(datetime(2026, 12, 1, 9, 0)) == datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    assert aware(None) is None


def test_snooze_until_a_local_time_wakes_at_that_instant(store, tmp_path: Path) -> None:
    case_id = _case(store, tmp_path)
    until = (utcnow() + timedelta(hours=1)).replace(microsecond=0).astimezone(FAR_EAST)
    store.cases.set_status(case_id, "snoozed", until=until)
    with store.factory() as s:
        case = s.get(Case, case_id)
        assert aware(case.snoozed_until) == until
    assert store.cases.wake_snoozed() == []


def test_a_call_logged_at_a_local_time_keeps_its_instant(store, tmp_path: Path) -> None:
    case_id = _case(store, tmp_path)
    at = (utcnow() - timedelta(minutes=10)).replace(microsecond=0).astimezone(FAR_EAST)
    calls = CallService(store.factory, store.customers, store.bus)
    message_id = calls.log(case_id, CallLog("in", "", 60, at=at))
    with store.factory() as s:
        assert aware(s.get(Message, message_id).sent_at) == at
