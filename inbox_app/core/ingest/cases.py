"""Case rules of ingest: a new thread opens a case; a customer reply reopens a
recently resolved case, or starts a new one when the old matter is long closed.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from connectors.base import InboundItem
from inbox_app.core.clock import aware, utcnow
from inbox_app.core.ingest.records import CaseRec, ThreadRec
from inbox_app.core.ingest.state import BatchState
from inbox_app.core.vocab import CaseStatus, Priority
from inbox_app.core.voice.csat_answers import CsatReader


class CaseRules:
    """When a message opens a case, reopens a resolved one, or wakes a pending one."""

    def __init__(self, state: BatchState) -> None:
        self.state = state
        self.csat = CsatReader(state.session)
        # Satisfaction answers that leave their case resolved (by external ID).
        self._kept: set[str] = set()

    def case_for(self, item: InboundItem, thread: ThreadRec) -> CaseRec | None:
        """The case a message files under, opened or woken by it when a customer wrote."""
        customer_reply = item.direction == "in" and not item.is_auto
        case = thread.case
        on_resolved = case is not None and case.status == CaseStatus.RESOLVED and customer_reply
        answer = self.csat.answer(item, case.id) if case is not None and on_resolved else None
        # A satisfied answer leaves the case resolved; so does a button of a question already
        # answered, pressed again: no new matter.
        if on_resolved and (
            (answer is not None and not self.csat.reopens(answer))
            or (answer is None and item.meta.get("button"))
        ):
            self._kept.add(item.external_id)
        elif case is not None and case.status == CaseStatus.RESOLVED and customer_reply:
            resolved_at = case.resolved_at or utcnow()
            window = timedelta(days=self.state.settings.reopen_window_days)
            at = aware(item.sent_at) or utcnow()
            if at - resolved_at <= window:
                case.set("status", CaseStatus.OPEN)
                case.set("resolved_at", None)
                why: dict[str, Any] = {"by_message": item.external_id}
                if answer is not None:
                    why["satisfaction"] = answer.score  # a low score reopens, with its comment
                self.state.audits.append(("case.reopened", case, why))
                # A reopened case is a new segment for the clocks and the reports.
                self.state.case_events.append(
                    (case, "status", at, {"from": CaseStatus.RESOLVED, "to": "open"})
                )
                self.state.case_events.append((case, "opened", at, {"reopen": True}))
            else:
                case = None  # too long ago: this is a new matter
        elif case is not None and customer_reply and case.status in _WAITING:
            at = aware(item.sent_at) or utcnow()
            self.state.case_events.append((case, "status", at, {"from": str(case.status), "to": "open"}))
            case.set("status", CaseStatus.OPEN)
            case.set("snoozed_until", None)
        if case is None and customer_reply:
            case = self._open_case(item, thread)
        return case

    def _open_case(self, item: InboundItem, thread: ThreadRec) -> CaseRec:
        st = self.state
        sent_at = aware(item.sent_at) or utcnow()
        values: dict[str, Any] = {
            "priority": Priority.NORMAL,
            "subject": (item.subject or first_line(item.text))[:500] or None,
            "tags": {},
            "opened_at": sent_at,
            "first_response_due": sent_at + timedelta(hours=st.settings.first_response_hours),
            "team_id": st.account.team_id,
        }
        case = CaseRec(
            None,
            insert=values,
            customer_id=thread.customer_id,
            status=CaseStatus.OPEN,
            last_message_at=sent_at,
        )
        st.new_cases.append(case)
        thread.case = case
        thread.changed.add("case_id")
        st.audits.append(("case.opened", case, {"thread_id": thread}))
        st.case_events.append((case, "opened", sent_at, None))
        return case

    def touch_case(self, case: CaseRec, item: InboundItem, sent_at: datetime) -> None:
        """What a message filed under a case changes in it: its last message, whether
        the customer is waiting, and when they were first answered."""
        self.state.touched_cases[id(case)] = case
        if sent_at > (case.last_message_at or sent_at):
            case.set("last_message_at", sent_at)
        if item.external_id in self._kept:
            return  # a satisfaction answer kept resolved: nobody is waiting for an agent
        if item.direction == "in" and not item.is_auto:
            if case.waiting_since is None:
                case.set("waiting_since", sent_at)
        elif item.direction == "out":
            case.set("waiting_since", None)
            if case.first_response_at is None:
                case.set("first_response_at", sent_at)


# A customer's reply wakes a case put aside until they answer, or until a time.
_WAITING = (CaseStatus.PENDING, CaseStatus.SNOOZED)

# "@unisono@mastodon.social @anna ..." -- the addressees a social post or a chat message
# starts with. A case named after them reads the same as every other case of that
# account in the list, so the name starts after them.
_LEADING_MENTIONS = re.compile(r"^(?:@[\w.\-]+(?:@[\w.\-]+)?[\s,:;]*)+")


def first_line(text: str, *, keep_mentions: bool = False) -> str:
    """A case's name made from a message: its first line with words in it, without
    the mentions it opens with (the message itself keeps them). ``keep_mentions``:
    the name cases were given before mentions were left out of it."""
    fallback = ""
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        fallback = fallback or line
        rest = line if keep_mentions else _LEADING_MENTIONS.sub("", line)
        if rest:
            return rest[:200]
    return fallback[:200]  # only mentions: they are the best name there is
