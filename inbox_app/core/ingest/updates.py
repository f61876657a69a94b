"""Changes to messages already stored: edits, redactions and flags a channel reports.

An update names its message by external id; one for a message never stored
waits in quarantine (its message may still come, or an admin looks at it).
"""

from __future__ import annotations

import logging
from typing import Any, cast

from sqlalchemy import CursorResult, select, update

from connectors.base import ItemUpdate
from inbox_app.core import audit
from inbox_app.core.clock import utcnow
from inbox_app.core.ingest.cases import first_line
from inbox_app.core.ingest.quarantine import already_quarantined, record_item
from inbox_app.core.ingest.state import BatchState
from inbox_app.core.service import clocks, events
from inbox_app.core.store.models import Case, Message
from inbox_app.core.vocab import CaseStatus

logger = logging.getLogger(__name__)

# A case the customer's lowered rating takes out of: closed, or put aside.
_SETTLED = (CaseStatus.RESOLVED, CaseStatus.PENDING, CaseStatus.SNOOZED)


class MessageUpdates:
    """Applies one update at a time; the batch's pending rows are written before it."""

    def __init__(self, state: BatchState) -> None:
        self.state = state

    def apply(self, item: ItemUpdate) -> None:
        if item.kind == "flags":
            self._set_flags(item)
            return
        st = self.state
        s, account_id = st.session, st.account.id
        row = s.execute(
            select(Message.id, Message.text, Message.meta, Message.case_id, Message.subject).where(
                Message.account_id == account_id,
                Message.external_id == item.target_external_id,
            )
        ).first()
        if row is None:
            logger.info("update for a message never stored (account %s); kept in quarantine", account_id)
            if not already_quarantined(s, account_id, item.external_id or item.target_external_id):
                record_item(s, account_id, item, f"{item.kind} of a message that is not in the store")
                st.result.fetched += 1
                st.result.quarantined += 1
            return
        meta = dict(row.meta or {})
        values: dict[str, Any] = {}
        if item.kind == "edit":
            if row.text == (item.text or "") and meta.get("edited") and meta == {**meta, **(item.meta or {})}:
                return
            audit.record(s, None, "message.edited", "message", row.id, previous=row.text)
            meta.update(item.meta or {})
            meta["edited"] = True
            meta["edited_at"] = (item.at or utcnow()).isoformat()
            values.update(text=item.text or "", meta=meta)
            if item.html is not None:
                values["html"] = item.html
        else:
            if meta.get("redacted"):
                return
            audit.record(
                s, None, "message.redacted", "message", row.id, previous=row.text, reason=item.reason
            )
            meta["redacted"] = True
            meta["redaction_reason"] = item.reason
            values.update(text="", html=None, meta=meta)
        s.execute(update(Message).where(Message.id == row.id).values(**values))
        if row.case_id and not row.subject:
            self._retitle_case(row.case_id, row.text, values["text"])
        if row.case_id and item.kind == "edit" and _fewer_stars(row.meta, item.meta):
            self._reopen_for_lower_rating(row.case_id, row.id)
        st.result.updated += 1
        st.result.changed_message_ids.append(row.id)
        if row.case_id:
            st.result.case_ids.add(row.case_id)

    def _reopen_for_lower_rating(self, case_id: int, message_id: int) -> None:
        """A reviewer who takes stars away after the case was closed or put aside has
        something to say: the case is open again. (Other edits, a typo mended in a chat,
        leave the case as it is.)"""
        s = self.state.session
        was = s.scalar(select(Case.status).where(Case.id == case_id, Case.status.in_(_SETTLED)))
        done = s.execute(
            update(Case)
            .where(Case.id == case_id, Case.status.in_(_SETTLED))
            .values(status=CaseStatus.OPEN, resolved_at=None, snoozed_until=None, version=Case.version + 1)
        )
        if cast(CursorResult[Any], done).rowcount:
            events.status_change(s, case_id, str(was), CaseStatus.OPEN, utcnow(), None)
            clocks.refresh(s, [case_id])
            audit.record(
                s, None, "case.reopened", "case", case_id, by_message=message_id, reason="rating_lowered"
            )

    def _retitle_case(self, case_id: int, old_text: str | None, new_text: str) -> None:
        """A case named after a chat message's first line follows that message's edit, and
        loses the name when the message is removed: the case list must not keep showing
        words the customer took back. A name an agent gave the case is left alone."""
        old = old_text or ""
        old_titles = {first_line(old)[:500], first_line(old, keep_mentions=True)[:500]} - {""}
        if not old_titles:
            return
        self.state.session.execute(
            update(Case)
            .where(Case.id == case_id, Case.subject.in_(old_titles))
            .values(subject=first_line(new_text)[:500] or None)
        )

    def _set_flags(self, item: ItemUpdate) -> None:
        """The message's flags as the channel now shows them (email: read, answered,
        flagged, deleted by another mail client), kept in its metadata. Nothing else
        about the message changes; a message we never stored (quarantined, our own
        mail to nobody) has nothing to update, and the same flags again are no change."""
        st = self.state
        row = st.session.execute(
            select(Message.id, Message.meta).where(
                Message.account_id == st.account.id,
                Message.external_id == item.target_external_id,
            )
        ).first()
        if row is None:
            return
        meta = dict(row.meta or {})
        flags = list(item.flags or ())
        if sorted(meta.get("flags") or ()) == sorted(flags):
            return
        if flags:
            meta["flags"] = flags
        else:
            meta.pop("flags", None)
        st.session.execute(update(Message).where(Message.id == row.id).values(meta=meta or None))
        st.result.updated += 1
        st.result.changed_message_ids.append(row.id)


def _fewer_stars(before: Any, after: Any) -> bool:
    old, new = (before or {}).get("stars"), (after or {}).get("stars")
    return isinstance(old, int) and isinstance(new, int) and new < old
