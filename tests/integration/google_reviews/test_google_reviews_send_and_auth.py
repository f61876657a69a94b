"""Answers out and credentials, against the emulator over real HTTP: one answer per key,
found again after a crash, refused before sending when too long; tokens renewed, refusals
typed and told in words, and no secret in a log line, an error or a cursor."""

from __future__ import annotations

import asyncio
import json
import logging
import traceback
from typing import Any

import pytest

from connectors.base import (
    AttachmentData,
    AuthError,
    OutboundReply,
    PermanentError,
    SettingsError,
    TransientError,
)
from connectors.google_reviews import GoogleReviewsConnector, api
from connectors.google_reviews.reviews import canon, reply_id
from tests.emulators.google_reviews import REFRESH_TOKEN, GoogleReviewsEmulator
from tests.integration.google_reviews.helpers import collect, connector


def answer(review: dict[str, Any], text: str, key: str = "k1", **fields: Any) -> OutboundReply:
    return OutboundReply(key, review["name"], text, in_reply_to=review["name"], **fields)


def outcomes(account: GoogleReviewsConnector, *replies: OutboundReply) -> list[Any]:
    """What each send gave: its SendResult or the error it raised."""

    async def run() -> list[Any]:
        out: list[Any] = []
        try:
            for reply in replies:
                try:
                    out.append(await account.send(reply))
                except (PermanentError, AuthError, TransientError) as exc:
                    out.append(exc)
            return out
        finally:
            await account.close()

    return asyncio.run(run())


def test_an_answer_is_the_reviews_public_reply_once_per_key(emulator: GoogleReviewsEmulator) -> None:
    ada = emulator.customer_reviews("Ada", 2, "Cold coffee")
    first, again, newer = outcomes(
        connector(emulator),
        answer(ada, "  Sorry, Ada: the machine is fixed.  "),
        answer(ada, "  Sorry, Ada: the machine is fixed.  "),
        answer(ada, "Sorry again, Ada.", key="k2"),
    )
    assert first == again  # the same key: the same answer, not written twice
    [put, second_put] = emulator.calls("PUT reply")
    assert (
        put["comment"] == "Sorry, Ada: the machine is fixed." and put["_path"] == f"/v4/{ada['name']}/reply"
    )
    assert emulator.reply_log == [
        (ada["name"], "Sorry, Ada: the machine is fixed."),
        (ada["name"], "Sorry again, Ada."),
    ]
    # One answer stands per review: the newer one replaced the first.
    assert emulator.replies() == {ada["name"]: "Sorry again, Ada."}
    stamp = canon(emulator.review(ada["name"])["reviewReply"]["updateTime"])
    assert newer.external_id == reply_id(ada["name"], stamp) != first.external_id
    assert newer.meta == {"review": ada["name"]} and newer.sent_at.tzinfo is not None
    assert second_put["comment"] == "Sorry again, Ada."


def test_an_answer_that_left_before_a_crash_is_found_instead_of_written_again(
    emulator: GoogleReviewsEmulator,
) -> None:
    ada = emulator.customer_reviews("Ada", 4, "Nice")
    bob = emulator.customer_reviews("Bob", 3, "Okay")
    emulator.fail("PUT reply", 0, lose_answer=True)  # Google writes it; the answer never arrives
    reply = answer(ada, "Thank you, Ada!")

    [lost] = outcomes(connector(emulator), reply)
    assert isinstance(lost, TransientError) and "cannot reach the Business Profile API" in str(lost)

    async def after_the_crash() -> list[Any]:
        account = connector(emulator)  # a new worker: nothing in memory
        try:
            return [
                await account.find_sent(reply),
                await account.find_sent(answer(ada, "Thank you,\n  Ada!")),  # Google's own spacing
                await account.find_sent(answer(ada, "Other words")),
                await account.find_sent(answer(bob, "Thank you, Ada!")),
                await account.find_sent(OutboundReply("k", "not-a-review", "Thank you, Ada!")),
            ]
        finally:
            await account.close()

    found, respaced, other_words, other_review, no_review = asyncio.run(after_the_crash())
    assert respaced == found
    stamp = canon(emulator.review(ada["name"])["reviewReply"]["updateTime"])
    assert found is not None and found.external_id == reply_id(ada["name"], stamp)
    assert (other_words, other_review, no_review) == (None, None, None)
    assert emulator.reply_log == [(ada["name"], "Thank you, Ada!")]  # written once, found once
    emulator.google_removes(ada)
    assert asyncio.run(_find(connector(emulator), reply)) is None  # a removed review has no answer


