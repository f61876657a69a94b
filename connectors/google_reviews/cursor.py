"""The position of a location's sync, as the store keeps it with each batch.

Google lists reviews newest change first and offers no "since": a fetch reads pages
back to the newest change already handed over (``hwm``) and hands over what is newer,
oldest first. Several reviews can change at the same instant, and a batch can end among
them, so the cursor also names those handed over at ``hwm`` itself (``at``): the next
fetch takes the others, and nothing is lost or handed over twice.

``watch`` remembers, for the reviews of the last ``recheck_days``, when each last changed
and when its answer did: an answer written on Google Maps does not change its review, and
a removed review simply stops being listed, so both are found by reading those reviews
again now and then (``checked``: when that last happened) and comparing. That reading also
finds a review Google published late, with a time before ``hwm``: listed, not watched, and
not older than the first sync's history (``since``), it was never handed over.

Reviews are named by their ID alone; the location's part is the same for all.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import NamedTuple

from connectors.base import SettingsError

UNREADABLE = "the stored Google reviews position is unreadable; reset the account's sync"


class Watched(NamedTuple):
    changed: str  # the review's updateTime
    answered: str  # its answer's updateTime, "" for none
    words: str  # a digest of its stars and words: Google may move a review it did not edit


@dataclass
class SyncState:
    prefix: str  # accounts/A/locations/L/reviews/
    hwm: str | None = None
    at: set[str] = field(default_factory=set)
    since: str | None = None  # the first sync's history began here (None: with the first review)
    checked: str | None = None
    watch: dict[str, Watched] = field(default_factory=dict)

    def is_new(self, changed: str, name: str) -> bool:
        """Whether a review last changed at ``changed`` is yet to be handed over."""
        if self.hwm is None:
            return True
        return changed > self.hwm or (changed == self.hwm and name not in self.at)

    def handed_over(self, changed: str, name: str) -> None:
        if self.hwm is None or changed > self.hwm:
            self.hwm, self.at = changed, {name}
        elif changed == self.hwm:
            self.at.add(name)

    def _short(self, name: str) -> str:
        return name[len(self.prefix) :] if name.startswith(self.prefix) else name

    def _long(self, short: str) -> str:
        return short if "/" in short else self.prefix + short

    def dump(self) -> str:
        data = {
            "v": 1,
            "hwm": self.hwm,
            "at": sorted(self._short(n) for n in self.at),
            "since": self.since,
            "checked": self.checked,
            "watch": {self._short(n): list(v) for n, v in sorted(self.watch.items())},
        }
        return json.dumps(data, separators=(",", ":"))

    @classmethod
    def load(cls, cursor: str | None, prefix: str) -> SyncState:
        state = cls(prefix)
        if not cursor:
            return state
        try:
            data = json.loads(cursor)
            if data.get("v") != 1:
                raise ValueError("unknown version")
            state.hwm = _stamp(data.get("hwm"))
            state.at = {state._long(str(s)) for s in data.get("at") or ()}
            state.since = _stamp(data.get("since"))
            state.checked = _stamp(data.get("checked"))
            for short, values in (data.get("watch") or {}).items():
                state.watch[state._long(str(short))] = Watched(*(str(v) for v in values))
        except (ValueError, TypeError, AttributeError):
            raise SettingsError(UNREADABLE) from None
        return state


def _stamp(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.endswith("Z"):
        raise ValueError("not a timestamp")
    return value
