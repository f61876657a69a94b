"""Google Business Profile locations: reviews in, the owner's public answer out.

Each review is a case in its reviewer's timeline, its stars in the text (``★★★★☆ ...``)
and in the message's metadata. An edited review reaches the store as an edit of the same
message; an answer written on Google Maps arrives as an outgoing message; a review that
disappears is marked removed. An agent's answer is the review's one public reply (Google
keeps one per review: a new one replaces it), written with ``PUT .../reply``.

Google has no push without Pub/Sub, so ``wait_for_changes`` looks at the newest reviews
every ``poll_interval`` seconds. Answers written elsewhere, removals and reviews Google
publishes late do not come to the top of the list (ordered by change), so they are found
by re-reading the last ``recheck_days`` every ``recheck_minutes`` (see cursor.py).
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import AsyncIterator, Mapping
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import urlsplit

from connectors.base import (
    AuthError,
    Batch,
    BatchItem,
    BrokenItem,
    Capabilities,
    Channel,
    ExplainsSecret,
    FindsSent,
    NamesItself,
    OutboundReply,
    PermanentError,
    Polling,
    Progress,
    SendResult,
    SettingsError,
    SettingSpec,
    SignsIn,
    TransientError,
    is_loopback_host,
    validate_settings,
)
from connectors.oauth import SignInPlan

from .api import GoogleApi, parse_secret
from .cursor import SyncState
from .errors import SCOPE
from .plan import Planner, Swept
from .reviews import canon, days_before, reply_id, stamp_of, when
from .signin import ACCOUNTS_API, LOCATIONS_API, config_of, manager_locations

logger = logging.getLogger(__name__)

PAGE = 50  # the list's own maximum page size
BATCH = 50  # reviews handed over per batch
MAX_BYTES = 4096  # ReviewReply.comment: "The maximum length is 4096 bytes."
SWEEP_TRIES = 3
MAX_LOOKUPS = 20  # reviews gone from the list confirmed one by one per re-reading
REMEMBERED = 1000  # answers this process sent, by idempotency key

_ID = re.compile(r"^[A-Za-z0-9_-]+$")
_LOCATION = re.compile(r"^accounts/([^/]+)/locations/([^/]+)$")


def location_of(settings: Mapping[str, Any]) -> str:
    """``accounts/A/locations/L`` from the setting ``location`` or from the two IDs."""
    given = str(settings.get("location") or "").strip().strip("/")
    account = str(settings.get("account_id") or "").strip().strip("/").removeprefix("accounts/")
    place = str(settings.get("location_id") or "").strip().strip("/").removeprefix("locations/")
    if given and (account or place):
        raise SettingsError("give either the setting 'location' or 'account_id' with 'location_id', not both")
    if given:
        match = _LOCATION.match(given)
        if not match:
            raise SettingsError(
                f"setting 'location' must look like accounts/ACCOUNT_ID/locations/LOCATION_ID, not {given!r}"
            )
        account, place = match.groups()
    if not account or not place:
        raise SettingsError(
            "the location is required: set 'location' to accounts/ACCOUNT_ID/locations/LOCATION_ID "
            "(or set both 'account_id' and 'location_id')"
        )
    for key, value in (("account_id", account), ("location_id", place)):
        if not _ID.match(value):
            raise SettingsError(
                f"the {key.replace('_', ' ')} {value!r} is not a Google ID (letters and digits)"
            )
    return f"accounts/{account}/locations/{place}"


def _https(key: str, url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme == "http" and not is_loopback_host(parts.hostname or ""):
        raise SettingsError(
            f"setting {key!r} must use https:// — plain http:// would expose the tokens; it is "
            "only allowed for a server on this computer"
        )
    return url.rstrip("/")


class GoogleReviewsConnector(ExplainsSecret, NamesItself, Polling, FindsSent, SignsIn):
    kind: ClassVar[str] = "google_reviews"
    channel: ClassVar[Channel] = "review"
    # An answer to a review is public, always: the composer warns before it goes.
    capabilities: ClassVar[Capabilities] = Capabilities(
        max_length=MAX_BYTES, html=False, attachments=False, public=True, private=False, length_unit="bytes"
    )
    needs_secret: ClassVar[bool] = True
    secret_help: ClassVar[str] = (
        "the OAuth client secret, then sign in with Google as a manager of the location; or, for "
        'a worker without a browser, one line of JSON: {"client_secret": "...", "refresh_token": "..."} '
        "(Google's authorized-user JSON)"
    )
    #: Signing in with Google, the secret's field takes the client's secret.
    asks_client_secret: ClassVar[bool] = True
    title: ClassVar[str] = "Google reviews"
    secret_label: ClassVar[str] = "Authorization (JSON)"
    settings_schema: ClassVar[tuple[SettingSpec, ...]] = (
        SettingSpec(
            "location",
            "The location as Google names it: accounts/ACCOUNT_ID/locations/LOCATION_ID.",
            label="Business location",
            placeholder="accounts/…/locations/…",
        ),
        SettingSpec(
            "account_id",
            "Instead of the location's full name: the Business Profile account ID.",
            label="Account ID",
            advanced=True,
        ),
        SettingSpec(
            "location_id",
            "Instead of the location's full name: the location ID (with the account ID).",
            label="Location ID",
            advanced=True,
        ),
        SettingSpec(
            "client_id",
            "The OAuth client ID (…apps.googleusercontent.com) of the Google Cloud project "
            f"allowed to use the Business Profile API; it needs the scope {SCOPE}.",
            required=True,
            label="OAuth client ID",
        ),
        SettingSpec(
            "history_days",
            "Days of reviews the first sync brings in (0: all of them).",
            default=30,
            type="int",
            label="Days of reviews to import first",
        ),
        SettingSpec(
            "poll_interval",
            "Seconds between two looks for new or edited reviews.",
            default=300,
            type="int",
            label="Check every (seconds)",
            advanced=True,
        ),
        SettingSpec(
            "recheck_days",
            "Days back that reviews are read again for answers written on Google Maps and "
            "for removed reviews (0: never).",
            default=30,
            type="int",
            label="Read again the last (days)",
            advanced=True,
        ),
        SettingSpec(
            "recheck_minutes",
            "Minutes between two such readings (0: at every sync).",
            default=60,
            type="int",
            label="Read again every (minutes)",
            advanced=True,
        ),
        SettingSpec(
            "api_base",
            "The Business Profile API; change it only to point at a test server.",
            default="https://mybusiness.googleapis.com",
            type="url",
            label="Business Profile API",
            advanced=True,
        ),
        SettingSpec(
            "token_url",
            "Google's OAuth token address; change it only to point at a test server.",
            default="https://oauth2.googleapis.com/token",
            type="url",
            label="OAuth token address",
            advanced=True,
        ),
        SettingSpec(
            "oauth_authorize_url",
            "Google's sign-in page; change it only to point at a test server.",
            type="url",
            label="OAuth sign-in page",
            advanced=True,
        ),
        SettingSpec(
            "oauth_scope",
            "What the sign-in asks access to; known for Google.",
            label="OAuth scope",
            advanced=True,
        ),
        SettingSpec(
            "accounts_api",
            "Google's Account Management API, where the manager's accounts are listed.",
            default=ACCOUNTS_API,
            type="url",
            label="Account Management API",
            advanced=True,
        ),
        SettingSpec(
            "locations_api",
            "Google's Business Information API, where the manager's locations are listed.",
            default=LOCATIONS_API,
            type="url",
            label="Business Information API",
            advanced=True,
        ),
    )

    # ------------------------------------------------------------------ sign-in
    @classmethod
    def sign_in_title(cls, settings: Mapping[str, Any]) -> str | None:
        return "Google"

    @classmethod
    async def prepare_sign_in(cls, settings: Mapping[str, Any], redirect_uri: str) -> SignInPlan:
        return SignInPlan(config_of(settings))

    @classmethod
    async def choices_after_sign_in(
        cls, settings: Mapping[str, Any], secret: str
    ) -> dict[str, list[tuple[str, str]]]:
        """The locations the manager who signed in may answer for, to pick ``location`` from."""
        return {"location": await manager_locations(settings, secret)}

    def __init__(self, settings: Mapping[str, Any], secret: str | None = None) -> None:
        self.settings = validate_settings(self.settings_schema, settings)
        self.location = location_of(self.settings)
        self.client_id = str(self.settings["client_id"]).strip()
        self.poll_interval = max(1, int(self.settings["poll_interval"]))
        self.history_days = int(self.settings["history_days"])
        self.recheck_days = int(self.settings["recheck_days"])
        self.recheck_minutes = int(self.settings["recheck_minutes"])
        api_base = _https("api_base", str(self.settings["api_base"]))
        token_url = _https("token_url", str(self.settings["token_url"]))
        credentials = parse_secret(secret, self.client_id) if secret else None
        self.api = GoogleApi(api_base, token_url, self.client_id, credentials, self.location)
        self._sent: dict[str, SendResult] = {}

    @property
    def _prefix(self) -> str:
        return f"{self.location}/reviews/"

    def _now(self) -> datetime:
        return datetime.now(UTC)

    # ------------------------------------------------------------------ check
    async def check(self) -> None:
        await self.api.token()
        if self.api.missing_scope():
            raise AuthError(
                f"the refresh token was granted without the scope {SCOPE}; authorize Unisono again "
                "asking for it and store the new refresh token as this account's secret"
            )
        await self._page(1, None)  # the location exists and this account may read its reviews

    # ------------------------------------------------------------------ receive
    async def _page(self, size: int, token: str | None) -> Mapping[str, Any]:
        params = {"pageSize": str(size), "orderBy": "updateTime desc"}
        if token:
            params["pageToken"] = token
        page = await self.api.call("GET", f"{self.location}/reviews", "location", params=params)
        if not isinstance(page, Mapping):
            raise TransientError("Google answered the list of reviews with something that is not a list")
        return page

    async def _sweep(self, floor: str | None) -> Swept:
        """Every review changed since ``floor`` (None: all), newest version of each.

        Page tokens may count places in the list: a review removed while the pages are read
        would shift one past a page boundary unseen. The count Google gives on each page
        tells; the sweep is read again then, and a sweep that never settles is marked so."""
        swept = Swept()
        for _ in range(SWEEP_TRIES):
            swept, counts, token = Swept(), set[int](), None
            newest: dict[str, tuple[str, Mapping[str, Any]]] = {}
            while True:
                page = await self._page(PAGE, token)
                counts.add(int(page.get("totalReviewCount") or 0))
                older = False
                for review in page.get("reviews") or ():
                    try:
                        name, changed = str(review["name"]), canon(review["updateTime"])
                    except (KeyError, TypeError, ValueError) as exc:
                        swept.broken.append(_broken(review, exc))
                        continue
                    if floor is not None and changed < floor:
                        older = True
                        continue
                    if name not in newest or changed > newest[name][0]:
                        newest[name] = (changed, review)
                token = page.get("nextPageToken")
                if older or not token:
                    break
            swept.reviews = sorted(newest.values(), key=lambda pair: pair[0], reverse=True)
            if len(counts) == 1:
                return swept
            logger.info("the reviews of %s changed while they were read; reading them again", self.location)
        swept.complete = False
        return swept

    def _recheck_due(self, state: SyncState, now: datetime) -> bool:
        if self.recheck_days <= 0 or state.hwm is None:
            return False  # nothing handed over yet: no position to look behind
        if state.checked is None:
            return True
        return (now - when(state.checked)).total_seconds() >= self.recheck_minutes * 60

    async def fetch(self, cursor: str | None) -> AsyncIterator[Batch]:
        state = SyncState.load(cursor, self._prefix)
        now = self._now()
        horizon = days_before(now, self.recheck_days) if self.recheck_days > 0 else None
        floor = state.hwm
        if floor is None and self.history_days > 0:
            floor = days_before(now, self.history_days)
        if state.hwm is None:
            state.since = floor
        due = self._recheck_due(state, now)
        # A sweep that reaches past the horizon anyway (a first sync) re-reads for free.
        recheck = horizon is not None and (due or floor is None or floor <= horizon)
        reach = horizon if due and floor is not None and horizon is not None and horizon < floor else floor
        swept = await self._sweep(reach)
        planner = Planner(state, horizon)
        changed = planner.changed(swept, floor)
        batches = [changed[start : start + BATCH] for start in range(0, len(changed), BATCH)] or [[]]
        for number, chunk in enumerate(batches, 1):
            items: list[BatchItem] = list(swept.broken) if number == 1 else []
            for stamp, review in chunk:
                items += planner.hand_over(stamp, review)
            last = number == len(batches)
            if last and recheck:
                # Answers and removals ride with the last batch, whose cursor says when.
                items += await self._recheck(planner, swept, {str(r["name"]) for _, r in changed})
                state.checked = stamp_of(now)
            # A re-reading that was due is noted even when it found nothing, or it stays due.
            if items or chunk or (last and due):
                progress = Progress(min(number * BATCH, len(changed)), len(changed)) if changed else None
                yield Batch(tuple(items), state.dump(), progress)

    async def _recheck(self, planner: Planner, swept: Swept, handed: set[str]) -> list[BatchItem]:
        items: list[BatchItem] = []
        for stamp, review in sorted(swept.reviews, key=lambda pair: (pair[0], str(pair[1]["name"]))):
            if str(review["name"]) not in handed:
                items += planner.recheck(stamp, review)
        for name in planner.missing(swept)[:MAX_LOOKUPS]:
            if await self._gone(name):
                items += planner.removed(name)
        planner.prune()
        return items

    async def _gone(self, name: str) -> bool:
        """Whether Google says the review no longer exists (the list alone is no proof)."""
        try:
            await self.api.call("GET", name, "review")
        except PermanentError:
            return True
        return False

    async def wait_for_changes(self, cursor: str | None, timeout: float) -> bool:
        state = SyncState.load(cursor, self._prefix)
        deadline = time.monotonic() + timeout
        while True:
            if self.recheck_minutes > 0 and self._recheck_due(state, self._now()):
                return True
            floor = state.hwm
            if floor is None and self.history_days > 0:
                floor = days_before(self._now(), self.history_days)
            for review in (await self._page(10, None)).get("reviews") or ():
                try:
                    name, changed = str(review["name"]), canon(review["updateTime"])
                except (KeyError, TypeError, ValueError):
                    continue  # the fetch quarantines it; waking up for it again would spin
                if (floor is None or changed >= floor) and state.is_new(changed, name):
                    return True
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            await asyncio.sleep(min(remaining, self.poll_interval))

    # ------------------------------------------------------------------ send
    def _review_of(self, reply: OutboundReply) -> str:
        for candidate in (reply.in_reply_to, reply.thread_key):
            if candidate and candidate.startswith(self._prefix) and "/" not in candidate[len(self._prefix) :]:
                return candidate
        raise PermanentError(
            "an answer on Google must answer a review of this location, and this conversation has "
            "none; answer the customer through another channel"
        )

    def _check_reply(self, reply: OutboundReply) -> str:
        if reply.attachments:
            raise PermanentError("an answer to a Google review cannot carry files; send the text alone")
        text = reply.text.strip()
        if not text:
            raise PermanentError("the answer is empty")
        size = len(text.encode("utf-8"))
        if size > MAX_BYTES:
            raise PermanentError(
                f"the answer is {size} bytes long and Google allows {MAX_BYTES} (a letter with an accent "
                "takes two, an emoji four); shorten it"
            )
        return text

    async def send(self, reply: OutboundReply) -> SendResult:
        """Write ``reply`` as the review's public answer, replacing an earlier one.

        A PUT leaves one answer however often it is repeated; the same key twice in this
        process gives back the same result, and after a crash ``find_sent`` looks at the
        review's answer before the runner sends again."""
        text = self._check_reply(reply)  # refused before anything is sent
        review = self._review_of(reply)
        if reply.idempotency_key in self._sent:
            return self._sent[reply.idempotency_key]
        answer = await self.api.call("PUT", f"{review}/reply", "reply", body={"comment": text})
        stamp = _stamp_of(answer)
        if stamp is None:  # Google should say when; if not, its copy of the review does
            current = await self.api.call("GET", review, "review")
            stamp = _stamp_of((current or {}).get("reviewReply")) or stamp_of(self._now())
        result = SendResult(reply_id(review, stamp), when(stamp), {"review": review})
        self._sent[reply.idempotency_key] = result
        if len(self._sent) > REMEMBERED:
            del self._sent[next(iter(self._sent))]  # the oldest; a crash forgets them all anyway
        return result

    async def find_sent(self, reply: OutboundReply) -> SendResult | None:
        """The review's answer, if it is this reply's words: it left before a crash."""
        try:
            review = self._review_of(reply)
            text = self._check_reply(reply)
        except PermanentError:
            return None  # it can never have left
        try:
            current = await self.api.call("GET", review, "review")
        except PermanentError:
            return None  # the review is gone, and with it any answer
        answer = current.get("reviewReply") if isinstance(current, Mapping) else None
        stamp = _stamp_of(answer)
        if stamp is None or not isinstance(answer, Mapping) or _words(answer.get("comment")) != _words(text):
            return None
        return SendResult(reply_id(review, stamp), when(stamp), {"review": review})

    async def close(self) -> None:
        await self.api.close()


def _words(text: Any) -> list[str]:
    """An answer's words: Google may keep line breaks and spaces its own way."""
    return str(text or "").split()


def _stamp_of(answer: Any) -> str | None:
    if not isinstance(answer, Mapping) or not answer.get("updateTime"):
        return None
    try:
        return canon(answer["updateTime"])
    except ValueError:
        return None


def _broken(review: Any, exc: Exception) -> BrokenItem:
    import json

    name = (
        str(review.get("name") or review.get("reviewId") or "review")
        if isinstance(review, Mapping)
        else "review"
    )
    raw = json.dumps(review, ensure_ascii=False, sort_keys=True, default=str).encode()
    return BrokenItem(name, f"unreadable Google review: {exc!r}", raw)
