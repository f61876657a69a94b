"""A small store with a known day of work, for the report, CLI and dashboard tests.

Monday 2 March 2026 (UTC):
- case A (Sara): the customer writes 09:30, Lea gives it to Sara 09:40, Sara replies 09:50
  (first reply 20 min), resolves it 11:30 (resolution 2 h); its first-reply target is met.
- case B: the customer writes 10:30; nobody answers; its first-reply target is breached 11:30.
- case C (team Vendite): the customer writes 16:30 (17:30 in Rome, half an hour before the
  Roma calendar closes), it goes to Vendite 17:00, Lea replies 17:30 (after closing: one hour
  of calendar time, 30 minutes of business time), Lea sets it pending 18:00.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from connectors.base import Address, Batch, InboundItem
from inbox_app.app import Services
from inbox_app.core.service import events

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
M = timedelta(minutes=1)
ROMA = [f"{d}=09:00-18:00" for d in ("mon", "tue", "wed", "thu", "fri")]


def msg(ext: str, at: datetime, thread: str) -> InboundItem:
    return InboundItem(
        external_id=ext,
        thread_key=thread,
        sender=Address("email", f"{thread}@example.it"),
        sent_at=at,
        text=f"testo {ext}",
        subject=f"Ordine {thread}",
        direction="in",
    )


@contextmanager
def at_time(monkeypatch: pytest.MonkeyPatch, when: datetime) -> Iterator[None]:
    """The services' "now" is ``when`` inside the block."""
    with monkeypatch.context() as m:
        for module in (
            "inbox_app.core.cases",
            "inbox_app.core.outbox.queue",
            "inbox_app.core.service.clocks",
        ):
            m.setattr(f"{module}.utcnow", lambda: when)
        yield


def seed(s: Services, monkeypatch: pytest.MonkeyPatch, tmp: Any, *, policy: bool = False) -> dict[str, int]:
    """The day above; returns the case ids by letter (and the agents' ids). ``policy``: an
    SLA policy on the Roma calendar (first reply 30m, resolution 4h) makes the SLA events,
    and the clocks are checked at 23:00; else they are written as the engine would."""
    s.agents.add("Sara Conti", "sara@example.com", "agent")
    s.agents.add("Lea Neri", "lea@example.com", "lead")
    s.agents.add_team("Vendite")
    account = s.accounts.add("fake", "email", {"path": str(tmp / "fake"), "channel": "email"}).id
    s.hours.add("Roma", "Europe/Rome", ROMA)
    if policy:
        s.sla.add("Standard", first_reply="30m", next_reply=None, resolution="4h", hours="Roma")
    ids: dict[str, int] = {}
    for letter, at in (("A", T0), ("B", T0 + 60 * M), ("C", T0 + 420 * M)):
        with at_time(monkeypatch, at):
            s.ingest.store_batch(account, Batch((msg(letter, at, letter),), f"cur-{letter}"))
        ids[letter] = next(c.id for c in s.queries.cases() if c.subject == f"Ordine {letter}")
    sara, lea = (next(a.id for a in s.agents.list() if a.name == n) for n in ("Sara Conti", "Lea Neri"))
    step: list[tuple[int, Callable[[], object]]] = [
        (10, lambda: s.cases.assign(ids["A"], "Sara Conti", actor="Lea Neri")),
        (20, lambda: s.outbox.queue_reply(ids["A"], "Lo controllo subito.", agent_id=sara)),
        (120, lambda: s.cases.set_status(ids["A"], "resolved", actor="Sara Conti")),
        (450, lambda: s.cases.assign_team(ids["C"], "Vendite", actor="Lea Neri")),
        (480, lambda: s.outbox.queue_reply(ids["C"], "Arriva domani.", agent_id=lea)),
        (510, lambda: s.cases.set_status(ids["C"], "pending", actor="Lea Neri")),
    ]
    for minutes, do in step:
        with at_time(monkeypatch, T0 + minutes * M):
            do()
    if policy:
        with at_time(monkeypatch, T0 + 810 * M):  # 23:00
            s.sla.check_breaches(T0 + 810 * M)
        return ids | {"sara": sara, "lea": lea}
    # The SLA engine's outcomes, as it records them.
    with s.factory() as session, session.begin():
        target = {"target": "first_reply", "policy": "Standard", "due": None, "business": True}
        events.record(session, ids["A"], "sla_fulfilled", T0 + 20 * M, detail=target)
        events.record(session, ids["B"], "sla_breached", T0 + 120 * M, detail=target)
    return ids | {"sara": sara, "lea": lea}
