"""Google's Business Profile reviews API and OAuth token endpoint over real HTTP on loopback.

Written from Google's published reference (developers.google.com/my-business/reference/rest/v4,
accounts.locations.reviews; developers.google.com/identity/protocols/oauth2):

- ``POST /token`` (form ``grant_type=refresh_token``, ``client_id``, ``client_secret``,
  ``refresh_token``) -> ``{access_token, expires_in, scope, token_type: "Bearer"}``; a revoked
  refresh token is ``400 {"error": "invalid_grant", "error_description": ...}``, a wrong client
  ``401 {"error": "invalid_client", ...}``.
- ``GET /v4/accounts/A/locations/L/reviews`` (``pageSize`` at most 50, ``pageToken``,
  ``orderBy`` = ``updateTime desc`` (the default), ``rating`` or ``rating desc``; ascending
  ``updateTime`` is not supported) -> ``ListReviewsResponse {reviews, averageRating,
  totalReviewCount, nextPageToken}``; page tokens count places in the list, so a review
  removed between two pages shifts the next page, as an offset does.
- ``GET .../reviews/R`` -> ``Review``; ``PUT .../reviews/R/reply`` ``{comment}`` (at most
  4096 bytes) -> ``ReviewReply {comment, updateTime}``, replacing an earlier answer;
  ``DELETE .../reviews/R/reply`` -> ``{}``.
- Every API call needs a live Bearer token with the scope business.manage: ``401
  UNAUTHENTICATED`` / ``403 PERMISSION_DENIED`` / ``404 NOT_FOUND`` in Google's error shape
  ``{"error": {"code", "message", "status"}}``.

Signing in (developers.google.com/identity/protocols/oauth2/native-app): ``GET /authorize``
(a loopback ``redirect_uri``, PKCE S256; the manager, :attr:`manager`, consents) redirects
back with ``code`` and ``state``; ``POST /token`` with ``grant_type=authorization_code``
(client secret, redirect and ``code_verifier`` checked) answers a refresh token too. The
manager's accounts and locations: ``GET /v1/accounts`` (Account Management API,
``Account {name, accountName, type, role, verificationState}``) and ``GET
/v1/accounts/A/locations`` (Business Information API; ``readMask`` required, ``Location
{name: "locations/L", title, storefrontAddress}``), both paged with ``pageToken``.

Answers are JSON as Google's proto3 mapping writes it: fields at their default (no comment,
``isAnonymous`` false, an empty list, a zero count) are left out, and timestamps are UTC with
0, 3, 6 or 9 fractional digits. An answer does not change its review's ``updateTime``
(the reference: "when the review was last modified"; the answer has its own) unless
:attr:`answer_touches_review` says otherwise.

Tests play reviewers through :meth:`customer_reviews` and :meth:`customer_edits`, the owner
on Google Maps through :meth:`owner_replies`, Google itself through :meth:`google_removes`,
and break the server through :meth:`fail`.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import random
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

from tests.emulators.http import Handler, LoopbackEmulator, next_fault

CLIENT_ID = "284611530317-unisono.apps.googleusercontent.com"
CLIENT_SECRET = "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et_42"
REFRESH_TOKEN = "1//09unisono-emulator-refresh-token-Zx81kLq"
SCOPE = "https://www.googleapis.com/auth/business.manage"
ACCOUNT = "104857291046538291046"
PLACE = "7301958374650192837"
MAX_REPLY_BYTES = 4096
STARS = ("STAR_RATING_UNSPECIFIED", "ONE", "TWO", "THREE", "FOUR", "FIVE")


def google_time(ns: int) -> str:
    """RFC 3339 in UTC as Google writes it: 0, 3, 6 or 9 fractional digits."""
    seconds, nanos = divmod(ns, 1_000_000_000)
    base = datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S")
    if nanos == 0:
        return base + "Z"
    digits = f"{nanos:09d}"
    for width in (3, 6):
        if digits[width:] == "0" * (9 - width):
            return f"{base}.{digits[:width]}Z"
    return f"{base}.{digits}Z"


@dataclass
class Fault:
    status: int
    message: str
    google_status: str
    times: int = 1
    skip: int = 0
    retry_after: int | None = None
    drop: bool = False  # close the connection without answering
    lose_answer: bool = False  # do the work, then close the connection without answering
    body: Any = None


@dataclass
class _Review:
    review_id: str
    reviewer: dict[str, Any]
    stars: int
    comment: str | None
    created: int
    updated: int
    tie: float  # Google's order among equal times is its own
    reply: dict[str, Any] | None = None  # {"comment", "updated"}


@dataclass
class _Location:
    name: str
    title: str = ""
    address: tuple[str, ...] = ()
    reviews: dict[str, _Review] = field(default_factory=dict)
    verified: bool = True
    ours: bool = True  # the authorized Google account manages it


class GoogleReviewsEmulator(LoopbackEmulator):
    thread_name = "google-emulator"

    def __init__(self) -> None:
        self.client_id, self.client_secret = CLIENT_ID, CLIENT_SECRET
        self.refresh_tokens: dict[str, tuple[str, ...]] = {REFRESH_TOKEN: (SCOPE,)}
        self.access_tokens: dict[str, tuple[float, tuple[str, ...]]] = {}
        self.token_lifetime = 3599
        self.locations: dict[str, _Location] = {}
        self.location = self.add_location(ACCOUNT, PLACE).name
        self.reply_log: list[tuple[str, str]] = []  # every answer written: (review name, comment)
        self.lock = threading.Lock()
        self._faults: dict[str, list[Fault]] = {}
        self._calls: list[tuple[str, dict[str, Any]]] = []
        self._ids = itertools.count(1)
        self._last_ns = 0
        self._rng = random.Random(7)
        #: called (without the lock) after each page of the list is served, with its offset
        self.after_page: Callable[[int], None] | None = None
        #: the reference leaves open whether an answer moves its review's updateTime: off by
        #: default (the answer has its own), on to test a connector against the other reading
        self.answer_touches_review = False
        self.manager = "owner@example.com"  # who consents at the sign-in page
        self.codes: dict[str, dict[str, str]] = {}

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> str:
        return self.serve(_Handler)

    @property
    def token_url(self) -> str:
        return f"{self.base_url}/token"

    @property
    def secret(self) -> str:
        """The account's secret as the admin stores it."""
        return json.dumps({"client_secret": self.client_secret, "refresh_token": REFRESH_TOKEN})

    # ------------------------------------------------------------------ the world
    def add_location(
        self,
        account: str,
        place: str,
        *,
        verified: bool = True,
        ours: bool = True,
        title: str = "Trattoria Unisono",
        address: tuple[str, ...] = ("Via Roma 1", "Bologna"),
    ) -> _Location:
        location = _Location(
            f"accounts/{account}/locations/{place}", title, address, verified=verified, ours=ours
        )
        self.locations[location.name] = location
        return location

    def now_ns(self) -> int:
        """Now, strictly later than any time handed out before (lock held)."""
        self._last_ns = max(time.time_ns(), self._last_ns + 1_000)
        return self._last_ns

    def customer_reviews(
        self,
        display_name: str,
        stars: int,
        comment: str | None = None,
        *,
        anonymous: bool = False,
        at_ns: int | None = None,
        location: str | None = None,
    ) -> dict[str, Any]:
        """Someone reviews the location; returns the Review as the API shows it."""
        with self.lock:
            now = at_ns if at_ns is not None else self.now_ns()
            review_id = "AbFvOq" + base64.urlsafe_b64encode(secrets.token_bytes(24)).decode().rstrip("=")
            reviewer: dict[str, Any] = {"displayName": "A Google user" if anonymous else display_name}
            if anonymous:
                reviewer["isAnonymous"] = True
            else:
                reviewer["profilePhotoUrl"] = f"https://lh3.googleusercontent.com/a-/{next(self._ids)}=s120"
            review = _Review(review_id, reviewer, stars, comment, now, now, self._rng.random())
            place = self.locations[location or self.location]
            place.reviews[review_id] = review
            return self._json(place.name, review)

    def customer_edits(
        self,
        review: dict[str, Any],
        *,
        comment: str | None = None,
        stars: int | None = None,
        at_ns: int | None = None,
    ) -> dict[str, Any]:
        with self.lock:
            place, found = self._find(review["name"])
            if comment is not None:
                found.comment = comment
            if stars is not None:
                found.stars = stars
            found.updated = at_ns if at_ns is not None else self.now_ns()
            return self._json(place.name, found)

    def owner_replies(self, review: dict[str, Any], comment: str) -> dict[str, Any]:
        """The owner answers on Google Maps, not through the API's caller."""
        with self.lock:
            _, found = self._find(review["name"])
            found.reply = {"comment": comment, "updated": self.now_ns()}
            self._touch(found)
            return {"comment": comment, "updateTime": google_time(found.reply["updated"])}

    def owner_deletes_reply(self, review: dict[str, Any]) -> None:
        with self.lock:
            self._find(review["name"])[1].reply = None

    def google_removes(self, review: dict[str, Any]) -> None:
        with self.lock:
            place, found = self._find(review["name"])
            del place.reviews[found.review_id]

    def replies(self) -> dict[str, str]:
        """Each answered review's answer, as the public sees it now."""
        with self.lock:
            return {
                f"{p.name}/reviews/{r.review_id}": r.reply["comment"]
                for p in self.locations.values()
                for r in p.reviews.values()
                if r.reply
            }

    def review(self, name: str) -> dict[str, Any]:
        with self.lock:
            place, found = self._find(name)
            return self._json(place.name, found)

    def revoke(self, refresh_token: str = REFRESH_TOKEN) -> None:
        with self.lock:
            self.refresh_tokens.pop(refresh_token, None)
            self.access_tokens.clear()

    def expire_access_tokens(self) -> None:
        with self.lock:
            self.access_tokens.clear()

    def calls(self, route: str) -> list[dict[str, Any]]:
        with self.lock:
            return [params for name, params in self._calls if name == route]

    def fail(
        self,
        route: str,
        status: int,
        message: str = "",
        google_status: str = "",
        *,
        times: int = 1,
        skip: int = 0,
        retry_after: int | None = None,
        drop: bool = False,
        lose_answer: bool = False,
        body: Any = None,
    ) -> None:
        """The next ``times`` calls of ``route`` ("GET reviews", "GET review", "PUT reply",
        "DELETE reply", "POST token") fail."""
        with self.lock:
            self._faults.setdefault(route, []).append(
                Fault(status, message, google_status, times, skip, retry_after, drop, lose_answer, body)
            )

    # ------------------------------------------------------------------ internals (lock held)
    def _find(self, name: str) -> tuple[_Location, _Review]:
        location, _, review_id = name.rpartition("/reviews/")
        place = self.locations[location]
        return place, place.reviews[review_id]

    def _touch(self, review: _Review) -> None:
        if self.answer_touches_review and review.reply:
            review.updated = review.reply["updated"]

    def _json(self, location: str, review: _Review) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": f"{location}/reviews/{review.review_id}",
            "reviewId": review.review_id,
            "reviewer": dict(review.reviewer),
            "starRating": STARS[review.stars],
            "createTime": google_time(review.created),
            "updateTime": google_time(review.updated),
        }
        if review.comment:
            data["comment"] = review.comment
        if review.reply:
            data["reviewReply"] = {
                "comment": review.reply["comment"],
                "updateTime": google_time(review.reply["updated"]),
            }
        return data

    def _fault(self, route: str) -> Fault | None:
        return next_fault(self._faults.get(route) or [])

    # ------------------------------------------------------------------ the endpoints
    def authorize(self, query: dict[str, str]) -> tuple[int, Any, dict[str, str]]:
        redirect = query.get("redirect_uri", "")
        if query.get("client_id") != self.client_id:
            return 401, {"error": "invalid_client"}, {}
        if not redirect.startswith("http://127.0.0.1:"):
            return 400, {"error": "invalid_request", "error_description": "redirect_uri_mismatch"}, {}
        if query.get("code_challenge_method") != "S256" or not query.get("code_challenge"):
            return 400, {"error": "invalid_request", "error_description": "code_challenge required"}, {}
        code = "4/0A" + secrets.token_urlsafe(32)
        self.codes[code] = {
            "redirect_uri": redirect,
            "challenge": query["code_challenge"],
            "scope": query.get("scope", ""),
        }
        back = {"code": code, "state": query.get("state", ""), "scope": query.get("scope", "")}
        return 302, {}, {"Location": redirect + "?" + urlencode(back)}

    def _exchange(self, form: dict[str, str]) -> tuple[int, Any]:
        asked = self.codes.pop(form.get("code") or "", None)
        verifier = (form.get("code_verifier") or "").encode()
        digest = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=").decode()
        if asked is None or asked["redirect_uri"] != form.get("redirect_uri") or digest != asked["challenge"]:
            return 400, {"error": "invalid_grant", "error_description": "Bad Request"}
        scopes = tuple(scope for scope in asked["scope"].split() if scope)
        refresh = "1//0g" + secrets.token_urlsafe(40)
        self.refresh_tokens[refresh] = scopes
        access = "ya29.a0" + secrets.token_urlsafe(48)
        self.access_tokens[access] = (time.monotonic() + self.token_lifetime, scopes)
        claims = base64.urlsafe_b64encode(json.dumps({"email": self.manager}).encode()).rstrip(b"=").decode()
        return 200, {
            "access_token": access,
            "expires_in": self.token_lifetime,
            "refresh_token": refresh,
            "scope": " ".join(scopes),
            "token_type": "Bearer",
            "id_token": f"eyJhbGciOiJub25lIn0.{claims}.sig",
        }

    def token(self, form: dict[str, str]) -> tuple[int, Any]:
        if form.get("client_id") != self.client_id or form.get("client_secret") != self.client_secret:
            return 401, {"error": "invalid_client", "error_description": "The OAuth client was not found."}
        if form.get("grant_type") == "authorization_code":
            return self._exchange(form)
        if form.get("grant_type") != "refresh_token":
            return 400, {"error": "unsupported_grant_type", "error_description": "Invalid grant_type: "}
        scopes = self.refresh_tokens.get(form.get("refresh_token") or "")
        if scopes is None:
            return 400, {"error": "invalid_grant", "error_description": "Token has been expired or revoked."}
        access = "ya29.a0" + secrets.token_urlsafe(48)
        self.access_tokens[access] = (time.monotonic() + self.token_lifetime, scopes)
        return 200, {
            "access_token": access,
            "expires_in": self.token_lifetime,
            "scope": " ".join(scopes),
            "token_type": "Bearer",
        }

    def _unauthorized(self, headers: Any) -> tuple[int, Any] | None:
        given = str(headers.get("Authorization") or "")
        live = self.access_tokens.get(given.removeprefix("Bearer "))
        if not given.startswith("Bearer ") or live is None or live[0] < time.monotonic():
            return _error(401, "Request had invalid authentication credentials.", "UNAUTHENTICATED")
        if SCOPE not in live[1]:
            return _error(403, "Request had insufficient authentication scopes.", "PERMISSION_DENIED")
        return None

    def manager_api(self, path: str, query: dict[str, str], headers: Any) -> tuple[int, Any]:
        """accounts.list and accounts.locations.list of the v1 APIs, for the manager's locations."""
        refused = self._unauthorized(headers)
        if refused is not None:
            return refused
        ours = [place for place in self.locations.values() if place.ours]
        parts = path.removeprefix("/v1/").split("/")
        if parts == ["accounts"]:
            names = sorted({"/".join(place.name.split("/")[:2]) for place in ours})
            accounts = [
                {
                    "name": name,
                    "accountName": "Trattoria Unisono srl",
                    "type": "LOCATION_GROUP",
                    "role": "OWNER",
                    "verificationState": "VERIFIED",
                    "vettedState": "NOT_VETTED",
                }
                for name in names
            ]
            return 200, ({"accounts": accounts} if accounts else {})
        if len(parts) == 3 and parts[0] == "accounts" and parts[2] == "locations":
            if not query.get("readMask"):
                return _error(400, "Request contains an invalid argument.", "INVALID_ARGUMENT")
            mine = [place for place in ours if place.name.startswith(f"accounts/{parts[1]}/")]
            locations = [
                {
                    "name": "locations/" + place.name.rsplit("/", 1)[1],
                    "title": place.title,
                    "storefrontAddress": {
                        "regionCode": "IT",
                        "addressLines": [place.address[0]],
                        "locality": place.address[-1],
                    },
                }
                for place in mine
            ]
            return 200, ({"locations": locations, "totalSize": len(locations)} if locations else {})
        return _error(404, "Requested entity was not found.", "NOT_FOUND")

    def api(self, method: str, path: str, query: dict[str, str], body: Any, headers: Any) -> tuple[int, Any]:
        given = str(headers.get("Authorization") or "")
        live = self.access_tokens.get(given.removeprefix("Bearer "))
        if not given.startswith("Bearer ") or live is None or live[0] < time.monotonic():
            return _error(
                401,
                "Request had invalid authentication credentials. Expected OAuth 2 access token, login "
                "cookie or other valid authentication credential.",
                "UNAUTHENTICATED",
            )
        if SCOPE not in live[1]:
            return _error(403, "Request had insufficient authentication scopes.", "PERMISSION_DENIED")
        parts = path.removeprefix("/v4/").split("/")
        if len(parts) < 5 or parts[0] != "accounts" or parts[2] != "locations" or parts[4] != "reviews":
            return _error(404, "Requested entity was not found.", "NOT_FOUND")
        place = self.locations.get("/".join(parts[:4]))
        if place is None:
            return _error(404, "Requested entity was not found.", "NOT_FOUND")
        if not place.ours:
            return _error(403, "The caller does not have permission", "PERMISSION_DENIED")
        if len(parts) == 5 and method == "GET":
            return self._list(place, query)
        review = place.reviews.get(parts[5]) if len(parts) >= 6 else None
        if review is None:
            return _error(404, "Requested entity was not found.", "NOT_FOUND")
        if len(parts) == 6 and method == "GET":
            return 200, self._json(place.name, review)
        if len(parts) == 7 and parts[6] == "reply" and method == "PUT":
            return self._reply(place, review, body)
        if len(parts) == 7 and parts[6] == "reply" and method == "DELETE":
            if review.reply is None:
                return _error(404, "Requested entity was not found.", "NOT_FOUND")
            review.reply = None
            return 200, {}
        return _error(404, "Requested entity was not found.", "NOT_FOUND")

    def _list(self, place: _Location, query: dict[str, str]) -> tuple[int, Any]:
        order = query.get("orderBy") or "updateTime desc"
        keys = {
            "updateTime desc": lambda r: (-r.updated, r.tie),
            "rating": lambda r: (r.stars, r.tie),
            "rating desc": lambda r: (-r.stars, r.tie),
        }
        if order not in keys:
            return _error(400, f"Invalid orderBy: {order}", "INVALID_ARGUMENT")
        try:
            size = max(1, min(50, int(query.get("pageSize") or 50)))
            offset = (
                int(json.loads(base64.urlsafe_b64decode(query["pageToken"]))["o"])
                if query.get("pageToken")
                else 0
            )
        except (ValueError, KeyError, TypeError):
            return _error(400, "Request contains an invalid argument.", "INVALID_ARGUMENT")
        rows = sorted(place.reviews.values(), key=keys[order])
        page = rows[offset : offset + size]
        answer: dict[str, Any] = {}
        if page:
            answer["reviews"] = [self._json(place.name, r) for r in page]
        rated = [r.stars for r in rows if r.stars]
        if rated:
            answer["averageRating"] = round(sum(rated) / len(rated), 1)
        if rows:
            answer["totalReviewCount"] = len(rows)
        if offset + size < len(rows):
            answer["nextPageToken"] = base64.urlsafe_b64encode(
                json.dumps({"o": offset + size}).encode()
            ).decode()
        return 200, answer

    def _reply(self, place: _Location, review: _Review, body: Any) -> tuple[int, Any]:
        comment = body.get("comment") if isinstance(body, dict) else None
        if not isinstance(comment, str) or not comment.strip():
            return _error(400, "Request contains an invalid argument.", "INVALID_ARGUMENT")
        if len(comment.encode("utf-8")) > MAX_REPLY_BYTES:
            return _error(400, "Request contains an invalid argument.", "INVALID_ARGUMENT")
        if not place.verified:
            return _error(400, "Precondition check failed.", "FAILED_PRECONDITION")
        review.reply = {"comment": comment, "updated": self.now_ns()}
        self._touch(review)
        self.reply_log.append((f"{place.name}/reviews/{review.review_id}", comment))
        return 200, {"comment": comment, "updateTime": google_time(review.reply["updated"])}

    def call(
        self, method: str, path: str, query: dict[str, str], body: Any, headers: Any
    ) -> tuple[int, Any, dict[str, str]]:
        route = f"{method} token" if path == "/token" else f"{method} {_kind(path)}"
        with self.lock:
            self._calls.append(
                (
                    route,
                    {
                        **query,
                        **(body if isinstance(body, dict) else {}),
                        "_path": path,
                        "_headers": {str(k).title(): str(v) for k, v in headers.items()},
                    },
                )
            )
            fault = self._fault(route)
            extra: dict[str, str] = {}
            if fault is not None and fault.lose_answer:
                self._answer(method, path, query, body, headers)
                return -1, None, extra
            if fault is not None:
                if fault.drop:
                    return -1, None, extra
                if fault.retry_after is not None:
                    extra["Retry-After"] = str(fault.retry_after)
                if fault.body is not None:
                    return fault.status, fault.body, extra
                return (
                    *_error(
                        fault.status, fault.message or "Backend Error", fault.google_status or "UNAVAILABLE"
                    ),
                    extra,
                )
            return (*self._answer(method, path, query, body, headers), extra)

    def _answer(
        self, method: str, path: str, query: dict[str, str], body: Any, headers: Any
    ) -> tuple[int, Any]:
        if path == "/token" and method == "POST":
            return self.token(body if isinstance(body, dict) else {})
        if path.startswith("/v4/"):
            return self.api(method, path, query, body, headers)
        if path.startswith("/v1/") and method == "GET":
            return self.manager_api(path, query, headers)
        return _error(404, "Not Found", "NOT_FOUND")


