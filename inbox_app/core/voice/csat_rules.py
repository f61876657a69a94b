"""Who is never asked for satisfaction: plain rules over a plain row, each in words.

The asking pass (csat_ask.py) reads a :class:`Candidate` for each resolved case due for its
question; :func:`why_not` says why its customer may not be asked, or None.
"""

from __future__ import annotations

from dataclasses import dataclass

from inbox_app.core.vocab import Channel


@dataclass(frozen=True)
class Candidate:
    """A resolved case due for its question, with what decides whether it may be asked."""

    case_id: int
    customer_id: int
    merged: bool
    erased: bool
    internal: bool
    asked_within_period: bool
    account_enabled: bool | None  # None: the customer never wrote through an account
    channel: str | None
    public_account: bool
    public_post: bool


def why_not(c: Candidate) -> str | None:
    """Why this case's customer is not asked, in words; None when they may be."""
    if c.merged:
        return "the customer was merged into another"
    if c.erased:
        return "the customer was erased"
    if c.internal:
        return "the customer is one of us"
    if c.account_enabled is None:
        return "the customer never wrote through a channel account"
    if not c.account_enabled:
        return "the channel account is disabled"
    if c.channel in (Channel.REVIEW, Channel.PHONE, Channel.NOTE) or c.public_account or c.public_post:
        return "the channel is public"
    if c.asked_within_period:
        return "the customer was asked within the period"
    return None
