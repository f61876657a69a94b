"""Through the app's own sync runner and outbox: an answer queued by an agent reaches
Google once, a worker that died after Google took it does not write it again, and a
second answer replaces the first on the timeline as it does on Google."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import select

from inbox_app.app import Services
from inbox_app.core.store.models import Case
from tests.emulators.google_reviews import GoogleReviewsEmulator
from tests.integration.google_reviews.helpers import connector, messages


def add_account(store: Services, emulator: GoogleReviewsEmulator, **settings: Any) -> int:
    given = {
        "location": emulator.location,
        "client_id": emulator.client_id,
        "api_base": emulator.base_url,
        "token_url": emulator.token_url,
        **settings,
    }
    return store.accounts.add("google_reviews", "reviews", given, emulator.secret).id


def run_once(store: Services) -> Any:
    [report] = asyncio.run(store.supervisor().run_once("reviews"))
    assert report.error is None, report.error
    return report


def only_case(store: Services) -> int:
    with store.factory() as s:
        [case_id] = s.scalars(select(Case.id)).all()
    return case_id


def test_a_second_answer_replaces_the_first_on_the_timeline_too(
    emulator: GoogleReviewsEmulator, store: Services
) -> None:
    account = add_account(store, emulator, recheck_minutes=0)
    ada = emulator.customer_reviews("Ada", 2, "Slow service")
    assert run_once(store).stored == 1
    store.outbox.queue_reply(only_case(store), "Sorry, Ada.")
    assert run_once(store).sent == 1
    store.outbox.queue_reply(only_case(store), "Sorry, Ada: we hired a barista.")
    assert run_once(store).sent == 1
    report = run_once(store)  # reads both answers back from Google: nothing new, one replaced
    assert (report.stored, report.sent) == (0, 0)
    stored = messages(store, account)
    assert [(d, t) for d, t, _ in stored] == [
        ("in", "★★☆☆☆ Slow service"),
        ("out", ""),
        ("out", "Sorry, Ada: we hired a barista."),
    ]
    assert stored[1][2]["redaction_reason"] == "replaced by a newer answer on Google"
    assert emulator.replies() == {ada["name"]: "Sorry, Ada: we hired a barista."}
    assert len(emulator.reply_log) == 2


def _crash_after_google_took_it(store: Services, emulator: GoogleReviewsEmulator, account: int) -> None:
    """The worker claims the answer, Google writes it, and the worker dies before noting it."""
    store.outbox.queue_reply(only_case(store), "Thank you, Ada!")
    [claimed] = store.outbox.claim(account)

    async def send() -> None:
        worker = connector(emulator)
        try:
            await worker.send(claimed.reply)
        finally:
            await worker.close()

    asyncio.run(send())
    assert len(emulator.reply_log) == 1


def test_an_answer_google_took_before_a_crash_is_not_written_again(
    emulator: GoogleReviewsEmulator, store: Services
) -> None:
    account = add_account(store, emulator)
    emulator.customer_reviews("Ada", 5, "Lovely")
    run_once(store)
    _crash_after_google_took_it(store, emulator, account)
    assert run_once(store).sent == 1  # found on the review, not sent again
    assert len(emulator.reply_log) == 1
    assert [(d, t) for d, t, _ in messages(store, account)] == [
        ("in", "★★★★★ Lovely"),
        ("out", "Thank you, Ada!"),
    ]
    assert run_once(store).sent == 0


def test_an_answer_google_took_before_a_crash_is_stored_once_even_when_re_read_first(
    emulator: GoogleReviewsEmulator, store: Services
) -> None:
    account = add_account(store, emulator, recheck_minutes=0)
    emulator.customer_reviews("Ada", 5, "Lovely")
    run_once(store)
    _crash_after_google_took_it(store, emulator, account)
    run_once(store)
    run_once(store)
    assert len(emulator.reply_log) == 1
    assert [(d, t) for d, t, _ in messages(store, account)] == [
        ("in", "★★★★★ Lovely"),
        ("out", "Thank you, Ada!"),
    ]
