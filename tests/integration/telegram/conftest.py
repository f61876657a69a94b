"""A Telegram Bot API emulator on loopback for every test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.emulators.telegram import TelegramEmulator


@pytest.fixture
def emulator() -> Iterator[TelegramEmulator]:
    server = TelegramEmulator()
    server.start()
    yield server
    server.stop()
