"""Satisfaction on Telegram, through the whole app and the Bot API emulator: asked once after
the delay with an inline keyboard, in the customer's language, answered by a button or in
words; a low answer reopens the case; never asked twice within the period."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from connectors.telegram import TelegramConnector
from inbox_app.app import Services, build
from inbox_app.core.clock import utcnow
from inbox_app.core.events import SatisfactionLow
from inbox_app.core.store.models import Case, CsatSurvey
from tests.emulators.telegram import TelegramEmulator
from tests.integration.csat_support import (
    asking_team,
    case_of,
    questions,
    reopened_by_answer,
    resolve,
    status,
    survey,
    surveys,
    urls_in,
)

ADA = {"id": 90210, "first_name": "Ada", "last_name": "Lovelace", "username": "ada_l"}
GIULIA = {"id": 31337, "first_name": "Giulia", "username": "giulia_r"}
KEYBOARD = {"inline_keyboard": [[{"text": str(n), "callback_data": str(n)} for n in range(1, 6)]]}


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Services]:
    services = build(f"sqlite:///{tmp_path / 'store.db'}", registry={"telegram": TelegramConnector})
    yield services
    services.close()


def _sync(app: Services) -> Any:
    [report] = asyncio.run(app.supervisor().run_once("support-bot"))
    assert report.error is None
    return report


def _resolved_case(app: Services, emulator: TelegramEmulator, user: dict[str, Any], text: str) -> int:
    sent = emulator.customer_says(user, text)
    _sync(app)
    case_id = case_of(app, f"{user['id']}:{sent['message_id']}")
    resolve(app, case_id)
    return case_id


@pytest.fixture
def bot(app: Services, emulator: TelegramEmulator) -> TelegramEmulator:
    app.accounts.add("telegram", "support-bot", {"api_base": emulator.base_url}, secret=emulator.token)
    return emulator


def test_asked_once_in_italian_with_buttons_and_a_press_is_the_answer(
    app: Services, bot: TelegramEmulator
) -> None:
    asking_team(app, delay=0)
    case_id = _resolved_case(app, bot, GIULIA, "Buongiorno, il mio ordine non è ancora arrivato")

    first = app.csat_asker.run_pass()
    assert [(a.case_id, a.language) for a in first.asked] == [(case_id, "it")]
    assert app.csat_asker.run_pass().asked == ()  # asked once, however many passes
    _sync(app)
    [question] = bot.sent_messages(GIULIA["id"])
    assert question["text"].startswith("Quanto è soddisfatto")
    assert question["reply_markup"] == KEYBOARD
    assert urls_in(question["text"]) == []
    [queued] = questions(app)
    assert (queued.is_auto, queued.agent_id, queued.delivery) == (True, None, "sent")
    assert status(app, case_id) == "resolved"

    events: list[SatisfactionLow] = []
    app.bus.subscribe(SatisfactionLow, events.append)
    query_id = bot.customer_presses(GIULIA, GIULIA["id"], question["message_id"], "4")
    _sync(app)
    assert bot.query_answered(query_id)
    found = survey(app, case_id)
    assert found is not None and (found.score, found.comment, found.language) == (4, None, "it")
    assert status(app, case_id) == "resolved"  # a good answer does not reopen
    assert events == []
    assert app.csat_asker.run_pass().asked == ()
    _sync(app)
    assert len(bot.sent_messages(GIULIA["id"])) == 1  # nothing sent twice

    # Pressing another button later changes nothing: the first answer counts, and a button
    # press is no new matter that would reopen the case.
    bot.customer_presses(GIULIA, GIULIA["id"], question["message_id"], "1")
    _sync(app)
    assert survey(app, case_id).score == 4  # type: ignore[union-attr]
    assert status(app, case_id) == "resolved" and events == []


def test_a_low_answer_in_words_reopens_with_its_comment_and_tells_the_agent(
    app: Services, bot: TelegramEmulator
) -> None:
    asking_team(app, delay=0)
    case_id = _resolved_case(app, bot, ADA, "Hi, my parcel has not arrived yet, can you check?")
    app.csat_asker.run_pass()
    _sync(app)
    [question] = bot.sent_messages(ADA["id"])
    assert question["text"].startswith("How satisfied are you")

    events: list[SatisfactionLow] = []
    app.bus.subscribe(SatisfactionLow, events.append)
    bot.customer_says(ADA, "Two - it took a week and nobody called back")
    _sync(app)
    found = survey(app, case_id)
    assert found is not None and (found.score, found.comment) == (2, "it took a week and nobody called back")
    assert found.answer_message_id is not None
    assert status(app, case_id) == "open"
    assert reopened_by_answer(app, case_id)[-1]["satisfaction"] == 2
    assert events == [SatisfactionLow((case_id,))]
    [row] = surveys(app)
    assert (row["agent"], row["channel"], row["score"]) == ("Marta", "telegram", 2)


def test_never_asked_twice_within_the_period_nor_before_the_delay(
    app: Services, bot: TelegramEmulator
) -> None:
    asking_team(app, delay=3600, every=30 * 86400)
    first = _resolved_case(app, bot, ADA, "Hello, where is my order?")
    assert app.csat_asker.run_pass().asked == ()  # resolved a moment ago: the hour is not over
    later = utcnow() + timedelta(hours=1, seconds=5)
    assert [a.case_id for a in app.csat_asker.run_pass(later).asked] == [first]
    _sync(app)

    # "One more thing" starts a sentence, not an answer: the case reopens, nothing is read.
    bot.customer_says(ADA, "one more thing: the invoice has the wrong address")
    _sync(app)
    assert status(app, first) == "open"
    assert survey(app, first).score is None  # type: ignore[union-attr]
    app.cases.set_status(first, "resolved")

    # Weeks later Ada writes about a new matter (a new case), resolved: she was asked within
    # the 30 days, so she is not asked again; once they are over, she is.
    with app.factory() as s, s.begin():
        s.execute(update(Case).where(Case.id == first).values(resolved_at=utcnow() - timedelta(days=40)))
    second = _resolved_case(app, bot, ADA, "Hello again, the new order is missing a cable")
    assert second != first
    assert app.csat_asker.run_pass(later).asked == ()
    assert survey(app, second).skipped == "the customer was asked within the period"  # type: ignore[union-attr]

    # Once the 30 days are over, her next resolved matter is asked about.
    with app.factory() as s, s.begin():
        s.execute(update(CsatSurvey).values(asked_at=utcnow() - timedelta(days=31)))
        s.execute(update(Case).where(Case.id == second).values(resolved_at=utcnow() - timedelta(days=40)))
    third = _resolved_case(app, bot, ADA, "Hi, the replacement cable is the wrong one")
    assert third not in (first, second)
    assert [a.case_id for a in app.csat_asker.run_pass(later).asked] == [third]
    _sync(app)
    assert len(bot.sent_messages(ADA["id"])) == 2
