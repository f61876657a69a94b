"""The Mastodon connector against the instance emulator, over real HTTP."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
import traceback
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

import pytest

from connectors.base import (
    Address,
    AttachmentData,
    AuthError,
    BatchItem,
    BrokenItem,
    InboundItem,
    ItemUpdate,
    OutboundReply,
    PermanentError,
    SettingsError,
    TransientError,
)
from connectors.mastodon import MastodonConnector
from connectors.mastodon.statuses import html_to_text, status_length, to_item
from tests.emulators.mastodon import IMAGE_SIZE_LIMIT, MastodonEmulator


def connector(emulator: MastodonEmulator, token: str | None = None, **settings: Any) -> MastodonConnector:
    return MastodonConnector(
        {"instance": emulator.base_url, **settings}, token if token is not None else emulator.token
    )


async def collect(account: MastodonConnector, cursor: str | None) -> tuple[list[list[BatchItem]], str | None]:
    batches: list[list[BatchItem]] = []
    async for batch in account.fetch(cursor):
        batches.append(list(batch.items))
        cursor = batch.cursor
    return batches, cursor


def fetched(emulator: MastodonEmulator, cursor: str | None = None, **settings: Any) -> list[BatchItem]:
    async def run() -> list[BatchItem]:
        account = connector(emulator, **settings)
        try:
            batches, _ = await collect(account, cursor)
            return [item for batch in batches for item in batch]
        finally:
            await account.close()

    return asyncio.run(run())


def sent(emulator: MastodonEmulator, *replies: OutboundReply, **settings: Any) -> list[Any]:
    async def run() -> list[Any]:
        account = connector(emulator, **settings)
        try:
            return [await account.send(reply) for reply in replies]
        finally:
            await account.close()

    return asyncio.run(run())


def texts(items: list[BatchItem]) -> list[str]:
    return [i.text for i in items if isinstance(i, InboundItem)]


def test_mentions_arrive_as_messages_with_their_thread_and_files(emulator: MastodonEmulator) -> None:
    ada = emulator.account("ada", display_name="Ada Lovelace")
    bob = emulator.account("bob", "other.example")
    picture = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8
    first = emulator.customer_mentions(
        ada,
        "Hello, where is my parcel?\nOrder 1042\n\nTracking: https://track.example/parcel/1042/details",
        media=(("box.jpg", "image/jpeg", picture),),
        spoiler_text="delivery",
    )
    emulator.customer_mentions(bob, "Same question & more <here>", visibility="direct")
    emulator.customer_mentions(ada, "Any news?", in_reply_to=first["id"])
    emulator.push_notification(type="favourite", account=bob)  # not asked for: never arrives

    hello, other, news = fetched(emulator)
    assert isinstance(hello, InboundItem) and isinstance(other, InboundItem)
    assert isinstance(news, InboundItem)
    assert hello.text == (
        "Hello, where is my parcel?\nOrder 1042\n\nTracking: https://track.example/parcel/1042/details"
    )
    assert hello.html == first["content"] and "<p>" in (hello.html or "")
    assert (hello.sender.kind, hello.sender.value, hello.sender.display_name) == (
        "mastodon",
        "@ada@social.example",  # a local account's acct has no domain: the instance's is added
        "Ada Lovelace",
    )
    assert (hello.external_id, hello.thread_key, hello.in_reply_to) == (first["id"], first["id"], None)
    assert hello.direction == "in" and hello.sent_at.tzinfo is not None
    assert dict(hello.meta) == {"visibility": "public", "url": first["url"], "spoiler_text": "delivery"}
    assert [(a.filename, a.content_type, a.data) for a in hello.attachments] == [
        ("box.jpg", "image/jpeg", picture)
    ]
    assert (other.sender.value, other.sender.display_name, other.text) == (
        "@bob@other.example",
        None,
        "Same question & more <here>",
    )
    assert other.meta["visibility"] == "direct"
    assert (news.in_reply_to, news.thread_key, news.text) == (first["id"], first["id"], "Any news?")
    # The file is fetched without the access token: media may live on another host.
    [media_call] = emulator.calls("GET /system/media")
    assert media_call["path"].endswith("/box.jpg") and "Authorization" not in media_call["_headers"]
    assert all(
        c["_headers"]["Authorization"] == f"Bearer {emulator.token}"
        for c in emulator.calls("GET /api/v1/notifications")
    )


def test_files_over_20_mb_are_noted_not_downloaded(emulator: MastodonEmulator) -> None:
    ada = emulator.account("ada")
    big = b"\0" * (20 * 1024 * 1024 + 1)
    emulator.customer_mentions(ada, "the video", media=(("unboxing.mp4", "video/mp4", big),))
    [item] = fetched(emulator)
    assert isinstance(item, InboundItem)
    assert item.attachments == () and item.meta["attachments_missing"] == ["unboxing.mp4"]


def test_paging_across_pages_and_resuming_after_a_crash_between_batches(
    emulator: MastodonEmulator,
) -> None:
    ada = emulator.account("ada")
    for n in range(95):
        emulator.customer_mentions(ada, f"mention {n}")

    async def run() -> None:
        first = connector(emulator)
        try:
            stream = first.fetch(None)
            batch = await anext(stream)
            assert texts(list(batch.items)) == [f"mention {n}" for n in range(40)]
            stored_cursor = batch.cursor
            await stream.aclose()  # the worker dies before storing the next batch
        finally:
            await first.close()
        second = connector(emulator)
        try:
            batches, cursor = await collect(second, stored_cursor)
            assert [len(b) for b in batches] == [40, 15]
            assert [t for b in batches for t in texts(b)] == [f"mention {n}" for n in range(40, 95)]
            again, same = await collect(second, cursor)
            assert again == [] and same == cursor
            emulator.customer_mentions(ada, "one more")
            more, _ = await collect(second, cursor)
            assert [texts(b) for b in more] == [["one more"]]
        finally:
            await second.close()

    asyncio.run(run())
    calls = emulator.calls("GET /api/v1/notifications")
    assert calls[0]["min_id"] == "0" and calls[0]["limit"] == "40"
    assert all(c["types[]"] in ("mention", "update") for c in calls)
    # The stored cursor is the rel="prev" link's min_id: the newest notification stored.
    assert calls[1]["min_id"] == emulator.state.notifications[39]["id"]
    assert calls[2]["min_id"] == emulator.state.notifications[79]["id"]


def test_a_failing_page_stops_the_fetch_and_loses_nothing(emulator: MastodonEmulator) -> None:
    ada = emulator.account("ada")
    for n in range(50):
        emulator.customer_mentions(ada, f"mention {n}")
    emulator.fail("GET /api/v1/notifications", 500, "Internal Server Error", skip=1)
    emulator.fail("GET /api/v1/notifications", 0, drop=True)  # then the connection drops

    async def run() -> list[str]:
        account = connector(emulator)
        got: list[str] = []
        cursor = None
        try:
            for expected in (TransientError, TransientError, None):
                try:
                    async for batch in account.fetch(cursor):
                        got += texts(list(batch.items))
                        cursor = batch.cursor  # what the store commits
                except TransientError as exc:
                    assert expected is TransientError, exc
                    continue
                assert expected is None
            return got
        finally:
            await account.close()

    assert asyncio.run(run()) == [f"mention {n}" for n in range(50)]


def test_edits_arrive_as_updates_and_a_damaged_post_is_quarantined(emulator: MastodonEmulator) -> None:
    ada = emulator.account("ada")
    status = emulator.customer_mentions(ada, "my adress is Via Roma 1")
    emulator.push_notification(type="mention", account=ada, status={"id": "999", "content": "<p>x</p>"})
    emulator.customer_edits(status["id"], "my address is Via Roma 1")
    emulator.customer_mentions(ada, "still here")

    original, broken, edit, last = fetched(emulator)
    assert isinstance(original, InboundItem) and isinstance(last, InboundItem)
    assert isinstance(broken, BrokenItem) and broken.external_id == "999"
    assert "unreadable" in broken.reason
    assert isinstance(edit, ItemUpdate)
    assert (edit.kind, edit.target_external_id, edit.text) == (
        "edit",
        status["id"],
        "my address is Via Roma 1",
    )
    assert last.text == "still here"


def test_our_own_post_seen_again_is_outgoing() -> None:
    me = {"id": "1", "username": "support", "acct": "support"}
    notification = {
        "id": "5",
        "type": "mention",
        "status": {
            "id": "77",
            "account": me,
            "content": "<p>@support note to self</p>",
            "created_at": "2026-11-25T10:00:00.000Z",
            "in_reply_to_id": "70",
            "visibility": "direct",
        },
    }
    item = to_item(notification, "social.example", me)
    assert isinstance(item, InboundItem)
    assert (item.direction, item.external_id, item.in_reply_to, item.text) == (
        "out",
        "77",
        "70",
        "note to self",
    )


def test_html_becomes_readable_text() -> None:
    content = (
        '<p>Hi <span class="h-card"><a href="https://x.example/@a" class="u-url mention">@<span>a</span>'
        '</a></span>,<br />line two &amp; more</p><p>see <a href="https://e.example/long/path">'
        '<span class="invisible">https://</span><span class="ellipsis">e.example/lo</span>'
        '<span class="invisible">ng/path</span></a></p>'
    )
    assert html_to_text(content) == "Hi @a,\nline two & more\n\nsee https://e.example/long/path"
    # Mastodon counts a link as 23 characters and a remote mention by its username.
    assert status_length("@ada@social.example " + "https://e.example/" + "x" * 300) == len("@ada ") + 23


@pytest.mark.slow
def test_wait_for_changes_polls_politely_and_wakes_up(emulator: MastodonEmulator) -> None:
    ada = emulator.account("ada")
    emulator.customer_mentions(ada, "first")

    async def run() -> tuple[bool, float, bool, float, int]:
        account = connector(emulator, poll_interval=1)
        try:
            _, cursor = await collect(account, None)
            before = len(emulator.calls("GET /api/v1/notifications"))
            start = time.monotonic()
            idle = await account.wait_for_changes(cursor, 2.2)
            idle_took = time.monotonic() - start
            polls = len(emulator.calls("GET /api/v1/notifications")) - before
            timer = threading.Timer(0.3, emulator.customer_mentions, (ada, "are you there?"))
            timer.start()
            start = time.monotonic()
            woke = await account.wait_for_changes(cursor, 10)
            woke_took = time.monotonic() - start
            timer.join()
            return idle, idle_took, woke, woke_took, polls
        finally:
            await account.close()

    idle, idle_took, woke, woke_took, polls = asyncio.run(run())
    assert idle is False and 2.1 <= idle_took < 4
    assert 3 <= polls <= 4  # one look a second, not a busy loop
    assert woke is True and 0.25 <= woke_took < 2.5
    assert emulator.calls("GET /api/v1/notifications")[-1]["limit"] == "1"


def test_settings_are_refused_in_words() -> None:
    with pytest.raises(SettingsError, match="https"):
        MastodonConnector({"instance": "http://mastodon.social"}, "t")
    with pytest.raises(SettingsError, match="'instance' is required"):
        MastodonConnector({}, "t")
    with pytest.raises(SettingsError, match="address alone"):
        MastodonConnector({"instance": "https://mastodon.social/@support"}, "t")
    with pytest.raises(SettingsError, match="http:// or https://"):
        MastodonConnector({"instance": "mastodon.social"}, "t")
    with pytest.raises(SettingsError, match="poll_interval"):
        MastodonConnector({"instance": "https://mastodon.social", "poll_interval": "soon"}, "t")
    with pytest.raises(SettingsError, match="public_replies"):
        MastodonConnector({"instance": "https://mastodon.social", "public_replies": "maybe"}, "t")
    plain = MastodonConnector({"instance": "https://mastodon.social/"}, "t")
    assert (plain.instance, plain.poll_interval, plain.public_replies) == (
        "https://mastodon.social",
        60,
        False,
    )
    assert MastodonConnector({"instance": "http://localhost:3000"}, "t").instance == "http://localhost:3000"


def test_a_bad_token_is_an_auth_error_that_never_shows_the_token(
    emulator: MastodonEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    wrong = "ZA-this_access_token_is_revoked_00000000000000"

    async def run() -> tuple[AuthError, TransientError, AuthError]:
        account = connector(emulator, token=wrong)
        unreachable = MastodonConnector({"instance": "http://127.0.0.1:9"}, wrong)
        try:
            with pytest.raises(AuthError) as refused:
                await account.check()
            with pytest.raises(TransientError) as down:
                await collect(unreachable, None)
            with pytest.raises(AuthError) as on_send:
                await account.send(OutboundReply("k", "1", "hi", to=(Address("mastodon", "@a@b.example"),)))
            return refused.value, down.value, on_send.value
        finally:
            await account.close()
            await unreachable.close()

    with caplog.at_level(logging.DEBUG):
        refused, down, on_send = asyncio.run(run())
    for error in (refused, down, on_send):
        shown = "".join(traceback.format_exception(error))
        assert wrong not in shown and "revoked" not in shown
    assert "refused the access token" in str(refused) and "invalid" in str(refused)
    assert "cannot reach" in str(down)
    assert caplog.records, "httpx logs its requests"
    assert all(wrong not in record.getMessage() for record in caplog.records)
    sent_header = emulator.calls("GET /api/v1/accounts/verify_credentials")[0]["_headers"]
    assert sent_header["Authorization"] == f"Bearer {wrong}"  # the test can see it: the token did travel


def test_a_reply_mentions_the_customer_and_answers_privately(emulator: MastodonEmulator) -> None:
    ada = emulator.account("ada")
    public = emulator.customer_mentions(ada, "question in public")
    private = emulator.customer_mentions(ada, "question in private", visibility="direct")
    to = (Address("mastodon", "@ada@social.example"),)

    def reply(key: str, target: dict[str, Any], text: str = "Thanks, we are on it.") -> OutboundReply:
        return OutboundReply(key, target["id"], text, to=to, in_reply_to=target["id"])

    sent(emulator, reply("a", public), reply("b", private))
    sent(
        emulator,
        reply("c", public),
        reply("d", private),
        reply("e", public, "@ada see DM"),
        public_replies=True,
    )
    posts = emulator.our_posts()
    assert [(p["visibility"], p["in_reply_to_id"]) for p in posts] == [
        ("direct", public["id"]),  # private unless the admin allows public answers
        ("direct", private["id"]),
        ("unlisted", public["id"]),
        ("direct", private["id"]),  # a private question never gets a public answer
        ("unlisted", public["id"]),
    ]
    assert posts[0]["source"] == "@ada@social.example Thanks, we are on it."
    assert posts[4]["source"] == "@ada see DM"  # already mentioned: not twice
    assert all([m["id"] for m in p["mentions"]] == [ada["id"]] for p in posts)
    assert all(c["_headers"]["Idempotency-Key"] in "abcde" for c in emulator.calls("POST /api/v1/statuses"))


def test_a_retried_send_posts_exactly_once(emulator: MastodonEmulator) -> None:
    ada = emulator.account("ada")
    status = emulator.customer_mentions(ada, "hello?")
    # The instance posts, then the answer is lost on the way back.
    emulator.fail("POST /api/v1/statuses", 0, lose_answer=True)
    reply = OutboundReply(
        "retry-key",
        status["id"],
        "Hello Ada",
        to=(Address("mastodon", "@ada@social.example"),),
        in_reply_to=status["id"],
    )

    async def run() -> tuple[TransientError, str, str]:
        account = connector(emulator)
        try:
            with pytest.raises(TransientError) as lost:
                await account.send(reply)
            first = await account.send(reply)
            second = await account.send(reply)
            return lost.value, first.external_id, second.external_id
        finally:
            await account.close()

    lost, first, second = asyncio.run(run())
    assert "cannot reach" in str(lost)
    [post] = emulator.our_posts()
    assert first == second == post["id"]
    assert len(emulator.calls("POST /api/v1/statuses")) == 3


@pytest.mark.slow
def test_images_and_video_go_with_a_reply_and_a_retry_still_posts_once(emulator: MastodonEmulator) -> None:
    ada = emulator.account("ada")
    status = emulator.customer_mentions(ada, "how do I fit the part?")
    photo = AttachmentData("montaggio.png", "image/png", b"\x89PNG montaggio")
    clip = AttachmentData("montaggio.mp4", "video/mp4", b"\x00\x00\x00\x18ftypmp42")
    reply = OutboundReply(
        "with-media",
        status["id"],
        "Here is how.",
        to=(Address("mastodon", "@ada@social.example"),),
        in_reply_to=status["id"],
        attachments=(photo, clip),
    )
    # The post is made, then its answer is lost: the retry uploads again and still posts once.
    emulator.fail("POST /api/v1/statuses", 0, lose_answer=True)

    async def run() -> str:
        account = connector(emulator)
        try:
            with pytest.raises(TransientError):
                await account.send(reply)
            return (await account.send(reply)).external_id
        finally:
            await account.close()

    post_id = asyncio.run(run())
    [post] = emulator.our_posts()
    assert post["id"] == post_id
    assert [(m["type"], m["url"].rsplit("/", 1)[-1]) for m in post["media_attachments"]] == [
        ("image", "montaggio.png"),
        ("video", "montaggio.mp4"),
    ]
    shown = [emulator.media_file(urlsplit(m["url"]).path, {}) for m in post["media_attachments"]]
    assert shown == [("image/png", photo.data), ("video/mp4", clip.data)]  # byte for byte
    assert len(emulator.calls("POST /api/v2/media")) == 4  # two files, uploaded twice
    assert emulator.calls("GET /api/v1/media/:id")  # the video was waited for until processed
    # What Mastodon cannot carry is refused in words before anything is uploaded.
    leaflet = AttachmentData("istruzioni.pdf", "application/pdf", b"%PDF")
    with pytest.raises(PermanentError, match="images, video and audio only, not istruzioni.pdf"):
        sent(emulator, replace(reply, idempotency_key="pdf", attachments=(leaflet,)))
    assert len(emulator.calls("POST /api/v2/media")) == 4
    # Larger than the instance says it takes (GET /api/v2/instance): refused before the upload.
    poster = AttachmentData("locandina.png", "image/png", b"0" * (IMAGE_SIZE_LIMIT * 2))
    too_big = "locandina.png is 128 KB; social.example takes images up to 64 KB"
    with pytest.raises(PermanentError, match=too_big):
        sent(emulator, replace(reply, idempotency_key="big", attachments=(poster,)))
    assert len(emulator.calls("POST /api/v2/media")) == 4


def test_an_over_long_reply_is_refused_before_sending(emulator: MastodonEmulator) -> None:
    ada = emulator.account("ada")
    status = emulator.customer_mentions(ada, "tell me everything")
    to = (Address("mastodon", "@ada@social.example"),)
    too_long = OutboundReply("long", status["id"], "x" * 496, to=to, in_reply_to=status["id"])
    # 490 letters, a mention counted as "@ada " and a link counted as 23: 518 > 500.
    with_link = OutboundReply("link", status["id"], "y" * 490 + " https://e.example/" + "z" * 200, to=to)
    fits = OutboundReply("fits", status["id"], "x" * 495, to=to, in_reply_to=status["id"])

    async def run() -> tuple[PermanentError, PermanentError]:
        account = connector(emulator)
        try:
            with pytest.raises(PermanentError) as refused:
                await account.send(too_long)
            with pytest.raises(PermanentError) as refused_link:
                await account.send(with_link)
            await account.send(fits)
            return refused.value, refused_link.value
        finally:
            await account.close()

    refused, refused_link = asyncio.run(run())
    assert "501 characters" in str(refused) and "allows 500" in str(refused)
    assert "519 characters" in str(refused_link)
    assert [c["_headers"]["Idempotency-Key"] for c in emulator.calls("POST /api/v1/statuses")] == ["fits"]
    assert [len(p["source"]) for p in emulator.our_posts()] == [len("@ada@social.example ") + 495]


def test_a_rate_limit_storm_delivers_every_reply_exactly_once(emulator: MastodonEmulator) -> None:
    ada = emulator.account("ada")
    status = emulator.customer_mentions(ada, "hi")
    emulator.fail("POST /api/v1/statuses", 429, "Too many requests", reset_in=30)
    emulator.fail("POST /api/v1/statuses", 429, "Too many requests", reset_in=0, times=8)
    to = (Address("mastodon", "@ada@social.example"),)

    async def run() -> tuple[int, list[float]]:
        account = connector(emulator)
        refusals = 0
        waits: list[float] = []
        try:
            for n in range(5):
                reply = OutboundReply(
                    f"storm-{n}", status["id"], f"answer {n}", to=to, in_reply_to=status["id"]
                )
                while True:  # what the dispatcher does: wait as told, then retry
                    try:
                        await account.send(reply)
                        break
                    except TransientError as exc:
                        refusals += 1
                        assert "rate limiting" in str(exc) and exc.retry_after is not None
                        waits.append(exc.retry_after)
                        await asyncio.sleep(min(exc.retry_after, 0.05))
            return refusals, waits
        finally:
            await account.close()

    refusals, waits = asyncio.run(run())
    assert refusals == 9
    assert 28 <= waits[0] <= 30  # from X-RateLimit-Reset, an ISO time 30 s ahead
    assert all(w <= 1 for w in waits[1:])
    assert [p["source"] for p in emulator.our_posts()] == [
        f"@ada@social.example answer {n}" for n in range(5)
    ]


def test_refusals_are_typed(emulator: MastodonEmulator) -> None:
    ada = emulator.account("ada")
    status = emulator.customer_mentions(ada, "hi")
    reply = OutboundReply("typed", status["id"], "hello", to=(Address("mastodon", "@ada@social.example"),))
    emulator.fail("POST /api/v1/statuses", 422, "Validation failed: Text can't be blank")
    emulator.fail("POST /api/v1/statuses", 403, "This action is outside the authorized scopes")
    emulator.fail("POST /api/v1/statuses", 503, "Service Unavailable")
    emulator.fail("POST /api/v1/statuses", 429, "Too many requests", retry_after=7)

    async def run() -> list[Exception]:
        account = connector(emulator)
        errors: list[Exception] = []
        try:
            for _ in range(4):
                try:
                    await account.send(reply)
                except (PermanentError, AuthError, TransientError) as exc:
                    errors.append(exc)
            return errors
        finally:
            await account.close()

    unprocessable, forbidden, unavailable, limited = asyncio.run(run())
    assert isinstance(unprocessable, PermanentError) and "Text can't be blank" in str(unprocessable)
    assert isinstance(forbidden, AuthError) and "scopes" in str(forbidden)
    assert isinstance(unavailable, TransientError) and "Service Unavailable" in str(unavailable)
    assert isinstance(limited, TransientError) and limited.retry_after == 7
    assert emulator.our_posts() == []


def test_check_says_what_is_wrong(emulator: MastodonEmulator) -> None:
    async def run() -> None:
        good = connector(emulator)
        elsewhere = MastodonConnector({"instance": emulator.base_url.replace("127.0.0.1", "localhost")}, "x")
        try:
            await good.check()
            with pytest.raises(AuthError, match="refused the access token"):
                await elsewhere.check()
        finally:
            await good.close()
            await elsewhere.close()
        emulator.fail("GET /api/v1/accounts/verify_credentials", 404, "Record not found")
        not_mastodon = connector(emulator)
        try:
            with pytest.raises(SettingsError, match="does not answer like a Mastodon server"):
                await not_mastodon.check()
        finally:
            await not_mastodon.close()

    asyncio.run(run())


def test_the_answered_post_decides_whom_to_mention(emulator: MastodonEmulator) -> None:
    ada = emulator.account("ada")
    status = emulator.customer_mentions(ada, "my other account is @ada_old@other.example")
    # A merged customer: her older account comes first, but this post is her new one's.
    to = (Address("mastodon", "@ada_old@other.example"), Address("mastodon", "@ada@social.example"))
    gone = str(int(status["id"]) + 1000)  # deleted meanwhile: answered privately all the same
    sent(
        emulator,
        OutboundReply("answer", status["id"], "Noted.", to=to, in_reply_to=status["id"]),
        OutboundReply("late", gone, "Still there?", to=to, in_reply_to=gone),
    )
    answer, late = emulator.our_posts()
    assert (answer["source"], answer["in_reply_to_id"]) == ("@ada@social.example Noted.", status["id"])
    assert (late["source"], late["in_reply_to_id"], late["visibility"]) == (
        "@ada_old@other.example Still there?",
        None,
        "direct",
    )


def test_an_answer_that_left_before_a_crash_is_found_after_the_key_expired(
    emulator: MastodonEmulator,
) -> None:
    ada, bob = emulator.account("ada"), emulator.account("bob")
    status = emulator.customer_mentions(ada, "where is my parcel?")
    other = emulator.customer_mentions(bob, "and mine?")
    emulator.fail("POST /api/v1/statuses", 0, lose_answer=True)  # posted, answer lost: then a crash

    def answer(key: str, to: dict[str, Any], text: str) -> OutboundReply:
        who = Address("mastodon", f"@{to['account']['acct']}@social.example")
        return OutboundReply(key, to["id"], text, to=(who,), in_reply_to=to["id"])

    lost = answer("k-lost", status, "It left this morning, tracking 4411.")

    async def run() -> tuple[Any, Any, Any, Any]:
        account = connector(emulator)
        try:
            with pytest.raises(TransientError):
                await account.send(lost)
            with emulator.lock:
                emulator.state.idempotency.clear()  # more than an hour later: the instance forgot the key
            found = await account.find_sent(lost)
            other_words = await account.find_sent(answer("k-2", status, "Something else entirely."))
            other_customer = await account.find_sent(answer("k-3", other, lost.text))
            no_parent = await account.find_sent(replace(lost, in_reply_to=None))
            return found, other_words, other_customer, no_parent
        finally:
            await account.close()

    found, other_words, other_customer, no_parent = asyncio.run(run())
    [post] = emulator.our_posts()
    assert found is not None and found.external_id == post["id"]
    assert (other_words, other_customer, no_parent) == (None, None, None)


def test_only_an_account_that_allows_unlisted_answers_makes_public_replies() -> None:
    from connectors.base import capabilities_of_account

    assert MastodonConnector.capabilities.public is False  # answers are direct messages
    assert capabilities_of_account(MastodonConnector, {"instance": "https://x.example"}).public is False
    assert capabilities_of_account(MastodonConnector, {"public_replies": True}).public is True
