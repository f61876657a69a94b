"""Who an account can reach: one rule for the outbox, the dispatcher and the composer."""

from __future__ import annotations

from inbox_app.core.customers.reach import answered_kinds, channel_of_identity, reaches


def test_each_connector_answers_to_its_kind_of_identity() -> None:
    assert answered_kinds("google_reviews", "review") == {"review"}
    assert reaches("email", "email", {"phone", "email"})
    assert not reaches("telegram", "chat", {"matrix", "email"})


def test_the_fake_connector_reaches_what_the_channel_it_plays_reaches() -> None:
    assert answered_kinds("fake", "chat") == {"matrix", "telegram"}
    assert reaches("fake", "social", {"mastodon"})
    assert not reaches("fake", "review", {"email"})


def test_a_connector_core_does_not_know_is_handed_every_identity() -> None:
    assert answered_kinds("whatsapp", "chat") is None
    assert reaches("whatsapp", "chat", {"phone"})


def test_each_kind_of_identity_travels_on_one_channel() -> None:
    assert [channel_of_identity(k) for k in ("telegram", "mastodon", "review", "phone")] == [
        "chat",
        "social",
        "review",
        "phone",
    ]
    assert channel_of_identity("carrier-pigeon") == "carrier-pigeon"
