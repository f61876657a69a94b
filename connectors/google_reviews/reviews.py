"""Google Business Profile reviews as inbox items (pure functions).

A review is one thread and its own customer: Google gives no reviewer ID, only a
display name and a photo link that change when the person changes them, so the one
exact and stable value is the review's resource name. Two reviews by the same person
stay two customers until an agent merges them.

Timestamps are compared as canonical strings: Google writes RFC 3339 in UTC with 0, 3,
6 or 9 fractional digits, so the same instant can be spelled differently; the
canonical form always has nine, and then string order is time order.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from connectors.base import Address, BrokenItem, InboundItem, ItemUpdate

STARS = {"ONE": 1, "TWO": 2, "THREE": 3, "FOUR": 4, "FIVE": 5}
ANONYMOUS = "Anonymous Google reviewer"
OWNER = Address("review", "owner", "Owner (on Google)")

_STAMP = re.compile(r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$")


def canon(stamp: Any) -> str:
    """``stamp`` (RFC 3339) as UTC with nine fractional digits; ValueError if it is none."""
    match = _STAMP.match(str(stamp).strip().upper())
    if not match:
        raise ValueError(f"not an RFC 3339 timestamp: {stamp!r}")
    base, fraction, zone = match.groups()
    moment = datetime.fromisoformat(base + ("+00:00" if zone == "Z" else zone)).astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + (fraction or "").ljust(9, "0") + "Z"


def when(canonical: str) -> datetime:
    """A canonical timestamp as an aware datetime (to the microsecond)."""
    return datetime.fromisoformat(canonical[:26] + "+00:00")


def stamp_of(moment: datetime) -> str:
    """An aware datetime in canonical form."""
    return canon(moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"))


def days_before(moment: datetime, days: int) -> str:
    return stamp_of(moment - timedelta(days=days))


def stars_of(review: Mapping[str, Any]) -> int | None:
    return STARS.get(str(review.get("starRating") or ""))


def review_text(review: Mapping[str, Any]) -> str:
    """As the inbox shows a review everywhere: ``★★★★☆ words``; a rating alone is its stars,
    a review whose rating Google does not give is its words."""
    stars = stars_of(review)
    comment = str(review.get("comment") or "").strip()
    if stars is None:
        return comment
    rating = "★" * stars + "☆" * (5 - stars)
    return f"{rating} {comment}" if comment else rating


def words_of(review: Mapping[str, Any]) -> str:
    """A short digest of what the reviewer wrote and rated, to tell an edit from a touch."""
    digest = hashlib.blake2b(review_text(review).encode(), digest_size=6).digest()
    return base64.urlsafe_b64encode(digest).decode()


def reviewer_of(review: Mapping[str, Any], name: str) -> Address:
    person = review.get("reviewer") or {}
    shown = str(person.get("displayName") or "").strip()
    if person.get("isAnonymous") or not shown:
        shown = ANONYMOUS
    return Address("review", name, shown)


def reply_id(review_name: str, reply_time: str) -> str:
    """The external ID of one version of the owner's answer: a review holds one answer at a
    time and a new one replaces it, so each version is its own message."""
    return f"{review_name}/reply/{reply_time}"


def _raw(review: Mapping[str, Any]) -> bytes:
    return json.dumps(review, ensure_ascii=False, sort_keys=True).encode()


def review_meta(review: Mapping[str, Any], *, edit: bool = False) -> dict[str, Any]:
    """What a message keeps of a review beside its text: the stars, and whether it is a
    rating without words (said either way in an edit, which may add or remove them)."""
    meta: dict[str, Any] = {}
    stars = stars_of(review)
    if stars is not None:
        meta["stars"] = stars
    rating_only = not str(review.get("comment") or "").strip()
    if rating_only or edit:
        meta["rating_only"] = rating_only
    return meta


def review_item(review: Mapping[str, Any]) -> InboundItem | BrokenItem:
    name = str(review.get("name") or f"review-{review.get('reviewId')}")
    try:
        meta = review_meta(review)
        return InboundItem(
            external_id=name,
            thread_key=name,
            sender=reviewer_of(review, name),
            sent_at=when(canon(review["createTime"])),
            text=review_text(review),
            raw=_raw(review),
            meta=meta,
        )
    except (KeyError, TypeError, ValueError) as exc:
        return BrokenItem(name, f"unreadable Google review: {exc!r}", _raw(review))


def edit_item(review: Mapping[str, Any], update_time: str) -> ItemUpdate:
    name = str(review["name"])
    return ItemUpdate(
        target_external_id=name,
        kind="edit",
        external_id=f"{name}:edit:{update_time}",
        text=review_text(review),
        at=when(update_time),
        meta=review_meta(review, edit=True),
    )


def reply_item(review_name: str, reply: Mapping[str, Any], reply_time: str) -> InboundItem:
    """The business's answer as Google shows it: ours seen again (the store knows it by its
    ID) or one written elsewhere, on Google Maps or in the Business Profile."""
    meta: dict[str, Any] = {}
    for key in ("state", "reviewReplyState"):  # moderation state, on newer API versions
        if reply.get(key):
            meta["reply_state"] = str(reply[key])
    return InboundItem(
        external_id=reply_id(review_name, reply_time),
        thread_key=review_name,
        sender=OWNER,
        sent_at=when(reply_time),
        text=str(reply.get("comment") or ""),
        direction="out",
        in_reply_to=review_name,
        meta=meta,
    )


def removal_item(target: str, reason: str) -> ItemUpdate:
    return ItemUpdate(target_external_id=target, kind="redaction", reason=reason)


def reply_time_of(review: Mapping[str, Any]) -> str | None:
    """The canonical time of the review's current answer, or None when it has none."""
    reply = review.get("reviewReply")
    if not isinstance(reply, Mapping) or not reply.get("updateTime"):
        return None
    return canon(reply["updateTime"])
