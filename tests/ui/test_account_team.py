"""The settings window's account form names the team new cases of the account belong to."""

from __future__ import annotations


def test_the_account_form_routes_new_cases_to_a_team(make_window, services, qtbot) -> None:
    from inbox_app.ui.dialogs.settings import SettingsDialog

    window = make_window()
    dialog = SettingsDialog(window.ws, window)
    qtbot.addWidget(dialog)
    tab = dialog.tabs.widget(0)
    qtbot.waitUntil(lambda: tab.list.count() == 2 and tab.list.currentRow() == 0)
    name = tab.name.text()
    assert tab.team is not None and tab.team.currentData() == ""  # no team yet
    assert [tab.team.itemText(i) for i in range(1, tab.team.count())] == ["Supporto", "Vendite"]
    tab.team.setCurrentIndex(tab.team.findData("Vendite"))
    tab.save.click()
    qtbot.waitUntil(lambda: services.accounts.get(name).team == "Vendite")
    # Picked again, the form shows it; saving another setting keeps it.
    qtbot.waitUntil(lambda: tab.list.currentItem() is not None and tab._current is not None)
    qtbot.waitUntil(lambda: tab.team.currentData() == "Vendite")
    tab.team.setCurrentIndex(0)
    tab.save.click()
    qtbot.waitUntil(lambda: services.accounts.get(name).team is None)
