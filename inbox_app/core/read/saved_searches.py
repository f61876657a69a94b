"""Saved searches: an agent's own case-list views, each a piece of search text.

A saved search lists the open, pending and snoozed cases whose subject or
customer name contains its text, like any other view of the case list.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, sessionmaker

from inbox_app.core.read.queries import OPEN_STATES, CaseFilter
from inbox_app.core.store.models import SavedSearch

NAME_MAX = 200


class SavedSearchError(Exception):
    pass


@dataclass(frozen=True)
class SavedSearchRow:
    id: int
    agent_id: int | None
    name: str
    query: str

    @property
    def filter(self) -> CaseFilter:
        """The cases of this view: those still being worked on that match the text."""
        return CaseFilter(status=OPEN_STATES, text=self.query)

    def to_json(self) -> dict[str, object]:
        return {"id": self.id, "agent_id": self.agent_id, "name": self.name, "query": self.query}


def _of(agent_id: int | None) -> ColumnElement[bool]:
    # Without an agent (a local, unnamed user) the searches are those kept without an owner.
    return SavedSearch.agent_id.is_(None) if agent_id is None else SavedSearch.agent_id == agent_id


def _row(s: SavedSearch) -> SavedSearchRow:
    return SavedSearchRow(s.id, s.agent_id, s.name, s.query)


class SavedSearchService:
    def __init__(self, factory: sessionmaker[Session]) -> None:
        self._factory = factory

    def list(self, agent_id: int | None) -> builtins.list[SavedSearchRow]:
        """The agent's saved searches, by name."""
        with self._factory() as s:
            found = s.scalars(
                select(SavedSearch)
                .where(_of(agent_id))
                .order_by(func.lower(SavedSearch.name), SavedSearch.id)
            )
            return [_row(x) for x in found]

    def save(self, agent_id: int | None, name: str, query: str) -> SavedSearchRow:
        name, query = " ".join(name.split()), query.strip()
        if not name:
            raise SavedSearchError("the view needs a name")
        if len(name) > NAME_MAX:
            raise SavedSearchError(f"a view name can be at most {NAME_MAX} characters long")
        if not query:
            raise SavedSearchError("there is no search text to save; type what to look for first")
        with self._factory() as s, s.begin():
            taken = s.scalar(
                select(SavedSearch.id).where(_of(agent_id), func.lower(SavedSearch.name) == name.lower())
            )
            if taken is not None:
                raise SavedSearchError(f"you already have a view named {name!r}; choose another name")
            saved = SavedSearch(agent_id=agent_id, name=name, query=query)
            s.add(saved)
            s.flush()
            return _row(saved)

    def delete(self, saved_search_id: int) -> None:
        with self._factory() as s, s.begin():
            saved = s.get(SavedSearch, saved_search_id)
            if saved is None:
                raise SavedSearchError(
                    f"no saved search with id {saved_search_id}; it may be deleted already"
                )
            s.delete(saved)
