"""A Google Business Profile (and OAuth token endpoint) emulator on loopback for every test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.emulators.google_reviews import GoogleReviewsEmulator


@pytest.fixture
def emulator() -> Iterator[GoogleReviewsEmulator]:
    server = GoogleReviewsEmulator()
    server.start()
    yield server
    server.stop()
