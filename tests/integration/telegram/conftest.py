"""A Telegram Bot API emulator on loopback for every test."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
if str(ROOT) not in sys.path:  # the emulator lives in tests/, which is not installed
    sys.path.insert(0, str(ROOT))

from tests.emulators.telegram import TelegramEmulator  # noqa: E402


@pytest.fixture
def emulator() -> Iterator[TelegramEmulator]:
    server = TelegramEmulator()
    server.start()
    yield server
    server.stop()
