"""The at-risk score on a real store: each factor moves it the right way with its share,
recomputed by ingest and by case changes, muted by "not at risk" until the customer writes."""

from __future__ import annotations

from datetime import timedelta
from itertools import count

import pytest
from sqlalchemy import select

from connectors.base import Address, Batch, InboundItem
from inbox_app.core.clock import utcnow
from inbox_app.core.store.models import AuditEvent, Case, Message
from tests.unit.core.helpers import account, fresh_store

_ids = count(1)
H = timedelta(hours=1)


@pytest.fixture
def services(tmp_path):
    s = fresh_store(tmp_path)
    yield s
    s.close()


def say(
    services,
    acc: int,
    who: str,
    text: str,
    *,
    ago: timedelta,
    thread: str = "t1",
    kind: str = "matrix",
    direction: str = "in",
    **kw,
) -> None:
    n = next(_ids)
    services.ingest.store_batch(
        acc,
        Batch(
            (
                InboundItem(
                    external_id=f"m{n}",
                    thread_key=f"{who}/{thread}",
                    sender=Address(kind, who if direction == "in" else "@shop:example.org", None),
                    sent_at=utcnow() - ago,
                    text=text,
                    direction=direction,  # type: ignore[arg-type]
                    **kw,
                ),
            ),
            f"c{n}",
        ),
    )


def customer_of(services, who: str) -> int:
    with services.factory() as s:
        return s.scalars(select(Message.customer_id).where(Message.sender == who)).first()


def shares(risk) -> dict[str, int]:
    return {f["name"]: f["share"] for f in risk.factors}


def test_tone_is_stored_for_customer_messages_only(services) -> None:
    chat = account(services, channel="chat")
    say(services, chat, "@anna:example.org", "Non sono soddisfatto, è la terza volta!", ago=2 * H)
    say(services, chat, "@anna:example.org", "Mi dispiace, controlliamo subito", ago=H, direction="out")
    with services.factory() as s:
        tones = dict(s.execute(select(Message.direction, Message.tone)).all())
    assert tones["in"] is not None and tones["in"] < -0.5
    assert tones["out"] is None


def test_negative_tone_raises_the_score_with_its_share(services) -> None:
    chat = account(services, channel="chat")
    say(services, chat, "@calm:example.org", "Buongiorno, mi dite l'orario di apertura?", ago=30 * 24 * H + H)
    say(
        services,
        chat,
        "@angry:example.org",
        "Vergognoso, ancora niente. È la terza volta!",
        ago=30 * 24 * H + H,
    )
    calm = services.risk.current(customer_of(services, "@calm:example.org"))
    angry = services.risk.current(customer_of(services, "@angry:example.org"))
    # Older than 30 days: the tone is not read, and the waiting is, for both alike.
    assert shares(calm) == shares(angry) == {"waiting": 100}
    say(services, chat, "@angry:example.org", "Vergognoso, ancora niente. È la terza volta!", ago=29 * 24 * H)
    angry = services.risk.current(customer_of(services, "@angry:example.org"))
    assert angry.score == calm.score + 30
    assert shares(angry) == {"tone": 60, "waiting": 40}
    tone = next(f for f in angry.factors if f["name"] == "tone")
    assert tone["detail"].startswith("1 of the last 1 messages in a negative tone (average -0.")


def test_waiting_now_counts_until_an_answer(services) -> None:
    chat = account(services, channel="chat")
    say(services, chat, "@wait:example.org", "Buongiorno, mi dite l'orario di apertura?", ago=12 * H)
    cid = customer_of(services, "@wait:example.org")
    risk = services.risk.current(cid)
    assert risk.score == 10 and shares(risk) == {"waiting": 100}
    assert risk.factors[0]["detail"].startswith("waiting for an answer for 12 h")
    say(services, chat, "@wait:example.org", "Apriamo alle 9", ago=H, direction="out")
    assert services.risk.current(cid).score == 0


