"""Satisfaction on Mastodon, with the instance emulator: a customer who wrote a public post is
never asked (the answer would be public too); one who wrote a direct message is, privately."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from connectors.mastodon import MastodonConnector
from inbox_app.app import Services, build
from inbox_app.core.store.models import CsatSurvey, Message
from tests.emulators.mastodon import MastodonEmulator
from tests.integration.csat_support import asking_team, resolve, urls_in


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Services]:
    services = build(f"sqlite:///{tmp_path / 'store.db'}", registry={"mastodon": MastodonConnector})
    yield services
    services.close()


def _sync(app: Services) -> None:
    [report] = asyncio.run(app.supervisor().run_once("social"))
    assert report.error is None, report.error


def test_never_asked_under_a_public_post_asked_in_a_direct_message(
    app: Services, emulator: MastodonEmulator
) -> None:
    app.accounts.add("mastodon", "social", {"instance": emulator.base_url}, secret=emulator.token)
    asking_team(app, delay=0)
    ada = emulator.account("ada", display_name="Ada Lovelace")
    bob = emulator.account("bob", "other.example", display_name="Bob")
    public = emulator.customer_mentions(ada, "Your kettle broke after a week. Not happy.")
    direct = emulator.customer_mentions(bob, "Hi, my order has not arrived yet", visibility="direct")
    _sync(app)
    with app.factory() as s:
        cases = {
            m.external_id: m.case_id for m in s.scalars(select(Message).where(Message.direction == "in"))
        }
    for case_id in cases.values():
        resolve(app, case_id)  # type: ignore[arg-type]

    assert [a.case_id for a in app.csat_asker.run_pass().asked] == [cases[direct["id"]]]
    _sync(app)
    [post] = emulator.our_posts()
    assert post["visibility"] == "direct" and [m["acct"] for m in post["mentions"]] == ["bob@other.example"]
    words = post["source"].removeprefix("@bob@other.example ")
    assert words.startswith("How satisfied are you") and urls_in(words) == []
    with app.factory() as s:
        skipped = s.scalar(select(CsatSurvey.skipped).where(CsatSurvey.case_id == cases[public["id"]]))
    assert skipped == "the channel is public"
    assert app.csat_asker.run_pass().asked == ()
    _sync(app)
    assert len(emulator.our_posts()) == 1
