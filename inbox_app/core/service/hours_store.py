"""Business-hours calendars in the store: admins add and change them, everyone reads them.

The SLA clocks ask :meth:`HoursService.calendar` for a :class:`inbox_app.core.service.hours.Calendar`
by name; the CLI (and later the settings window) add, list and remove them here. Every
change is audited. On PostgreSQL only the admins' group may write the table
(core/team/rights.py); on SQLite the acting agent's role is checked here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from inbox_app.core import audit, claims
from inbox_app.core.service.hours import (
    DAY_NAMES,
    Calendar,
    HoursError,
    day_text,
    holiday_source,
    parse_date,
    parse_day,
    zone,
)
from inbox_app.core.store.models import Agent, SlaPolicy
from inbox_app.core.store.models import Calendar as CalendarRow
from inbox_app.core.team.refusals import NotPermitted
from inbox_app.core.vocab import Role


class HoursService:
    def __init__(self, factory: sessionmaker[Session]) -> None:
        self._factory = factory

    def add(
        self,
        name: str,
        timezone: str,
        days: Sequence[str],
        region: str | None = None,
        *,
        actor: str | None = None,
    ) -> dict[str, Any]:
        """A new calendar from ``mon=09:00-13:00,14:00-18:00`` lines; refused in words when a
        zone, interval or region is wrong or the name is taken."""
        name = " ".join(name.split())
        if not name:
            raise HoursError("a calendar needs a name")
        zone(timezone)
        week: dict[str, str] = {}
        for text in days:
            weekday, spans = parse_day(text)
            if DAY_NAMES[weekday] in week:
                raise HoursError(f"{DAY_NAMES[weekday]} is given twice")
            week[DAY_NAMES[weekday]] = day_text(spans)
        if not any(week.values()):
            raise HoursError("say the working hours of at least one day, e.g. --day mon=09:00-18:00")
        region = region.strip().upper() if region else None
        holiday_source(region)
        with self._factory() as s, s.begin():
            _admin_only(s, actor)
            if _find(s, name) is not None:
                raise HoursError(f"a calendar named {name!r} exists already")
            stored = {d: [span for span in text.split(",") if span] for d, text in week.items()}
            row = CalendarRow(
                name=name, timezone=timezone, days=stored, holidays_region=region, extra_holidays=[]
            )
            s.add(row)
            s.flush()
            audit.record(
                s,
                actor,
                "calendar.added",
                "calendar",
                row.id,
                name=name,
                timezone=timezone,
                days=stored,
                holidays=region,
            )
            return _json(row)

    def add_holiday(self, name: str, day: str | date, *, actor: str | None = None) -> dict[str, Any]:
        """An admin closes the calendar on one more date."""
        when = day if isinstance(day, date) else parse_date(day)
        with self._factory() as s, s.begin():
            _admin_only(s, actor)
            row = _get(s, name)
            dates = sorted(set(row.extra_holidays) | {when.isoformat()})
            row.extra_holidays = dates
            audit.record(s, actor, "calendar.holiday_added", "calendar", row.id, date=when.isoformat())
            s.flush()
            _recompute(s)
            return _json(row)

    def remove(self, name: str, *, actor: str | None = None) -> None:
        with self._factory() as s, s.begin():
            _admin_only(s, actor)
            row = _get(s, name)
            used = s.scalars(select(SlaPolicy.name).where(SlaPolicy.calendar_id == row.id)).all()
            if used:
                raise HoursError(
                    f"calendar {row.name!r} is used by SLA policy {', '.join(used)}; remove or change that first"
                )
            audit.record(s, actor, "calendar.removed", "calendar", row.id, name=row.name)
            s.execute(delete(CalendarRow).where(CalendarRow.id == row.id))

    def list(self) -> list[dict[str, Any]]:
        """Every calendar as {name, timezone, days, holidays: {region, dates}}, by name."""
        with self._factory() as s:
            return [_json(r) for r in s.scalars(select(CalendarRow).order_by(CalendarRow.name))]

    def calendar(self, name: str) -> Calendar:
        """The engine for the calendar called ``name`` (what SLA clocks count with)."""
        with self._factory() as s:
            return engine_of(_get(s, name))


_ENGINES: dict[str, Calendar] = {}


def engine_of(row: CalendarRow) -> Calendar:
    """The engine for a stored calendar; the same one while the calendar is unchanged, so
    its per-day cache of working intervals serves every clock that counts with it."""
    key = repr((row.id, row.name, row.timezone, row.days, row.holidays_region, row.extra_holidays))
    got = _ENGINES.get(key)
    if got is None:
        days = {DAY_NAMES.index(d): parse_day(f"{d}={','.join(spans)}")[1] for d, spans in row.days.items()}
        extra = frozenset(date.fromisoformat(d) for d in row.extra_holidays)
        # Never dropped (a calendar edit adds one): the SLA engine's cache of due times
        # knows an engine by its identity, which must not be reused.
        got = _ENGINES[key] = Calendar(row.name, row.timezone, days, row.holidays_region, extra)
    return got


def _recompute(s: Session) -> None:
    """A calendar changed: the SLA targets not yet reached count with it from now on."""
    from inbox_app.core.service import clocks  # the clocks count with this module's engines

    clocks.refresh(s, clocks.cases_of_policies(s))


def _admin_only(s: Session, actor: str | None) -> None:
    me = claims.actor_of(s, actor)
    if me is not None and s.scalar(select(Agent.role).where(Agent.id == me.id)) != Role.ADMIN:
        raise NotPermitted("only admins change business hours")


def _find(s: Session, name: str) -> CalendarRow | None:
    key = " ".join(name.split()).lower()
    return s.scalar(select(CalendarRow).where(func.lower(CalendarRow.name) == key))


def _get(s: Session, name: str) -> CalendarRow:
    row = _find(s, name)
    if row is None:
        raise HoursError(f"no calendar named {name!r} (see 'inbox-app hours list')")
    return row


def _json(row: CalendarRow) -> dict[str, Any]:
    days = {d: list(row.days[d]) for d in DAY_NAMES if row.days.get(d)}
    holidays = {"region": row.holidays_region, "dates": list(row.extra_holidays)}
    return {"name": row.name, "timezone": row.timezone, "days": days, "holidays": holidays}
