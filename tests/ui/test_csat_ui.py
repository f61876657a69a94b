"""Satisfaction in the window: an admin sets a team's questions in Settings > Teams; the case's
score (or that the customer was asked) shows beside its title, and follows a new answer."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select, update

from inbox_app.core.events import CasesChanged
from inbox_app.core.store.models import Case, CsatSurvey


def _teams_tab(window, qtbot):
    from inbox_app.ui.dialogs.settings import SettingsDialog, TeamsTab

    dialog = SettingsDialog(window.ws, window)
    qtbot.addWidget(dialog)
    tab = next(
        dialog.tabs.widget(i)
        for i in range(dialog.tabs.count())
        if isinstance(dialog.tabs.widget(i), TeamsTab)
    )
    qtbot.waitUntil(lambda: tab.list.count() == 2)
    return dialog, tab


def test_admin_turns_on_satisfaction_questions(make_window, services, qtbot, tmp_path: Path) -> None:
    window = make_window()
    dialog, tab = _teams_tab(window, qtbot)
    form = tab.satisfaction
    assert not form.save.isEnabled()
    tab.list.setCurrentRow(0)  # Supporto
    assert form.save.isEnabled() and not form.enabled.isChecked()
    assert (form.delay.value(), form.every.value()) == (60, 30)  # 1 h, 30 days: the defaults
    form.enabled.setChecked(True)
    form.delay.setValue(0)
    form.every.setValue(14)
    form.save.click()
    qtbot.waitUntil(
        lambda: (
            tab.result.text() == "Supporto: satisfaction asked 0 min after resolving, at most every 14 days."
        )
    )
    row = next(t for t in services.agents.team_rows() if t.name == "Supporto")
    assert (row.csat, row.csat_delay, row.csat_every) == (True, 0, 14 * 86400)
    qtbot.waitUntil(
        lambda: tab.list.currentItem() is not None and tab.list.currentItem().text().startswith("Supporto")
    )
    assert form.enabled.isChecked() and form.delay.text() == "At once" and form.every.value() == 14

    dialog.resize(720, 760)
    dialog.tabs.setCurrentWidget(tab)
    dialog.grab().save(str(tmp_path / "teams_tab.png"))


def test_only_admins_change_it(make_window, qtbot) -> None:
    from inbox_app.ui.dialogs.team_csat import TeamCsatForm

    window = make_window(actor="Sara Conti")  # a lead
    form = TeamCsatForm(window.ws)
    qtbot.addWidget(form)
    assert not form.isEnabled()


def test_the_case_shows_its_satisfaction_and_follows_the_answer(
    make_window, services, qtbot, tmp_path: Path
) -> None:
    services.csat_settings.set_team("Supporto", enabled=True, delay=0)
    case = next(c for c in services.queries.cases() if "email" in c.channels)
    services.cases.assign_team(case.id, "Supporto")
    services.cases.set_status(case.id, "resolved")
    assert [a.case_id for a in services.csat_asker.run_pass().asked] == [case.id]

    window = make_window()
    window.open_case(case.id)
    badge = window.csat_badge
    qtbot.waitUntil(lambda: badge.isVisible() and badge.text() == "Satisfaction asked")
    qtbot.waitUntil(lambda: any(c.row.direction == "out" for c in window.timeline.cards))
    question = next(c for c in window.timeline.cards if c.row.direction == "out")
    assert question.who.text() == "→ Satisfaction question by posta"
    assert badge.toolTip().startswith("The customer was asked on ")

    with services.factory() as s, s.begin():  # the answer, as ingest records it
        s.execute(update(CsatSurvey).values(score=2, comment="Troppo lenti", answered_at=CsatSurvey.asked_at))
    services.bus.publish(CasesChanged((case.id,)))
    qtbot.waitUntil(lambda: badge.text() == "Satisfaction 2/5")
    assert badge.toolTip() == "The customer's answer: Troppo lenti" and badge.property("tone") == "low"
    window.resize(1400, 860)
    window.grab().save(str(tmp_path / "case_badge.png"))

    with services.factory() as s:
        other = s.scalar(select(Case.id).where(Case.id != case.id).limit(1))
    window.open_case(int(other))  # type: ignore[arg-type]
    qtbot.waitUntil(lambda: not badge.isVisible())
