"""Reply drafts, saved as the agent types, one per (case, agent), surviving a restart."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from inbox_app.core.clock import aware, utcnow
from inbox_app.core.store.models import Case, Draft


@dataclass(frozen=True)
class DraftRow:
    case_id: int
    agent_id: int | None
    text: str
    account_id: int | None
    note: bool
    updated_at: datetime | None
    files: tuple[str, ...] = ()


class DraftService:
    def __init__(self, factory: sessionmaker[Session]) -> None:
        self._factory = factory

    def save(
        self,
        case_id: int,
        agent_id: int | None,
        text: str,
        *,
        account_id: int | None = None,
        note: bool = False,
        files: tuple[str, ...] | list[str] = (),
    ) -> None:
        """Keep the draft; one without text or files is removed, so a sent reply leaves
        nothing behind."""
        with self._factory() as s, s.begin():
            row = self._find(s, case_id, agent_id)
            if not text.strip() and not files:
                if row is not None:
                    s.delete(row)
                return
            if s.get(Case, case_id) is None:
                return  # the case was erased meanwhile: nothing to keep the draft for
            if row is None:
                row = Draft(case_id=case_id, agent_id=agent_id)
                s.add(row)
            row.text, row.account_id, row.note, row.updated_at = text, account_id, note, utcnow()
            row.files = list(files) or None

    def load(self, case_id: int, agent_id: int | None) -> DraftRow | None:
        with self._factory() as s:
            row = self._find(s, case_id, agent_id)
            if row is None:
                return None
            return DraftRow(
                row.case_id,
                row.agent_id,
                row.text,
                row.account_id,
                bool(row.note),
                aware(row.updated_at),
                tuple(row.files or ()),
            )

    def discard(self, case_id: int, agent_id: int | None) -> None:
        with self._factory() as s, s.begin():
            stmt = delete(Draft).where(Draft.case_id == case_id)
            stmt = stmt.where(Draft.agent_id.is_(None) if agent_id is None else Draft.agent_id == agent_id)
            s.execute(stmt)

    def cases_with_drafts(self, agent_id: int | None) -> set[int]:
        with self._factory() as s:
            where = Draft.agent_id.is_(None) if agent_id is None else Draft.agent_id == agent_id
            return set(s.scalars(select(Draft.case_id).where(where)))

    @staticmethod
    def _find(s: Session, case_id: int, agent_id: int | None) -> Draft | None:
        where = Draft.agent_id.is_(None) if agent_id is None else Draft.agent_id == agent_id
        return s.scalar(select(Draft).where(Draft.case_id == case_id, where))
