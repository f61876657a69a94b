"""A Mastodon instance emulator on loopback for every test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.emulators.mastodon import MastodonEmulator


@pytest.fixture
def emulator() -> Iterator[MastodonEmulator]:
    server = MastodonEmulator()
    server.start()
    yield server
    server.stop()
