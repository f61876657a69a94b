"""Who can be reached through which channel account: decided here, once.

A customer is reached through an identity (an address, a handle, a review); a channel
account answers to one kind of identity, and each kind travels on one channel
(``vocab.CHANNEL_OF_IDENTITY``). The outbox refuses, the dispatcher addresses and the
window offers accounts by these functions.
"""

from __future__ import annotations

from collections.abc import Iterable

from inbox_app.core.vocab import CHANNEL_OF_IDENTITY, IdentityKind

#: The kind of identity each connector kind answers to.
IDENTITY_OF_CONNECTOR: dict[str, IdentityKind] = {
    "email": IdentityKind.EMAIL,
    "matrix": IdentityKind.MATRIX,
    "telegram": IdentityKind.TELEGRAM,
    "mastodon": IdentityKind.MASTODON,
    "google_reviews": IdentityKind.REVIEW,
}
#: The file-backed connector of the demo and the tests: it plays any channel.
PLAYS_ANY_CHANNEL = "fake"


_CHANNEL_OF: dict[str, str] = {str(kind): str(channel) for kind, channel in CHANNEL_OF_IDENTITY.items()}


def channel_of_identity(kind: str) -> str:
    """The channel an identity of ``kind`` is reached on (the kind itself for one core does not know)."""
    return _CHANNEL_OF.get(kind, kind)


def answered_kinds(account_kind: str, channel: str) -> frozenset[str] | None:
    """The kinds of identity an account of ``account_kind`` on ``channel`` can write to.

    None for a connector core does not know (a third party's): it is handed every
    identity of the customer and chooses itself.
    """
    if account_kind == PLAYS_ANY_CHANNEL:
        return frozenset(k for k, ch in CHANNEL_OF_IDENTITY.items() if ch == channel)
    known = IDENTITY_OF_CONNECTOR.get(account_kind)
    return None if known is None else frozenset({known})


def reaches(account_kind: str, channel: str, identity_kinds: Iterable[str]) -> bool:
    """Whether an account can write to a customer who has identities of ``identity_kinds``."""
    kinds = answered_kinds(account_kind, channel)
    return kinds is None or not kinds.isdisjoint(identity_kinds)
