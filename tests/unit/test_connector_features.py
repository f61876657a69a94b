"""Each shipped connector has exactly the optional features it declares, as the runtime sees them.

The sync runtime, the settings dialog and the command line ask ``isinstance(connector,
Feature)``; a feature a channel has but does not satisfy (a renamed method, a missing
attribute) would silently switch off, so every channel is checked here, class and instance.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from connectors.base import (
    CapabilitiesPerAccount,
    Connector,
    ExplainsSecret,
    FindsSent,
    KeepsTokens,
    MakesIdempotencyKeys,
    NotesSentParts,
    ParsesRaw,
    Polling,
    SignsIn,
    available_connectors,
)

FEATURES: tuple[type, ...] = (
    ExplainsSecret,
    Polling,
    FindsSent,
    NotesSentParts,
    ParsesRaw,
    CapabilitiesPerAccount,
    MakesIdempotencyKeys,
    KeepsTokens,
    SignsIn,
)

# What each channel is meant to have, and settings enough to make one (no network).
SHIPPED: dict[str, tuple[set[type], dict[str, Any], str | None]] = {
    "email": (
        {ExplainsSecret, FindsSent, ParsesRaw, MakesIdempotencyKeys, KeepsTokens, SignsIn},
        {"imap_host": "imap.example.com", "address": "help@example.com"},
        "password",
    ),
    "matrix": (
        {ExplainsSecret, FindsSent, KeepsTokens},
        {"homeserver": "https://matrix.example.org", "user_id": "@support:example.org"},
        "password",
    ),
    "telegram": ({ExplainsSecret, FindsSent, NotesSentParts}, {}, "123:token"),
    "mastodon": (
        {ExplainsSecret, Polling, FindsSent, CapabilitiesPerAccount, SignsIn},
        {"instance": "https://mastodon.example"},
        "token",
    ),
    "google_reviews": (
        {ExplainsSecret, Polling, FindsSent, SignsIn},
        {"location": "accounts/1/locations/2", "client_id": "c.apps.googleusercontent.com"},
        json.dumps({"refresh_token": "r", "client_secret": "s"}),
    ),
    # The fake plays every channel in tests and the demo, but needs no secret, never
    # polls a server and sends a reply in one piece.
    "fake": ({FindsSent, CapabilitiesPerAccount}, {"path": "__tmp__"}, None),
}


def _make(kind: str, tmp_path: Path) -> Connector:
    _features, settings, secret = SHIPPED[kind]
    settings = {k: str(tmp_path) if v == "__tmp__" else v for k, v in settings.items()}
    return available_connectors()[kind](settings, secret)


def test_every_installed_channel_is_listed_here() -> None:
    assert set(available_connectors()) == set(SHIPPED)


@pytest.mark.parametrize("kind", sorted(SHIPPED))
def test_a_channel_has_the_features_it_is_meant_to(kind: str, tmp_path: Path) -> None:
    meant = SHIPPED[kind][0]
    connector = _make(kind, tmp_path)
    assert isinstance(connector, Connector)
    has = {feature for feature in FEATURES if isinstance(connector, feature)}
    assert has == meant, f"{kind}: has {sorted(f.__name__ for f in has)}"


@pytest.mark.parametrize("kind", sorted(SHIPPED))
def test_a_channel_declares_its_features_among_its_bases(kind: str) -> None:
    cls = available_connectors()[kind]
    declared = {feature for feature in FEATURES if feature in cls.__mro__}
    assert declared == SHIPPED[kind][0]


@pytest.mark.parametrize("kind", sorted(SHIPPED))
def test_the_class_alone_answers_for_its_features_of_the_class(kind: str) -> None:
    cls = available_connectors()[kind]
    meant = SHIPPED[kind][0]
    assert (isinstance(cls, ExplainsSecret) and bool(cls.secret_help)) == (ExplainsSecret in meant)
    assert issubclass(cls, CapabilitiesPerAccount) == (CapabilitiesPerAccount in meant)
    assert issubclass(cls, MakesIdempotencyKeys) == (MakesIdempotencyKeys in meant)


def test_a_polling_interval_is_the_accounts_setting(tmp_path: Path) -> None:
    connector = _make("mastodon", tmp_path)
    assert isinstance(connector, Polling) and connector.poll_interval == 60
