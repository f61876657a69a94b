"""The satisfaction question and the reading of answers: plain functions, exact results."""

from __future__ import annotations

import pytest

from inbox_app.core.voice.csat import Answer, detect_language, own_words, question, read_answer
from inbox_app.core.voice.csat_report import SurveyRow, figures
from inbox_app.core.voice.csat_rules import Candidate, why_not
from inbox_app.core.voice.csat_settings import CsatSettingsError, duration_words, parse_duration
from tests.integration.csat_support import urls_in


@pytest.mark.parametrize(
    ("text", "score", "comment"),
    [
        ("5", 5, ""),
        ("4 - all good", 4, "all good"),
        ("  3. Slow but fine", 3, "Slow but fine"),
        ("2/5 too slow", 2, "too slow"),
        ("1\nnobody answered my calls", 1, "nobody answered my calls"),
        ("5 stars, great", 5, "great"),
        ("five", 5, ""),
        ("Four! quick reply", 4, "quick reply"),
        ("Two - it took a week", 2, "it took a week"),
        ("three stars", 3, ""),
        ("cinque, grazie mille", 5, "grazie mille"),
        ("Quattro. Gentilissimi", 4, "Gentilissimi"),
        ("due: il rimborso non è arrivato", 2, "il rimborso non è arrivato"),
        ("uno!", 1, ""),
        ("tre stelle", 3, ""),
        ("5 stelle! ottimo", 5, "ottimo"),
        ("*4* ok", 4, "ok"),
    ],
)
def test_a_reply_that_starts_with_a_score_is_read_in_either_language(
    text: str, score: int, comment: str
) -> None:
    assert read_answer(text) == Answer(score, comment)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "thanks!",
        "6",
        "0",
        "10 days and still nothing",
        "1.5",
        "2024-11-03 is when I ordered",
        "one more thing: the invoice",
        "una domanda: quando arriva?",
        "tre volte ho chiamato",
        "ok 5",
        "Fivestar hotel",
    ],
)
def test_a_reply_that_does_not_start_with_a_score_is_no_answer(text: str) -> None:
    assert read_answer(text) is None


def test_the_comment_stops_at_the_quoted_question_of_an_email_reply() -> None:
    reply = "4 fast, thank you\n\nOn Mon, 7 Dec 2026 Support <help@shop.example> wrote:\n> How satisfied..."
    assert read_answer(reply) == Answer(4, "fast, thank you")
    italian = "2 lenti\nIl giorno lun 7 dic 2026 Assistenza ha scritto:\n> Quanto è soddisfatto"
    assert read_answer(italian) == Answer(2, "lenti")
    assert own_words("> quoted only") == ""


def test_the_language_is_told_from_the_customers_words() -> None:
    assert detect_language(["Buongiorno, il mio ordine non è ancora arrivato"]) == "it"
    assert detect_language(["Hi, my order has not arrived yet, can you check?"]) == "en"
    assert detect_language(["grazie mille!"]) == "it"
    assert detect_language(["thanks a lot"]) == "en"
    assert detect_language(["12345"]) == "en"  # nothing to go by: English
    assert detect_language(["12345"], default="it") == "it"


@pytest.mark.parametrize(
    ("channel", "language"), [(c, lang) for c in ("email", "chat") for lang in ("en", "it")]
)
def test_the_question_has_no_link_and_says_how_to_answer(channel: str, language: str) -> None:
    q = question(channel, language)
    assert urls_in(q.text) == [] and "@" not in q.text
    assert ("1" in q.text and "5" in q.text) is True
    assert q.choices == (() if channel == "email" else ("1", "2", "3", "4", "5"))
    said = "Risponda" if language == "it" else ("reply" if channel == "email" else "Answer")
    assert said in q.text


def _candidate(**changes: object) -> Candidate:
    base = dict(
        case_id=1, customer_id=2, merged=False, erased=False, internal=False, asked_within_period=False,
        account_enabled=True, channel="email", public_account=False, public_post=False,
    )  # fmt: skip
    base.update(changes)
    return Candidate(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "why"),
    [
        ({}, None),
        ({"channel": "chat"}, None),
        ({"merged": True}, "the customer was merged into another"),
        ({"erased": True}, "the customer was erased"),
        ({"internal": True}, "the customer is one of us"),
        ({"asked_within_period": True}, "the customer was asked within the period"),
        ({"channel": "review"}, "the channel is public"),
        ({"channel": "social", "public_post": True}, "the channel is public"),
        ({"channel": "social"}, None),
        ({"public_account": True}, "the channel is public"),
        ({"account_enabled": False}, "the channel account is disabled"),
        ({"account_enabled": None, "channel": None}, "the customer never wrote through a channel account"),
    ],
)
def test_who_is_never_asked(changes: dict[str, object], why: str | None) -> None:
    assert why_not(_candidate(**changes)) == why


def _row(score: int | None, agent: str | None = "Marta", case_id: int = 1) -> SurveyRow:
    from inbox_app.core.clock import utcnow

    return SurveyRow(case_id, 1, agent, "Support", "email", "mail", "en", score, None, utcnow(), None)


def test_csat_is_answers_of_four_and_five_over_answers_with_count_and_response_rate() -> None:
    rows = [_row(5, case_id=1), _row(4, case_id=2), _row(2, case_id=3), _row(None, case_id=4)]
    rows += [_row(1, "Paolo", 5), _row(None, "Paolo", 6), _row(None, "Paolo", 7)]
    total, by_agent = figures(rows, "agent")
    assert total.as_json() == {
        "name": None, "csat": 50.0, "answers": 4, "satisfied": 2, "asked": 7, "response_rate": 57.1,
        "cases": [1, 2, 3, 5],
    }  # fmt: skip
    assert [(f.name, f.csat, f.answers, f.asked, f.response_rate) for f in by_agent] == [
        ("Marta", 66.7, 3, 4, 75.0),
        ("Paolo", 0.0, 1, 3, 33.3),
    ]
    nobody, groups = figures([], "team")
    assert (nobody.csat, nobody.answers, nobody.response_rate, groups) == (None, 0, None, [])


@pytest.mark.parametrize(
    ("text", "seconds"), [("0s", 0), ("90m", 5400), ("1h", 3600), ("30d", 2592000), ("4w", 2419200)]
)
def test_durations_are_read_and_written_back(text: str, seconds: int) -> None:
    assert parse_duration(text) == seconds
    assert parse_duration(duration_words(seconds)) == seconds


@pytest.mark.parametrize("text", ["soon", "1 hour", "-1h", "400d", ""])
def test_a_duration_that_is_not_one_is_refused_in_words(text: str) -> None:
    with pytest.raises(CsatSettingsError):
        parse_duration(text)
