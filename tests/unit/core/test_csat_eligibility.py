"""Who is asked for satisfaction, on a real store: the asking pass against every rule, and the
question's row and message written together."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from inbox_app.app import Services
from inbox_app.core.store.models import Case, CsatSurvey, Customer, Message
from tests.integration.csat_support import asking_team, questions, resolve
from tests.unit.core.helpers import batch, fresh_store, item


@pytest.fixture
def app(tmp_path: Path) -> Any:
    services = fresh_store(tmp_path)
    asking_team(services, delay=0)
    yield services
    services.close()


def _account(app: Services, name: str, channel: str, tmp_path: Path) -> int:
    return app.accounts.add("fake", name, {"path": str(tmp_path / name), "channel": channel}).id


def _case(app: Services, account_id: int, ext: str, sender: str, kind: str = "email", **kw: Any) -> int:
    app.ingest.store_batch(account_id, batch(item(ext, sender, kind=kind, **kw)))
    with app.factory() as s:
        case_id = s.scalar(select(Message.case_id).where(Message.external_id == ext))
    assert case_id is not None
    resolve(app, int(case_id))
    return int(case_id)


def _asked(app: Services) -> list[int]:
    return [a.case_id for a in app.csat_asker.run_pass().asked]


def test_asked_on_email_and_private_chat_never_on_reviews_public_posts_or_disabled_accounts(
    app: Services, tmp_path: Path
) -> None:
    mail = _account(app, "mail", "email", tmp_path)
    reviews = _account(app, "reviews", "review", tmp_path)
    social = _account(app, "social", "social", tmp_path)
    off = _account(app, "old-mail", "email", tmp_path)
    on_mail = _case(app, mail, "m1", "ada@example.com", text="Hello, my order is late")
    _case(app, reviews, "r1", "rev-1", kind="review", text="Awful", meta={"stars": 1})
    _case(app, social, "p1", "@ugo@social.example", kind="mastodon", meta={"visibility": "public"})
    dm = _case(app, social, "p2", "@eva@social.example", kind="mastodon", meta={"visibility": "direct"})
    _case(app, off, "o1", "bob@example.com")
    app.accounts.set_enabled("old-mail", False)

    assert sorted(_asked(app)) == sorted([on_mail, dm])
    assert _asked(app) == []
    [q1, q2] = questions(app)
    assert {q1.case_id, q2.case_id} == {on_mail, dm}
    assert all(q.is_auto and q.agent_id is None and q.delivery == "queued" for q in (q1, q2))
    with app.factory() as s:
        rows = {r.case_id: r for r in s.scalars(select(CsatSurvey))}
        assert rows[on_mail].asked_message_id in (q1.id, q2.id)
        assert (rows[on_mail].channel, rows[on_mail].language, rows[on_mail].agent_id is not None) == (
            "fake", "en", True,
        )  # fmt: skip
        # The others are decided once, with why, and are no question in the figures.
        assert sorted(r.skipped or "" for r in rows.values()) == [
            "",
            "",
            "the channel account is disabled",
            "the channel is public",
            "the channel is public",
        ]
        assert all(r.asked_message_id is None for r in rows.values() if r.skipped)
        assert sorted(r.case_id for r in app.csat_reports.surveys()) == sorted([on_mail, dm])
        # The question is not an agent's reply, and the case stays resolved where it was.
        case = s.get(Case, on_mail)
        assert case is not None and case.status == "resolved" and case.first_response_at is None


def test_never_asked_when_merged_away_erased_or_one_of_us(app: Services, tmp_path: Path) -> None:
    mail = _account(app, "mail", "email", tmp_path)
    merged = _case(app, mail, "a1", "ada@example.com")
    keep = _case(app, mail, "b1", "ada.lovelace@example.com")
    erased = _case(app, mail, "c1", "carl@example.com")
    internal = _case(app, mail, "d1", "marta@shop.example")  # Marta, the agent, wrote in
    with app.factory() as s:
        ids = {c.id: c.customer_id for c in s.scalars(select(Case))}
    app.customers.merge(ids[merged], ids[keep])  # Ada's first record into the second
    app.customers.erase(ids[erased])

    asked = _asked(app)
    with app.factory() as s:
        moved = s.scalar(select(Case.customer_id).where(Case.id == merged))
        source = s.get(Customer, ids[merged])
        assert source is not None and source.merged_into_id == ids[keep]
    assert moved == ids[keep]  # the merged cases now belong to the kept record...
    # ...and Ada is asked once for both (the first resolved; the second falls within the
    # period); the erased customer and Marta, one of us, never.
    assert asked == [merged] and internal not in asked and erased not in asked


def test_an_erased_customers_answers_go_with_them(app: Services, tmp_path: Path) -> None:
    mail = _account(app, "mail", "email", tmp_path)
    case_id = _case(app, mail, "a1", "ada@example.com")
    assert _asked(app) == [case_id]
    with app.factory() as s:
        customer_id = s.scalar(select(Case.customer_id).where(Case.id == case_id))
    app.customers.erase(int(customer_id))  # type: ignore[arg-type]
    with app.factory() as s:
        assert s.scalars(select(CsatSurvey)).all() == []


def test_cases_not_to_ask_do_not_hold_up_the_ones_after_them(
    app: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from inbox_app.core.voice import csat_ask

    monkeypatch.setattr(csat_ask, "BATCH", 2)
    reviews = _account(app, "reviews", "review", tmp_path)
    mail = _account(app, "mail", "email", tmp_path)
    for n in range(3):
        _case(app, reviews, f"r{n}", f"rev-{n}", kind="review", meta={"stars": 2})
    later = _case(app, mail, "m1", "ada@example.com")
    assert _asked(app) == []  # two reviews decided
    assert _asked(app) == [later]  # the third review, then the email case
    assert _asked(app) == []


def test_a_pass_reads_only_the_recently_resolved_cases(app: Services) -> None:
    """Every few seconds on a store of a million cases: the index on (status, resolved_at)
    bounds the read to the cases resolved within the window, not every resolved case."""
    from inbox_app.core.clock import utcnow
    from inbox_app.core.voice.csat_ask import due_cases

    stmt = due_cases(1, utcnow())
    with app.engine.connect() as conn:
        compiled = stmt.compile(conn, compile_kwargs={"literal_binds": True})
        plan = " ".join(str(r[-1]) for r in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}"))
    assert plan.startswith(
        "SEARCH cases USING INDEX ix_cases_status_resolved (status=? AND resolved_at>? AND resolved_at<?)"
    ), plan
