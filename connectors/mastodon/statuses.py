"""Mastodon notifications and statuses as inbox items (pure functions)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from html.parser import HTMLParser
from typing import Any
from urllib.parse import unquote, urlsplit

from connectors.base import Address, BrokenItem, InboundItem, ItemUpdate

# Mastodon counts every link as 23 characters and a remote mention by its username
# only (StatusLengthValidator); the composer and the instance's limit agree on this.
URL_LENGTH = 23
_URL = re.compile(r"https?://\S+")
_REMOTE_MENTION = re.compile(r"(?<![\w/])@(\w+)@[\w.-]+\w", re.ASCII)


def status_length(text: str) -> int:
    """The length of ``text`` as a Mastodon instance measures it against its limit."""
    counted = _URL.sub("x" * URL_LENGTH, text)
    counted = _REMOTE_MENTION.sub(lambda m: "@" + m.group(1), counted)
    return len(counted)


class _PlainText(HTMLParser):
    """Status HTML to readable text: paragraphs keep a blank line between them,
    ``<br>`` a line break, links their text. Mastodon wraps the hidden parts of a
    long link in ``<span class="invisible">``; their text is kept, so the link
    reads in full."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag in ("p", "blockquote", "ul", "ol", "pre") and self.parts:
            self.parts.append("\n\n")
        elif tag == "li":
            self.parts.append("\n- ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_to_text(html: str) -> str:
    parser = _PlainText()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts)
    lines = [line.rstrip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def acct_of(account: Mapping[str, Any], domain: str) -> str:
    """``@user@instance``: ``acct`` leaves out the domain for the instance's own users."""
    acct = str(account["acct"]).lstrip("@")
    return f"@{acct}" if "@" in acct else f"@{acct}@{domain}"


def display_name(account: Mapping[str, Any]) -> str | None:
    name = str(account.get("display_name") or "").strip()
    return name or None


def when(text: Any) -> datetime:
    return datetime.fromisoformat(str(text).replace("Z", "+00:00"))


@dataclass(frozen=True)
class MediaRef:
    """A file attached to a status, still on the instance (or its file host)."""

    url: str
    filename: str
    description: str | None


def media_of(status: Mapping[str, Any]) -> tuple[MediaRef, ...]:
    refs = []
    for media in status.get("media_attachments") or ():
        url = media.get("url") or media.get("remote_url")
        if not url:
            continue
        name = unquote(urlsplit(str(url)).path.rsplit("/", 1)[-1]) or f"{media.get('type')}-{media['id']}"
        refs.append(MediaRef(str(url), name, media.get("description")))
    return tuple(refs)


def _raw(notification: Mapping[str, Any]) -> bytes:
    return json.dumps(notification, ensure_ascii=False, sort_keys=True).encode()


def without_our_mention(text: str, own_username: str, domain: str) -> str:
    """The text without the mention of our account it starts with: Mastodon needs it to
    deliver the post, the agent reading it does not."""
    if not own_username:
        return text
    ours = rf"@{re.escape(own_username)}(?:@{re.escape(domain)})?"
    return re.sub(rf"^{ours}(?![\w@])\s*", "", text, flags=re.IGNORECASE) or text


def to_item(
    notification: Mapping[str, Any], domain: str, me: Mapping[str, Any]
) -> InboundItem | ItemUpdate | BrokenItem | None:
    """One ``mention`` or ``update`` notification as an inbox item, or None to skip it."""
    own_id = str(me.get("id") or "") or None
    kind = notification.get("type")
    if kind not in ("mention", "update"):
        return None  # a server that ignores the types[] filter
    raw = _raw(notification)
    status = notification.get("status")
    broken_id = str((status or {}).get("id") or f"notification-{notification.get('id')}")
    try:
        if not isinstance(status, Mapping):
            return BrokenItem(broken_id, f"a {kind} notification without its post", raw)
        status_id = str(status["id"])
        html = str(status.get("content") or "")
        text = without_our_mention(html_to_text(html), str(me.get("username") or ""), domain)
        if kind == "update":
            mentioned = {str(m.get("id")) for m in status.get("mentions") or ()}
            if own_id is None or own_id not in mentioned:
                return None  # an edit of a post we boosted, not a mention of us
            edited = status.get("edited_at") or status["created_at"]
            return ItemUpdate(
                target_external_id=status_id,
                kind="edit",
                external_id=f"{status_id}:edit:{edited}",
                text=text,
                html=html,
                at=when(edited),
            )
        account = status["account"]
        reply_to = status.get("in_reply_to_id")
        meta: dict[str, Any] = {"visibility": status.get("visibility"), "url": status.get("url")}
        if status.get("spoiler_text"):
            meta["spoiler_text"] = status["spoiler_text"]
        outgoing = own_id is not None and str(account["id"]) == own_id
        return InboundItem(
            external_id=status_id,
            thread_key=str(reply_to) if reply_to else status_id,
            sender=Address("mastodon", acct_of(account, domain), display_name(account)),
            sent_at=when(status["created_at"]),
            text=text,
            html=html or None,
            direction="out" if outgoing else "in",
            in_reply_to=str(reply_to) if reply_to else None,
            is_auto=bool(account.get("bot")) and not outgoing,
            raw=raw,
            meta=meta,
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        return BrokenItem(broken_id, f"unreadable Mastodon notification: {exc!r}", raw)


def mentions(text: str, acct: str, domain: str) -> bool:
    """Whether ``text`` already mentions ``acct`` (``@user@instance``)."""
    user, _, host = acct.lstrip("@").partition("@")
    forms = [re.escape(f"@{user}@{host}")]
    if host.lower() == domain.lower():
        forms.append(re.escape(f"@{user}"))  # the instance's own users can be named short
    pattern = rf"(?<![\w@/])(?:{'|'.join(forms)})(?![\w@])"
    return re.search(pattern, text, re.IGNORECASE) is not None


def id_order(status_or_notification_id: str) -> tuple[int, str]:
    """Sort key of Mastodon IDs: numbers in strings, so a longer one is newer."""
    return (len(status_or_notification_id), status_or_notification_id)
