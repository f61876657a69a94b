"""What a swept list of reviews becomes: the items to hand over, and the cursor after them.

Pure: the connector reads the pages and asks Google about reviews gone missing; this module
decides, and moves the :class:`SyncState` along as each review is handed over, so the
cursor dumped after any batch is a safe place to resume from.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from connectors.base import BatchItem, BrokenItem

from .cursor import SyncState, Watched
from .reviews import (
    canon,
    edit_item,
    removal_item,
    reply_id,
    reply_item,
    reply_time_of,
    review_item,
    words_of,
)

REPLACED = "replaced by a newer answer on Google"
DELETED = "the answer was deleted on Google"
REMOVED = "the review was removed from Google (by its author or by Google)"


@dataclass
class Swept:
    """The reviews changed since ``floor``, each in its newest version, newest first."""

    reviews: list[tuple[str, Mapping[str, Any]]] = field(default_factory=list)  # (changed, review)
    broken: list[BrokenItem] = field(default_factory=list)
    complete: bool = True  # the list did not change under the sweep (no review vanished mid-way)

    def names(self) -> set[str]:
        return {str(r["name"]) for _, r in self.reviews}


class Planner:
    def __init__(self, state: SyncState, horizon: str | None) -> None:
        """``horizon``: reviews changed since then are watched (None: none are)."""
        self.state = state
        self.horizon = horizon
        self.known_until = state.hwm  # what had been handed over when this fetch began

    def changed(self, swept: Swept, floor: str | None) -> list[tuple[str, Mapping[str, Any]]]:
        """The reviews to hand over, oldest first (ties in name order, as the cursor expects)."""
        out = [
            (changed, review)
            for changed, review in swept.reviews
            if (floor is None or changed >= floor) and self.state.is_new(changed, str(review["name"]))
        ]
        return sorted(out, key=lambda pair: (pair[0], str(pair[1]["name"])))

    def hand_over(self, changed: str, review: Mapping[str, Any]) -> list[BatchItem]:
        """A new or changed review: itself, its edit, its answer's changes."""
        name = str(review["name"])
        item = review_item(review)
        if isinstance(item, BrokenItem):
            self.state.handed_over(changed, name)
            return [item]
        items: list[BatchItem] = [item]
        known = self.state.watch.get(name)
        created = canon(review["createTime"])
        if known is not None:
            edited = changed > known.changed and words_of(review) != known.words
        else:
            # Not watched: edited if it existed when the last fetch ended and changed since.
            edited = self.known_until is not None and created <= self.known_until and changed > created
        if edited:
            items.append(edit_item(review, changed))
        items += self._answer(name, review, known)
        self.state.handed_over(changed, name)
        self._watch(name, changed, review)
        return items

    def recheck(self, changed: str, review: Mapping[str, Any]) -> list[BatchItem]:
        """A review listed since the horizon that this fetch did not hand over: a watched one
        can only have a new answer; one never handed over was published late by Google."""
        name = str(review["name"])
        known = self.state.watch.get(name)
        if known is None:
            since = self.state.since
            if self.horizon is None or changed < self.horizon or (since is not None and changed < since):
                return []  # older than what is watched, or than the first sync's history
            return self.hand_over(changed, review)
        items = self._answer(name, review, known)
        self._watch(name, changed, review)
        return items

    def removed(self, name: str) -> list[BatchItem]:
        known = self.state.watch.pop(name, None)
        self.state.at.discard(name)
        if known is None:
            return []
        return [removal_item(name, REMOVED)]

    def missing(self, swept: Swept) -> list[str]:
        """Watched reviews Google no longer lists (it must list every one changed since the
        horizon: a watched review changed later, if at all)."""
        if self.horizon is None or not swept.complete:
            return []
        listed = swept.names()
        return sorted(
            n for n, known in self.state.watch.items() if known.changed >= self.horizon and n not in listed
        )

    def prune(self) -> None:
        """Forget reviews older than the horizon: they are no longer re-read."""
        if self.horizon is None:
            self.state.watch.clear()
            return
        horizon = self.horizon
        self.state.watch = {n: v for n, v in self.state.watch.items() if v.changed >= horizon}

    def _answer(self, name: str, review: Mapping[str, Any], known: Watched | None) -> list[BatchItem]:
        answered = reply_time_of(review)
        before = known.answered if known is not None else ""
        items: list[BatchItem] = []
        if before and before != (answered or ""):
            items.append(removal_item(reply_id(name, before), REPLACED if answered else DELETED))
        if answered and answered != before:
            items.append(reply_item(name, review["reviewReply"], answered))
        return items

    def _watch(self, name: str, changed: str, review: Mapping[str, Any]) -> None:
        if self.horizon is not None and changed >= self.horizon:
            self.state.watch[name] = Watched(changed, reply_time_of(review) or "", words_of(review))
        else:
            self.state.watch.pop(name, None)
