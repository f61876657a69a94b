"""Case actions with a one-step undo: assign, team, status (with snooze), priority, tags."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Signal

from inbox_app.core.claims import CaseHeld, MoveRefused, TeamMoveRefused
from inbox_app.core.versions import StaleCase
from inbox_app.ui.workspace import Workspace


def refusal_words(exc: BaseException) -> str:
    """A refused case action in the user's language; other failures as they say themselves."""
    if isinstance(exc, CaseHeld):
        if exc.since is None:
            return QCoreApplication.translate("CaseActions", "Case #{id} is {who}'s.").format(
                id=exc.case_id, who=exc.holder
            )
        from inbox_app.core.claims import since_words

        return QCoreApplication.translate("CaseActions", "Case #{id} is {who}'s since {when}.").format(
            id=exc.case_id, who=exc.holder, when=since_words(exc.since)
        )
    if isinstance(exc, MoveRefused):
        return QCoreApplication.translate(
            "CaseActions",
            "Only leads and admins move cases other agents hold or assign cases to others.",
        )
    if isinstance(exc, StaleCase):
        return stale_words(exc)
    if isinstance(exc, TeamMoveRefused):
        return QCoreApplication.translate("CaseActions", "Only leads and admins move cases to another team.")
    from inbox_app.core.team.refusals import refusal

    refused = refusal(exc)  # team mode: the database said no to this login, in words
    return str(refused if refused is not None else exc)


def stale_words(exc: StaleCase) -> str:
    """A change refused because the case moved on: what happened meanwhile, and what to do."""
    from inbox_app.core.claims import since_words
    from inbox_app.ui import labels

    f = exc.fresh
    if f.last_action == "case.assigned":
        done = (
            QCoreApplication.translate("CaseActions", "assigned to {who}").format(who=f.assignee)
            if f.assignee
            else QCoreApplication.translate("CaseActions", "unassigned")
        )
    elif f.last_action == "case.team_assigned":
        done = QCoreApplication.translate("CaseActions", "handed to team {team}").format(team=f.team or "—")
    elif f.last_action == "case.priority":
        done = QCoreApplication.translate("CaseActions", "given priority {priority}").format(
            priority=labels.word(labels.PRIORITY, f.priority).lower()
        )
    elif f.last_action in ("case.status", "case.reopened"):
        done = labels.word(labels.STATUS, f.status).lower()
    else:
        done = QCoreApplication.translate("CaseActions", "changed")
    text = QCoreApplication.translate("CaseActions", "Case #{id} was just {done}").format(
        id=exc.case_id, done=done
    )
    if f.last_actor:
        text += QCoreApplication.translate("CaseActions", " by {who}").format(who=f.last_actor)
    if f.last_at is not None:
        text += QCoreApplication.translate("CaseActions", " at {when}").format(when=since_words(f.last_at))
    return text + QCoreApplication.translate(
        "CaseActions", ". Nothing was changed: look at it again and retry."
    )


class CaseActions(QObject):
    done = Signal(str)  # what happened, in words
    refused = Signal(str)  # why not, in words
    undoChanged = Signal(bool)

    def __init__(self, ws: Workspace, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ws = ws
        self._undo: tuple[int, dict[str, Any], str] | None = None

    def _run(
        self, case_id: int, action: Callable[..., dict[str, Any]], words: str, *args: Any, **kwargs: Any
    ) -> None:
        """Run ``action``; a ``based_on`` keyword (the version the window showed) makes a
        change refused when the case moved on meanwhile (core/versions.py)."""

        def done(before: dict[str, Any]) -> None:
            self._undo = (case_id, before, words)
            self.undoChanged.emit(True)
            self.done.emit(words)

        self._ws.call(
            action,
            case_id,
            *args,
            actor=self._ws.actor,
            done=done,
            failed=lambda exc: self.refused.emit(refusal_words(exc)),
            task="case action",
            **kwargs,
        )

    def assign_to_me(self, case_id: int, based_on: int | None = None) -> None:
        if self._ws.agent is None:
            self.refused.emit(self.tr("You are not signed in as an agent; start with --as NAME."))
            return
        self.assign(case_id, self._ws.agent.name, based_on)

    def assign(self, case_id: int, agent: str | None, based_on: int | None = None) -> None:
        words = (
            self.tr("Case #{id} assigned to {who}.").format(id=case_id, who=agent)
            if agent
            else self.tr("Case #{id} unassigned.").format(id=case_id)
        )
        self._run(case_id, self._ws.services.cases.assign, words, agent, based_on=based_on)

    def assign_team(self, case_id: int, team: str | None, based_on: int | None = None) -> None:
        words = self.tr("Case #{id} handed to team {team}.").format(id=case_id, team=team or "—")
        self._run(case_id, self._ws.services.cases.assign_team, words, team, based_on=based_on)

    def set_status(
        self, case_id: int, status: str, until: datetime | None = None, based_on: int | None = None
    ) -> None:
        from inbox_app.ui import labels

        words = self.tr("Case #{id} is now {status}.").format(
            id=case_id, status=labels.word(labels.STATUS, status).lower()
        )
        self._run(case_id, self._ws.services.cases.set_status, words, status, until=until, based_on=based_on)

    def set_priority(self, case_id: int, priority: str, based_on: int | None = None) -> None:
        from inbox_app.ui import labels

        words = self.tr("Case #{id} priority: {priority}.").format(
            id=case_id, priority=labels.word(labels.PRIORITY, priority).lower()
        )
        self._run(case_id, self._ws.services.cases.set_priority, words, priority, based_on=based_on)

    def set_tags(self, case_id: int, tags: list[str], based_on: int | None = None) -> None:
        words = self.tr("Case #{id} tags updated.").format(id=case_id)
        self._run(case_id, self._ws.services.cases.set_tags, words, tags, based_on=based_on)

    def can_undo(self) -> bool:
        return self._undo is not None

    def undo(self) -> None:
        if self._undo is None:
            self.refused.emit(self.tr("Nothing to undo."))
            return
        case_id, before, words = self._undo
        self._undo = None
        self.undoChanged.emit(False)
        self._ws.call(
            self._ws.services.cases.restore,
            case_id,
            before,
            actor=self._ws.actor,
            done=lambda _r: self.done.emit(self.tr("Undone: {what}").format(what=words)),
            failed=lambda exc: self.refused.emit(refusal_words(exc)),
            task="undo",
        )
