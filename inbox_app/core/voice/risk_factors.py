"""The factors of the at-risk score, each a function of plain values: how many points it
gives (at most its weight) and a sentence saying why, in words an agent can check.

Kept free of the store so that every factor can be tested on its own and the two that read
other rooms' tables (SLA breaches: ``cases.sla_breached``; CSAT: ``csat_surveys``) take
their values from whoever queries them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

# The most points each factor can give; their sum is more than 100 on purpose: a customer
# with two or three strong signals is at full risk already. The score is capped at 100.
WEIGHTS: dict[str, int] = {
    "tone": 30,
    "waiting": 20,
    "sla": 20,
    "reopened": 15,
    "csat": 20,
    "reviews": 25,
    "channel_hopping": 15,
    "repeat_contact": 10,
}
#: How many of the newest customer messages the tone factor reads.
TONE_MESSAGES = 5
#: A mean negativity of this much (a tone of -0.6 on every message) gives the full weight.
TONE_FULL = 0.6
#: Waiting this long (business time when a calendar exists) gives the full weight.
WAITING_FULL = timedelta(hours=24)
#: Waiting less than this is normal: no points.
WAITING_FROM = timedelta(hours=1)
HOPPING_WINDOW = timedelta(hours=48)
REPEAT_WINDOW = timedelta(days=7)


@dataclass(frozen=True)
class Factor:
    name: str
    points: float
    detail: str  # in English, for the CLI and the log
    # The numbers of the detail, for the window to word in the agent's language.
    facts: dict[str, Any] = field(default_factory=dict)


def tone_factor(tones: Sequence[float]) -> Factor | None:
    """``tones``: the tones of the customer's newest messages, newest first."""
    recent = list(tones[:TONE_MESSAGES])
    negative = [t for t in recent if t <= -0.05]
    if not negative:
        return None
    negativity = sum(max(0.0, -t) for t in recent) / len(recent)
    points = WEIGHTS["tone"] * min(1.0, negativity / TONE_FULL)
    mean = sum(negative) / len(negative)
    return Factor(
        "tone",
        points,
        f"{len(negative)} of the last {len(recent)} messages in a negative tone (average {mean:+.2f})",
        {"negative": len(negative), "count": len(recent), "average": round(mean, 2)},
    )


def waiting_factor(waited: timedelta | None, *, business: bool, case_id: int | None = None) -> Factor | None:
    """``waited``: how long the customer's oldest unanswered message has waited."""
    if waited is None or waited < WAITING_FROM:
        return None
    points = WEIGHTS["waiting"] * min(1.0, waited / WAITING_FULL)
    kind = " in business hours" if business else ""
    where = f" on case {case_id}" if case_id is not None else ""
    return Factor(
        "waiting",
        points,
        f"waiting for an answer for {_duration(waited)}{kind}{where}",
        {"minutes": int(waited.total_seconds() // 60), "business": business, "case_id": case_id},
    )


def sla_factor(breached: Sequence[str | None]) -> Factor | None:
    """``breached``: each recent case's ``sla_breached`` value, a comma-separated list of the
    targets it missed ("first_response,resolution") or empty/None."""
    targets = [t.strip() for value in breached if value for t in value.split(",") if t.strip()]
    if not targets:
        return None
    cases = sum(1 for value in breached if value and value.strip(" ,"))
    points = min(WEIGHTS["sla"], 10.0 * len(targets))
    names = ", ".join(sorted({t.replace("_", " ") for t in targets}))
    return Factor(
        "sla",
        points,
        f"{len(targets)} service-level target{_s(len(targets))} missed on {cases} case{_s(cases)} ({names})",
        {"targets": len(targets), "cases": cases},
    )


def reopened_factor(reopened: int) -> Factor | None:
    """``reopened``: how many times the customer's cases were reopened in the last 90 days."""
    if reopened <= 0:
        return None
    points = min(WEIGHTS["reopened"], 7.5 * reopened)
    return Factor(
        "reopened",
        points,
        f"cases reopened {reopened} time{_s(reopened)} in the last 90 days",
        {"count": reopened},
    )


def csat_factor(scores: Sequence[int]) -> Factor | None:
    """``scores``: the customer's satisfaction answers (1-5) of the last 90 days, newest first."""
    low = [s for s in scores if s <= 3]
    if not low:
        return None
    worst = min(low)
    points = {1: 20.0, 2: 15.0, 3: 5.0}[worst]
    if scores[0] >= 4:
        points /= 2  # the newest answer is good again: the old one counts half
    return Factor(
        "csat",
        min(WEIGHTS["csat"], points),
        f"satisfaction answer{_s(len(low))} of {_list(low)} out of 5",
        {"scores": low},
    )


def reviews_factor(stars: Sequence[int]) -> Factor | None:
    """``stars``: the ratings of the customer's reviews of the last 90 days."""
    bad = sorted(s for s in stars if 1 <= s <= 2)
    if not bad:
        return None
    points = min(WEIGHTS["reviews"], sum(25.0 if s == 1 else 18.0 for s in bad))
    return Factor(
        "reviews",
        points,
        f"{len(bad)} review{_s(len(bad))} of {_list(bad)} star{_s(max(bad))}",
        {"stars": bad},
    )


def hopping_factor(contacts: Sequence[tuple[datetime, str]]) -> Factor | None:
    """``contacts``: when each case was opened and on which channel, oldest first. The same
    customer opening cases on two channels within 48 hours is the same issue raised again."""
    for i, (at, channel) in enumerate(contacts):
        for later, other in contacts[i + 1 :]:
            if later - at > HOPPING_WINDOW:
                break
            if other != channel:
                gap = _duration(later - at)
                return Factor(
                    "channel_hopping",
                    float(WEIGHTS["channel_hopping"]),
                    f"wrote on {channel} and then on {other} within {gap}",
                    {"first": channel, "second": other, "minutes": int((later - at).total_seconds() // 60)},
                )
    return None


def repeat_factor(cases: Sequence[tuple[datetime, datetime | None]]) -> Factor | None:
    """``cases``: (opened, resolved) of the customer's cases, oldest first. A case opened within
    7 days of an earlier one being resolved: the answer did not settle it."""
    repeats = 0
    for i, (opened, _) in enumerate(cases):
        if any(r is not None and r <= opened <= r + REPEAT_WINDOW for _, r in cases[:i]):
            repeats += 1
    if not repeats:
        return None
    points = min(WEIGHTS["repeat_contact"], 5.0 + 5.0 * repeats)
    return Factor(
        "repeat_contact",
        points,
        f"came back {repeats} time{_s(repeats)} within 7 days of a case being resolved",
        {"count": repeats},
    )


def _duration(span: timedelta) -> str:
    minutes = int(span.total_seconds() // 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes:02d} min" if minutes else f"{hours} h"
    return f"{hours // 24} days"


def _s(n: int) -> str:
    return "" if n == 1 else "s"


def _list(values: Sequence[int]) -> str:
    words = [str(v) for v in values]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
