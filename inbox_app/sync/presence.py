"""Team mode: who has which case open on another desktop, and who is typing a reply there.

Presence is never stored: each desktop says where it is with a PostgreSQL NOTIFY on a
channel of its own (``CHANNEL``), again every ``HEARTBEAT`` seconds while it has a case
open, and once more ("left") when it closes it. The others keep what they heard in memory
(``PresenceTracker``) and forget a desktop they have not heard for ``EXPIRY`` seconds: one
that crashed or lost its network says nothing more, so it fades from their screens.

This module is pure bookkeeping, with the time passed in: ``presence_link.py`` runs it
on the asyncio loop and talks to the database.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum

CHANNEL = "inbox_app_presence"
HEARTBEAT = 10.0
# Forgotten after two missed heartbeats and a half: a crashed desktop leaves others'
# screens 25 s after it last spoke, which keeps "within 30 s" with room for a busy loop.
EXPIRY = 25.0
TYPING_IDLE = 5.0  # no keystroke for this long: no longer "replying"
NOTIFY_LIMIT = 8000  # bytes PostgreSQL takes in one NOTIFY payload
NAME_LIMIT = 200  # characters of an agent's name carried in an announcement


class Activity(StrEnum):
    VIEWING = "viewing"
    REPLYING = "replying"
    LEFT = "left"


@dataclass(frozen=True)
class Announcement:
    """What one desktop says about itself, as it travels."""

    origin: str  # the desktop (one per process), so it can ignore itself
    agent: str  # its agent's name; "" for a desktop without one
    agent_id: int | None
    case_id: int | None
    activity: Activity

    def encode(self) -> str:
        payload = json.dumps(
            {
                "o": self.origin,
                "a": self.agent[:NAME_LIMIT],
                "i": self.agent_id,
                "c": self.case_id,
                "s": self.activity.value,
            },
            separators=(",", ":"),
            ensure_ascii=False,
        )
        # 200 characters of up to 4 bytes and a few numbers: always far below the limit.
        assert len(payload.encode("utf-8")) < NOTIFY_LIMIT
        return payload

    @classmethod
    def decode(cls, payload: str) -> Announcement | None:
        """The announcement in ``payload``, or None for anything unreadable."""
        try:
            data = json.loads(payload)
            case_id = data["c"]
            agent_id = data.get("i")
            announcement = cls(
                origin=str(data["o"]),
                agent=str(data.get("a") or "")[:NAME_LIMIT],
                agent_id=agent_id if isinstance(agent_id, int) else None,
                case_id=case_id if isinstance(case_id, int) else None,
                activity=Activity(data["s"]),
            )
        except (ValueError, KeyError, TypeError):
            return None
        if announcement.case_id is None and announcement.activity != Activity.LEFT:
            return None
        return announcement


@dataclass(frozen=True)
class Colleague:
    """One other desktop on one case, as this desktop shows it."""

    origin: str
    agent: str
    agent_id: int | None
    case_id: int
    replying: bool


class PresenceTracker:
    """What this desktop has heard from the others, each forgotten ``expiry`` s after it last spoke."""

    def __init__(self, own_origin: str, expiry: float = EXPIRY) -> None:
        self.own_origin = own_origin
        self.expiry = expiry
        self._seen: dict[str, tuple[Colleague, float]] = {}  # origin -> (where, forgotten at)

    def heard(self, announcement: Announcement, now: float) -> set[int]:
        """Take in one announcement; returns the cases whose colleagues changed."""
        if announcement.origin == self.own_origin:
            return set()  # a desktop never shows itself
        before = self._seen.pop(announcement.origin, None)
        changed = set() if before is None else {before[0].case_id}
        if announcement.activity == Activity.LEFT or announcement.case_id is None:
            return changed
        colleague = Colleague(
            origin=announcement.origin,
            agent=announcement.agent,
            agent_id=announcement.agent_id,
            case_id=announcement.case_id,
            replying=announcement.activity == Activity.REPLYING,
        )
        self._seen[announcement.origin] = (colleague, now + self.expiry)
        if before is not None and before[0] == colleague:
            return set()  # a heartbeat: nothing to repaint
        return changed | {colleague.case_id}

    def expire(self, now: float) -> set[int]:
        """Forget desktops not heard from in time; returns the cases they were on."""
        gone = [origin for origin, (_c, until) in self._seen.items() if until <= now]
        return {self._seen.pop(origin)[0].case_id for origin in gone}

    def next_expiry(self) -> float | None:
        """When the next desktop is due to be forgotten (None: nobody is here)."""
        return min((until for _c, until in self._seen.values()), default=None)

    def forget_all(self) -> set[int]:
        cases = {colleague.case_id for colleague, _until in self._seen.values()}
        self._seen.clear()
        return cases

    def on_case(self, case_id: int) -> tuple[Colleague, ...]:
        """The colleagues on ``case_id``: those replying first, then by name."""
        here = [c for c, _until in self._seen.values() if c.case_id == case_id]
        return tuple(sorted(here, key=lambda c: (not c.replying, c.agent.casefold(), c.origin)))

    def by_case(self) -> dict[int, tuple[Colleague, ...]]:
        return {case_id: self.on_case(case_id) for case_id in {c.case_id for c, _ in self._seen.values()}}


class PresenceAnnouncer:
    """What this desktop says about itself, and when: at once on a change, then every heartbeat.

    ``typed()`` on every keystroke; the first makes the desktop "replying", and
    ``TYPING_IDLE`` seconds without one make it "viewing" again.
    """

    def __init__(
        self,
        origin: str,
        agent: str,
        agent_id: int | None,
        *,
        heartbeat: float = HEARTBEAT,
        typing_idle: float = TYPING_IDLE,
    ) -> None:
        self.origin, self.agent, self.agent_id = origin, agent, agent_id
        self.heartbeat, self.typing_idle = heartbeat, typing_idle
        self.case_id: int | None = None
        self.replying = False
        self._typed_at = 0.0
        self._sent_at: float | None = None  # when the last announcement went out
        self._announced: int | None = None  # the case the others last heard of
        self._dirty = False

    def view(self, case_id: int | None) -> None:
        if case_id != self.case_id:
            self.case_id, self.replying = case_id, False
            self._dirty = True

    def typed(self, now: float) -> None:
        self._typed_at = now
        if self.case_id is not None and not self.replying:
            self.replying = True
            self._dirty = True

    def stopped_typing(self) -> None:
        if self.replying:
            self.replying = False
            self._dirty = True

    def again(self) -> None:
        """Say it again at the next chance (others may have missed it)."""
        if self.case_id is not None:
            self._dirty = True

    def due(self, now: float) -> Announcement | None:
        """What to send now, if anything; counts it as sent."""
        if self.replying and now - self._typed_at >= self.typing_idle:
            self.replying = False
            self._dirty = True
        if self.case_id is None:
            if not self._dirty or self._announced is None:
                self._dirty = False
                return None  # nothing open and nothing said: silence costs nothing
            activity = Activity.LEFT
        elif self._dirty or self._sent_at is None or now - self._sent_at >= self.heartbeat:
            activity = Activity.REPLYING if self.replying else Activity.VIEWING
        else:
            return None
        self._dirty = False
        self._sent_at = now
        self._announced = self.case_id
        return Announcement(self.origin, self.agent, self.agent_id, self.case_id, activity)

    def leaving(self) -> Announcement | None:
        """The last word of a desktop that closes: "left", if it had said anything."""
        if self._announced is None:
            return None
        self.case_id, self.replying, self._dirty = None, False, False
        self._announced = None
        return Announcement(self.origin, self.agent, self.agent_id, None, Activity.LEFT)

    def next_due(self, now: float) -> float | None:
        """Seconds until ``due`` has something to say (None: nothing until the next change)."""
        if self._dirty:
            return 0.0
        if self.case_id is None:
            return None
        wait = self.heartbeat - (now - self._sent_at) if self._sent_at is not None else 0.0
        if self.replying:
            wait = min(wait, self.typing_idle - (now - self._typed_at))
        return max(0.0, wait)
