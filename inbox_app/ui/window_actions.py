"""What the toolbar, the More menu and the keyboard shortcuts do in the main window.

Most act on the case on show (reply, resolve, assign, snooze, ...) through CaseActions,
which can undo them; the rest open a dialog or keep the search as a view.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QInputDialog

from inbox_app.core.cases import PRIORITIES
from inbox_app.core.vocab import CaseStatus
from inbox_app.ui import labels
from inbox_app.ui.dialogs.actions import AssignDialog, SnoozeDialog
from inbox_app.ui.dialogs.call import CallDialog
from inbox_app.ui.dialogs.merge import MergeDialog
from inbox_app.ui.dialogs.shortcuts import ShortcutsDialog
from inbox_app.ui.views_list import View

if TYPE_CHECKING:
    from inbox_app.ui.main_window import MainWindow


class WindowActions(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.ws = window.ws
        self.shortcuts: dict[str, QShortcut] = {}

    def _say(self, words: str, ms: int) -> None:
        self.window.statusBar().showMessage(words, ms)

    # ------------------------------------------------------------ keys

    def shortcut_table(self) -> list[tuple[str, str]]:
        return [
            ("j / k", self.tr("Next / previous case")),
            ("r", self.tr("Reply")),
            ("n", self.tr("Internal note")),
            ("Ctrl+Enter", self.tr("Send the reply or note")),
            ("Ctrl+Shift+A", self.tr("Attach files to the reply or note")),
            ("e", self.tr("Resolve the case")),
            ("a", self.tr("Assign the case")),
            ("m", self.tr("Assign to me")),
            ("s", self.tr("Snooze until…")),
            ("p", self.tr("Priority")),
            ("t", self.tr("Tags")),
            ("/ , Ctrl+K", self.tr("Search")),
            ("Ctrl+S", self.tr("Save the search as a view (in the search field)")),
            ("Delete", self.tr("Delete the saved view (in the list of views)")),
            ("Esc", self.tr("Back to the case list")),
            ("Ctrl+Z", self.tr("Undo the last case action")),
            ("c", self.tr("Show only this case / whole history")),
            ("l", self.tr("Log a call")),
            ("1 … 9", self.tr("Switch view")),
            ("?", self.tr("This list")),
        ]

    def bind_keys(self) -> None:
        window = self.window
        keys: dict[str, Callable[[], Any]] = {
            "j": lambda: window.cases.step(1),
            "k": lambda: window.cases.step(-1),
            "r": lambda: self.composer_start(False),
            "n": lambda: self.composer_start(True),
            "e": self.resolve,
            "a": self.assign,
            "m": self.assign_to_me,
            "s": self.snooze,
            "p": self.priority,
            "t": self.tags,
            "/": window.focus_search,
            "Ctrl+K": window.focus_search,
            "?": self.show_shortcuts,
            "Ctrl+Z": window.actions_.undo,
            "Esc": window.back_to_list,
            "c": window.case_only.toggle,
            "l": self.log_call,
        }
        for n in range(1, 10):
            keys[str(n)] = partial(window.show_view_number, n)
        for key, slot in keys.items():
            shortcut = QShortcut(QKeySequence(key), window)
            shortcut.activated.connect(slot)
            self.shortcuts[key] = shortcut

    # ------------------------------------------------------------ the case on show

    def composer_start(self, note: bool) -> None:
        if self.window.case is not None:
            self.window.composer.start(note)

    def resolve(self) -> None:
        self.set_status(CaseStatus.RESOLVED)

    def set_status(self, status: str) -> None:
        case = self.window.case
        if case is not None:
            self.window.actions_.set_status(case.id, status, based_on=case.version)

    def assign_to_me(self) -> None:
        case = self.window.case
        if case is not None:
            self.window.actions_.assign_to_me(case.id, case.version)

    def assign(self) -> None:
        if self.window.case is None:
            return
        case_id, agents, actions = self.window.case.id, self.ws.services.agents, self.window.actions_
        # The case as the agent saw it when choosing: a colleague's change meanwhile refuses this.
        based_on = self.window.case.version

        def choose(people_and_teams: tuple[list[Any], list[tuple[int, str]]]) -> None:
            dialog = AssignDialog(*people_and_teams, self.window)
            if dialog.exec():
                kind, who = dialog.choice()
                if kind == "team":
                    actions.assign_team(case_id, who, based_on)
                else:
                    actions.assign(case_id, who, based_on)

        self.ws.call(lambda: (agents.list(), agents.teams()), done=choose, task="assign")

    def snooze(self) -> None:
        case = self.window.case
        if case is None:
            return
        dialog = SnoozeDialog(self.window)
        if dialog.exec():
            self.window.actions_.set_status(
                case.id, CaseStatus.SNOOZED, dialog.until(), based_on=case.version
            )

    def priority(self) -> None:
        case = self.window.case
        if case is None:
            return
        names = [labels.word(labels.PRIORITY, p) for p in PRIORITIES]
        current = PRIORITIES.index(case.priority) if case.priority in PRIORITIES else 1
        chosen, ok = QInputDialog.getItem(
            self.window, self.tr("Priority"), self.tr("Priority of the case:"), names, current, False
        )
        if ok:
            self.window.actions_.set_priority(case.id, PRIORITIES[names.index(chosen)], based_on=case.version)

    def tags(self) -> None:
        case = self.window.case
        if case is None:
            return
        text, ok = QInputDialog.getText(
            self.window, self.tr("Tags"), self.tr("Tags, separated by commas:"), text=", ".join(case.tags)
        )
        if ok:
            self.window.actions_.set_tags(case.id, [t for t in text.split(",")], based_on=case.version)

    def merge_customer(self) -> None:
        if self.window.customer is None:
            return
        dialog = MergeDialog(self.ws, self.window.customer, self.window)
        chosen = dialog.chosen() if dialog.exec() else None
        if chosen is not None:
            self.window.customer_panel.merge_from(chosen)

    def log_call(self) -> None:
        case, customer = self.window.case, self.window.customer
        if case is None or customer is None:
            return
        dialog = CallDialog(customer, self.window)
        if dialog.exec():
            self.ws.call(
                self.ws.calls.log,
                case.id,
                dialog.call_log(),
                agent_id=self.ws.agent_id,
                done=lambda _m: self._say(self.tr("Call logged."), 5000),
                failed=lambda exc: self._say(str(exc), 10000),
                task="log call",
            )

    # ------------------------------------------------------------ dialogs

    def show_shortcuts(self) -> None:
        ShortcutsDialog(self.shortcut_table(), self.window).exec()

    def open_settings(self) -> None:
        from inbox_app.ui.dialogs.settings import SettingsDialog

        SettingsDialog(self.ws, self.window).exec()

    def open_workload(self) -> None:
        from inbox_app.ui.dialogs.workload import WorkloadDialog

        WorkloadDialog(self.ws, self.window).exec()

    def open_dashboard(self) -> None:
        """The leads' dashboard, a window of its own beside this one (one at a time)."""
        from inbox_app.ui.dashboard import Dashboard

        board = self.window.findChild(Dashboard)
        if board is None:
            board = Dashboard(self.ws, self.window)
            board.setWindowFlag(Qt.WindowType.Window)
            board.casesPicked.connect(self.window.show_cases)
        board.show()
        board.activateWindow()

    def open_satisfaction(self) -> None:
        from inbox_app.ui.dialogs.csat_report import SatisfactionDialog

        dialog = SatisfactionDialog(self.ws, self.window)
        dialog.caseChosen.connect(self.window.open_case)
        dialog.exec()

    # ------------------------------------------------------------ saved views

    def save_search_as_view(self, name: str | None = None) -> None:
        """Keep the search text as a view listing the open cases whose subject or customer matches it."""
        window = self.window
        query = window.search.text().strip()
        if not query:
            self._say(self.tr("Type something to search for first, then save it."), 8000)
            return
        if name is None:
            name, ok = QInputDialog.getText(
                window,
                self.tr("Save as view"),
                self.tr("Name of the view (it lists the open cases whose subject or customer matches):"),
                text=query,
            )
            if not ok:
                return

        def saved(row: Any) -> None:
            self._say(self.tr("View “{name}” saved.").format(name=row.name), 6000)
            window.views.choose(f"search:{row.id}")
            window.views_model.refresh()

        self.ws.call(
            window.views_model.saved_searches.save,
            self.ws.agent_id,
            name,
            query,
            done=saved,
            failed=lambda exc: self._say(str(exc), 10000),
            task="save view",
        )

    def delete_view(self, view: View) -> None:
        if view.saved_id is None:
            return
        views_model = self.window.views_model

        def deleted(_result: None) -> None:
            self._say(self.tr("View “{name}” deleted.").format(name=view.label), 6000)
            views_model.refresh()

        def failed(exc: Exception) -> None:
            self._say(str(exc), 10000)
            views_model.refresh()

        self.ws.call(
            views_model.saved_searches.delete, view.saved_id, done=deleted, failed=failed, task="delete view"
        )