async def _find(account: GoogleReviewsConnector, reply: OutboundReply) -> Any:
    try:
        return await account.find_sent(reply)
    finally:
        await account.close()


def test_a_too_long_answer_is_refused_before_anything_is_sent(emulator: GoogleReviewsEmulator) -> None:
    ada = emulator.customer_reviews("Ada", 1, "Awful")
    long_ascii, long_accents, exact = "x" * 4097, "é" * 2049, "é" * 2047 + "xy"  # 4097, 4098, 4096 bytes
    refused, accents = outcomes(connector(emulator), answer(ada, long_ascii), answer(ada, long_accents, "k2"))
    assert isinstance(refused, PermanentError) and "4097 bytes long and Google allows 4096" in str(refused)
    assert isinstance(accents, PermanentError) and "4098 bytes" in str(accents) and "accent" in str(accents)
    assert emulator.calls("POST token") == [] and emulator.calls("PUT reply") == []  # nothing left the app
    [fits] = outcomes(connector(emulator), answer(ada, exact, "k3"))
    assert not isinstance(fits, Exception) and emulator.replies() == {ada["name"]: exact}
    assert GoogleReviewsConnector.capabilities.max_length == 4096


def test_an_answer_needs_a_review_to_answer_and_carries_no_files(emulator: GoogleReviewsEmulator) -> None:
    ada = emulator.customer_reviews("Ada", 5, "Great")
    other = "accounts/1/locations/2/reviews/elsewhere"
    results = outcomes(
        connector(emulator),
        OutboundReply("a", "thread-made-by-the-app", "Hello"),
        OutboundReply("b", other, "Hello", in_reply_to=other),
        answer(ada, "   ", "c"),
        answer(ada, "See the photo", "d", attachments=(AttachmentData("a.jpg", "image/jpeg", b"\xff\xd8"),)),
    )
    assert all(isinstance(r, PermanentError) for r in results)
    assert "must answer a review of this location" in str(results[0]) and "of this location" in str(
        results[1]
    )
    assert "empty" in str(results[2]) and "cannot carry files" in str(results[3])
    assert emulator.calls("PUT reply") == []
    caps = GoogleReviewsConnector.capabilities
    assert (caps.public, caps.private, caps.attachments, caps.html) == (True, False, False, False)


def test_refusals_are_typed_and_told_in_words(emulator: GoogleReviewsEmulator) -> None:
    ada = emulator.customer_reviews("Ada", 5, "Great")
    emulator.fail("PUT reply", 400, "Request contains an invalid argument.", "INVALID_ARGUMENT")
    emulator.fail("PUT reply", 403, "The caller does not have permission", "PERMISSION_DENIED")
    emulator.fail("PUT reply", 503, "The service is currently unavailable.", "UNAVAILABLE")
    emulator.fail(
        "PUT reply", 429, "Quota exceeded for quota metric 'Requests'", "RESOURCE_EXHAUSTED", retry_after=7
    )
    emulator.fail("PUT reply", 404, "Requested entity was not found.", "NOT_FOUND")
    bad, forbidden, unavailable, limited, gone = outcomes(
        connector(emulator), *(answer(ada, "Thanks", f"k{n}") for n in range(5))
    )
    assert isinstance(bad, PermanentError) and "Google refused the answer: Request contains" in str(bad)
    assert isinstance(forbidden, AuthError) and "owner or manager of the location" in str(forbidden)
    assert isinstance(unavailable, TransientError) and unavailable.retry_after is None
    assert isinstance(limited, TransientError) and limited.retry_after == 7 and "quota" in str(limited)
    assert isinstance(gone, PermanentError) and "no longer on Google" in str(gone)
    assert emulator.replies() == {}
    emulator.locations[emulator.location].verified = False
    [unverified] = outcomes(connector(emulator), answer(ada, "Thanks", "k9"))
    assert isinstance(unverified, PermanentError) and "Precondition check failed" in str(unverified)


