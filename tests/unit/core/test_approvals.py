"""Replies held for a lead: each rule holds the right replies, the outbox never sends a held
one, a lead's edit goes exactly once, and a rejection tells its author why."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from connectors.fake import FakeServer
from inbox_app.app import Services, build
from inbox_app.core.accounts import AccountError
from inbox_app.core.approvals import AlreadyDecided, ApprovalError, NotALead, OwnReply
from inbox_app.core.store.models import Approval, AuditEvent
from inbox_app.core.team.refusals import NotPermitted

REVIEWER = "review:gbp-1"


@pytest.fixture
def shop(tmp_path: Path):
    store = build(f"sqlite:///{tmp_path / 'store.db'}", migrate=True)
    try:
        store.agents.add("Sara Conti", "sara@example.com", "agent")
        store.agents.add("Tina Nuova", "tina@example.com", "agent")
        store.agents.add("Luca Verdi", "luca@example.com", "lead")
        store.agents.add("Lia Capo", "lia@example.com", "lead")
        yield store
    finally:
        store.close()


def _id(store: Services, name: str) -> int:
    agent = store.agents.find(name)
    assert agent is not None
    return agent.id


def _sync(store: Services) -> None:
    reports = asyncio.run(store.supervisor().run_once())
    assert [r.error for r in reports] == [None] * len(reports)


def _reviews(store: Services, tmp_path: Path, stars: dict[str, int], **settings: str) -> FakeServer:
    """A review account with one review (its own case) per entry of ``stars``."""
    server = FakeServer(tmp_path / "reviews")
    for n, (thread, rating) in enumerate(stars.items()):
        server.deliver(
            id=f"r{n}",
            text=f"{'★' * rating} recensione {thread}",
            thread=thread,
            meta={"stars": rating},
            **{"from": f"review:gbp-{thread}"},
        )
    store.accounts.add("fake", "reviews", {"path": str(server.root), "channel": "review", **settings})
    _sync(store)
    return server


def _case_of(store: Services, words: str) -> int:
    """The case whose first message says ``words``."""
    for case in store.queries.cases():
        if words in (store.queries.case_messages(case.id)[0].text or ""):
            return case.id
    raise AssertionError(words)


def _held(store: Services) -> dict[int, str]:
    """Held message id -> rule."""
    with store.factory() as s:
        return {a.message_id: a.rule for a in s.query(Approval).filter(Approval.state == "waiting")}


def test_replies_to_reviews_of_n_stars_or_fewer_wait_and_the_others_go(
    shop: Services, tmp_path: Path
) -> None:
    server = _reviews(shop, tmp_path, {"a": 1, "b": 2, "c": 3, "d": 5}, approve_stars_max="2")
    sara = _id(shop, "Sara Conti")
    replies = {
        t: shop.outbox.queue_reply(_case_of(shop, f"recensione {t}"), f"Grazie {t}", agent_id=sara)
        for t in "abcd"
    }
    assert _held(shop) == {replies["a"]: "low_rating", replies["b"]: "low_rating"}
    assert [shop.queries.message(replies[t]).delivery for t in "abcd"] == [
        "awaiting_approval",
        "awaiting_approval",
        "queued",
        "queued",
    ]
    _sync(shop)
    assert sorted(r["text"] for r in server.sent_replies()) == ["Grazie c", "Grazie d"]
    _sync(shop)  # and still nothing held goes, however often the outbox runs
    assert len(server.sent_replies()) == 2
    assert [shop.queries.message(replies[t]).delivery for t in "ab"] == ["awaiting_approval"] * 2


def test_any_public_reply_waits_when_the_account_says_so_and_private_ones_go(
    shop: Services, tmp_path: Path
) -> None:
    _reviews(shop, tmp_path, {"a": 5}, approve_public="true")
    review = shop.outbox.queue_reply(_case_of(shop, "recensione a"), "Grazie!")
    chat = FakeServer(tmp_path / "chat")
    chat.deliver(id="c1", text="Ciao, il mio ordine?", thread="c1", **{"from": "matrix:@anna:matrix.org"})
    shop.accounts.add("fake", "chat", {"path": str(chat.root), "channel": "chat", "approve_public": "true"})
    _sync(shop)
    private = shop.outbox.queue_reply(_case_of(shop, "Ciao, il mio ordine?"), "Arriva domani")
    assert _held(shop) == {review: "public"}
    assert shop.queries.message(private).delivery == "queued"


def test_a_mastodon_private_mention_gets_a_private_answer_that_does_not_wait(
    shop: Services, tmp_path: Path
) -> None:
    social = FakeServer(tmp_path / "social")
    social.deliver(
        id="s1",
        text="@shop ordine?",
        thread="s1",
        meta={"visibility": "direct"},
        **{"from": "mastodon:@a@m.social"},
    )
    social.deliver(
        id="s2",
        text="@shop pubblico?",
        thread="s2",
        meta={"visibility": "public"},
        **{"from": "mastodon:@b@m.social"},
    )
    shop.accounts.add(
        "fake", "social", {"path": str(social.root), "channel": "social", "approve_public": "true"}
    )
    _sync(shop)
    # The fake social account plays a public channel only for reviews: say its replies are public.
    from dataclasses import replace

    plain = shop.capabilities_of
    assert plain is not None
    shop.extra.pop("outbox", None)
    shop.capabilities_of = lambda kind, settings: replace(plain(kind, settings), public=True)
    direct = shop.outbox.queue_reply(_case_of(shop, "@shop ordine?"), "In privato")
    public = shop.outbox.queue_reply(_case_of(shop, "@shop pubblico?"), "In pubblico")
    assert _held(shop) == {public: "public"}
    assert shop.queries.message(direct).delivery == "queued"


def test_every_reply_of_a_trainee_waits_on_every_account(shop: Services, tmp_path: Path) -> None:
    _reviews(shop, tmp_path, {"a": 5})  # no rule on the account
    chat = FakeServer(tmp_path / "chat")
    chat.deliver(id="c1", text="Ciao, il mio ordine?", thread="c1", **{"from": "matrix:@anna:matrix.org"})
    shop.accounts.add("fake", "chat", {"path": str(chat.root), "channel": "chat"})
    _sync(shop)
    row = shop.agents.set_trainee("Tina Nuova", True, actor="test")
    assert row.trainee and shop.agents.find("Tina Nuova").trainee  # type: ignore[union-attr]
    tina, sara = _id(shop, "Tina Nuova"), _id(shop, "Sara Conti")
    review_case, chat_case = _case_of(shop, "recensione a"), _case_of(shop, "Ciao, il mio ordine?")
    held = [shop.outbox.queue_reply(c, "Risposta di Tina", agent_id=tina) for c in (review_case, chat_case)]
    free = shop.outbox.queue_reply(chat_case, "Risposta di Sara", agent_id=sara)
    note = shop.outbox.queue_reply(chat_case, "Nota di Tina", agent_id=tina, note=True)
    assert _held(shop) == {held[0]: "trainee", held[1]: "trainee"}
    assert shop.queries.message(free).delivery == "queued"
    assert shop.queries.message(note).delivery is None  # a note reaches no customer: never held
    shop.agents.set_trainee("Tina Nuova", False, actor="test")
    assert (
        shop.queries.message(shop.outbox.queue_reply(chat_case, "Di nuovo", agent_id=tina)).delivery
        == "queued"
    )


def test_account_rules_are_checked_kept_beside_the_connector_settings_and_turned_off(
    shop: Services, tmp_path: Path
) -> None:
    _reviews(shop, tmp_path, {"a": 1}, approve_stars_max="2")
    for bad in ({"approve_stars_max": "6"}, {"approve_stars_max": "tre"}, {"approve_public": "forse"}):
        with pytest.raises(AccountError, match="approve_"):
            shop.accounts.update_settings("reviews", bad)
    row = shop.accounts.update_settings("reviews", {"batch_size": "10"})
    assert "approve_stars_max" not in row.settings  # the connector never sees the app's rules
    case = _case_of(shop, "recensione a")
    assert shop.queries.message(shop.outbox.queue_reply(case, "uno")).delivery == "awaiting_approval"
    shop.accounts.update_settings("reviews", {"approve_stars_max": "none"})
    assert shop.queries.message(shop.outbox.queue_reply(case, "due")).delivery == "queued"


def test_approve_with_an_edit_sends_the_edit_exactly_once_and_keeps_both_texts(
    shop: Services, tmp_path: Path
) -> None:
    server = _reviews(shop, tmp_path, {"a": 1}, approve_stars_max="2")
    sara = _id(shop, "Sara Conti")
    mid = shop.outbox.queue_reply(_case_of(shop, "recensione a"), "Ci dispiace, ma ha torto.", agent_id=sara)
    [waiting] = shop.approvals.waiting()
    assert waiting.to_json().keys() == {"id", "case_id", "author", "text", "rule", "created_at"}
    assert (waiting.author, waiting.rule, waiting.stars) == ("Sara Conti", "low_rating", 1)
    _sync(shop)
    assert server.sent_replies() == []
    done = shop.approvals.approve(waiting.id, actor="Luca Verdi", text="Ci dispiace: la richiamiamo oggi.")
    assert (done.state, done.decided_by, done.original_text, done.edited_text) == (
        "approved",
        "Luca Verdi",
        "Ci dispiace, ma ha torto.",
        "Ci dispiace: la richiamiamo oggi.",
    )
    assert shop.queries.message(mid).delivery == "queued"
    for _ in range(3):
        _sync(shop)
    assert [r["text"] for r in server.sent_replies()] == ["Ci dispiace: la richiamiamo oggi."]
    row = shop.queries.message(mid)
    assert (row.delivery, row.text) == ("sent", "Ci dispiace: la richiamiamo oggi.")
    assert row.meta["approval"] == {"state": "approved", "by": "Luca Verdi", "edited": True}
    assert shop.approvals.waiting() == []
    with pytest.raises(AlreadyDecided, match="already approved by Luca Verdi"):
        shop.approvals.reject(waiting.id, "troppo tardi", actor="Lia Capo")
    with shop.factory() as s:
        trail = s.query(AuditEvent).filter(AuditEvent.object_type == "message", AuditEvent.object_id == mid)
        actions = [(e.action, e.actor) for e in trail.order_by(AuditEvent.id)]
    assert actions[:3] == [
        ("reply.queued", "Sara Conti"),
        ("reply.held_for_approval", "Sara Conti"),
        ("reply.approved", "Luca Verdi"),
    ]
    assert actions[3][0] == "reply.sent" and len(actions) == 4


def test_approve_as_written_sends_the_original(shop: Services, tmp_path: Path) -> None:
    server = _reviews(shop, tmp_path, {"a": 2}, approve_stars_max="2")
    shop.outbox.queue_reply(
        _case_of(shop, "recensione a"), "Grazie del parere.", agent_id=_id(shop, "Sara Conti")
    )
    [waiting] = shop.approvals.waiting()
    assert shop.approvals.approve(waiting.id, actor="Luca Verdi").edited_text is None
    _sync(shop)
    _sync(shop)
    assert [r["text"] for r in server.sent_replies()] == ["Grazie del parere."]


def test_a_rejected_reply_is_never_sent_and_says_why(shop: Services, tmp_path: Path) -> None:
    server = _reviews(shop, tmp_path, {"a": 1}, approve_stars_max="2")
    mid = shop.outbox.queue_reply(
        _case_of(shop, "recensione a"), "Ha torto.", agent_id=_id(shop, "Sara Conti")
    )
    [waiting] = shop.approvals.waiting()
    with pytest.raises(ApprovalError, match="say why"):
        shop.approvals.reject(waiting.id, "  ", actor="Luca Verdi")
    shop.approvals.reject(waiting.id, "Tono sbagliato: scusarsi prima", actor="Luca Verdi")
    row = shop.queries.message(mid)
    assert (row.delivery, row.error) == ("rejected", "Tono sbagliato: scusarsi prima")
    assert row.meta["approval"]["by"] == "Luca Verdi"
    _sync(shop)
    assert server.sent_replies() == []
    with pytest.raises(AlreadyDecided):
        shop.approvals.approve(waiting.id, actor="Lia Capo")
    assert shop.queries.message(mid).delivery == "rejected"


def test_only_leads_decide_and_never_on_their_own_reply(shop: Services, tmp_path: Path) -> None:
    _reviews(shop, tmp_path, {"a": 1}, approve_stars_max="2")
    case = _case_of(shop, "recensione a")
    shop.outbox.queue_reply(case, "Di Luca", agent_id=_id(shop, "Luca Verdi"))
    [held] = shop.approvals.waiting()
    with pytest.raises(NotALead, match="only leads and admins") as refused:
        shop.approvals.approve(held.id, actor="Sara Conti")
    assert isinstance(refused.value, NotPermitted)  # said and exited as the other refusals
    with pytest.raises(OwnReply, match="your own reply"):
        shop.approvals.approve(held.id, actor="Luca Verdi")
    with pytest.raises(OwnReply):
        shop.approvals.reject(held.id, "no", actor="Luca Verdi")
    assert shop.queries.message(held.message_id).delivery == "awaiting_approval"
    shop.approvals.approve(held.id, actor="Lia Capo")
    assert shop.queries.message(held.message_id).delivery == "queued"
    with pytest.raises(ApprovalError, match="no held reply with approval id 999"):
        shop.approvals.approve(999, actor="Lia Capo")


def test_an_edit_longer_than_the_channel_takes_is_refused(shop: Services, tmp_path: Path) -> None:
    _reviews(shop, tmp_path, {"a": 1}, approve_stars_max="2")
    shop.outbox.queue_reply(_case_of(shop, "recensione a"), "Breve", agent_id=_id(shop, "Sara Conti"))
    [held] = shop.approvals.waiting()
    with pytest.raises(ApprovalError, match="cannot go: the reply has 5000 bytes"):
        shop.approvals.approve(held.id, actor="Luca Verdi", text="x" * 5000)
    with pytest.raises(ApprovalError, match="empty"):
        shop.approvals.approve(held.id, actor="Luca Verdi", text="  ")
    assert shop.approvals.get(held.id).state == "waiting"
