"""Settings, Teams tab: an admin adds a team and renames one; mistakes are told in words."""

from __future__ import annotations


def test_admin_adds_and_renames_teams(make_window, services, qtbot) -> None:
    from inbox_app.ui.dialogs.settings import SettingsDialog, TeamsTab

    window = make_window()
    dialog = SettingsDialog(window.ws, window)
    qtbot.addWidget(dialog)
    tab = next(
        dialog.tabs.widget(i)
        for i in range(dialog.tabs.count())
        if isinstance(dialog.tabs.widget(i), TeamsTab)
    )
    qtbot.waitUntil(lambda: tab.list.count() == 2)
    assert tab.list.item(0).text() == "Supporto: Giulia Rossi, Marco Bianchi"
    assert not tab.rename.isEnabled()

    tab.name.setText("Resi")
    tab.add.click()
    qtbot.waitUntil(lambda: tab.list.count() == 3)
    assert tab.result.text() == "Team “Resi” added."
    assert tab.list.currentItem().text() == "Resi"  # the new team, without members yet

    tab.name.setText("supporto")
    tab.add.click()
    qtbot.waitUntil(lambda: "already exists" in tab.result.text())
    assert [name for _id, name in services.agents.teams()] == ["Resi", "Supporto", "Vendite"]

    tab.list.setCurrentRow([tab.list.item(i).text() for i in range(3)].index("Vendite: Sara Conti"))
    assert tab.name.text() == "Vendite" and tab.rename.isEnabled()
    tab.name.setText("Vendite Italia")
    tab.rename.click()
    qtbot.waitUntil(lambda: tab.result.text() == "Team “Vendite” is now “Vendite Italia”.")
    qtbot.waitUntil(
        lambda: (
            tab.list.currentItem() is not None
            and tab.list.currentItem().text() == "Vendite Italia: Sara Conti"
        )
    )
    assert services.agents.find("Sara Conti").team == "Vendite Italia"

    tab.name.setText("  ")
    tab.rename.click()
    qtbot.waitUntil(lambda: tab.result.text() == "the team needs a name")


def test_admin_turns_on_automatic_assignment_with_a_capacity(make_window, services, qtbot) -> None:
    from inbox_app.ui.dialogs.settings import SettingsDialog, TeamsTab

    window = make_window()
    dialog = SettingsDialog(window.ws, window)
    qtbot.addWidget(dialog)
    tab = next(
        dialog.tabs.widget(i)
        for i in range(dialog.tabs.count())
        if isinstance(dialog.tabs.widget(i), TeamsTab)
    )
    qtbot.waitUntil(lambda: tab.list.count() == 2)
    form = tab.assignment
    assert not form.save.isEnabled()
    tab.list.setCurrentRow(1)  # Vendite
    assert form.save.isEnabled() and form.mode.currentData() == "off" and form.capacity.text() == "No limit"
    form.mode.setCurrentIndex(form.mode.findData("round-robin"))
    form.capacity.setValue(6)
    form.save.click()
    qtbot.waitUntil(lambda: tab.result.text() == "Vendite: Round robin: to each in turn; capacity 6.")
    row = next(t for t in services.agents.team_rows() if t.name == "Vendite")
    assert (row.assign, row.capacity) == ("round-robin", 6)
    qtbot.waitUntil(
        lambda: tab.list.currentItem() is not None and tab.list.currentItem().text().startswith("Vendite")
    )
    assert form.mode.currentData() == "round-robin" and form.capacity.value() == 6


def test_only_admins_change_it(make_window, qtbot) -> None:
    from inbox_app.ui.dialogs.team_assign import TeamAssignForm

    window = make_window(actor="Sara Conti")  # a lead
    form = TeamAssignForm(window.ws)
    qtbot.addWidget(form)
    assert not form.isEnabled()