def test_reopened_case_and_repeat_contact(services) -> None:
    chat = account(services, channel="chat")
    who = "@back:example.org"
    say(services, chat, who, "Buongiorno, mi dite l'orario di apertura?", ago=48 * H)
    say(services, chat, who, "Apriamo alle 9", ago=47 * H, direction="out")
    cid = customer_of(services, who)
    with services.factory() as s:
        case_id = s.scalars(select(Case.id).where(Case.customer_id == cid)).one()
    services.cases.set_status(case_id, "resolved")
    assert services.risk.current(cid).score == 0
    # The customer writes again on the same conversation: the case is reopened.
    say(services, chat, who, "E la domenica?", ago=0.5 * H)
    risk = services.risk.current(cid)
    assert shares(risk) == {"reopened": 100} and risk.score == 8  # 7.5 points
    # An agent resolving and reopening it is the team's decision, not the customer's signal;
    # the case change recomputes the score all the same (nothing else moved).
    services.cases.set_status(case_id, "resolved")
    services.cases.set_status(case_id, "open")
    with services.factory() as s:
        stored = s.execute(select(AuditEvent.action).where(AuditEvent.object_id == case_id)).scalars().all()
    assert stored.count("case.reopened") == 1
    assert services.risk.stored(cid).score == 8
    # A new conversation within 7 days of the resolution: a repeat contact.
    services.cases.set_status(case_id, "resolved")
    say(services, chat, who, "Altra domanda: fate spedizioni?", ago=timedelta(0), thread="t2")
    risk = services.risk.current(cid)
    assert shares(risk) == {"reopened": 43, "repeat_contact": 57} and risk.score == 18


def test_one_star_review_and_channel_hopping(services) -> None:
    chat = account(services, channel="chat")
    reviews = account(services, channel="review")
    who = "@hop:example.org"
    say(services, chat, who, "Il pacco non è arrivato", ago=30 * H)
    say(services, chat, who, "Controlliamo", ago=29 * H, direction="out")
    cid = customer_of(services, who)
    services.customers.add_identity(cid, "review", "reviewer-77")
    before = services.risk.current(cid).score
    say(
        services,
        reviews,
        "reviewer-77",
        "★☆☆☆☆ Pacco mai arrivato",
        ago=2 * H,
        kind="review",
        thread="review-1",
        meta={"stars": 1},
    )
    risk = services.risk.current(cid)
    names = shares(risk)
    assert {"reviews", "channel_hopping"} <= set(names)
    assert sum(names.values()) == 100
    points = {f["name"]: f["points"] for f in risk.factors}
    assert points["reviews"] == 25.0 and points["channel_hopping"] == 15.0
    assert risk.score >= before + 40
    hop = next(f for f in risk.factors if f["name"] == "channel_hopping")
    assert hop["detail"] == "wrote on chat and then on review within 28 h"


def test_not_at_risk_is_audited_and_lifted_by_a_new_message(services) -> None:
    chat = account(services, channel="chat")
    who = "@mute:example.org"
    say(services, chat, who, "Vergognoso! Ancora niente, è la terza volta!!", ago=30 * H)
    cid = customer_of(services, who)
    score = services.risk.current(cid).score
    assert score >= 40
    assert [r.customer_id for r in services.risk.at_risk(40)] == [cid]
    muted = services.risk.mute(cid, actor="lead", reason="called them, all settled")
    assert muted.score == 0 and muted.computed_score == score
    assert muted.to_json()["muted"]["reason"] == "called them, all settled"
    assert services.risk.at_risk(1) == []
    with services.factory() as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "customer.risk_muted")).one()
    assert (event.actor, event.object_id, event.data["score"]) == ("lead", cid, score)
    # Our own reply is nothing new from the customer: still muted.
    say(services, chat, who, "Ci scusiamo, rimborso fatto", ago=H, direction="out")
    assert services.risk.current(cid).score == 0
    say(services, chat, who, "Ancora niente!", ago=0.1 * H)
    lifted = services.risk.current(cid)
    assert lifted.score > 0 and lifted.muted_at is None
    assert [r.customer_id for r in services.risk.at_risk(1)] == [cid]


def test_trend_keeps_one_score_a_day(services) -> None:
    chat = account(services, channel="chat")
    say(services, chat, "@trend:example.org", "Vergognoso!", ago=2 * H)
    cid = customer_of(services, "@trend:example.org")
    risk = services.risk.current(cid)
    trend = services.risk.trend(cid)
    assert trend == [(utcnow().date(), risk.score)]


def test_merge_gives_one_score_and_erasure_removes_it(services) -> None:
    from inbox_app.core.store.models import CustomerRisk, CustomerRiskDay

    chat = account(services, channel="chat")
    say(services, chat, "@one:example.org", "Vergognoso!", ago=2 * H)
    say(services, chat, "@two:example.org", "Ancora niente!!", ago=H)
    one, two = customer_of(services, "@one:example.org"), customer_of(services, "@two:example.org")
    services.customers.merge(one, two)
    with services.factory() as s:
        assert s.get(CustomerRisk, one) is None
        merged = s.get(CustomerRisk, two)
        assert merged is not None
        tone = next(f for f in merged.factors if f["name"] == "tone")
        assert tone["facts"]["count"] == 2  # both people's messages, one customer now
    services.customers.erase(two)
    with services.factory() as s:
        assert s.query(CustomerRisk).count() == 0 and s.query(CustomerRiskDay).count() == 0


