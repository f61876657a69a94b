"""Presence bookkeeping without a database: what a desktop says, when, and what others keep."""

from __future__ import annotations

import json

import pytest

from inbox_app.sync.presence import (
    EXPIRY,
    HEARTBEAT,
    NOTIFY_LIMIT,
    TYPING_IDLE,
    Activity,
    Announcement,
    PresenceAnnouncer,
    PresenceTracker,
)


def _said(a: PresenceAnnouncer, now: float) -> tuple[int | None, str] | None:
    out = a.due(now)
    return None if out is None else (out.case_id, out.activity.value)


def test_a_desktop_says_where_it_is_at_once_then_every_heartbeat_and_nothing_when_idle() -> None:
    a = PresenceAnnouncer("A", "Sara Conti", 3)
    assert a.due(0.0) is None and a.next_due(0.0) is None  # no case open: silence
    a.view(42)
    assert a.next_due(0.0) == 0.0
    assert _said(a, 0.0) == (42, "viewing")
    assert a.due(0.1) is None
    assert a.next_due(1.0) == pytest.approx(HEARTBEAT - 1.0)
    assert a.due(HEARTBEAT - 0.01) is None
    assert _said(a, HEARTBEAT) == (42, "viewing")
    a.view(7)  # another case: said at once, not at the next heartbeat
    assert _said(a, HEARTBEAT + 1) == (7, "viewing")
    a.view(None)
    assert _said(a, HEARTBEAT + 2) == (None, "left")
    assert a.due(HEARTBEAT * 5) is None and a.next_due(HEARTBEAT * 5) is None


def test_typing_is_debounced_and_stops_after_an_idle_while() -> None:
    a = PresenceAnnouncer("A", "Sara Conti", 3)
    a.view(42)
    a.due(0.0)
    a.typed(1.0)
    assert _said(a, 1.0) == (42, "replying")
    for t in (1.2, 1.5, 3.0, 5.0):  # more keys: nothing new to say
        a.typed(t)
        assert a.due(t) is None
    assert a.next_due(5.0) == pytest.approx(TYPING_IDLE)
    assert a.due(5.0 + TYPING_IDLE - 0.01) is None
    assert _said(a, 5.0 + TYPING_IDLE) == (42, "viewing")
    a.typed(20.0)
    assert _said(a, 20.0) == (42, "replying")
    a.stopped_typing()  # the reply went out
    assert _said(a, 20.5) == (42, "viewing")


def test_typing_without_a_case_says_nothing_and_leaving_says_left_once() -> None:
    a = PresenceAnnouncer("A", "Sara Conti", 3)
    a.typed(0.0)
    assert a.due(0.0) is None
    assert a.leaving() is None  # never said anything: nothing to take back
    a.view(9)
    a.due(1.0)
    last = a.leaving()
    assert last is not None and last.activity == Activity.LEFT and last.case_id is None
    assert a.leaving() is None and a.due(100.0) is None


def _ann(origin: str, case_id: int | None, activity: Activity, agent: str = "Sara Conti") -> Announcement:
    return Announcement(origin, agent, 3, case_id, activity)


def test_the_tracker_ignores_itself_and_forgets_the_silent_by_the_default_expiry() -> None:
    t = PresenceTracker("ME")
    assert t.expiry == EXPIRY and EXPIRY <= 30 - 2  # room for a busy loop within 30 s
    assert EXPIRY >= 2 * HEARTBEAT  # one lost heartbeat does not make anyone flicker
    assert t.heard(_ann("ME", 42, Activity.VIEWING), 0.0) == set()
    assert t.on_case(42) == ()
    assert t.heard(_ann("A", 42, Activity.VIEWING), 0.0) == {42}
    assert t.heard(_ann("A", 42, Activity.VIEWING), HEARTBEAT) == set()  # a heartbeat
    assert t.next_expiry() == HEARTBEAT + EXPIRY
    assert t.expire(HEARTBEAT + EXPIRY - 0.01) == set()
    assert [c.agent for c in t.on_case(42)] == ["Sara Conti"]
    assert t.expire(HEARTBEAT + EXPIRY) == {42}
    assert t.on_case(42) == () and t.next_expiry() is None


def test_the_tracker_follows_moves_typing_and_leaving() -> None:
    t = PresenceTracker("ME", expiry=3.0)
    assert t.heard(_ann("A", 1, Activity.VIEWING), 0.0) == {1}
    assert t.heard(_ann("B", 1, Activity.VIEWING, "Marco Bianchi"), 0.0) == {1}
    assert t.heard(_ann("B", 1, Activity.REPLYING, "Marco Bianchi"), 0.5) == {1}
    assert [(c.agent, c.replying) for c in t.on_case(1)] == [("Marco Bianchi", True), ("Sara Conti", False)]
    assert t.heard(_ann("A", 2, Activity.VIEWING), 1.0) == {1, 2}  # A moved on
    assert set(t.by_case()) == {1, 2}
    assert t.heard(_ann("B", None, Activity.LEFT, "Marco Bianchi"), 1.5) == {1}
    assert t.by_case() == {2: t.on_case(2)}
    assert t.expire(3.9) == set() and t.expire(4.0) == {2}
    assert t.heard(_ann("C", None, Activity.LEFT), 5.0) == set()  # left, never heard: nothing


def test_payloads_are_small_and_anything_unreadable_is_refused() -> None:
    long = Announcement("a" * 32, "Ä" * 5000, 7, 2**62, Activity.REPLYING)
    payload = long.encode()
    assert len(payload.encode("utf-8")) < NOTIFY_LIMIT
    back = Announcement.decode(payload)
    assert back is not None and back.case_id == 2**62 and back.activity == Activity.REPLYING
    assert len(back.agent) == 200
    ok = json.loads(_ann("A", 5, Activity.VIEWING).encode())
    assert Announcement.decode(json.dumps(ok)) == _ann("A", 5, Activity.VIEWING)
    for bad in (
        "not json",
        "[]",
        json.dumps({**ok, "s": "dancing"}),
        json.dumps({**ok, "c": None}),  # viewing nothing
        json.dumps({k: v for k, v in ok.items() if k != "o"}),
    ):
        assert Announcement.decode(bad) is None, bad
