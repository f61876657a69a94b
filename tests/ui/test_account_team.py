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


def test_an_account_that_answers_in_public_says_which_replies_wait_for_a_lead(
    make_window, services, qtbot, tmp_path
) -> None:
    from inbox_app.ui.dialogs.settings import SettingsDialog

    services.accounts.add("fake", "recensioni", {"path": str(tmp_path / "r"), "channel": "review"})
    window = make_window()
    dialog = SettingsDialog(window.ws, window)
    qtbot.addWidget(dialog)
    dialog.show()
    tab = dialog.tabs.widget(0)
    qtbot.waitUntil(lambda: tab.list.count() == 3)
    # A private channel (the seed's first account) has no such rules to show.
    qtbot.waitUntil(lambda: tab._current is not None)
    assert not tab.hold_stars.isVisibleTo(dialog) and not tab.hold_public.isVisibleTo(dialog)
    row = next(i for i in range(tab.list.count()) if "recensioni" in tab.list.item(i).text())
    tab.list.setCurrentRow(row)
    qtbot.waitUntil(lambda: tab._current is not None and tab._current.name == "recensioni")
    assert tab.hold_stars.isVisibleTo(dialog) and tab.hold_stars.value() == 0
    tab.hold_stars.setValue(2)
    tab.hold_public.setChecked(True)
    tab.save.click()
    qtbot.waitUntil(lambda: services.accounts.get("recensioni").approvals.stars_max == 2)
    assert services.accounts.get("recensioni").approvals.public
    # Picked again, the form shows the rules; turned off, they are gone.
    qtbot.waitUntil(lambda: tab._current is not None and tab._current.approvals.stars_max == 2)
    qtbot.waitUntil(lambda: tab.hold_stars.value() == 2 and tab.hold_public.isChecked())
    tab.hold_stars.setValue(0)
    tab.hold_public.setChecked(False)
    tab.save.click()
    qtbot.waitUntil(lambda: not services.accounts.get("recensioni").approvals.any)
