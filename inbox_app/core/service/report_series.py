"""The report's figures day by day, for the leads' dashboard: the same facts and the same
:func:`report.figures` as ``inbox-app report``, cut at local midnights, so a day's point on a
chart is the report of that day."""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from inbox_app.core.service.report import ALL, Facts, Figure, Row, figures, rows


def day_bounds(first: date, last: date, tz: tzinfo) -> list[datetime]:
    """The local midnights from ``first`` to the day after ``last``: n days, n + 1 bounds (a
    day with a clock change is 23 or 25 hours long)."""
    if last < first:
        raise ValueError(f"the period ends ({last}) before it starts ({first})")
    # In UTC: Python subtracts and compares two times of one zone by their wall clocks.
    return [
        datetime.combine(first + timedelta(days=n), time(), tzinfo=tz).astimezone(UTC)
        for n in range((last - first).days + 2)
    ]


@dataclass(frozen=True)
class Day:
    day: date
    figures: dict[int | str | None, dict[str, Figure]]  # group -> name -> figure


def split(facts: Facts, bounds: Sequence[datetime]) -> list[Facts]:
    """The facts of each day [bounds[i], bounds[i + 1]); a span goes to every day whose end
    finds it not resolved."""
    days = [Facts() for _ in bounds[:-1]]

    def put(found: list, name: str) -> None:  # type: ignore[type-arg]
        for f in found:
            i = bisect.bisect_right(bounds, f.at) - 1
            if 0 <= i < len(days):
                getattr(days[i], name).append(f)

    put(facts.opened, "opened")
    put(facts.first_reply, "first_reply")
    put(facts.resolution, "resolution")
    put(facts.sla, "sla")
    ends = bounds[1:]
    for span in facts.spans:
        i = bisect.bisect_right(ends, span.start)  # the first day ending after it started
        while i < len(ends) and (span.stop is None or span.stop >= ends[i]):
            days[i].spans.append(span)
            i += 1
    return days


def series(facts: Facts, bounds: Sequence[datetime], by: str | None, tz: tzinfo = UTC) -> list[Day]:
    """Each day's figures per group (``by`` None: one group, "all")."""
    return [
        Day(
            (bounds[i] + (bounds[i + 1] - bounds[i]) / 2).astimezone(tz).date(),
            figures(part, bounds[i], bounds[i + 1], by),
        )
        for i, part in enumerate(split(facts, bounds))
    ]


# -- the leads' dashboard -----------------------------------------------------------------------

TIMES = ("first_reply_median_s", "first_reply_p90_s", "resolution_median_s", "resolution_p90_s")


@dataclass(frozen=True)
class Board:
    """Every number the dashboard draws, each with the cases behind it."""

    days: list[date]
    volume: dict[str, list[Figure]]  # channel -> cases opened, per day
    times: dict[str, list[Figure]]  # first_reply_median_s ... -> per day
    backlog: list[Figure]  # cases not resolved at the end of each day
    sla: dict[str, list[Row]]  # agent | team | channel -> one row per group (whole period)

    def csv_rows(self) -> list[list[str]]:
        """The same numbers as a table: figure, day, group, value, cases (distinct, behind it)."""
        out = [["figure", "day", "group", "value", "cases"]]

        def put(figure: str, day: str, group: str, f: Figure, value: object = None) -> None:
            shown = f.value if value is None else value
            out.append([figure, day, group, "" if shown is None else str(shown), str(len(f.cases))])

        for channel, figs in self.volume.items():
            for d, f in zip(self.days, figs, strict=True):
                put("cases_opened", d.isoformat(), channel, f)
        for name, figs in self.times.items():
            for d, f in zip(self.days, figs, strict=True):
                put(name, d.isoformat(), ALL, f)
        for d, f in zip(self.days, self.backlog, strict=True):
            put("backlog_end", d.isoformat(), ALL, f)
        period = f"{self.days[0].isoformat()}/{self.days[-1].isoformat()}" if self.days else ""
        for by, found in self.sla.items():
            for r in found:
                label = f"{by}:{r.group}"
                for name in ("sla_targets", "sla_met", "sla_breached"):
                    put(name, period, label, r.figures[name])
                put("sla_met_pct", period, label, r.figures["sla_targets"], met_pct(r))
        return out


def met_pct(r: Row) -> float | None:
    """% of SLA targets met, one decimal; None when the group reached no target."""
    targets, met = r.figures["sla_targets"].value or 0, r.figures["sla_met"].value or 0
    return round(100 * met / targets, 1) if targets else None


def board(
    facts: Facts, bounds: Sequence[datetime], tz: tzinfo, agents: Mapping[int, str], teams: Mapping[int, str]
) -> Board:
    by_channel = series(facts, bounds, "channel", tz)
    overall = series(facts, bounds, None, tz)
    channels = sorted({str(g) for d in by_channel for g, f in d.figures.items() if f["cases_opened"].value})
    empty = Figure(0)
    volume = {
        c: [d.figures[c]["cases_opened"] if c in d.figures else empty for d in by_channel] for c in channels
    }
    none = Figure(None)
    times = {n: [d.figures[ALL][n] if ALL in d.figures else none for d in overall] for n in TIMES}
    backlog = [d.figures[ALL]["backlog_end"] if ALL in d.figures else empty for d in overall]
    start, end = bounds[0], bounds[-1]
    sla = {
        "agent": rows(facts, start, end, "agent", agents),
        "team": rows(facts, start, end, "team", teams),
        "channel": rows(facts, start, end, "channel"),
    }
    sla = {by: [r for r in found if r.figures["sla_targets"].value] for by, found in sla.items()}
    return Board([d.day for d in overall], volume, times, backlog, sla)
