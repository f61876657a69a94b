"""A real review channel: answers to low-rated reviews wait for a lead, the others reach
Google at once, and a lead's edit is what Google gets, exactly once."""

from __future__ import annotations

from inbox_app.app import Services
from tests.emulators.google_reviews import GoogleReviewsEmulator
from tests.integration.google_reviews.test_google_reviews_app import add_account, run_once


def _case_of(store: Services, words: str) -> int:
    """The case whose review says ``words``."""
    return next(c.id for c in store.queries.cases() if words in store.queries.case_messages(c.id)[0].text)


def test_answers_to_reviews_of_two_stars_or_fewer_wait_and_the_edit_goes_once(
    emulator: GoogleReviewsEmulator, store: Services
) -> None:
    add_account(store, emulator, recheck_minutes=0, approve_stars_max="2")
    store.agents.add("Sara Conti", "sara@example.com", "agent")
    store.agents.add("Luca Verdi", "luca@example.com", "lead")
    sara = store.agents.find("Sara Conti")
    assert sara is not None
    ada = emulator.customer_reviews("Ada", 2, "Slow service")
    bea = emulator.customer_reviews("Bea", 4, "Nice coffee")
    assert run_once(store).stored == 2
    held = store.outbox.queue_reply(_case_of(store, "Slow service"), "Not our fault.", agent_id=sara.id)
    store.outbox.queue_reply(_case_of(store, "Nice coffee"), "Thank you, Bea!", agent_id=sara.id)
    assert run_once(store).sent == 1
    assert emulator.replies() == {bea["name"]: "Thank you, Bea!"}
    assert store.queries.message(held).delivery == "awaiting_approval"
    assert run_once(store).sent == 0

    [waiting] = store.approvals.waiting()
    assert (waiting.rule, waiting.stars, waiting.author) == ("low_rating", 2, "Sara Conti")
    store.approvals.approve(waiting.id, actor="Luca Verdi", text="Sorry, Ada: we hired a second barista.")
    assert run_once(store).sent == 1
    assert run_once(store).sent == 0
    assert emulator.replies() == {
        bea["name"]: "Thank you, Bea!",
        ada["name"]: "Sorry, Ada: we hired a second barista.",
    }
    assert len(emulator.reply_log) == 2
    assert store.queries.message(held).delivery == "sent"