def test_an_edit_changes_the_tone(services) -> None:
    from connectors.base import ItemUpdate

    chat = account(services, channel="chat")
    say(services, chat, "@edit:example.org", "Tutto perfetto, grazie!", ago=H)
    with services.factory() as s:
        ext, before = s.execute(select(Message.external_id, Message.tone)).one()
    assert before > 0.5
    services.ingest.store_batch(
        chat, Batch((ItemUpdate(target_external_id=ext, kind="edit", text="Pessimo, vergognoso"),), "e1")
    )
    with services.factory() as s:
        assert s.scalars(select(Message.tone)).one() < -0.5


def test_housekeeping_follows_the_clock(services) -> None:
    chat = account(services, channel="chat")
    say(services, chat, "@clock:example.org", "Buongiorno, mi dite l'orario di apertura?", ago=2 * H)
    cid = customer_of(services, "@clock:example.org")
    assert services.risk.stored(cid).score == 2  # 2 h of the 24 that give the waiting's 20 points
    assert services.risk.refresh_waiting(now=utcnow() + 10 * H) == 1
    assert services.risk.stored(cid).score == 10
    assert [r.customer_id for r in services.risk.at_risk(10)] == [cid]


def test_the_same_on_a_team_store(any_url: str) -> None:
    """Ingest, the score, the view's ids sorted by risk and "not at risk" on both backends."""
    from inbox_app.app import build
    from inbox_app.core.read.queries import OPEN_STATES, CaseFilter
    from inbox_app.core.read.workspace import WorkspaceReads

    store = build(any_url, migrate=True)
    try:
        chat = account(store, channel="chat")
        say(store, chat, "@calm:example.org", "Buongiorno, mi dite l'orario?", ago=0.5 * H)
        say(store, chat, "@team:example.org", "Vergognoso! Ancora niente, è la terza volta!!", ago=30 * H)
        cid = customer_of(store, "@team:example.org")
        risk = store.risk.current(cid)
        assert risk.score == 50 and {f["name"] for f in risk.factors} == {"tone", "waiting"}
        reads = WorkspaceReads(store.read_factory, store.queries)
        with store.factory() as s:
            risky_case = s.scalars(select(Case.id).where(Case.customer_id == cid)).one()
        assert list(reads.case_ids(CaseFilter(status=tuple(OPEN_STATES), at_risk=40, by_risk=True))) == [
            risky_case
        ]
        assert reads.case_ids(CaseFilter(status=tuple(OPEN_STATES), by_risk=True))[0] == risky_case
        store.risk.mute(cid, actor="lead", reason="settled")
        assert store.risk.at_risk(1) == [] and store.risk.trend(cid)[-1][1] == 0
    finally:
        store.close()


def test_a_missed_service_level_target_and_a_low_satisfaction_answer_count(services) -> None:
    services.sla.add("Chat", first_reply="30m", next_reply="1h", resolution="1d")
    chat = account(services, channel="chat")
    # Twenty minutes old: its first reply is due in ten; nothing is missed yet.
    say(
        services, chat, "@bruno:example.org", "Buongiorno, una domanda sull'ordine", ago=timedelta(minutes=20)
    )
    customer = customer_of(services, "@bruno:example.org")
    before = services.risk.stored(customer)
    assert "sla" not in shares(before) and "csat" not in shares(before)
    # The due time passes with no write: the worker's tick writes the breach, and the
    # customer's score follows it at once.
    breached = services.sla.check_breaches(now=utcnow() + H)
    with services.factory() as s:
        case = s.scalars(select(Case).where(Case.customer_id == customer)).one()
    assert case.sla_breached == "first_reply" and breached == [case.id]
    after_sla = services.risk.stored(customer)
    assert after_sla.score > before.score and "sla" in shares(after_sla)
    # A satisfaction answer of 1: the csat factor appears with its share.
    from inbox_app.core.store.models import CsatSurvey

    with services.factory() as s, s.begin():
        s.add(
            CsatSurvey(
                case_id=case.id,
                customer_id=customer,
                channel="matrix",
                language="it",
                asked_at=utcnow() - H,
                answered_at=utcnow(),
                score=1,
            )
        )
    after_csat = services.risk.current(customer)
    assert after_csat.score > after_sla.score
    assert {"sla", "csat"} <= set(shares(after_csat))
    assert sum(shares(after_csat).values()) == 100
