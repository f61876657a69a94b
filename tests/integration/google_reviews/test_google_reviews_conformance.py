"""The Google reviews connector passes the shared connector conformance suite."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from connectors.base import Connector, OutboundReply
from connectors.google_reviews import GoogleReviewsConnector
from tests.conformance.suite import ConnectorConformance, Harness
from tests.emulators.google_reviews import GoogleReviewsEmulator
from tests.integration.matrix.synapse import free_port


class GoogleReviewsHarness(Harness):
    kind = "google_reviews"
    channel = "review"
    # A page and a batch hold 50 reviews: 60 make two of each.
    batch_test_count = 60

    def __init__(self, emulator: GoogleReviewsEmulator) -> None:
        self.emulator = emulator
        self.last: dict[str, Any] | None = None

    def settings(self, **overrides: Any) -> dict[str, Any]:
        return {
            "location": self.emulator.location,
            "client_id": self.emulator.client_id,
            "api_base": self.emulator.base_url,
            "token_url": self.emulator.token_url,
            "history_days": 0,
            **overrides,
        }

    def make_connector(self) -> Connector:
        return GoogleReviewsConnector(self.settings(), self.emulator.secret)

    def make_connector_with_bad_credentials(self) -> Connector:
        revoked = json.dumps({"client_secret": self.emulator.client_secret, "refresh_token": "1//09revoked"})
        return GoogleReviewsConnector(self.settings(), revoked)

    def make_connector_for_dead_server(self) -> Connector:
        dead = f"http://127.0.0.1:{free_port()}"
        return GoogleReviewsConnector(
            self.settings(api_base=dead, token_url=f"{dead}/token"), self.emulator.secret
        )

    async def deliver(self, texts: list[str]) -> None:
        # Without a star rating (STAR_RATING_UNSPECIFIED) a review's text is its words alone,
        # which is what the suite compares; the stars are tested in the connector's own tests.
        for text in texts:
            self.last = self.emulator.customer_reviews("Ada Lovelace", 0, text)

    def reply_template(self) -> OutboundReply:
        assert self.last is not None
        return OutboundReply(
            idempotency_key="", thread_key=self.last["name"], text="", in_reply_to=self.last["name"]
        )

    async def count_received(self, text: str) -> int:
        # Every answer ever written with these words, not only the one left standing.
        return sum(1 for _, comment in self.emulator.reply_log if comment == text)


class TestGoogleReviewsConformance(ConnectorConformance):
    @pytest.fixture
    def harness(self, emulator: GoogleReviewsEmulator) -> Iterator[GoogleReviewsHarness]:
        yield GoogleReviewsHarness(emulator)