def test_a_busy_google_is_waited_out_as_it_asks_and_nothing_is_lost(emulator: GoogleReviewsEmulator) -> None:
    for n in range(60):
        emulator.customer_reviews(f"R{n}", 4, f"review {n}")
    emulator.fail("GET reviews", 429, "Quota exceeded", "RESOURCE_EXHAUSTED", retry_after=30)
    emulator.fail("GET reviews", 500, "Internal error encountered.", "INTERNAL", skip=1)

    async def run() -> tuple[list[TransientError], int]:
        account = connector(emulator)
        errors: list[TransientError] = []
        try:
            for _ in range(3):  # what the runner does: store what came, wait, fetch again
                try:
                    batches, _ = await collect(account, None)
                    return errors, sum(len(b.items) for b in batches)
                except TransientError as exc:
                    errors.append(exc)
            return errors, 0
        finally:
            await account.close()

    errors, count = asyncio.run(run())
    assert [e.retry_after for e in errors] == [30, None] and count == 60
    assert "quota is used up" in str(errors[0]) and "failed (Internal error" in str(errors[1])


def test_a_refused_access_token_is_renewed_once_then_the_admin_is_told(
    emulator: GoogleReviewsEmulator,
) -> None:
    emulator.customer_reviews("Ada", 5, "Great")

    async def run() -> tuple[int, AuthError]:
        account = connector(emulator)
        try:
            await collect(account, None)
            emulator.expire_access_tokens()  # Google forgets the token before its hour is up
            batches, _ = await collect(account, None)
            emulator.fail(
                "GET reviews",
                401,
                "Request had invalid authentication credentials.",
                "UNAUTHENTICATED",
                times=2,
            )
            with pytest.raises(AuthError) as refused:
                await collect(account, None)
            return len(batches), refused.value
        finally:
            await account.close()

    count, refused = asyncio.run(run())
    assert count == 1
    assert len(emulator.calls("POST token")) == 3  # the first, then one renewal for each refusal
    assert "refused the access token" in str(refused) and "authorize Unisono again" in str(refused)


