"""Tray warnings on a simulated clock: 75 % and breach, inside and outside working hours,
for the agent's own cases and their team's unassigned ones; exactly the right ones, once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from inbox_app.core.read.rows import CaseRow, SlaState
from inbox_app.core.service.hours import Calendar
from inbox_app.core.service.warnings import Notice, Warner

ROME = ZoneInfo("Europe/Rome")
OFFICE = Calendar("Ufficio", "Europe/Rome", {d: ((540, 780), (840, 1080)) for d in range(5)})


def rome(d: int, h: int, mi: int = 0) -> datetime:
    return datetime(2027, 3, d, h, mi, tzinfo=ROME).astimezone(UTC)


def case(
    case_id: int,
    due: datetime,
    warn: datetime,
    *,
    assignee: str | None,
    team: str | None = "Vendite",
    policy: str = "Email",
    target: str = "first_reply",
) -> CaseRow:
    dues = {"first_reply_due": None, "next_reply_due": None, "resolution_due": None, f"{target}_due": due}
    return CaseRow(
        id=case_id,
        customer_id=1,
        customer_name="Anna",
        status="open",
        priority="normal",
        assignee=assignee,
        team=team,
        subject=f"caso {case_id}",
        channels=("email",),
        opened_at=rome(1, 9),
        last_message_at=rome(1, 9),
        sla=SlaState(
            policy, dues["first_reply_due"], dues["next_reply_due"], dues["resolution_due"], (), False, warn
        ),
        due_at=due,
    )


def run(
    warner: Warner, rows: list[CaseRow], start: datetime, end: datetime
) -> list[tuple[datetime, int, str, str]]:
    """Every minute from start to end, as the tray's timer would: what it says, and when."""
    said = []
    now = start
    while now <= end:
        said += [(now, n.case_id, n.level, n.target) for n in warner.due(rows, now, "Sara", "Vendite")]
        now += timedelta(minutes=1)
    return said


def test_warnings_at_75_percent_and_breach_once_inside_working_hours() -> None:
    warner = Warner(lambda policy: OFFICE if policy == "Email" else None)
    rows = [
        # Sara's: due Monday 16:00, 75 % at 15:00.
        case(1, rome(1, 16), rome(1, 15), assignee="Sara"),
        # The team's, unassigned: due at 18:00 closing, 75 % at 17:00; breach after hours
        # is told at nine on Tuesday, once; its 75 % was told Monday.
        case(2, rome(1, 18), rome(1, 17), assignee=None, target="next_reply"),
        # A colleague's, and another team's unassigned one: not Sara's business.
        case(3, rome(1, 16), rome(1, 15), assignee="Luca"),
        case(4, rome(1, 16), rome(1, 15), assignee=None, team="Assistenza"),
        # Calendar-time chat policy: warned whenever it happens, even at night.
        case(5, rome(1, 23), rome(1, 22, 30), assignee="Sara", policy="Chat"),
    ]
    said = run(warner, rows, rome(1, 9), rome(2, 10))
    assert said == [
        (rome(1, 15), 1, "warning", "first_reply"),
        (rome(1, 16), 1, "breach", "first_reply"),
        (rome(1, 17), 2, "warning", "next_reply"),
        (rome(1, 22, 30), 5, "warning", "first_reply"),
        (rome(1, 23), 5, "breach", "first_reply"),
        (rome(2, 9), 2, "breach", "next_reply"),
    ]


def test_crossing_both_thresholds_while_closed_gives_only_the_breach() -> None:
    warner = Warner(lambda _policy: OFFICE)
    # 75 % Saturday, due Sunday: nothing over the weekend, one breach Monday at nine.
    rows = [case(7, rome(7, 12), rome(6, 12), assignee="Sara")]
    assert run(warner, rows, rome(5, 18, 30), rome(8, 12)) == [(rome(8, 9), 7, "breach", "first_reply")]
    # Nothing more, however often it is asked.
    assert warner.due(rows, rome(8, 13), "Sara", "Vendite") == []


def test_a_new_due_time_is_a_new_promise() -> None:
    warner = Warner(lambda _policy: None)
    first = case(1, rome(1, 16), rome(1, 15), assignee="Sara")
    assert [n.level for n in warner.due([first], rome(1, 15), "Sara", None)] == ["warning"]
    # Answered; the customer writes again: the next reply's clock warns on its own.
    again = case(1, rome(1, 18), rome(1, 17, 30), assignee="Sara", target="next_reply")
    assert warner.due([again], rome(1, 17, 29), "Sara", None) == []
    got = warner.due([again], rome(1, 17, 30), "Sara", None)
    assert got == [Notice(1, "warning", "next_reply", rome(1, 18), "caso 1", "Anna")]
