"""The send-time check: a reply written against an old picture of its case is held.

On both backends and on every channel kind: the check looks at the case's messages,
never at how they travel.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from connectors.fake import FakeServer
from inbox_app.app import Services, build
from inbox_app.core.outbox.queue import ReplyError, ReplyHeld

#: Who writes on each channel kind the fake account can play.
SENDERS = {
    "email": "cliente@example.it",
    "chat": "matrix:@anna:matrix.org",
    "social": "mastodon:@anna@mastodon.social",
    "review": "review:gbp-1",
}


@pytest.fixture
def team(any_url: str):
    store = build(any_url, migrate=True)
    try:
        store.agents.add("Sara Conti", "sara@example.com", "agent")
        store.agents.add("Marco Bianchi", "marco@example.com", "agent")
        yield store
    finally:
        store.close()


def _agent(store: Services, name: str) -> int:
    agent = store.agents.find(name)
    assert agent is not None
    return agent.id


def _case_on(store: Services, tmp_path: Path, channel: str) -> tuple[FakeServer, int]:
    server = FakeServer(tmp_path / channel)
    server.deliver(
        id="m0", text="Buongiorno, dov'è il mio ordine?", thread="t1", **{"from": SENDERS[channel]}
    )
    store.accounts.add("fake", channel, {"path": str(server.root), "channel": channel})
    assert asyncio.run(store.supervisor().run_once())[0].error is None
    return server, store.queries.cases()[0].id


def _customer_writes_again(store: Services, server: FakeServer, channel: str, text: str) -> None:
    server.deliver(id="m1", text=text, thread="t1", **{"from": SENDERS[channel]})
    assert asyncio.run(store.supervisor().run_once())[0].error is None


@pytest.mark.parametrize("channel", sorted(SENDERS))
def test_a_reply_is_held_for_what_arrived_since_its_writer_looked(
    team: Services, tmp_path: Path, channel: str
) -> None:
    sara, marco = _agent(team, "Sara Conti"), _agent(team, "Marco Bianchi")
    server, case_id = _case_on(team, tmp_path, channel)
    seen = team.queries.newest_message_id(case_id)
    assert seen is not None
    # Nothing new: the reply goes.
    first = team.outbox.queue_reply(case_id, "Lo controllo subito.", agent_id=sara, after=seen)
    assert team.queries.message(first).delivery == "queued"
    # Her own reply is no news to her; to a colleague who saw only the customer, it is.
    assert team.outbox.newer_messages(case_id, seen, agent_id=sara) == []
    with pytest.raises(ReplyHeld) as held:
        team.outbox.queue_reply(case_id, "Arriva domani.", agent_id=marco, after=seen)
    assert [(m.id, m.direction, m.who) for m in held.value.newer] == [(first, "out", "Sara Conti")]
    # The customer writes again, and a colleague adds a note: both hold Sara's next reply.
    _customer_writes_again(team, server, channel, "Ho anche cambiato indirizzo, vi scrivo quello nuovo qui")
    note = team.outbox.queue_reply(case_id, "Cliente al telefono ora", note=True, agent_id=marco)
    before = len(team.queries.case_messages(case_id))
    with pytest.raises(ReplyHeld) as held:
        team.outbox.queue_reply(case_id, "Arriva domani.", agent_id=sara, after=first)
    newer = held.value.newer
    assert [m.direction for m in newer] == ["in", "note"] and newer[1].id == note
    assert newer[0].who == team.queries.case(case_id).customer_name and newer[0].channel == channel
    assert newer[0].first_words(30) == "Ho anche cambiato indirizzo,…"
    assert held.value.case_id == case_id and held.value.after == first
    assert isinstance(held.value, ReplyError)  # callers that know only ReplyError still refuse it
    assert len(team.queries.case_messages(case_id)) == before  # nothing was queued
    # Seen now: it goes. Forced, or with no --after at all, it goes whatever arrived.
    assert team.outbox.queue_reply(case_id, "Arriva domani.", agent_id=sara, after=note)
    assert team.outbox.queue_reply(case_id, "Comunque.", agent_id=marco, after=first, force=True)
    assert team.outbox.queue_reply(case_id, "Come sempre.", agent_id=marco)
    # A note reaches no customer: it is never held.
    assert team.outbox.queue_reply(case_id, "appunto", note=True, agent_id=sara, after=first)


def test_a_writer_who_is_no_agent_owns_no_reply(team: Services, tmp_path: Path) -> None:
    _server, case_id = _case_on(team, tmp_path, "email")
    seen = team.queries.newest_message_id(case_id)
    assert seen is not None
    mine = team.outbox.queue_reply(case_id, "Una risposta da uno script", after=seen)
    with pytest.raises(ReplyHeld) as held:
        team.outbox.queue_reply(case_id, "La stessa, di nuovo", after=seen)
    assert [m.id for m in held.value.newer] == [mine]
    assert team.queries.newest_message_id(case_id) == mine
