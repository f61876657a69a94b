"""A small, Qt-free event bus: services publish what changed, in the past tense.

The UI re-emits these as Qt signals in one bridge module; the headless worker
and the CLI simply have no subscribers.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Event:
    pass


@dataclass(frozen=True)
class MessagesAdded(Event):
    message_ids: tuple[int, ...]
    case_ids: tuple[int, ...] = ()
    customer_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class MessagesChanged(Event):
    message_ids: tuple[int, ...]
    case_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class CasesChanged(Event):
    case_ids: tuple[int, ...]


@dataclass(frozen=True)
class CustomersChanged(Event):
    customer_ids: tuple[int, ...]


@dataclass(frozen=True)
class AccountsChanged(Event):
    account_ids: tuple[int, ...] = ()
    statuses: dict[int, str] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class AgentsChanged(Event):
    """Agents (availability, load) or teams (automatic assignment, capacity) changed."""

    agent_ids: tuple[int, ...] = ()
    team_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class SatisfactionLow(Event):
    """Customers answered a satisfaction question with a low score (1-2): their cases were
    reopened, and the agent who has each should hear of it."""

    case_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class FeedStateChanged(Event):
    """Team mode: this process started (``live``) or stopped hearing other processes' changes.

    Local to the process: never forwarded to the others.
    """

    live: bool
    reason: str = ""


@dataclass(frozen=True)
class ChangesMissed(Event):
    """Team mode: the change feed was down, so what others changed meanwhile never arrived.

    Whatever a window shows may be stale: it re-reads it. Local to the process.
    """


@dataclass(frozen=True)
class SyncProgressed(Event):
    """An account's round stored one more batch: how far its fetch is.

    ``fetched`` and ``total`` are the connector's count of messages read of those the
    round found waiting (``total`` None when the channel cannot tell); ``stored`` is
    how many of them this round stored as new. ``started`` is True for the round's
    first event, sent before any batch. Local to the process: a terminal or a status
    bar shows it, no other process needs it.
    """

    account_id: int
    account: str
    fetched: int = 0
    stored: int = 0
    total: int | None = None
    started: bool = False


@dataclass(frozen=True)
class PresenceChanged(Event):
    """Team mode: colleagues on other desktops opened, left or started or stopped replying on
    these cases. Local to the process (presence travels on a channel of its own)."""

    case_ids: tuple[int, ...]


E = TypeVar("E", bound=Event)

# Handlers are kept per event class and only ever called with that class's events.
Handler = Callable[[Any], None]


class EventBus:
    def __init__(self) -> None:
        self._handlers: dict[type[Event], list[Handler]] = defaultdict(list)

    def subscribe(self, kind: type[E], handler: Callable[[E], None]) -> Callable[[], None]:
        self._handlers[kind].append(handler)
        return lambda: self._handlers[kind].remove(handler)

    def publish(self, event: Event) -> None:
        for handler in list(self._handlers[type(event)]):
            try:
                handler(event)
            except Exception:  # one broken listener must not stop the others
                logger.exception("event handler failed for %s", type(event).__name__)
