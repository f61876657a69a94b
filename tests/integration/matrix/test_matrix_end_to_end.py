"""Through the whole app: a customer's Matrix message becomes a case, the agent's reply
reaches the customer once, and its echo does not come back as a second message."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from connectors.matrix import MatrixConnector
from inbox_app.app import Services, build
from inbox_app.core.store.models import Customer, Identity, Message
from tests.integration.matrix.synapse import Accounts

pytestmark = pytest.mark.synapse


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Services]:
    services = build(f"sqlite:///{tmp_path / 'store.db'}", registry={"matrix": MatrixConnector})
    yield services
    services.close()


def test_room_message_to_case_and_reply_back_once(app: Services, accounts: Accounts) -> None:
    server = accounts.server
    puppet = server.register(
        f"whatsapp_39347{accounts.support.user_id[8:14].encode().hex()[:7]}",
        displayname="Giulia (WA)",
    )
    app.accounts.add(
        "matrix",
        "support-matrix",
        {
            "homeserver": server.base_url,
            "user_id": accounts.support.user_id,
        },
        secret=accounts.support.password,
    )
    client = server.client(puppet)
    try:
        room = client.create_room(invite=(accounts.support.user_id,))
        client.send(room, "Ciao, my order 1042 is late")
        supervisor = app.supervisor()

        [report] = asyncio.run(supervisor.run_once("support-matrix"))
        assert report.error is None and report.stored == 1
        with app.factory() as s:
            message = s.scalars(select(Message).where(Message.direction == "in")).one()
            assert message.text == "Ciao, my order 1042 is late"
            identities = {
                (i.kind, i.value)
                for i in s.scalars(select(Identity).where(Identity.customer_id == message.customer_id))
            }
            case_id = message.case_id
        phone = "+" + puppet.user_id[1:].split(":")[0].removeprefix("whatsapp_")
        assert ("matrix", puppet.user_id) in identities and ("phone", phone) in identities

        reply_id = app.outbox.queue_reply(case_id, "Sorry! It ships today.")
        [report] = asyncio.run(supervisor.run_once("support-matrix"))
        assert report.error is None and report.sent == 1
        # The next round sees our reply again in the room: no second copy in the store.
        [report] = asyncio.run(supervisor.run_once("support-matrix"))
        assert report.error is None and report.stored == 0
        with app.factory() as s:
            out = s.scalars(select(Message).where(Message.direction == "out")).all()
            assert [(m.id, m.delivery) for m in out] == [(reply_id, "sent")]
            assert out[0].external_id and out[0].external_id.startswith("$")
            assert s.scalar(select(Customer.id).where(Customer.id == message.customer_id))
        bodies = [e["content"]["body"] for e in client.messages_from(room, accounts.support.user_id)]
        assert bodies == ["Sorry! It ships today."]
    finally:
        client.close()