def test_a_token_is_renewed_a_minute_before_it_expires(
    emulator: GoogleReviewsEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = _Clock()
    monkeypatch.setattr(api, "time", clock)  # the connector's clock only

    async def run() -> list[int]:
        account = connector(emulator)
        tokens: list[int] = []
        try:
            for advance in (0, 3000, 538, 2):  # Google's tokens live 3599 s
                clock.now += advance
                await account.check()
                tokens.append(len(emulator.calls("POST token")))
        finally:
            await account.close()
        return tokens

    assert asyncio.run(run()) == [1, 1, 1, 2]  # renewed at 3540 s, not used up to the last second
    used = [c["_headers"]["Authorization"] for c in emulator.calls("GET reviews")]
    assert len(set(used)) == 2 and used[2] == used[0] != used[3]


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


def test_check_says_what_is_wrong_in_words(emulator: GoogleReviewsEmulator) -> None:
    async def checked(secret: str | None = None, **settings: Any) -> Exception | None:
        account = connector(emulator, secret, **settings)
        try:
            await account.check()
            return None
        except (AuthError, SettingsError, TransientError) as exc:
            return exc
        finally:
            await account.close()

    emulator.add_location("104857291046538291046", "555", ours=False)
    assert asyncio.run(checked()) is None
    unknown = asyncio.run(checked(location="accounts/104857291046538291046/locations/999"))
    assert isinstance(unknown, SettingsError) and "knows no location accounts/" in str(unknown)
    foreign = asyncio.run(checked(location="accounts/104857291046538291046/locations/555"))
    assert isinstance(foreign, AuthError) and "owner or manager" in str(foreign)
    emulator.refresh_tokens[REFRESH_TOKEN] = ("https://www.googleapis.com/auth/userinfo.email",)
    scope = asyncio.run(checked())
    assert isinstance(scope, AuthError) and "https://www.googleapis.com/auth/business.manage" in str(scope)
    rotated = json.dumps({"client_secret": "GOCSPX-rotated", "refresh_token": REFRESH_TOKEN})
    wrong = asyncio.run(checked(rotated))
    assert isinstance(wrong, AuthError) and "does not accept the OAuth client (invalid_client" in str(wrong)
    emulator.revoke()
    revoked = asyncio.run(checked())
    assert isinstance(revoked, AuthError) and "refused the refresh token (invalid_grant" in str(revoked)
    emulator.fail("POST token", 503, body={"error": "internal_failure"})
    down = asyncio.run(checked())
    assert isinstance(down, TransientError) and "sign-in service failed" in str(down)


def test_no_secret_reaches_a_log_line_an_error_or_a_cursor(
    emulator: GoogleReviewsEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    ada = emulator.customer_reviews("Ada", 5, "Great")
    errors: list[BaseException] = []
    cursors: list[str | None] = []

    async def run() -> None:
        good = connector(emulator)
        try:
            cursors.append((await collect(good, None))[1])
            await good.send(answer(ada, "Thanks"))
            emulator.expire_access_tokens()
            await good.check()
            emulator.fail("GET reviews", 403, "The caller does not have permission", "PERMISSION_DENIED")
            with pytest.raises(AuthError) as forbidden:
                await good.check()
            errors.append(forbidden.value)
        finally:
            await good.close()
        dead = connector(emulator, api_base="http://127.0.0.1:9", token_url="http://127.0.0.1:9/token")
        wrong = connector(
            emulator, json.dumps({"client_secret": "GOCSPX-wrong", "refresh_token": REFRESH_TOKEN})
        )
        for account in (dead, wrong):
            try:
                with pytest.raises((TransientError, AuthError)) as failed:
                    await account.check()
                errors.append(failed.value)
            finally:
                await account.close()

    with caplog.at_level(logging.DEBUG):
        asyncio.run(run())
        emulator.revoke()
        with pytest.raises(AuthError) as revoked:
            asyncio.run(_check(connector(emulator)))
        errors.append(revoked.value)
    with pytest.raises(SettingsError) as malformed:
        GoogleReviewsConnector({"location": emulator.location, "client_id": "x"}, REFRESH_TOKEN)
    errors.append(malformed.value)
    secrets = [REFRESH_TOKEN, emulator.client_secret, "GOCSPX-wrong"]
    issued = [c["_headers"]["Authorization"].removeprefix("Bearer ") for c in emulator.calls("GET reviews")]
    assert issued and all(t.startswith("ya29.") for t in issued)
    shown = [record.getMessage() for record in caplog.records] + [
        "".join(traceback.format_exception(e)) for e in errors
    ]
    assert caplog.records and len(errors) == 5
    assert not [s for s in [*secrets, *issued] for text in [*shown, *map(str, cursors)] if s in text]
    assert "one line of JSON" in str(malformed.value)
    assert "hidden" in repr(connector(emulator).api._credentials)


async def _check(account: GoogleReviewsConnector) -> None:
    try:
        await account.check()
    finally:
        await account.close()


def test_settings_are_refused_in_words() -> None:
    base = {"client_id": "1-x.apps.googleusercontent.com"}

    def refused(settings: dict[str, Any], secret: str | None = None) -> str:
        with pytest.raises(SettingsError) as info:
            GoogleReviewsConnector({**base, **settings}, secret)
        return str(info.value)

    assert "location is required" in refused({})
    assert "accounts/ACCOUNT_ID/locations/LOCATION_ID" in refused({"location": "locations/1"})
    assert "not both" in refused({"location": "accounts/1/locations/2", "account_id": "1"})
    assert "location is required" in refused({"account_id": "1"})
    assert "not a Google ID" in refused({"account_id": "1 2", "location_id": "3"})
    assert "must use https://" in refused(
        {"location": "accounts/1/locations/2", "api_base": "http://google.example"}
    )
    assert "must use https://" in refused(
        {"location": "accounts/1/locations/2", "token_url": "http://g.example/t"}
    )
    assert "'client_id' is required" in str(
        pytest.raises(SettingsError, GoogleReviewsConnector, {}, None).value
    )
    assert "no refresh_token" in refused({"location": "accounts/1/locations/2"}, '{"client_secret": "s"}')
    other = json.dumps({"client_id": "2-y", "client_secret": "s", "refresh_token": "r"})
    assert "client_id" in refused({"location": "accounts/1/locations/2"}, other)
    both = GoogleReviewsConnector({**base, "account_id": "accounts/11", "location_id": "locations/22"}, None)
    plain = GoogleReviewsConnector({**base, "location": "/accounts/11/locations/22/"}, None)
    assert both.location == plain.location == "accounts/11/locations/22"
    assert (plain.api.api_base, plain.api.token_url) == (
        "https://mybusiness.googleapis.com",
        "https://oauth2.googleapis.com/token",
    )
    assert (plain.poll_interval, plain.history_days, plain.recheck_days, plain.recheck_minutes) == (
        300,
        30,
        30,
        60,
    )
