"""Settings, Service levels tab: an admin adds a calendar with a holiday and orders policies;
mistakes are told in words; the store has exactly what the screen shows."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QPushButton


def _button(tab, text: str) -> QPushButton:
    return next(b for b in tab.findChildren(QPushButton) if b.text() == text)


def test_admin_edits_calendars_and_policies(make_window, services, qtbot, tmp_path: Path) -> None:
    from inbox_app.ui.dialogs.service_levels_tab import ServiceLevelsTab
    from inbox_app.ui.dialogs.settings import SettingsDialog

    window = make_window()
    dialog = SettingsDialog(window.ws, window)
    qtbot.addWidget(dialog)
    tab = next(
        dialog.tabs.widget(i)
        for i in range(dialog.tabs.count())
        if isinstance(dialog.tabs.widget(i), ServiceLevelsTab)
    )
    dialog.tabs.setCurrentWidget(tab)
    tab.cal_name.setText("Ufficio Roma")
    tab.cal_days.setText("mon-fri=09:00-13:00,14:00-18:00; sat=09:00-12:00")
    tab.cal_region.setText("IT-RM")
    _button(tab, "Add calendar").click()
    qtbot.waitUntil(lambda: tab.calendars.rowCount() == 1)
    assert tab.result.text() == "Calendar added."
    tab.calendars.selectRow(0)
    tab.holiday.setDate(QDate(2026, 12, 24))
    _button(tab, "Close the selected calendar on this date").click()
    qtbot.waitUntil(lambda: tab.result.text() == "Ufficio Roma is closed on 2026-12-24.")
    (cal,) = services.hours.list()
    assert cal["days"]["fri"] == ["09:00-13:00", "14:00-18:00"] and cal["days"]["sat"] == ["09:00-12:00"]
    assert cal["holidays"] == {"region": "IT-RM", "dates": ["2026-12-24"]}
    # Two policies; the second moved first.
    qtbot.waitUntil(lambda: tab.hours.count() == 2)
    for name, first, hours_index, channel in (("Email", "4h", 1, "email"), ("Chat", "5m", 0, "chat")):
        tab.pol_name.setText(name)
        tab.first.setText(first)
        tab.resolution.setText("2d")
        tab.hours.setCurrentIndex(hours_index)
        tab.channel.setCurrentIndex(tab.channel.findData(channel))
        _button(tab, "Add policy").click()
        qtbot.waitUntil(lambda n=name: any(p["name"] == n for p in services.sla.list()))
    qtbot.waitUntil(lambda: tab.policies.rowCount() == 2)
    tab.policies.selectRow(1)
    _button(tab, "Move up").click()
    qtbot.waitUntil(lambda: [p["name"] for p in services.sla.list()] == ["Chat", "Email"])
    qtbot.waitUntil(lambda: tab.policies.item(0, 0).text() == "Chat")
    assert [tab.policies.item(1, c).text() for c in range(5)] == ["Email", "4h", "—", "2d", "Ufficio Roma"]
    # A wrong duration is refused in words, and nothing is added.
    tab.pol_name.setText("Sbagliata")
    tab.first.setText("4 ore")
    _button(tab, "Add policy").click()
    qtbot.waitUntil(lambda: "a duration is written like 30m, 4h or 2d" in tab.result.text())
    assert len(services.sla.list()) == 2
    dialog.resize(1100, 640)
    dialog.grab().save(str(Path("/tmp") / "sla-settings.png"))
