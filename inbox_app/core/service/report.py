"""Service-level reports computed from the case history alone (case_events), so that every
figure can be recomputed and each one names the cases behind it.

What a figure means (the same for ``inbox-app report``, the leads' dashboard and its CSV):

- A case's history is cut into **segments**: each ``opened`` event (the first one, or a reopen)
  starts one. A reopened case is a new segment for response times (as Front counts it), so
  a customer writing again weeks later is not one slow first reply.
- **cases_opened**: cases with an ``opened`` event in the period (each case once).
- **first reply**: per segment that has a customer message, from the segment's start to the
  first public reply after it (``outbound``); it counts in the period the reply was sent.
- **resolution**: per segment, from its start to the status change to resolved that ends it;
  it counts in the period it was resolved. **cases_resolved**: the cases behind those.
- **median and p90** are nearest-rank: the value at rank ceil(q * n) of the n sorted samples
  (so each is a real case's time, and the figure can be checked by hand).
- **sla_targets / sla_met**: a target reached in the period: ``sla_fulfilled`` (met) or
  ``sla_breached`` (not met). A target fulfilled after it was breached counts once, breached.
- **backlog_end**: cases not resolved at the end of the period (open, pending or snoozed),
  from the status events.
- **Groups**: by channel, the case's channel; by agent or team, who held the case when the
  figure happened (from the ``assigned``/``team`` events): a first reply goes to the agent
  who sent it, a backlog case to its holder at the period's end, an opened case to its
  holder when that segment ended (resolved, or the period's end).
- **Business time**: each case is measured on its own calendar (its SLA policy's; the
  caller decides, see report_store.py); a case without one, or every case when the report
  asks for calendar time, is measured in calendar time.
"""

from __future__ import annotations

import bisect
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

COLUMNS = (
    "group",
    "cases_opened",
    "cases_resolved",
    "first_reply_median_s",
    "first_reply_p90_s",
    "resolution_median_s",
    "resolution_p90_s",
    "sla_targets",
    "sla_met",
    "backlog_end",
)
GROUPINGS = ("agent", "team", "channel")
RESOLVED = "resolved"
NOBODY = "(unassigned)"
NO_TEAM = "(no team)"
ALL = "all"
_EVER = datetime.min.replace(tzinfo=UTC)


class Measure(Protocol):
    """What measures business time (core/service/hours.py's Calendar)."""

    def measure(self, start: datetime, end: datetime) -> timedelta: ...


@dataclass(frozen=True)
class CaseInfo:
    """What a report needs of a case besides its events: its channel, its holder and team now
    (the value before the first recorded change, when the history has none), its calendar."""

    channel: str
    agent_id: int | None = None
    team_id: int | None = None
    calendar: Measure | None = None


@dataclass(frozen=True)
class EventRow:
    case_id: int
    at: datetime
    kind: str
    actor_agent_id: int | None = None
    detail: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class Fact:
    """One thing that happened to one case, counted at ``at`` for its holder then."""

    case_id: int
    at: datetime
    agent: int | None
    team: int | None
    channel: str
    seconds: int | None = None  # a duration (first reply, resolution)
    met: bool | None = None  # an SLA target's outcome


@dataclass(frozen=True)
class Span:
    """A stretch when a case was not resolved: [start, stop); stop None = still not."""

    case_id: int
    start: datetime
    stop: datetime | None
    channel: str
    holders: tuple[tuple[datetime, int | None], ...]
    teams: tuple[tuple[datetime, int | None], ...]

    def open_at(self, t: datetime) -> bool:
        return self.start < t and (self.stop is None or self.stop >= t)

    def at(self, t: datetime, by: str) -> int | str | None:
        if by == "channel":
            return self.channel
        return _value_at(self.holders if by == "agent" else self.teams, t)


@dataclass
class Facts:
    opened: list[Fact] = field(default_factory=list)
    first_reply: list[Fact] = field(default_factory=list)
    resolution: list[Fact] = field(default_factory=list)
    sla: list[Fact] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)


@dataclass(frozen=True)
class Figure:
    """A number and the cases behind it (one id per sample: a case twice if it counts twice)."""

    value: int | None
    case_ids: tuple[int, ...] = ()

    @property
    def cases(self) -> list[int]:
        """The distinct cases behind the figure, for the drill-down."""
        return sorted(set(self.case_ids))


