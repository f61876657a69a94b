"""A local Mastodon instance over real HTTP on loopback, for tests and demos.

Implements what the Unisono connector relies on, as https://docs.joinmastodon.org
specifies it: ``GET /api/v1/accounts/verify_credentials``, ``GET /api/v2/instance``
(``domain``, ``configuration.statuses.max_characters``), ``GET /api/v1/notifications``
(``types[]``/``exclude_types[]``, ``max_id``/``since_id``/``min_id``/``limit``, the
``Link`` header with ``rel="next"`` and ``rel="prev"``), ``GET /api/v1/statuses/:id``
and ``POST /api/v1/statuses`` (``Idempotency-Key``, the character limit counted as
Mastodon counts it, ``media_ids[]`` up to four, 422 ``{"error": ...}``), ``POST
/api/v2/media`` (multipart ``file``: images ready at once, video and audio 202 while
processed) and ``GET /api/v1/media/:id`` (206 until processed). Every API call needs the Bearer token
(401 ``{"error": "The access token is invalid"}``); every answer carries the
``X-RateLimit-*`` headers. Sign-in as the docs describe it (docs.joinmastodon.org/methods/apps,
/methods/oauth): ``POST /api/v1/apps`` registers a client for its ``redirect_uris`` and
``scopes``; ``GET /oauth/authorize`` (the person at the browser, :attr:`signs_in`, approves;
PKCE S256) redirects back with ``code`` and ``state``; ``POST /oauth/token`` exchanges the
code (client secret, redirect and verifier checked) for a token that lasts until
``POST /oauth/revoke``. Tests play customers through :meth:`customer_mentions`
and :meth:`customer_edits`, read what the business posted through
:meth:`our_posts`, and break the server through :meth:`fail`.
"""

from __future__ import annotations

import base64
import hashlib
import html
import itertools
import json
import re
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from tests.emulators.http import Handler, LoopbackEmulator, Upload, form_fields, next_fault

DEFAULT_TOKEN = "ZA-unisono_emulator_access_token_0123456789abcdef"
DOMAIN = "social.example"
MAX_CHARACTERS = 500
# Small, so that a test can go over them: Mastodon 4's defaults are 16 MB and 99 MB.
IMAGE_SIZE_LIMIT = 64 * 1024
VIDEO_SIZE_LIMIT = 256 * 1024
RATE_LIMIT = 300


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def mastodon_length(text: str) -> int:
    """As the instance's StatusLengthValidator counts: a URL is 23, a remote mention its username."""
    text = re.sub(r"https?://\S+", "x" * 23, text)
    text = re.sub(r"(?<![\w/])@(\w+)@[\w.-]+\w", lambda m: "@" + m.group(1), text, flags=re.ASCII)
    return len(text)


@dataclass
class Fault:
    status: int
    error: str
    times: int = 1
    skip: int = 0  # let this many calls succeed first
    reset_in: float | None = None  # 429: seconds until X-RateLimit-Reset
    retry_after: int | None = None
    drop: bool = False  # close the connection without answering
    lose_answer: bool = False  # do the work, then close the connection without answering


@dataclass
class _State:
    accounts: dict[str, dict[str, Any]] = field(default_factory=dict)
    statuses: dict[str, dict[str, Any]] = field(default_factory=dict)
    notifications: list[dict[str, Any]] = field(default_factory=list)
    idempotency: dict[str, str] = field(default_factory=dict)
    faults: dict[str, list[Fault]] = field(default_factory=dict)
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    media: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    uploads: dict[str, dict[str, Any]] = field(default_factory=dict)  # our own, not yet in a post
    processing: dict[str, int] = field(default_factory=dict)  # upload id -> polls until ready
    source: dict[str, str] = field(default_factory=dict)  # status id -> what its author typed


