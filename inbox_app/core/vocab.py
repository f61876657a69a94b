"""The store's words: every status, priority, role and kind the core writes, in one place.

Each is a ``StrEnum``, so a member *is* its stored string: rows read back compare equal to
members, JSON prints the plain code, and argparse choices and the UI's labels are built from
the members instead of copies of the strings. The UI words each member in the user's language
(``ui/labels.py``; a test checks every member has words in English and Italian).
"""

from __future__ import annotations

from enum import StrEnum


class CaseStatus(StrEnum):
    OPEN = "open"
    PENDING = "pending"  # waiting for the customer
    SNOOZED = "snoozed"  # hidden until a time, then open again
    RESOLVED = "resolved"


class Priority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class Role(StrEnum):
    AGENT = "agent"
    LEAD = "lead"
    ADMIN = "admin"


class Direction(StrEnum):
    IN = "in"  # from the customer
    OUT = "out"  # a reply by an agent (or an auto-reply)
    NOTE = "note"  # internal, never sent


class Delivery(StrEnum):
    """Where an outbound message stands; inbound messages and notes have none."""

    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    AWAITING_APPROVAL = "awaiting_approval"  # held for a lead (core/approvals.py)
    REJECTED = "rejected"  # a lead said no; the reason is in the message's error


class ApprovalState(StrEnum):
    WAITING = "waiting"
    APPROVED = "approved"
    REJECTED = "rejected"


class ApprovalRule(StrEnum):
    """Why a reply waits for a lead (core/approval_rules.py), the first that applies."""

    TRAINEE = "trainee"  # its author is marked trainee: every reply, on every account
    LOW_RATING = "low_rating"  # it answers a review of the account's approve_stars_max stars or fewer
    PUBLIC = "public"  # it is public and the account has approve_public=true


class AssignMode(StrEnum):
    """How a team's new and reopened cases find an agent."""

    OFF = "off"
    BALANCED = "balanced"  # fewest open cases, within capacity
    ROUND_ROBIN = "round-robin"  # longest since the last assignment, within capacity


class AccountStatus(StrEnum):
    IDLE = "idle"  # up to date
    SYNCING = "syncing"
    ERROR = "error"  # will be retried
    AUTH_ERROR = "auth_error"  # the server refused the credentials: an admin must act
    DISABLED = "disabled"


class Channel(StrEnum):
    """How a message travelled, as the timeline and the case list group them."""

    EMAIL = "email"
    CHAT = "chat"
    SOCIAL = "social"
    REVIEW = "review"
    PHONE = "phone"  # a call an agent logged
    NOTE = "note"  # an internal note


class IdentityKind(StrEnum):
    """What kind of identifier a customer identity is (unique per kind across the store)."""

    EMAIL = "email"
    PHONE = "phone"
    MATRIX = "matrix"
    TELEGRAM = "telegram"
    MASTODON = "mastodon"
    REVIEW = "review"


class CallOutcome(StrEnum):
    ANSWERED = "answered"
    NO_ANSWER = "no_answer"
    VOICEMAIL = "voicemail"
    BUSY = "busy"
    CALLBACK = "callback"


# The channel each kind of identity is reached on: the one mapping of it.
CHANNEL_OF_IDENTITY: dict[IdentityKind, Channel] = {
    IdentityKind.EMAIL: Channel.EMAIL,
    IdentityKind.PHONE: Channel.PHONE,
    IdentityKind.MATRIX: Channel.CHAT,
    IdentityKind.TELEGRAM: Channel.CHAT,
    IdentityKind.MASTODON: Channel.SOCIAL,
    IdentityKind.REVIEW: Channel.REVIEW,
}
