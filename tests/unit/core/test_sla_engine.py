"""The SLA engine on worked examples: exact due times in business and calendar time, across a
daylight-saving change in Europe/Rome, with pauses, resets and reopened cases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from inbox_app.core.service.events import Event
from inbox_app.core.service.hours import Calendar
from inbox_app.core.service.sla import Policy, SlaError, first_match, parse_duration, segment

ROME = ZoneInfo("Europe/Rome")
WEEK = {d: ((540, 780), (840, 1080)) for d in range(5)}  # Mon-Fri 09:00-13:00, 14:00-18:00
OFFICE = Calendar("Ufficio", "Europe/Rome", WEEK)


def rome(y: int, mo: int, d: int, h: int, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=ROME).astimezone(UTC)


def policy(
    first: str | None = "4h", nxt: str | None = "2h", res: str | None = "2d", cal: Calendar | None = OFFICE
) -> Policy:
    targets = {
        "first_reply": parse_duration(first) if first else None,
        "next_reply": parse_duration(nxt) if nxt else None,
        "resolution": parse_duration(res) if res else None,
    }
    return Policy(1, "Email", 1, targets, cal)


def history(*steps: tuple[str, datetime] | tuple[str, datetime, dict[str, Any]]) -> list[Event]:
    out = []
    for i, step in enumerate(steps, start=1):
        kind, at = step[0], step[1]
        detail = step[2] if len(step) > 2 else None  # type: ignore[misc]
        out.append(Event(i, 1, at, kind, None, None, detail))
    return out


def status(to: str, at: datetime, was: str = "open") -> tuple[str, datetime, dict[str, Any]]:
    return ("status", at, {"from": was, "to": to})


def test_durations_are_minutes_hours_or_days() -> None:
    assert [parse_duration(t).text for t in ("30m", "4H", " 2d ")] == ["30m", "4h", "2d"]
    for bad in ("0m", "4", "2w", "1.5h", "", "h"):
        with pytest.raises(SlaError, match="a duration is written like 30m, 4h or 2d"):
            parse_duration(bad)


def test_first_reply_in_business_hours_skips_lunch_and_the_night() -> None:
    p = policy()
    assert p.due("first_reply", rome(2027, 3, 1, 11)) == rome(2027, 3, 1, 16)
    assert p.due("first_reply", rome(2027, 3, 1, 16)) == rome(2027, 3, 2, 11)
    # Arrived on Saturday: the clock starts Monday at nine.
    assert p.due("first_reply", rome(2027, 3, 6, 10)) == rome(2027, 3, 8, 13)
    # Business days: as far into the second next business day as the start is into its own.
    assert p.due("resolution", rome(2027, 3, 1, 11)) == rome(2027, 3, 3, 11)
    assert p.due("resolution", rome(2027, 3, 5, 20)) == rome(2027, 3, 9, 18)  # Friday evening


def test_across_the_spring_forward_weekend_in_rome() -> None:
    # Clocks go from 02:00 to 03:00 on Sunday 28 March 2027: Friday is UTC+1, Monday UTC+2.
    friday = rome(2027, 3, 26, 17)
    assert friday == datetime(2027, 3, 26, 16, tzinfo=UTC)
    assert (
        policy().due("first_reply", friday) == rome(2027, 3, 29, 12) == datetime(2027, 3, 29, 10, tzinfo=UTC)
    )
    # Calendar time counts elapsed hours: the missing hour is not worked.
    calendar = policy(first="4h", res="2d", cal=None)
    assert calendar.due("first_reply", friday) == datetime(2027, 3, 26, 20, tzinfo=UTC)
    assert (
        calendar.due("resolution", friday) == datetime(2027, 3, 28, 16, tzinfo=UTC) == rome(2027, 3, 28, 18)
    )
    # And back in autumn (31 October 2027): the Monday after still opens at nine local time.
    assert policy().due("first_reply", rome(2027, 10, 29, 17)) == rome(2027, 11, 1, 12)
    assert rome(2027, 11, 1, 12) == datetime(2027, 11, 1, 11, tzinfo=UTC)


def test_resolution_stands_still_while_pending_and_resumes() -> None:
    p = policy(res="8h")
    opened = rome(2027, 3, 1, 9)
    events = history(
        ("opened", opened),
        ("inbound", opened),
        ("outbound", rome(2027, 3, 1, 9, 30)),
        status("pending", rome(2027, 3, 1, 10)),
    )
    seg = segment(events, p, rome(2027, 3, 1, 12))
    assert seg is not None and seg.paused
    res = seg.clocks["resolution"]
    assert res.due is None and res.paused_since == rome(2027, 3, 1, 10) and res.running
    events += history(status("open", rome(2027, 3, 2, 10), "pending"))
    seg = segment(events, p, rome(2027, 3, 2, 10))
    assert seg is not None and not seg.paused
    # One hour ran on Monday; seven remain from Tuesday 10:00: 10-13, 14-18.
    assert seg.clocks["resolution"].due == rome(2027, 3, 2, 18)
    assert seg.clocks["first_reply"].fulfilled_at == rome(2027, 3, 1, 9, 30)
    assert not seg.clocks["first_reply"].breached


def test_next_reply_starts_at_the_oldest_unanswered_message_and_resets() -> None:
    p = policy()
    t = rome(2027, 3, 1, 9)
    events = history(
        ("opened", t),
        ("inbound", t),
        ("outbound", rome(2027, 3, 1, 10)),
        ("inbound", rome(2027, 3, 1, 11)),
        ("inbound", rome(2027, 3, 1, 12)),
    )
    seg = segment(events, p, rome(2027, 3, 1, 12))
    assert seg is not None
    nxt = seg.clocks["next_reply"]
    assert (nxt.start, nxt.due, nxt.running) == (rome(2027, 3, 1, 11), rome(2027, 3, 1, 13), True)
    # Answered late (15:00, due 13:00): missed; the next message starts a new clock.
    events += history(("outbound", rome(2027, 3, 1, 15)), ("inbound", rome(2027, 3, 1, 17)))
    seg = segment(events, p, rome(2027, 3, 1, 17))
    assert seg is not None
    nxt = seg.clocks["next_reply"]
    assert (nxt.start, nxt.due, nxt.breached) == (rome(2027, 3, 1, 17), rome(2027, 3, 2, 10), False)


def test_a_reopened_case_is_a_new_segment_and_resolving_stops_reply_clocks() -> None:
    p = policy()
    t = rome(2027, 3, 1, 9)
    events = history(("opened", t), ("inbound", t), status("resolved", rome(2027, 3, 1, 10)))
    seg = segment(events, p, rome(2027, 3, 3, 9))
    assert seg is not None
    first = seg.clocks["first_reply"]
    # Resolved before it was due, unanswered: stopped, neither met nor missed.
    assert (first.running, first.breached, first.stopped_at) == (False, False, rome(2027, 3, 1, 10))
    assert seg.clocks["resolution"].fulfilled_at == rome(2027, 3, 1, 10)
    reopen = rome(2027, 3, 2, 15)
    events += history(
        status("open", reopen, "resolved"), ("opened", reopen, {"reopen": True}), ("inbound", reopen)
    )
    seg = segment(events, p, reopen)
    assert seg is not None and seg.start == reopen
    assert seg.clocks["first_reply"].due == rome(2027, 3, 3, 10)
    assert seg.clocks["resolution"].due == rome(2027, 3, 4, 15)


def test_the_first_matching_policy_applies() -> None:
    email = Policy(1, "Email", 2, {"first_reply": parse_duration("4h")}, None, None, "email", None)
    vip = Policy(2, "VIP", 1, {"first_reply": parse_duration("1h")}, None, 7, None, "urgent")
    everything = Policy(3, "Default", 3, {"first_reply": parse_duration("1d")})
    policies = [email, vip, everything]
    assert first_match(policies, 7, {"email"}, "urgent") is vip
    assert first_match(policies, 7, {"email"}, "normal") is email
    assert first_match(policies, None, {"chat", "matrix"}, "urgent") is everything
    assert first_match([email], None, {"chat"}, "normal") is None


def test_breach_is_at_the_due_time_not_before() -> None:
    p = policy(first="30m", nxt=None, res=None, cal=None)
    t = datetime(2027, 3, 1, 9, tzinfo=UTC)
    events = history(("opened", t), ("inbound", t))
    seg = segment(events, p, t + timedelta(minutes=29))
    assert seg is not None and not seg.clocks["first_reply"].breached
    seg = segment(events, p, t + timedelta(minutes=30))
    assert seg is not None and seg.clocks["first_reply"].breached