class MastodonEmulator(LoopbackEmulator):
    thread_name = "mastodon-emulator"

    def __init__(self, token: str = DEFAULT_TOKEN, domain: str = DOMAIN) -> None:
        self.token = token
        self.domain = domain
        self.state = _State()
        self.lock = threading.Lock()
        self._status_ids = itertools.count(113_400_000_000_000_001)
        self._notification_ids = itertools.count(34_975_001)
        self._account_ids = itertools.count(109_000_000_000_000_001)
        self.me = self.account("support", display_name="Unisono Support")
        self.tokens = {token}  # every access token that works
        self.apps: dict[str, dict[str, Any]] = {}  # client_id -> the registered app
        self.codes: dict[str, dict[str, str]] = {}
        self.signs_in = True  # False: the person at the browser presses "Deny"

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> str:
        return self.serve(_Handler)

    # ------------------------------------------------------------------ the people
    def account(
        self, username: str, domain: str | None = None, *, display_name: str = "", bot: bool = False
    ) -> dict[str, Any]:
        """An account on this instance (``domain`` None) or a remote one, as the API shows it."""
        with self.lock:
            host = domain or self.domain
            account = {
                "id": str(next(self._account_ids)),
                "username": username,
                # "acct": the username alone for this instance's own users, user@domain otherwise
                "acct": username if domain is None else f"{username}@{domain}",
                "display_name": display_name,
                "bot": bot,
                "url": f"https://{host}/@{username}",
                "created_at": _iso(_now()),
            }
            self.state.accounts[account["id"]] = account
            return account

    def customer_mentions(
        self,
        author: dict[str, Any],
        text: str,
        *,
        in_reply_to: str | None = None,
        visibility: str = "public",
        media: tuple[tuple[str, str, bytes], ...] = (),
        spoiler_text: str = "",
    ) -> dict[str, Any]:
        """``author`` posts ``text`` mentioning the business; returns the Status."""
        with self.lock:
            attachments = [self._add_media(name, kind, data) for name, kind, data in media]
            status = self._new_status(
                author, f"@{self.me['username']} {text}", visibility, in_reply_to, attachments, spoiler_text
            )
            self._notify("mention", status)
            return status

    def customer_edits(self, status_id: str, text: str) -> dict[str, Any]:
        """The author edits a post; the business hears of it as Mastodon tells those who interacted."""
        with self.lock:
            status = self.state.statuses[status_id]
            status["content"] = _html(f"@{self.me['username']} {text}", self._mentioned(status["mentions"]))
            status["edited_at"] = _iso(_now())
            self._notify("update", status)
            return status

    def push_notification(self, **fields: Any) -> dict[str, Any]:
        """Any notification as given (another type, a damaged post); the ID is added."""
        with self.lock:
            notification = {"id": str(next(self._notification_ids)), "created_at": _iso(_now()), **fields}
            self.state.notifications.append(notification)
            return notification

    def our_posts(self) -> list[dict[str, Any]]:
        """What the business posted, each with ``source``: the text exactly as it was sent."""
        with self.lock:
            return [
                {**s, "source": self.state.source[s["id"]]}
                for s in self.state.statuses.values()
                if s["account"]["id"] == self.me["id"]
            ]

    def calls(self, route: str) -> list[dict[str, Any]]:
        with self.lock:
            return [params for name, params in self.state.calls if name == route]

    def fail(
        self,
        route: str,
        status: int,
        error: str = "",
        *,
        times: int = 1,
        skip: int = 0,
        reset_in: float | None = None,
        retry_after: int | None = None,
        drop: bool = False,
        lose_answer: bool = False,
    ) -> None:
        """The next ``times`` calls of ``route`` ("GET /api/v1/notifications") fail."""
        with self.lock:
            self.state.faults.setdefault(route, []).append(
                Fault(status, error, times, skip, reset_in, retry_after, drop, lose_answer)
            )

    # ------------------------------------------------------------------ internals (lock held)
    def _add_media(self, name: str, kind: str, data: bytes) -> dict[str, Any]:
        media_id = str(next(self._status_ids))
        path = f"/system/media_attachments/files/{media_id}/original/{name}"
        self.state.media[path] = (kind, data)
        major = kind.split("/")[0]
        return {
            "id": media_id,
            "type": major if major in ("image", "video", "audio") else "unknown",
            "url": f"{self.base_url}{path}",
            "preview_url": f"{self.base_url}{path}",
            "remote_url": None,
            "description": None,
            "meta": {},
        }

    def _mentioned(self, mentions: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
        return {m["acct"]: m for m in mentions}

    def _find_mentions(self, text: str) -> list[dict[str, Any]]:
        found = []
        for user, host in re.findall(r"(?<![\w/])@(\w+)(?:@([\w.-]+\w))?", text, flags=re.ASCII):
            acct = user if not host or host == self.domain else f"{user}@{host}"
            for account in self.state.accounts.values():
                if account["acct"].lower() == acct.lower() and account not in found:
                    found.append(account)
        return [{"id": a["id"], "username": a["username"], "acct": a["acct"], "url": a["url"]} for a in found]

    def _new_status(
        self,
        author: dict[str, Any],
        text: str,
        visibility: str,
        in_reply_to: str | None,
        attachments: list[dict[str, Any]],
        spoiler_text: str = "",
    ) -> dict[str, Any]:
        status_id = str(next(self._status_ids))
        mentions = self._find_mentions(text)
        parent = self.state.statuses.get(in_reply_to) if in_reply_to else None
        status = {
            "id": status_id,
            "uri": f"https://{self.domain}/users/{author['username']}/statuses/{status_id}",
            "url": f"https://{self.domain}/@{author['acct']}/{status_id}",
            "created_at": _iso(_now()),
            "edited_at": None,
            "account": author,
            "content": _html(text, self._mentioned(mentions)),
            "visibility": visibility,
            "sensitive": bool(spoiler_text),
            "spoiler_text": spoiler_text,
            "in_reply_to_id": in_reply_to,
            "in_reply_to_account_id": parent["account"]["id"] if parent else None,
            "media_attachments": attachments,
            "mentions": mentions,
            "text": None,  # the typed source comes back only from a delete
        }
        self.state.statuses[status_id] = status
        self.state.source[status_id] = text
        return status

    def _notify(self, kind: str, status: dict[str, Any]) -> None:
        self.state.notifications.append(
            {
                "id": str(next(self._notification_ids)),
                "type": kind,
                "created_at": _iso(_now()),
                "account": status["account"],
                "status": status,
            }
        )

    def _fault(self, route: str) -> Fault | None:
        return next_fault(self.state.faults.get(route) or [])

    # ------------------------------------------------------------------ the API
    def notifications(self, query: list[tuple[str, str]]) -> tuple[list[dict[str, Any]], dict[str, str]]:
        params = dict(query)
        types = {v for k, v in query if k == "types[]"}
        excluded = {v for k, v in query if k == "exclude_types[]"}
        limit = max(1, min(80, int(params.get("limit") or 40)))
        with self.lock:
            rows = [
                n
                for n in self.state.notifications
                if (not types or n["type"] in types) and n["type"] not in excluded
            ]
        key = int
        if params.get("max_id"):
            rows = [n for n in rows if key(n["id"]) < key(params["max_id"])]
        if params.get("since_id"):
            rows = [n for n in rows if key(n["id"]) > key(params["since_id"])]
        if params.get("min_id"):
            # "immediately newer than this ID": the oldest ones after it, listed newest first
            rows = [n for n in rows if key(n["id"]) > key(params["min_id"])][:limit]
        else:
            rows = rows[-limit:]
        page = list(reversed(rows))
        links = {}
        if page:
            kept = [(k, v) for k, v in query if k in ("types[]", "exclude_types[]")]
            base = f"{self.base_url}/api/v1/notifications?"
            links["next"] = base + urlencode([*kept, ("max_id", page[-1]["id"])])
            links["prev"] = base + urlencode([*kept, ("min_id", page[0]["id"])])
        return [json.loads(json.dumps(n)) for n in page], links

    def upload(self, file: Any) -> tuple[int, Any]:
        """POST /api/v2/media: an image is ready at once (200); video and audio are processed
        first (202 with "url": null; GET /api/v1/media/:id answers 206 until they are ready)."""
        if not isinstance(file, Upload):
            return 422, {"error": "Validation failed: File can't be blank"}
        if not file.content_type.startswith(("image/", "video/", "audio/")):
            return 422, {"error": "Validation failed: File content type is invalid, File is invalid"}
        limit = IMAGE_SIZE_LIMIT if file.content_type.startswith("image/") else VIDEO_SIZE_LIMIT
        if len(file.data) > limit:
            return 422, {"error": f"Validation failed: File file size must be less than {limit} bytes"}
        with self.lock:
            media = self._add_media(file.filename, file.content_type, file.data)
            self.state.uploads[media["id"]] = media
            if media["type"] == "image":
                return 200, media
            self.state.processing[media["id"]] = 1
            return 202, {**media, "url": None}

    def uploaded(self, media_id: str) -> tuple[int, Any]:
        with self.lock:
            media = self.state.uploads.get(media_id)
            if media is None:
                return 404, {"error": "Record not found"}
            left = self.state.processing.get(media_id, 0)
            if left:
                self.state.processing[media_id] = left - 1
                return 206, {**media, "url": None}
            self.state.processing.pop(media_id, None)
            return 200, media

    def post_status(self, params: dict[str, Any], key: str | None) -> tuple[int, Any]:
        text = str(params.get("status") or "")
        visibility = str(params.get("visibility") or "public")
        with self.lock:
            if key and key in self.state.idempotency:
                return 200, self.state.statuses[self.state.idempotency[key]]
            if not text.strip() and not params.get("media_ids"):
                return 422, {"error": "Validation failed: Text can't be blank"}
            if mastodon_length(text) > MAX_CHARACTERS:
                return 422, {"error": f"Validation failed: Text character limit of {MAX_CHARACTERS} exceeded"}
            if visibility not in ("public", "unlisted", "private", "direct"):
                return 422, {"error": "Validation failed: Visibility is not included in the list"}
            reply_to = params.get("in_reply_to_id") or None
            if reply_to and reply_to not in self.state.statuses:
                return 404, {"error": "The post you are trying to reply to does not appear to exist."}
            media_ids = [str(m) for m in params.get("media_ids") or []]
            if len(media_ids) > 4:
                return 422, {"error": "Validation failed: Media attachments too many"}
            if any(m not in self.state.uploads or m in self.state.processing for m in media_ids):
                return 422, {"error": "Validation failed: Media attachments are not processed or unknown"}
            attachments = [self.state.uploads.pop(m) for m in media_ids]
            status = self._new_status(self.me, text, visibility, reply_to, attachments)
            if key:
                self.state.idempotency[key] = status["id"]
            return 200, status

    def context(self, status_id: str) -> dict[str, Any] | None:
        """Ancestors and descendants of a status, oldest first, as the API gives them (the
        asker here is our own account, which sees its direct answers)."""
        status = self.state.statuses.get(status_id)
        if status is None:
            return None
        ancestors = []
        parent = status.get("in_reply_to_id")
        while parent and parent in self.state.statuses:
            ancestors.insert(0, self.state.statuses[parent])
            parent = self.state.statuses[parent].get("in_reply_to_id")
        descendants, frontier = [], {status_id}
        for candidate in sorted(self.state.statuses.values(), key=lambda s: int(s["id"])):
            if candidate.get("in_reply_to_id") in frontier:
                descendants.append(candidate)
                frontier.add(candidate["id"])
        return json.loads(json.dumps({"ancestors": ancestors, "descendants": descendants}))

    def call(
        self, method: str, path: str, query: list[tuple[str, str]], params: dict[str, Any], headers: Any
    ) -> tuple[int, Any, dict[str, str]]:
        route = method + " " + re.sub(r"/\d+(?=/|$)", "/:id", path)
        with self.lock:
            self.state.calls.append((route, {**dict(query), **params, "_headers": _headers(headers)}))
            fault = self._fault(route)
        extra: dict[str, str] = {}
        if fault is not None and fault.lose_answer:
            self.answer(route, path, query, params, headers)
            return -1, None, extra
        if fault is not None:
            if fault.drop:
                return -1, None, extra
            if fault.reset_in is not None:
                extra["X-RateLimit-Remaining"] = "0"
                extra["X-RateLimit-Reset"] = _iso(_now() + timedelta(seconds=fault.reset_in))
            if fault.retry_after is not None:
                extra["Retry-After"] = str(fault.retry_after)
            return fault.status, {"error": fault.error or "Too many requests"}, extra
        return self.answer(route, path, query, params, headers)

    def answer(
        self, route: str, path: str, query: list[tuple[str, str]], params: dict[str, Any], headers: Any
    ) -> tuple[int, Any, dict[str, str]]:
        extra: dict[str, str] = {}
        if route in ("POST /api/v1/apps", "GET /oauth/authorize", "POST /oauth/token", "POST /oauth/revoke"):
            return self.oauth(route, {**dict(query), **params})
        if headers.get("Authorization") not in {f"Bearer {token}" for token in self.tokens}:
            return 401, {"error": "The access token is invalid"}, extra
        if route == "GET /api/v1/accounts/verify_credentials":
            return 200, {**self.me, "source": {"privacy": "public", "note": ""}}, extra
        if route == "GET /api/v2/instance":
            return (
                200,
                {
                    "domain": self.domain,
                    "title": "Social Example",
                    "version": "4.3.0",
                    "configuration": {
                        "statuses": {
                            "max_characters": MAX_CHARACTERS,
                            "max_media_attachments": 4,
                            "characters_reserved_per_url": 23,
                        },
                        "media_attachments": {
                            "supported_mime_types": [
                                "image/jpeg",
                                "image/png",
                                "image/gif",
                                "image/webp",
                                "video/mp4",
                                "video/webm",
                                "audio/mpeg",
                                "audio/ogg",
                            ],
                            "image_size_limit": IMAGE_SIZE_LIMIT,
                            "video_size_limit": VIDEO_SIZE_LIMIT,
                        },
                    },
                },
                extra,
            )
        if route == "GET /api/v1/notifications":
            page, links = self.notifications(query)
            if links:
                extra["Link"] = ", ".join(f'<{url}>; rel="{rel}"' for rel, url in links.items())
            return 200, page, extra
        if route == "GET /api/v1/statuses/:id":
            with self.lock:
                status = self.state.statuses.get(path.rsplit("/", 1)[-1])
            return (200, status, extra) if status else (404, {"error": "Record not found"}, extra)
        if route == "GET /api/v1/statuses/:id/context":
            with self.lock:
                found = self.context(path.split("/")[-2])
            return (200, found, extra) if found else (404, {"error": "Record not found"}, extra)
        if route == "POST /api/v2/media":
            return (*self.upload(params.get("file")), extra)
        if route == "GET /api/v1/media/:id":
            return (*self.uploaded(path.rsplit("/", 1)[-1]), extra)
        if route == "POST /api/v1/statuses":
            status_code, body = self.post_status(params, headers.get("Idempotency-Key"))
            return status_code, body, extra
        return 404, {"error": "Record not found"}, extra

    def oauth(self, route: str, params: dict[str, Any]) -> tuple[int, Any, dict[str, str]]:
        """Apps and OAuth: what a client registers and how it signs a person in."""
        if route == "POST /api/v1/apps":
            uris = params.get("redirect_uris") or ""
            uris = uris if isinstance(uris, list) else str(uris).split()
            if not params.get("client_name") or not uris:
                return 422, {"error": "Validation failed: Application name can't be blank"}, {}
            client_id, secret = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
            app = {
                "id": str(len(self.apps) + 1),
                "name": params["client_name"],
                "website": params.get("website"),
                "scopes": str(params.get("scopes") or "read").split(),
                "redirect_uri": "\n".join(uris),
                "redirect_uris": uris,
                "client_id": client_id,
                "client_secret": secret,
                "vapid_key": "BCk-QqERU0q-CfYZjcuB6lnyyOYfJ2AifKqfeGIm7Z-HiTU5T9eTG5GxVA0_OH5mMlI4UkkDTpaZwozy0TzdZ2M=",
            }
            self.apps[client_id] = app
            return 200, app, {}
        app = self.apps.get(str(params.get("client_id") or ""))
        if route == "GET /oauth/authorize":
            redirect = str(params.get("redirect_uri") or "")
            if app is None or redirect not in app["redirect_uris"]:
                return 400, {"error": "invalid_client"}, {}
            if params.get("code_challenge_method") != "S256" or not params.get("code_challenge"):
                return 400, {"error": "invalid_request"}, {}
            back = {"state": params.get("state", "")}
            if self.signs_in:
                code = secrets.token_urlsafe(24)
                self.codes[code] = {
                    "client_id": app["client_id"],
                    "redirect_uri": redirect,
                    "challenge": params["code_challenge"],
                }
                back["code"] = code
            else:
                back["error"] = "access_denied"
            return 302, {}, {"Location": redirect + "?" + urlencode(back)}
        if app is None or params.get("client_secret") != app["client_secret"]:
            return 401, {"error": "invalid_client", "error_description": "Client authentication failed"}, {}
        if route == "POST /oauth/revoke":
            self.tokens.discard(str(params.get("token") or ""))
            return 200, {}, {}
        asked = self.codes.pop(str(params.get("code") or ""), None)
        verifier = str(params.get("code_verifier") or "")
        digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if (
            params.get("grant_type") != "authorization_code"
            or asked is None
            or asked["client_id"] != app["client_id"]
            or asked["redirect_uri"] != params.get("redirect_uri")
            or digest != asked["challenge"]
        ):
            return 400, {"error": "invalid_grant"}, {}
        token = secrets.token_urlsafe(32)
        self.tokens.add(token)
        scope = " ".join(app["scopes"])
        return (
            200,
            {"access_token": token, "token_type": "Bearer", "scope": scope, "created_at": 1733600000},
            {},
        )

    def media_file(self, path: str, headers: Any) -> tuple[str, bytes] | None:
        with self.lock:
            self.state.calls.append(("GET /system/media", {"path": path, "_headers": _headers(headers)}))
            return self.state.media.get(path)


def _headers(headers: Any) -> dict[str, str]:
    return {str(k).title(): str(v) for k, v in headers.items()}


def _html(text: str, mentioned: dict[str, dict[str, Any]]) -> str:
    """A status's ``content`` as Mastodon renders it: paragraphs, <br>, mention and link markup."""

    def inline(line: str) -> str:
        out = html.escape(line, quote=False)
        out = re.sub(
            r"https?://[^\s<]+",
            lambda m: (
                f'<a href="{m.group(0)}" rel="nofollow noopener" target="_blank">'
                f'<span class="invisible">{m.group(0).split("//")[0]}//</span>'
                f'<span class="">{m.group(0).split("//", 1)[1]}</span></a>'
            ),
            out,
        )

        def mention(m: re.Match[str]) -> str:
            account = mentioned.get(m.group(1)) or mentioned.get(m.group(1).split("@")[0])
            if account is None:
                return m.group(0)
            return (
                f'<span class="h-card" translate="no"><a href="{account["url"]}" class="u-url mention">'
                f"@<span>{account['username']}</span></a></span>"
            )

        return re.sub(r"(?<![\w/])@(\w+(?:@[\w.-]+\w)?)", mention, out, flags=re.ASCII)

    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    return "".join("<p>" + "<br />".join(inline(line) for line in p.split("\n")) + "</p>" for p in paragraphs)


class _Handler(Handler):
    emulator: MastodonEmulator

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def _serve(self, method: str) -> None:
        url = urlsplit(self.path)
        query = parse_qsl(url.query)
        body, kind = self.read_body()
        params: dict[str, Any] = {}
        if body and kind == "application/json":
            params.update(json.loads(body))
        elif body and kind == "multipart/form-data":
            params.update(form_fields(self.headers.get("Content-Type") or "", body))
        elif body:
            params.update(parse_qsl(body.decode()))
        if method == "GET" and url.path.startswith("/system/"):
            found = self.emulator.media_file(
                url.path, self.headers
            )  # files need no token, as on a real instance
            if found is not None:
                self.answer(200, found[1], {"Content-Type": found[0]})
                return
            self.answer(404, b"Not Found", {"Content-Type": "text/plain"})
            return
        status, answer, extra = self.emulator.call(method, url.path, query, params, self.headers)
        if status < 0:  # a dropped connection
            self.close_connection = True
            return
        now = _now()
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "X-RateLimit-Limit": str(RATE_LIMIT),
            "X-RateLimit-Remaining": str(RATE_LIMIT - 1),
            "X-RateLimit-Reset": _iso(now.replace(second=0, microsecond=0) + timedelta(minutes=5)),
            **extra,
        }
        self.answer_json(status, answer, headers)


@contextmanager
def running(token: str = DEFAULT_TOKEN) -> Iterator[MastodonEmulator]:
    emulator = MastodonEmulator(token)
    emulator.start()
    try:
        yield emulator
    finally:
        emulator.stop()
