"""A team's satisfaction settings: on or off, the delay after resolving, the period between two
questions to one customer. Admins change them; every change is audited."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from inbox_app.core import audit, claims
from inbox_app.core.events import AgentsChanged, EventBus
from inbox_app.core.store.models import Agent, Team
from inbox_app.core.team.refusals import NotPermitted
from inbox_app.core.vocab import Role

_UNITS = {"s": 1, "m": 60, "min": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_DURATION = re.compile(r"^\s*(\d+)\s*(s|m|min|h|d|w)\s*$", re.IGNORECASE)
#: The longest either setting may be: a year.
MOST = 366 * 86400


class CsatSettingsError(Exception):
    """A setting was refused; the message says why."""


def parse_duration(value: str) -> int:
    """Seconds in "0s", "90m", "1h", "2d", "30d", "4w"."""
    found = _DURATION.match(value)
    if found is None:
        raise CsatSettingsError(f"not a duration: {value!r} (write a number and s, m, h, d or w: 1h, 30d)")
    seconds = int(found.group(1)) * _UNITS[found.group(2).lower()]
    if seconds > MOST:
        raise CsatSettingsError(f"{value} is longer than a year")
    return seconds


def duration_words(seconds: int) -> str:
    """The shortest exact way to write ``seconds`` back: 3600 -> "1h", 2592000 -> "30d"."""
    for unit, size in (("w", 7 * 86400), ("d", 86400), ("h", 3600), ("m", 60)):
        if seconds and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


class CsatSettings:
    def __init__(self, factory: sessionmaker[Session], bus: EventBus | None = None) -> None:
        self._factory = factory
        self._bus = bus or EventBus()

    def set_team(
        self,
        team: str,
        *,
        enabled: bool | None = None,
        delay: int | None = None,
        every: int | None = None,
        actor: str | None = None,
    ) -> dict[str, Any]:
        """An admin turns a team's satisfaction question on or off and sets its delay and
        period (seconds; None leaves a setting as it is)."""
        for name, value in (("delay", delay), ("every", every)):
            if value is not None and not 0 <= value <= MOST:
                raise CsatSettingsError(f"the {name} must be between 0 seconds and a year")
        if every is not None and every < 1:
            raise CsatSettingsError("the period between two questions must be at least 1 second")
        with self._factory() as s, s.begin():
            row = s.scalar(select(Team).where(func.lower(Team.name) == " ".join(team.split()).lower()))
            if row is None:
                raise CsatSettingsError(f"no team named {team!r} (see 'inbox-app teams list')")
            me = claims.actor_of(s, actor)
            if me is not None and s.scalar(select(Agent.role).where(Agent.id == me.id)) != Role.ADMIN:
                raise NotPermitted("only admins set a team's satisfaction questions")
            before = {"csat": row.csat_enabled, "csat_delay": row.csat_delay, "csat_every": row.csat_every}
            if enabled is not None:
                row.csat_enabled = enabled
            if delay is not None:
                row.csat_delay = delay
            if every is not None:
                row.csat_every = every
            after = {
                "csat": bool(row.csat_enabled),
                "csat_delay": int(row.csat_delay),
                "csat_every": int(row.csat_every),
            }
            audit.record(s, actor, "team.csat", "team", row.id, **after, before=before)
            team_id = int(row.id)
            out = {"id": team_id, "name": row.name, **after}
        self._bus.publish(AgentsChanged((), (team_id,)))
        return out