def _kind(path: str) -> str:
    parts = path.removeprefix("/v4/").split("/")
    return {5: "reviews", 6: "review", 7: "reply"}.get(len(parts), "unknown")


def _error(code: int, message: str, status: str) -> tuple[int, Any]:
    return code, {"error": {"code": code, "message": message, "status": status}}


class _Handler(Handler):
    emulator: GoogleReviewsEmulator

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_PUT(self) -> None:
        self._serve("PUT")

    def do_DELETE(self) -> None:
        self._serve("DELETE")

    def _serve(self, method: str) -> None:
        url = urlsplit(self.path)
        raw, kind = self.read_body()
        body: Any = None
        if raw and kind == "application/json":
            body = json.loads(raw)
        elif raw:
            body = dict(parse_qsl(raw.decode()))
        query = dict(parse_qsl(url.query))
        if method == "GET" and url.path == "/authorize":
            status, answer, extra = self.emulator.authorize(query)
            self.answer_json(status, answer, {"Content-Type": "application/json; charset=UTF-8", **extra})
            return
        status, answer, extra = self.emulator.call(method, unquote(url.path), query, body, self.headers)
        hook = self.emulator.after_page
        if hook is not None and status == 200 and method == "GET" and _kind(url.path) == "reviews":
            hook(
                int(json.loads(base64.urlsafe_b64decode(query["pageToken"]))["o"])
                if "pageToken" in query
                else 0
            )
        if status < 0:
            self.close_connection = True
            return
        self.answer_json(status, answer, {"Content-Type": "application/json; charset=UTF-8", **extra})


@contextmanager
def running() -> Iterator[GoogleReviewsEmulator]:
    emulator = GoogleReviewsEmulator()
    emulator.start()
    try:
        yield emulator
    finally:
        emulator.stop()
