"""Team mode: what each group may do with every table, the policy that db_roles enforces.

:data:`RIGHTS` names every table of the models and, for each of the four groups (agent,
lead, admin, worker), what it may read, add, change and remove; the column lists say which
columns the agents' work and the sync worker really change, read from the services that
change them. Kept apart from the operations in :mod:`inbox_app.core.team.roles` so that the
decision can be read, reviewed and changed in one place, without the SQL that applies it:
a table added to the models needs a line here, and setup refuses to run without one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from inbox_app.core.store.models import Base
from inbox_app.core.vocab import Role

#: The group of the headless sync worker's login: no agent's role.
WORKER = "worker"
GROUPS: tuple[str, ...] = (*Role, WORKER)
#: The group of each agent role: the one of the same name.
ROLE_GROUP: dict[str, str] = {role: role for role in Role}


@dataclass(frozen=True)
class Rights:
    """What one group may do with one table. ``read``, ``change``: True for every column, or some."""

    read: bool | tuple[str, ...] = False
    add: bool = False
    change: bool | tuple[str, ...] = False
    remove: bool = False

    def privileges(self, quote: Callable[[str], str]) -> list[str]:
        out = []
        if self.read is True:
            out.append("SELECT")
        elif self.read:
            out.append("SELECT (" + ", ".join(quote(c) for c in self.read) + ")")
        if self.add:
            out.append("INSERT")
        if self.change is True:
            out.append("UPDATE")
        elif self.change:
            out.append("UPDATE (" + ", ".join(quote(c) for c in self.change) + ")")
        if self.remove:
            out.append("DELETE")
        return out


NONE = Rights()
READ = Rights(read=True)
# Adding a row and learning its id (INSERT ... RETURNING id, as the ORM writes it).
APPEND = Rights(read=("id",), add=True)
ALL = Rights(read=True, add=True, change=True, remove=True)

# The service-level due times every change of a case keeps current (core/service/sla.py).
_SLA = (
    "sla_policy_id",
    "first_reply_due",
    "next_reply_due",
    "resolution_due",
    "due_at",
    "sla_warn_at",
    "sla_breached",
    "sla_paused",
)
# What agents (and leads) change while working a conversation; read from the services:
# cases.py (assign, team, status, priority, tags, undo), customers_store.py (merge),
# outbox.py and calls.py (last_message_at).
_CASE_WORK = (
    "status",
    "priority",
    "assignee_id",
    "team_id",
    "tags",
    "snoozed_until",
    "resolved_at",
    "customer_id",
    "last_message_at",
    "version",
    *_SLA,
)
# Ingest (ingest_records.CaseRec.FIELDS), sending (outbox_dispatch), waking snoozed cases and
# automatic assignment (core/assign.py: a free case's assignee, counted as a change: version).
_CASE_SYNC = (
    "assignee_id",
    "version",
    "customer_id",
    "status",
    "resolved_at",
    "snoozed_until",
    "last_message_at",
    "waiting_since",
    "first_response_at",
    *_SLA,
)
# Merging moves messages, moving a thread moves them between cases, Retry queues again.
_MESSAGE_WORK = ("customer_id", "case_id", "delivery", "next_attempt_at", "attempts")
# A lead's decision on a held reply: the edited text (as plain text), the rejection's reason,
# the decision's mark for the author's card.
_APPROVAL_DECISION = ("text", "html", "error", "meta")
# Sending (claim, sent, retry, failed), echoes and bounces, edits and redactions, merges.
_MESSAGE_SYNC = (
    "customer_id",
    "external_id",
    "delivery",
    "error",
    "text",
    "html",
    "meta",
    "attempts",
    "next_attempt_at",
)
# Reading a satisfaction answer (core/voice/csat_answers.py); erasing a customer blanks comments.
_CSAT_ANSWER = ("answered_at", "score", "comment", "answer_message_id")
# The sync status and cursor of an account; its name, kind and settings are the admin's.
SYNC_STATUS = ("status", "last_error", "last_sync_at", "cursor", "progress_done", "progress_total")


def _work(agent: Rights, worker: Rights) -> dict[str, Rights]:
    return {Role.AGENT: agent, Role.LEAD: agent, Role.ADMIN: ALL, WORKER: worker}


#: Every table of the models and what each group may do with it. A table added to the
#: models needs a line here: setup refuses to run without one (and a test says so).
RIGHTS: dict[str, dict[str, Rights]] = {
    # Configuration is the admin's; the others read it.
    "channel_accounts": _work(READ, Rights(read=True, change=SYNC_STATUS)),
    # Agents say whether they are available (their own only: a row rule), leads anyone's;
    # the worker's assignment passes note when each agent last got a case (core/assign.py).
    "agents": _work(
        Rights(read=True, change=("available",)), Rights(read=True, change=("last_assigned_at",))
    ),
    "teams": _work(READ, READ),
    "store_settings": _work(READ, READ),
    # Business-hours calendars: admins change them (core/hours_store.py); SLA clocks read them.
    "calendars": _work(READ, READ),
    # SLA policies: admins change them (core/service/sla_store.py); the clocks read them.
    "sla_policies": _work(READ, READ),
    # The case history is append-only (a trigger refuses changes, migration 0010): everyone
    # who changes a case or files a message adds to it, and reads it for clocks and reports.
    "case_events": _work(Rights(read=True, add=True), Rights(read=True, add=True)),
    # The at-risk score is recomputed by whoever changes what it is made of: the worker's
    # ingest, an agent's case change; an agent's "not at risk" mutes it (core/voice/risk_store.py).
    # A customer merged away or erased loses their rows (remove).
    "customer_risk": _work(
        Rights(read=True, add=True, change=True, remove=True),
        Rights(read=True, add=True, change=True, remove=True),
    ),
    "customer_risk_days": _work(
        Rights(read=True, add=True, change=True, remove=True),
        Rights(read=True, add=True, change=True, remove=True),
    ),
    "templates": {Role.AGENT: READ, Role.LEAD: ALL, Role.ADMIN: ALL, WORKER: NONE},
    # The trail is append-only: only admins change it (erasing a customer's words).
    # Agents also read who did what to which object when (not the details): a case refused
    # to them says since when its holder has it (core/claims.py), a change based on an old
    # version who changed the case meanwhile (core/versions.py).
    "audit_events": {
        Role.AGENT: Rights(read=("id", "at", "actor", "action", "object_type", "object_id"), add=True),
        Role.LEAD: Rights(read=True, add=True),
        Role.ADMIN: ALL,
        # Ingest counts the cases its customers reopened for their at-risk score
        # (core/voice/risk_inputs.py): who-what-when, never the details.
        WORKER: Rights(read=("id", "at", "action", "object_type", "object_id"), add=True),
    },
    "quarantine": {Role.AGENT: NONE, Role.LEAD: NONE, Role.ADMIN: ALL, WORKER: Rights(read=True, add=True)},
    # Conversations: agents work them, the worker stores what arrives and sends replies.
    "customers": _work(
        Rights(read=True, change=("name", "name_key", "notes", "details", "merged_into_id")),
        Rights(read=True, add=True, change=("merged_into_id",)),
    ),
    "identities": _work(
        Rights(read=True, add=True, change=("customer_id",)),
        Rights(read=True, add=True, change=("customer_id",)),
    ),
    "customer_merges": _work(Rights(read=True, add=True, change=("undone_at",)), Rights(read=True, add=True)),
    # Pairs told apart (a declined "maybe the same person", an undone merge): agents say it.
    "customer_distinctions": _work(Rights(read=True, add=True), READ),
    "cases": _work(Rights(read=True, change=_CASE_WORK), Rights(read=True, add=True, change=_CASE_SYNC)),
    "threads": _work(
        Rights(read=True, add=True, change=("case_id", "customer_id")),
        Rights(read=True, add=True, change=("customer_id", "case_id", "last_message_at")),
    ),
    # Leads also decide on replies held for approval (core/approvals.py): queue one, with
    # their edit of its text, or reject it with the reason in its error; a row rule lets
    # them change those columns only on a reply still awaiting approval.
    "messages": {
        Role.AGENT: Rights(read=True, add=True, change=_MESSAGE_WORK),
        Role.LEAD: Rights(read=True, add=True, change=_MESSAGE_WORK + _APPROVAL_DECISION),
        Role.ADMIN: ALL,
        WORKER: Rights(read=True, add=True, change=_MESSAGE_SYNC),
    },
    "message_raw": _work(READ, Rights(read=True, add=True)),
    "attachments": _work(Rights(read=True, add=True), Rights(read=True, add=True)),
    "attachment_blobs": _work(Rights(read=True, add=True), Rights(read=True, add=True)),
    "text_dictionaries": _work(READ, Rights(read=True, add=True)),
    # Replies held for a lead: their authors add them, leads decide, the worker reads the
    # decision (core/approvals.py).
    "approvals": {
        Role.AGENT: Rights(read=True, add=True),
        Role.LEAD: Rights(
            read=True, add=True, change=("edited_text", "state", "reason", "decided_by_id", "decided_at")
        ),
        Role.ADMIN: ALL,
        WORKER: READ,
    },
    # Satisfaction surveys (core/voice/): asked by whichever process runs the passes (the
    # worker, a window that syncs), answered when a reply is stored; only admins remove them.
    "csat_surveys": _work(
        Rights(read=True, add=True, change=_CSAT_ANSWER), Rights(read=True, add=True, change=_CSAT_ANSWER)
    ),
    # Each agent's own work in progress.
    "drafts": _work(ALL, NONE),
    "saved_searches": _work(ALL, NONE),
}
#: Tables outside the models every group reads (the schema version, checked at start).
ALSO_READ = ("alembic_version",)


def undecided_tables() -> list[str]:
    """Tables of the models with no decision in :data:`RIGHTS` (should be none)."""
    return sorted(set(Base.metadata.tables) - set(RIGHTS))
