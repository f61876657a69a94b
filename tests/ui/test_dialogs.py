"""Settings, workload, snooze, shortcuts and the crash path."""

from __future__ import annotations

import sys

from PySide6.QtCore import Qt

from inbox_app.ui.crash import CrashReporter, redact


def test_admin_adds_a_channel_account_and_tests_it(make_window, services, qtbot, tmp_path) -> None:
    from inbox_app.ui.dialogs.settings import SettingsDialog

    window = make_window()
    dialog = SettingsDialog(window.ws, window)
    qtbot.addWidget(dialog)
    tab = dialog.tabs.widget(0)
    qtbot.waitUntil(lambda: tab.list.count() == 2)
    # It opens on the first account's settings, not on an empty form.
    qtbot.waitUntil(lambda: tab.list.currentRow() == 0)
    assert tab.name.text() == tab.list.item(0).text().split(" ·")[0] and "path" in tab._fields
    tab._new()
    tab.kind.setCurrentIndex(tab.kind.findData("fake"))
    tab.name.setText("recensioni")
    tab._fields["path"].setText(str(tmp_path / "reviews"))
    tab._fields["channel"].setCurrentIndex(tab._fields["channel"].findData("review"))
    tab.save.click()
    qtbot.waitUntil(lambda: tab.list.count() == 3)
    assert services.accounts.get("recensioni").channel == "review"
    qtbot.waitUntil(lambda: tab.list.currentItem() is not None)
    assert tab.list.currentItem().text().startswith("recensioni ·")  # the account just added
    tab.test.click()
    qtbot.waitUntil(lambda: tab.result.text() == "Connection works.")
    agents = dialog.tabs.widget(1)
    qtbot.waitUntil(lambda: agents.table.rowCount() == 3)
    agents.name.setText("Luisa Ferri")
    agents.email.setText("luisa@example.com")
    agents.add.click()
    qtbot.waitUntil(lambda: agents.table.rowCount() == 4)
    # The trainee mark: every reply of a trainee waits for a lead.
    row = next(r for r in range(4) if agents.table.item(r, 0).text() == "Luisa Ferri")
    assert agents.table.item(row, 4).checkState() == Qt.CheckState.Unchecked
    agents.table.item(row, 4).setCheckState(Qt.CheckState.Checked)
    qtbot.waitUntil(lambda: services.agents.find("Luisa Ferri").trainee)
    qtbot.waitUntil(lambda: agents.result.text().startswith("Luisa Ferri is a trainee"))
    assert agents.table.item(row, 4).checkState() == Qt.CheckState.Checked  # read back as saved
    # Found by its title: admins' tabs come and go (Teams, Service levels) before it.
    titles = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
    templates = dialog.tabs.widget(titles.index("Templates"))
    qtbot.waitUntil(lambda: templates.list.count() == 1)
    templates._new()
    templates.name.setText("Chiusura")
    templates.body.setPlainText("Grazie {customer.first_name}, chiudo il caso {case.id}.")
    templates.channel.setCurrentIndex(templates.channel.findData("chat"))
    templates.variant.setPlainText("Grazie {customer.first_name}!")
    templates.save.click()
    qtbot.waitUntil(lambda: templates.list.count() == 2)
    saved = next(t for t in services.templates.list() if t.name == "Chiusura")
    assert saved.variants == {"chat": "Grazie {customer.first_name}!"}


def test_lead_reassigns_from_the_workload_view(make_window, services, qtbot) -> None:
    from inbox_app.ui.dialogs.workload import WorkloadDialog

    window = make_window()
    dialog = WorkloadDialog(window.ws, window)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 4)
    assert dialog.table.item(3, 2).text() == "5"  # unassigned, open
    dialog.table.setCurrentCell(3, 0)
    qtbot.waitUntil(lambda: dialog.cases.count() == 5)
    dialog.cases.item(0).setSelected(True)
    dialog.cases.item(1).setSelected(True)
    dialog.target.setCurrentIndex(dialog.target.findData("Marco Bianchi"))
    dialog.reassign.click()
    qtbot.waitUntil(lambda: dialog.table.item(3, 2) is not None and dialog.table.item(3, 2).text() == "3")
    marco = services.agents.find("Marco Bianchi")
    from inbox_app.core.read.queries import CaseFilter

    assert services.queries.count_cases(CaseFilter(assignee_id=marco.id)) == 2


def test_snooze_and_shortcut_list(make_window, services, qtbot) -> None:
    from inbox_app.ui.dialogs.actions import SnoozeDialog
    from inbox_app.ui.dialogs.shortcuts import ShortcutsDialog

    window = make_window()
    qtbot.waitUntil(lambda: window.case_model.rowCount() == 5)
    qtbot.keyClick(window.cases, Qt.Key.Key_J)
    qtbot.waitUntil(lambda: window.case is not None)
    dialog = SnoozeDialog(window)
    qtbot.addWidget(dialog)
    window.actions_.set_status(window.case.id, "snoozed", dialog.until())
    qtbot.waitUntil(lambda: services.queries.case(window.case.id).status == "snoozed")
    shortcuts = ShortcutsDialog(window.window_actions.shortcut_table(), window)
    qtbot.addWidget(shortcuts)
    keys = {shortcuts.table.item(r, 0).text() for r in range(shortcuts.table.rowCount())}
    assert {"j / k", "r", "n", "e", "a", "s", "?", "Ctrl+Z", "/ , Ctrl+K"} <= keys


def test_crash_details_are_redacted_and_collected(qtbot, loop) -> None:
    text = redact(
        "POST https://bob:hunter2@mail.example.com token=abc123 "
        "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload password='s3cret'"
    )
    assert "hunter2" not in text and "abc123" not in text and "eyJhbGci" not in text
    assert "s3cret" not in text
    reporter = CrashReporter(show_dialog=False)
    try:
        raise ValueError("imap password=topsecret refused")
    except ValueError:
        reporter.report(*sys.exc_info())
    qtbot.waitUntil(lambda: len(reporter.reports) == 1)
    assert "topsecret" not in reporter.reports[0] and "ValueError" in reporter.reports[0]


def test_unexpected_failure_of_background_work_reaches_the_crash_path(services, qtbot) -> None:
    from inbox_app.ui.event_bridge import Bridge
    from inbox_app.ui.workspace import Workspace

    reporter = CrashReporter(show_dialog=False)
    ws = Workspace(services, Bridge(services.bus), None, report_error=reporter.report)

    def broken() -> None:
        raise KeyError("token=abcdef123456")

    task = ws.call(broken, task="broken")
    qtbot.waitUntil(task.done)
    qtbot.waitUntil(lambda: len(reporter.reports) == 1)
    assert "KeyError" in reporter.reports[0] and "abcdef123456" not in reporter.reports[0]
    ws.bridge.close()