@dataclass(frozen=True)
class Row:
    group: str
    figures: Mapping[str, Figure]

    def to_json(self) -> dict[str, Any]:
        return {"group": self.group} | {k: self.figures[k].value for k in COLUMNS[1:]}


def nearest_rank(values: Sequence[int], q: float) -> int | None:
    """The q-quantile by nearest rank: the ceil(q * n)-th smallest value (None for none)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(1, math.ceil(q * len(ordered))) - 1]


def collect(cases: Mapping[int, CaseInfo], events: Iterable[EventRow], *, business: bool = True) -> Facts:
    """The facts of every case in ``cases`` from its events (any order; equal times keep the
    order given, an ``opened`` first)."""
    per_case: dict[int, list[tuple[int, EventRow]]] = defaultdict(list)
    for n, e in enumerate(events):
        if e.case_id in cases:
            per_case[e.case_id].append((n, e))
    out = Facts()
    for case_id, numbered in per_case.items():
        numbered.sort(key=lambda p: (p[1].at, p[1].kind != "opened", p[0]))
        _case_facts(case_id, cases[case_id], [e for _, e in numbered], business, out)
    return out


def _case_facts(case_id: int, info: CaseInfo, evs: list[EventRow], business: bool, out: Facts) -> None:
    holders = _timeline(evs, "assigned", info.agent_id)
    teams = _timeline(evs, "team", info.team_id)
    calendar = info.calendar if business else None

    def took(a: datetime, b: datetime) -> int:
        return round((calendar.measure(a, b) if calendar is not None else b - a).total_seconds())

    def fact(at: datetime, agent: int | None, seconds: int | None = None, met: bool | None = None) -> Fact:
        return Fact(case_id, at, agent, _value_at(teams, at), info.channel, seconds, met)

    seg: datetime | None = None  # the start of the current segment
    heard = replied = False
    unresolved_since: datetime | None = None
    opened_at: list[datetime] = []
    spans: list[Span] = []
    breached: set[str] = set()
    for e in evs:
        if e.kind == "opened":
            seg, heard, replied = e.at, False, False
            opened_at.append(e.at)
            if unresolved_since is None:
                unresolved_since = e.at
        elif e.kind == "inbound":
            heard = True
        elif e.kind == "outbound" and seg is not None and heard and not replied:
            replied = True
            agent = e.actor_agent_id if e.actor_agent_id is not None else _value_at(holders, e.at)
            out.first_reply.append(fact(e.at, agent, seconds=took(seg, e.at)))
        elif e.kind == "status":
            to = (e.detail or {}).get("to")
            if to == RESOLVED and unresolved_since is not None:
                if seg is not None:
                    out.resolution.append(fact(e.at, _value_at(holders, e.at), seconds=took(seg, e.at)))
                spans.append(Span(case_id, unresolved_since, e.at, info.channel, holders, teams))
                unresolved_since, seg = None, None
            elif to and to != RESOLVED and unresolved_since is None and opened_at:
                unresolved_since = e.at  # reopened (its "opened" event may follow)
        elif e.kind in ("sla_started", "sla_fulfilled", "sla_breached"):
            target = str((e.detail or {}).get("target", ""))
            if e.kind == "sla_started":
                breached.discard(target)
            elif e.kind == "sla_breached":
                breached.add(target)
                out.sla.append(fact(e.at, _value_at(holders, e.at), met=False))
            elif target in breached:
                breached.discard(target)  # late: counted when it was breached
            else:
                out.sla.append(fact(e.at, _value_at(holders, e.at), met=True))
    if unresolved_since is not None:
        spans.append(Span(case_id, unresolved_since, None, info.channel, holders, teams))
    out.spans.extend(spans)
    # An opened case counts for whoever held it when that segment ended: resolved, or
    # not yet (then its holder now), so a lead sees the cases opened for each agent.
    stops = [s.stop for s in spans if s.stop is not None]
    last = evs[-1].at
    for at in opened_at:
        i = bisect.bisect_left(stops, at)
        end = stops[i] if i < len(stops) else last
        out.opened.append(Fact(case_id, at, _value_at(holders, end), _value_at(teams, end), info.channel))


def _timeline(evs: list[EventRow], kind: str, now: int | None) -> tuple[tuple[datetime, int | None], ...]:
    """(since, value) pairs from the changes of ``kind``; before the first change the value
    it changed from, or, with no change recorded, the case's value now."""
    changes = [e for e in evs if e.kind == kind and e.detail is not None]
    if not changes:
        return ((_EVER, now),)
    out: list[tuple[datetime, int | None]] = [(_EVER, (changes[0].detail or {}).get("from"))]
    out.extend((e.at, (e.detail or {}).get("to")) for e in changes)
    return tuple(out)


