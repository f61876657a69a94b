"""Reviews in, against the emulator over real HTTP: paging, resuming, equal times, edits,
answers written elsewhere, removals, the first sync's history and polite polling."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest
from sqlalchemy import select

from connectors.base import Address, BrokenItem, InboundItem, ItemUpdate
from connectors.google_reviews.reviews import canon, reply_id
from inbox_app.app import Services
from inbox_app.core.store.models import AuditEvent
from tests.emulators.google_reviews import GoogleReviewsEmulator
from tests.integration.google_reviews.helpers import (
    DAY_NS,
    collect,
    connector,
    fetched,
    messages,
    new_account,
    sync,
    texts,
)


def test_a_review_arrives_with_its_stars_its_reviewer_and_its_answer(emulator: GoogleReviewsEmulator) -> None:
    ada = emulator.customer_reviews("Ada Lovelace", 4, "Lovely coffee,\nslow service.")
    quiet = emulator.customer_reviews("", 2, anonymous=True)
    unrated = emulator.customer_reviews("Bob", 0, "No stars from me")
    emulator.owner_replies(ada, "Thank you, Ada!")

    first, answer, second, third = fetched(emulator)[0]  # an answer follows its review
    assert (
        isinstance(first, InboundItem) and isinstance(second, InboundItem) and isinstance(third, InboundItem)
    )
    assert (first.external_id, first.thread_key, first.direction) == (ada["name"], ada["name"], "in")
    assert first.sender == Address("review", ada["name"], "Ada Lovelace")
    assert first.text == "★★★★☆ Lovely coffee,\nslow service." and dict(first.meta) == {"stars": 4}
    assert first.sent_at.isoformat()[:23] == ada["createTime"][:23] and first.sent_at.tzinfo is not None
    assert (second.sender.display_name, second.text, dict(second.meta)) == (
        "Anonymous Google reviewer",  # Google shows "A Google user" with isAnonymous
        "★★☆☆☆",
        {"stars": 2, "rating_only": True},
    )
    assert (third.text, dict(third.meta)) == ("No stars from me", {})
    assert isinstance(answer, InboundItem)
    stamp = canon(emulator.review(ada["name"])["reviewReply"]["updateTime"])
    assert (answer.direction, answer.text, answer.in_reply_to, answer.thread_key) == (
        "out",
        "Thank you, Ada!",
        ada["name"],
        ada["name"],
    )
    assert (
        answer.external_id == reply_id(ada["name"], stamp)
        and answer.sender.display_name == "Owner (on Google)"
    )
    [token_call] = emulator.calls("POST token")
    assert token_call["grant_type"] == "refresh_token" and token_call["client_id"] == emulator.client_id
    [listing] = emulator.calls("GET reviews")
    assert (listing["pageSize"], listing["orderBy"]) == ("50", "updateTime desc")
    assert listing["_headers"]["Authorization"].startswith("Bearer ya29.")
    assert unrated["starRating"] == "STAR_RATING_UNSPECIFIED" and quiet["reviewer"]["isAnonymous"] is True


def test_pages_are_read_back_and_handed_over_oldest_first_resuming_after_a_crash(
    emulator: GoogleReviewsEmulator,
) -> None:
    for n in range(120):
        emulator.customer_reviews(f"Reviewer {n}", 5, f"review {n}")

    async def run() -> None:
        first = connector(emulator)
        try:
            stream = first.fetch(None)
            batch = await anext(stream)
            assert texts(batch.items) == [f"★★★★★ review {n}" for n in range(50)]
            assert batch.progress is not None and (batch.progress.done, batch.progress.total) == (50, 120)
            stored = batch.cursor
            await stream.aclose()  # the worker dies before storing the next batch
        finally:
            await first.close()
        second = connector(emulator)
        try:
            batches, cursor = await collect(second, stored)
            assert [len(b.items) for b in batches] == [50, 20]
            assert [t for b in batches for t in texts(b.items)] == [
                f"★★★★★ review {n}" for n in range(50, 120)
            ]
            before = len(emulator.calls("GET reviews"))
            again, same = await collect(second, cursor)
            assert again == [] and same == cursor
            assert len(emulator.calls("GET reviews")) == before + 1  # the first page says it all
            emulator.customer_reviews("Late", 3, "one more")
            more, _ = await collect(second, cursor)
            assert [texts(b.items) for b in more] == [["★★★☆☆ one more"]]
        finally:
            await second.close()

    asyncio.run(run())
    tokens = [c.get("pageToken") for c in emulator.calls("GET reviews")]
    assert tokens[:3] == [None, tokens[1], tokens[2]] and all(tokens[1:3])  # three pages for 120
    assert len(emulator.calls("POST token")) == 2  # one per connector, not one per call


def test_reviews_changed_at_the_same_instant_survive_a_crash_between_batches(
    emulator: GoogleReviewsEmulator,
) -> None:
    instant = time.time_ns()
    for n in range(70):
        emulator.customer_reviews(f"R{n}", 4, f"same time {n}", at_ns=instant)

    async def run() -> tuple[set[str], set[str], list[str]]:
        account = connector(emulator)
        try:
            stream = account.fetch(None)
            batch = await anext(stream)
            await stream.aclose()
            resumed, cursor = await collect(account, batch.cursor)
            # Another review lands at that same instant after the fetch: it is still new.
            emulator.customer_reviews("Twin", 4, "same time, later", at_ns=instant)
            late, _ = await collect(account, cursor)
            return (
                set(texts(batch.items)),
                {t for b in resumed for t in texts(b.items)},
                [t for b in late for t in texts(b.items)],
            )
        finally:
            await account.close()

    first, rest, late = asyncio.run(run())
    assert len(first) == 50 and len(rest) == 20 and first.isdisjoint(rest)
    assert first | rest == {f"★★★★☆ same time {n}" for n in range(70)}
    assert late == ["★★★★☆ same time, later"]


def test_a_review_removed_while_the_pages_are_read_loses_no_other(emulator: GoogleReviewsEmulator) -> None:
    reviews = [emulator.customer_reviews(f"R{n}", 5, f"review {n}") for n in range(120)]
    removed: list[int] = []

    def remove_once(offset: int) -> None:
        if offset == 0 and not removed:  # between the first page and the second
            removed.append(1)
            emulator.google_removes(reviews[-1])

    emulator.after_page = remove_once
    items, _ = fetched(emulator)
    assert sorted(texts(items)) == sorted(f"★★★★★ review {n}" for n in range(119))
    assert len(texts(items)) == 119
    assert len(emulator.calls("GET reviews")) == 3 + 3  # the count changed: read again, whole


def test_an_edit_reaches_the_store_as_an_edit_of_the_same_message(
    emulator: GoogleReviewsEmulator, store: Services
) -> None:
    account = new_account(store)
    ada = emulator.customer_reviews("Ada", 5, "Great coffee")
    old = emulator.customer_reviews("Old", 4, "Fine", at_ns=time.time_ns() - 40 * DAY_NS)
    sync(store, account, emulator, recheck_days=30)
    emulator.customer_edits(ada, comment="Cold coffee today", stars=2)
    emulator.customer_edits(old, comment="Fine, then not")  # older than the watched days
    [batch] = sync(store, account, emulator, recheck_days=30)
    edits = [i for i in batch.items if isinstance(i, ItemUpdate)]
    assert [(e.kind, e.target_external_id, e.text) for e in edits] == [
        ("edit", ada["name"], "★★☆☆☆ Cold coffee today"),  # in the order they changed
        ("edit", old["name"], "★★★★☆ Fine, then not"),
    ]
    stored = messages(store, account)
    assert [(d, t) for d, t, _ in stored] == [
        ("in", "★★★★☆ Fine, then not"),
        ("in", "★★☆☆☆ Cold coffee today"),
    ]
    assert all(meta.get("edited") for _, _, meta in stored)
    # The stars follow the edit, not only the text: 5 -> 2 for Ada, 4 kept for Old.
    assert [(m["stars"], m["rating_only"]) for _, _, m in stored] == [(4, False), (2, False)]
    emulator.customer_edits(ada, comment="", stars=1)  # the words taken back, a rating left
    sync(store, account, emulator, recheck_days=30)
    assert messages(store, account)[1][2]["stars"] == 1 and messages(store, account)[1][2]["rating_only"]
    assert sync(store, account, emulator, recheck_days=30) == []  # nothing changed since


def test_answers_written_on_google_maps_are_ours_and_a_replaced_one_is_marked(
    emulator: GoogleReviewsEmulator, store: Services
) -> None:
    account = new_account(store)
    ada = emulator.customer_reviews("Ada", 3, "Okay")
    sync(store, account, emulator, recheck_minutes=0)
    emulator.owner_replies(ada, "Thanks Ada")
    sync(store, account, emulator, recheck_minutes=0)
    assert [(d, t) for d, t, _ in messages(store, account)] == [("in", "★★★☆☆ Okay"), ("out", "Thanks Ada")]
    emulator.owner_replies(ada, "Thanks Ada, see you soon")  # the owner rewrites the answer
    sync(store, account, emulator, recheck_minutes=0)
    stored = messages(store, account)
    assert [(d, t) for d, t, _ in stored] == [
        ("in", "★★★☆☆ Okay"),
        ("out", ""),
        ("out", "Thanks Ada, see you soon"),
    ]
    assert stored[1][2]["redaction_reason"] == "replaced by a newer answer on Google"
    emulator.owner_deletes_reply(ada)
    sync(store, account, emulator, recheck_minutes=0)
    assert messages(store, account)[2][2]["redaction_reason"] == "the answer was deleted on Google"
    # With re-reading left to its interval, a quiet location costs one page a fetch.
    before = len(emulator.calls("GET reviews"))
    assert [b.items for b in sync(store, account, emulator, recheck_minutes=60)] == []
    assert len(emulator.calls("GET reviews")) == before + 1


@pytest.mark.parametrize("touches", [False, True])
def test_an_answer_is_never_taken_for_an_edit_of_its_review(
    emulator: GoogleReviewsEmulator, store: Services, touches: bool
) -> None:
    emulator.answer_touches_review = touches  # whether Google moves a review it did not edit
    account = new_account(store)
    ada = emulator.customer_reviews("Ada", 4, "Good")
    sync(store, account, emulator)
    emulator.owner_replies(ada, "Thanks Ada")
    emulator.customer_reviews("Bob", 5, "Great")  # so the next sync has something new either way
    sync(store, account, emulator, recheck_minutes=0)
    stored = messages(store, account)
    assert [(d, t) for d, t, _ in stored] == [
        ("in", "★★★★☆ Good"),
        ("out", "Thanks Ada"),
        ("in", "★★★★★ Great"),
    ]
    assert not any(meta.get("edited") for _, _, meta in stored)
    emulator.customer_edits(ada, stars=2)
    sync(store, account, emulator)
    assert messages(store, account)[0][1] == "★★☆☆☆ Good" and messages(store, account)[0][2]["edited"]


def test_replayed_batches_of_edits_answers_and_removals_change_nothing_twice(
    emulator: GoogleReviewsEmulator, store: Services
) -> None:
    account = new_account(store)
    reviews = [emulator.customer_reviews(f"R{n}", 3, f"review {n}") for n in range(55)]
    first = sync(store, account, emulator, recheck_minutes=0)
    emulator.customer_edits(reviews[0], comment="review 0, edited")
    emulator.owner_replies(reviews[1], "answer 1")
    emulator.owner_replies(reviews[2], "answer 2")
    emulator.google_removes(reviews[3])
    second = sync(store, account, emulator, recheck_minutes=0)
    assert [len(b.items) for b in first] == [50, 5] and len(second) == 1
    for batch in [*first, *second, *reversed(first), *second]:  # a worker replaying what it stored
        store.ingest.store_batch(account, batch)
    stored = messages(store, account)
    assert len(stored) == 55 + 2 and [t for d, t, _ in stored if d == "out"] == ["answer 1", "answer 2"]
    assert sum(bool(m.get("edited")) for _, _, m in stored) == 1
    assert sum(bool(m.get("redacted")) for _, _, m in stored) == 1
    with store.factory() as s:
        actions = list(s.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "message")))
    assert (actions.count("message.edited"), actions.count("message.redacted")) == (1, 1)


def test_a_removed_review_is_marked_removed_once_google_confirms(
    emulator: GoogleReviewsEmulator, store: Services
) -> None:
    account = new_account(store)
    ada = emulator.customer_reviews("Ada", 1, "Rude staff")
    emulator.customer_reviews("Bob", 5, "Nice")
    sync(store, account, emulator, recheck_minutes=0)
    emulator.google_removes(ada)
    [batch] = sync(store, account, emulator, recheck_minutes=0)
    assert [(i.kind, i.target_external_id) for i in batch.items if isinstance(i, ItemUpdate)] == [
        ("redaction", ada["name"])
    ]
    assert [c["_path"] for c in emulator.calls("GET review")] == [f"/v4/{ada['name']}"]  # asked, not guessed
    stored = messages(store, account)
    assert [(t, m.get("redacted")) for _, t, m in stored] == [("", True), ("★★★★★ Nice", None)]
    assert [b.items for b in sync(store, account, emulator, recheck_minutes=0)] == [()]  # told once


def test_a_review_google_publishes_late_still_arrives_at_the_next_re_reading(
    emulator: GoogleReviewsEmulator, store: Services
) -> None:
    account = new_account(store)
    emulator.customer_reviews("Ada", 5, "on time")
    sync(store, account, emulator, recheck_minutes=60)
    # Held back by Google's checks, it is listed now with the time it was written, an hour ago:
    # behind the newest review already handed over.
    emulator.customer_reviews("Bob", 2, "held back", at_ns=time.time_ns() - 3600 * 10**9)
    assert sync(store, account, emulator, recheck_minutes=60) == []  # not due: one page, nothing
    [batch] = sync(store, account, emulator, recheck_minutes=0)
    assert texts(batch.items) == ["★★☆☆☆ held back"]
    assert [t for _, t, _ in messages(store, account)] == ["★★☆☆☆ held back", "★★★★★ on time"]
    assert [b.items for b in sync(store, account, emulator, recheck_minutes=0)] == [()]  # once


def test_the_first_sync_brings_the_days_of_history_asked_for(emulator: GoogleReviewsEmulator) -> None:
    now = time.time_ns()
    old = emulator.customer_reviews("Old", 2, "last year", at_ns=now - 365 * DAY_NS)
    emulator.customer_reviews("Recent", 5, "last week", at_ns=now - 7 * DAY_NS)
    items, cursor = fetched(emulator, history_days=30)
    assert texts(items) == ["★★★★★ last week"]
    emulator.customer_edits(old, comment="last year, and again today")
    items, _ = fetched(emulator, cursor, history_days=30)
    # An old review edited now is news: it arrives, marked as edited.
    assert [type(i).__name__ for i in items] == ["InboundItem", "ItemUpdate"]
    assert texts(items) == ["★★☆☆☆ last year, and again today"]


def test_a_review_google_cannot_describe_is_quarantined_not_lost(emulator: GoogleReviewsEmulator) -> None:
    good = emulator.customer_reviews("Ada", 5, "fine")
    damaged = {**emulator.customer_reviews("Bob", 4, "no date"), "createTime": "yesterday"}
    nameless = {k: v for k, v in good.items() if k != "name"}
    emulator.fail("GET reviews", 200, body={"reviews": [damaged, nameless, good], "totalReviewCount": 3})
    unnamed, item, broken = fetched(emulator)[0]  # unplaceable first, then oldest change first
    assert isinstance(broken, BrokenItem) and isinstance(unnamed, BrokenItem)
    assert broken.external_id == damaged["name"] and "unreadable Google review" in broken.reason
    assert b'"createTime": "yesterday"' in broken.raw
    assert unnamed.external_id == good["reviewId"] and "'name'" in unnamed.reason
    assert isinstance(item, InboundItem) and item.text == "★★★★★ fine"


@pytest.mark.slow
def test_wait_for_changes_polls_politely_and_wakes_up(emulator: GoogleReviewsEmulator) -> None:
    emulator.customer_reviews("Ada", 5, "first")

    async def run() -> tuple[bool, float, int, bool, float]:
        account = connector(emulator, poll_interval=1)
        try:
            _, cursor = await collect(account, None)
            before = len(emulator.calls("GET reviews"))
            start = time.monotonic()
            idle = await account.wait_for_changes(cursor, 2.1)
            idle_took = time.monotonic() - start
            polls = len(emulator.calls("GET reviews")) - before
            timer = threading.Timer(0.3, emulator.customer_reviews, ("Bob", 4, "are you there?"))
            timer.start()
            start = time.monotonic()
            woke = await account.wait_for_changes(cursor, 10)
            woke_took = time.monotonic() - start
            timer.join()
            return idle, idle_took, polls, woke, woke_took
        finally:
            await account.close()

    idle, idle_took, polls, woke, woke_took = asyncio.run(run())
    assert idle is False and 2.0 <= idle_took < 3.5
    assert 3 <= polls <= 4  # one look a second (and one at the deadline), not a busy loop
    assert woke is True and 0.25 <= woke_took < 2.5
    assert emulator.calls("GET reviews")[-1]["pageSize"] == "10"


@pytest.mark.parametrize("minutes", [0, 60])
def test_waiting_never_spins_on_a_re_reading_it_cannot_start(
    emulator: GoogleReviewsEmulator, minutes: int
) -> None:
    emulator.customer_reviews("Ada", 5, "first")

    async def run() -> bool:
        account = connector(emulator, poll_interval=1, recheck_minutes=minutes)
        try:
            _, cursor = await collect(account, None)
            # A review the fetch can only quarantine stays at the top of the list.
            damaged = {**emulator.customer_reviews("Bob", 1, "?"), "updateTime": "soon"}
            emulator.fail("GET reviews", 200, body={"reviews": [damaged], "totalReviewCount": 2}, times=5)
            return await account.wait_for_changes(cursor, 0.2)
        finally:
            await account.close()

    # 0: re-read at every sync, which the runner starts anyway; 60: not due for an hour.
    assert asyncio.run(run()) is False
