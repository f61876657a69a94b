"""Mastodon accounts: customers mention the business's account; replies answer them.

The cursor is ``{"min_id": "..."}``: the newest notification already stored.
Mastodon keeps notifications, so nothing needs confirming: the next fetch asks
for what is *immediately newer* than the stored cursor (``min_id`` pages
forward, oldest first; ``since_id`` would jump to the newest and leave a gap),
and the cursor only moves with batches the store has committed.

The access token travels only in the Authorization header of requests to the
instance; media can live on another host, which must never see it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import AsyncIterator, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

import httpx

from connectors.base import (
    AttachmentData,
    AuthError,
    Batch,
    BatchItem,
    Capabilities,
    CapabilitiesPerAccount,
    Channel,
    ExplainsSecret,
    FindsSent,
    Identifies,
    InboundItem,
    NamesItself,
    OutboundReply,
    PermanentError,
    Polling,
    SendResult,
    SettingsError,
    SettingSpec,
    SignsIn,
    TransientError,
    is_loopback_host,
    network_step,
    size_words,
    validate_settings,
)
from connectors.oauth import Grant, OAuthConfig, SignInPlan

from .errors import error_for
from .statuses import (
    MediaRef,
    acct_of,
    html_to_text,
    id_order,
    media_of,
    mentions,
    status_length,
    to_item,
    when,
)

logger = logging.getLogger(__name__)

PAGE = 40  # the notifications API's own maximum
#: What the sign-in asks for: reading mentions, posting answers with their files.
SCOPES = "read write:statuses write:media"
TYPES = ("mention", "update")
DEFAULT_LIMIT = 500  # what an instance allows when it does not say
MAX_MEDIA = 20 * 1024 * 1024
MEDIA_WAIT = 60.0  # seconds an upload may take to be processed before the send is retried
MEDIA_POLL = 0.5


class MastodonConnector(
    ExplainsSecret, NamesItself, Polling, FindsSent, CapabilitiesPerAccount, SignsIn, Identifies
):
    kind: ClassVar[str] = "mastodon"
    channel: ClassVar[Channel] = "social"
    # Answers are direct messages unless the account allows unlisted answers to public
    # questions (capabilities_for): only then does the composer warn that others can read it.
    # Files go as the post's media: Mastodon takes images, video and audio, four to a post.
    capabilities: ClassVar[Capabilities] = Capabilities(
        max_length=DEFAULT_LIMIT,
        html=False,
        attachments=True,
        public=False,
        private=True,
        attachment_types=("image/", "video/", "audio/"),
        max_attachments=4,
    )
    needs_secret: ClassVar[bool] = True
    secret_help: ClassVar[str] = (
        "none needed when you sign in with Mastodon; otherwise an access token from the account's "
        "Preferences > Development, with the scopes read, write:statuses and write:media"
    )
    title: ClassVar[str] = "Mastodon"
    secret_label: ClassVar[str] = "Access token"
    settings_schema: ClassVar[tuple[SettingSpec, ...]] = (
        SettingSpec(
            "instance",
            "The Mastodon server the account lives on, e.g. https://mastodon.social.",
            required=True,
            type="url",
            label="Server",
            placeholder="https://mastodon.social",
        ),
        SettingSpec(
            "public_replies",
            "Answer a public mention with an unlisted reply instead of a private one.",
            default=False,
            type="bool",
            label="Answer public mentions in public",
        ),
        SettingSpec(
            "poll_interval",
            "Seconds between two looks for new mentions.",
            default=60,
            type="int",
            label="Check every (seconds)",
            advanced=True,
        ),
    )

    @classmethod
    def capabilities_for(cls, settings: Mapping[str, Any]) -> Capabilities:
        return replace(cls.capabilities, public=bool(settings.get("public_replies")))

    def __init__(self, settings: Mapping[str, Any], secret: str | None = None) -> None:
        self.settings = validate_settings(self.settings_schema, settings)
        self.instance = str(self.settings["instance"]).rstrip("/")
        parts = urlsplit(self.instance)
        host = parts.hostname or ""
        if not host or parts.path not in ("", "/") or parts.query:
            raise SettingsError(
                "setting 'instance' must be the server's address alone, like https://mastodon.social"
            )
        if parts.scheme == "http" and not is_loopback_host(host):
            raise SettingsError(
                "setting 'instance' must use https:// — plain http:// would expose the access "
                "token; it is only allowed for a server on this computer"
            )
        self.poll_interval = max(1, int(self.settings["poll_interval"]))
        self.public_replies = bool(self.settings["public_replies"])
        self._host = parts.netloc
        # A sign-in's grant (connectors/oauth.py), or a token pasted from the preferences.
        grant = Grant.from_secret(secret)
        self._token = grant.access_token if grant is not None else (secret or "")
        self._client: httpx.AsyncClient | None = None
        self._me: dict[str, Any] | None = None
        self._domain: str | None = None
        self._max_chars = DEFAULT_LIMIT
        self._media_limits: dict[str, int] = {}  # "image"/"video" -> bytes, as the instance says

    # ------------------------------------------------------------------ HTTP
    def _redact(self, text: str) -> str:
        return text.replace(self._token, "<token>") if self._token else text

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=httpx.Timeout(30.0), headers={"User-Agent": "Unisono"})
        return self._client

    async def _api(
        self,
        method: str,
        path: str,
        *,
        params: Any = None,
        body: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        files: Mapping[str, Any] | None = None,
    ) -> httpx.Response:
        if not self._token:
            raise AuthError("no access token is stored for this Mastodon account")
        sent = {"Authorization": f"Bearer {self._token}", **(headers or {})}
        try:
            reply = await self._http().request(
                method, f"{self.instance}{path}", params=params, json=body, headers=sent, files=files
            )
        except httpx.TimeoutException:
            raise TransientError(
                f"the Mastodon instance at {self.instance} did not answer in time", step="connect"
            ) from None
        except httpx.TransportError as exc:
            raise TransientError(
                f"cannot reach the Mastodon instance at {self.instance} "
                f"({type(exc).__name__}: {self._redact(str(exc))})",
                step=network_step(exc),
            ) from None
        if reply.status_code >= 400:
            raise error_for(path, reply, self._redact)
        return reply

    async def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        reply = await self._api(method, path, **kwargs)
        try:
            return reply.json()
        except ValueError:
            raise TransientError(f"the Mastodon instance answered {path} with something that is not JSON")

    # ------------------------------------------------------------------ who and where
    async def _whoami(self) -> dict[str, Any]:
        if self._me is None:
            me = await self._json("GET", "/api/v1/accounts/verify_credentials")
            if not isinstance(me, dict) or "id" not in me:
                raise AuthError("the access token does not belong to a Mastodon account")
            self._me = me
        return self._me

    async def _instance(self) -> str:
        """The instance's own domain (``acct`` leaves it out) and its length limit."""
        if self._domain is None:
            domain = urlsplit(self.instance).hostname or self._host
            try:
                info = await self._json("GET", "/api/v2/instance")
            except PermanentError:
                info = {}  # servers before Mastodon 4.0 have only /api/v1/instance
            if isinstance(info, dict):
                domain = str(info.get("domain") or domain)
                configuration = info.get("configuration") or {}
                limits = configuration.get("statuses") or {}
                try:
                    self._max_chars = int(limits.get("max_characters") or DEFAULT_LIMIT)
                except (TypeError, ValueError):
                    self._max_chars = DEFAULT_LIMIT
                media = configuration.get("media_attachments") or {}
                for kind in ("image", "video"):
                    # Not said: the instance's own refusal will say it.
                    with contextlib.suppress(KeyError, TypeError, ValueError):
                        self._media_limits[kind] = int(media[f"{kind}_size_limit"])
            self._domain = domain
        return self._domain

    # ------------------------------------------------------------------ sign-in
    @classmethod
    def sign_in_title(cls, settings: Mapping[str, Any]) -> str | None:
        return "Mastodon"

    @classmethod
    async def prepare_sign_in(cls, settings: Mapping[str, Any], redirect_uri: str) -> SignInPlan:
        """Register Unisono as an app of the instance for this very redirect (Mastodon has
        no clients registered ahead), then sign in with it."""
        instance = cls(settings, None).instance
        try:
            async with httpx.AsyncClient(timeout=30.0, headers={"User-Agent": "Unisono"}) as http:
                reply = await http.post(
                    f"{instance}/api/v1/apps",
                    json={
                        "client_name": "Unisono",
                        "redirect_uris": redirect_uri,
                        "scopes": SCOPES,
                        "website": "https://unisono.app",
                    },
                )
        except httpx.HTTPError as exc:
            raise TransientError(
                f"cannot reach the Mastodon instance at {instance} ({type(exc).__name__})", step="connect"
            )
        try:
            app = reply.json()
            client_id, client_secret = str(app["client_id"]), str(app["client_secret"])
        except (ValueError, KeyError, TypeError):
            raise SettingsError(
                f"{instance} did not register Unisono as an app (HTTP {reply.status_code}); is it a Mastodon server?",
                step="signin",
            )
        config = OAuthConfig(
            f"{instance}/oauth/authorize", f"{instance}/oauth/token", client_id, SCOPES, "Mastodon"
        )
        return SignInPlan(config, client_secret=client_secret)

    async def identify(self) -> str:
        """The account signed in as, @name@instance."""
        me = await self._whoami()
        return f"@{me.get('acct')}@{await self._instance()}"

    async def check(self) -> None:
        try:
            await self._whoami()
        except PermanentError as exc:
            raise SettingsError(
                f"{self.instance} does not answer like a Mastodon server ({exc})", step="capability"
            ) from None
        await self._instance()

    # ------------------------------------------------------------------ receive
    @staticmethod
    def _min_id(cursor: str | None) -> str:
        if not cursor:
            return "0"  # everything the instance still holds, oldest first
        try:
            return str(json.loads(cursor)["min_id"])
        except (ValueError, KeyError, TypeError):
            raise SettingsError("the stored Mastodon position is unreadable; reset the account's sync")

    async def _page(self, min_id: str, limit: int) -> tuple[list[dict[str, Any]], str | None]:
        params = [("types[]", t) for t in TYPES] + [("min_id", min_id), ("limit", str(limit))]
        reply = await self._api("GET", "/api/v1/notifications", params=params)
        try:
            page = reply.json()
        except ValueError:
            page = None
        if not isinstance(page, list):
            raise TransientError("the Mastodon instance answered the notifications request without a list")
        # rel="prev" is where newer notifications start: its min_id is our next cursor.
        prev = reply.links.get("prev", {}).get("url")
        found = parse_qs(urlsplit(prev).query).get("min_id") if prev else None
        return page, found[0] if found else None

    async def fetch(self, cursor: str | None) -> AsyncIterator[Batch]:
        min_id = self._min_id(cursor)
        me = await self._whoami()
        domain = await self._instance()
        while True:
            page, newer = await self._page(min_id, PAGE)
            if not page:
                return
            # The instance lists a page newest first; the store wants the order they came in.
            page.sort(key=lambda n: id_order(str(n.get("id", ""))))
            items: list[BatchItem] = []
            for notification in page:
                item = to_item(notification, domain, me)
                if isinstance(item, InboundItem) and item.direction == "in":
                    item = await self._with_media(item, notification.get("status") or {})
                if item is not None:
                    items.append(item)
            min_id = newer or str(page[-1]["id"])
            yield Batch(tuple(items), json.dumps({"min_id": min_id}))
            if len(page) < PAGE:
                return

    async def _with_media(self, item: InboundItem, status: Mapping[str, Any]) -> InboundItem:
        files: list[AttachmentData] = []
        missing: list[str] = []
        for ref in media_of(status):
            found = await self._download(ref)
            if found is None:
                missing.append(ref.filename)
            else:
                files.append(found)
        if not files and not missing:
            return item
        meta = dict(item.meta)
        if missing:
            # Too big or gone: the message still goes in, saying what is missing.
            meta["attachments_missing"] = missing
        return replace(item, attachments=tuple(files), meta=meta)

    async def _download(self, ref: MediaRef) -> AttachmentData | None:
        """The file, or None when it is larger than 20 MB or no longer there."""
        try:
            # No Authorization header: media URLs may point at another host.
            async with self._http().stream("GET", ref.url, timeout=httpx.Timeout(120.0)) as reply:
                if reply.status_code == 429 or reply.status_code >= 500:
                    raise TransientError(
                        f"the Mastodon instance failed to hand over a file (HTTP {reply.status_code})"
                    )
                if reply.status_code != 200:
                    return None
                declared = reply.headers.get("Content-Length")
                if declared and declared.isdigit() and int(declared) > MAX_MEDIA:
                    return None
                data = bytearray()
                async for chunk in reply.aiter_bytes():
                    data.extend(chunk)
                    if len(data) > MAX_MEDIA:
                        return None
                kind = reply.headers.get("Content-Type", "application/octet-stream").split(";")[0]
        except httpx.TransportError as exc:
            raise TransientError(
                f"cannot download a file of a Mastodon post ({type(exc).__name__}: {self._redact(str(exc))})"
            ) from None
        return AttachmentData(ref.filename, kind.strip(), bytes(data))

    async def wait_for_changes(self, cursor: str | None, timeout: float) -> bool:
        min_id = self._min_id(cursor)
        deadline = time.monotonic() + timeout
        while True:
            # One notification newer than the stored cursor is enough to know.
            page, _ = await self._page(min_id, 1)
            if page:
                return True
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            await asyncio.sleep(min(remaining, self.poll_interval))

    # ------------------------------------------------------------------ send
    async def send(self, reply: OutboundReply) -> SendResult:
        """Post ``reply`` in answer to the customer's post.

        The Idempotency-Key header makes the instance hand back the status it
        already posted for the same key (it keeps keys for an hour), so a retry
        after a lost answer never posts twice.
        """
        domain = await self._instance()
        target = await self._target(reply.in_reply_to)
        # The author of the post answered first: a merged customer can have several accounts.
        acct = next((a.value for a in reply.to if a.kind == "mastodon"), None)
        if target is not None:
            acct = acct_of(target["account"], domain)
        text = reply.text.strip()
        # Mastodon delivers a post only to the accounts it mentions.
        if acct and not mentions(text, acct, domain):
            text = f"{acct} {text}"
        length = status_length(text)
        if length > self._max_chars:
            raise PermanentError(
                f"the reply is {length} characters long with the mention; {domain} allows "
                f"{self._max_chars} in one post, shorten it"
            )
        visibility = "direct"
        if self.public_replies and target is not None and target.get("visibility") in ("public", "unlisted"):
            visibility = "unlisted"
        body: dict[str, Any] = {"status": text, "visibility": visibility}
        if target is not None:
            body["in_reply_to_id"] = str(target["id"])
        if reply.attachments:
            # Uploaded again on a retry: an upload no post uses is removed by the instance,
            # and the Idempotency-Key still hands back the one post made.
            body["media_ids"] = [await self._upload(a) for a in reply.attachments]
        status = await self._json(
            "POST", "/api/v1/statuses", body=body, headers={"Idempotency-Key": reply.idempotency_key}
        )
        if not isinstance(status, dict) or "id" not in status:
            raise TransientError("the Mastodon instance did not say which post it made")
        sent_at = when(status["created_at"]) if status.get("created_at") else datetime.now(UTC)
        return SendResult(
            str(status["id"]), sent_at, {"visibility": status.get("visibility"), "url": status.get("url")}
        )

    async def _upload(self, attachment: AttachmentData) -> str:
        """One file into the account's media; its id once the instance has processed it."""
        if not self.capabilities.takes_file(attachment.content_type):
            raise PermanentError(
                f"Mastodon takes images, video and audio only, not {attachment.filename} "
                f"({attachment.content_type})"
            )
        domain = await self._instance()
        major = attachment.content_type.split("/")[0].lower()
        limit = self._media_limits.get("image" if major == "image" else "video")  # audio as video
        if limit and len(attachment.data) > limit:
            raise PermanentError(
                f"{attachment.filename} is {size_words(len(attachment.data))}; {domain} takes "
                f"{'images' if major == 'image' else 'video and audio'} up to {size_words(limit)}"
            )
        reply = await self._api(
            "POST",
            "/api/v2/media",
            files={"file": (attachment.filename, attachment.data, attachment.content_type)},
        )
        media = _media_of(reply)
        # 202: video and audio are processed first; the post must wait until they are.
        deadline = time.monotonic() + MEDIA_WAIT
        while reply.status_code == 202 or reply.status_code == 206 or not media.get("url"):
            if time.monotonic() > deadline:
                raise TransientError(
                    f"the Mastodon instance is still processing {attachment.filename}; "
                    "the reply is tried again later"
                )
            await asyncio.sleep(MEDIA_POLL)
            reply = await self._api("GET", f"/api/v1/media/{media['id']}")
            media = _media_of(reply)
        return str(media["id"])

    async def find_sent(self, reply: OutboundReply) -> SendResult | None:
        """Our answer to the customer's post, if it left before a crash.

        The instance keeps Idempotency-Keys for an hour only: a worker down for longer
        would post again. Our answers are replies to the customer's post, so they are
        among its descendants (direct ones too, to their author): one with the same words
        is the one that left.
        """
        if not reply.in_reply_to:
            return None  # answers to nothing cannot be told apart; the key covers the hour
        try:
            context = await self._json("GET", f"/api/v1/statuses/{reply.in_reply_to}/context")
        except PermanentError:
            return None  # the customer's post is gone, and no answer of ours can hang from it
        me = str((await self._whoami())["id"])
        domain = await self._instance()
        wanted = _words(reply.text, domain)
        for status in (context or {}).get("descendants") or ():
            if (
                str((status.get("account") or {}).get("id")) == me
                and str(status.get("in_reply_to_id")) == reply.in_reply_to
                and _words(html_to_text(str(status.get("content") or "")), domain) == wanted
            ):
                sent_at = when(status["created_at"]) if status.get("created_at") else datetime.now(UTC)
                return SendResult(str(status["id"]), sent_at, {"visibility": status.get("visibility")})
        return None

    async def _target(self, status_id: str | None) -> dict[str, Any] | None:
        """The customer's post being answered, or None when there is none (or it was deleted)."""
        if not status_id:
            return None
        try:
            found = await self._json("GET", f"/api/v1/statuses/{status_id}")
        except PermanentError:
            return None  # deleted meanwhile: the answer still goes to the customer, privately
        return found if isinstance(found, dict) and "id" in found else None

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None


def _words(text: str, domain: str) -> str:
    """A post's words without the mentions it starts with (added to reach the customer)."""
    words = text.split()
    while words and words[0].startswith("@") and len(words[0]) > 1:
        words.pop(0)
    return " ".join(words).casefold()


def _media_of(reply: httpx.Response) -> dict[str, Any]:
    try:
        media = reply.json()
    except ValueError:
        media = None
    if not isinstance(media, dict) or "id" not in media:
        raise TransientError("the Mastodon instance did not say which file it took")
    return media