def _value_at(timeline: Sequence[tuple[datetime, int | None]], t: datetime) -> int | None:
    """The value in force at ``t`` (a change at ``t`` itself is in force)."""
    value = timeline[0][1]
    for since, v in timeline:
        if since > t:
            break
        value = v
    return value


# -- figures ----------------------------------------------------------------------------------


def group_of(fact: Fact, by: str | None) -> int | str | None:
    if by == "agent":
        return fact.agent
    if by == "team":
        return fact.team
    if by == "channel":
        return fact.channel
    return ALL


def figures(
    facts: Facts, start: datetime, end: datetime, by: str | None
) -> dict[int | str | None, dict[str, Figure]]:
    """Every group's figures for the period [start, end), with the cases behind each."""
    ids: dict[int | str | None, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    secs: dict[int | str | None, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))

    def inside(f: Fact) -> bool:
        return start <= f.at < end

    for f in facts.opened:
        if inside(f):
            ids[group_of(f, by)]["cases_opened"].append(f.case_id)
    for name, found in (("first_reply", facts.first_reply), ("resolution", facts.resolution)):
        for f in found:
            if inside(f):
                g = group_of(f, by)
                ids[g][name].append(f.case_id)
                secs[g][name].append(f.seconds or 0)
    for f in facts.sla:
        if inside(f):
            g = group_of(f, by)
            ids[g]["sla_targets"].append(f.case_id)
            ids[g]["sla_met" if f.met else "sla_breached"].append(f.case_id)
    for span in facts.spans:
        if span.open_at(end):
            ids[span.at(end, by) if by else ALL]["backlog_end"].append(span.case_id)
    out: dict[int | str | None, dict[str, Figure]] = {}
    for g, got in ids.items():
        opened = sorted(set(got["cases_opened"]))
        resolved = got["resolution"]
        out[g] = {
            "cases_opened": Figure(len(opened), tuple(opened)),
            "cases_resolved": Figure(len(set(resolved)), tuple(sorted(set(resolved)))),
            "sla_targets": Figure(len(got["sla_targets"]), tuple(got["sla_targets"])),
            "sla_met": Figure(len(got["sla_met"]), tuple(got["sla_met"])),
            "sla_breached": Figure(len(got["sla_breached"]), tuple(got["sla_breached"])),
            "backlog_end": Figure(len(got["backlog_end"]), tuple(sorted(got["backlog_end"]))),
        }
        for name in ("first_reply", "resolution"):
            behind, values = tuple(got[name]), secs[g][name]
            out[g][f"{name}_median_s"] = Figure(nearest_rank(values, 0.5), behind)
            out[g][f"{name}_p90_s"] = Figure(nearest_rank(values, 0.9), behind)
    return out


def rows(
    facts: Facts,
    start: datetime,
    end: datetime,
    by: str | None = None,
    names: Mapping[int, str] | None = None,
) -> list[Row]:
    """One row per group (sorted by name; nobody / no team last), ``by`` None: one row, "all"."""
    if by is not None and by not in GROUPINGS:
        raise ValueError(f"a report is grouped by {', '.join(GROUPINGS)}, not {by!r}")
    names = names or {}
    blank = NOBODY if by == "agent" else NO_TEAM
    out = []
    for g, figs in figures(facts, start, end, by).items():
        if g is None:
            label = blank
        else:
            label = names.get(g, f"#{g}") if isinstance(g, int) and by != "channel" else str(g)
        out.append(Row(label, figs))
    out.sort(key=lambda r: (r.group in (NOBODY, NO_TEAM), r.group.lower()))
    return out
