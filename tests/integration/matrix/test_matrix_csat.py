"""Satisfaction on Matrix, through the app and a real Synapse: asked once in the room as text
(no buttons, no link), in the customer's language; the number word is the score, the rest the
comment; a good answer leaves the case resolved."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from connectors.matrix import MatrixConnector
from inbox_app.app import Services, build
from inbox_app.core.store.models import Message
from tests.integration.csat_support import asking_team, resolve, status, survey, urls_in
from tests.integration.matrix.synapse import Accounts

pytestmark = pytest.mark.synapse


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Services]:
    services = build(f"sqlite:///{tmp_path / 'store.db'}", registry={"matrix": MatrixConnector})
    yield services
    services.close()


def _sync(app: Services) -> None:
    [report] = asyncio.run(app.supervisor().run_once("support-matrix"))
    assert report.error is None, report.error


def test_asked_once_as_text_and_answered_in_italian_words(app: Services, accounts: Accounts) -> None:
    server, client = accounts.server, accounts.customer_client
    app.accounts.add(
        "matrix",
        "support-matrix",
        {"homeserver": server.base_url, "user_id": accounts.support.user_id},
        secret=accounts.support.password,
    )
    asking_team(app, delay=0)
    room = client.create_room(invite=(accounts.support.user_id,))
    client.send(room, "Buongiorno, il mio ordine non è ancora arrivato")
    _sync(app)
    with app.factory() as s:
        case_id = s.scalar(select(Message.case_id).where(Message.direction == "in"))
    assert case_id is not None
    resolve(app, case_id)

    assert [a.case_id for a in app.csat_asker.run_pass().asked] == [case_id]
    _sync(app)
    assert app.csat_asker.run_pass().asked == ()
    _sync(app)
    [question] = client.messages_from(room, accounts.support.user_id)
    body = question["content"]["body"]
    assert body.startswith("Quanto è soddisfatto") and "da 1 (per niente) a 5" in body
    assert urls_in(body) == [] and "formatted_body" not in question["content"]

    client.send(room, "Quattro, gentilissimi")
    _sync(app)
    found = survey(app, case_id)
    assert found is not None and (found.score, found.comment, found.language) == (4, "gentilissimi", "it")
    assert status(app, case_id) == "resolved"
    assert len(client.messages_from(room, accounts.support.user_id)) == 1
