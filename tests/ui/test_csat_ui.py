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


def test_the_report_shows_csat_with_answers_and_response_rate_down_to_the_cases(
    make_window, services, qtbot, tmp_path: Path
) -> None:
    from inbox_app.ui.dialogs.csat_report import ANSWERS, ASKED, CSAT, GROUP, RATE, SatisfactionDialog

    services.csat_settings.set_team("Supporto", enabled=True, delay=0)
    cases = [c for c in services.queries.cases()][:3]
    for case, agent in zip(cases, ("Marco Bianchi", "Marco Bianchi", "Giulia Rossi"), strict=True):
        services.cases.assign_team(case.id, "Supporto")
        services.cases.assign(case.id, agent)
        services.cases.set_status(case.id, "resolved")
    asked = [a.case_id for a in services.csat_asker.run_pass().asked]
    assert len(asked) == 3
    with services.factory() as s, s.begin():  # Marco's customers answered 5 and 2; Giulia's did not
        for case, score in ((cases[0], 5), (cases[1], 2)):
            s.execute(
                update(CsatSurvey)
                .where(CsatSurvey.case_id == case.id)
                .values(score=score, comment="Lento" if score == 2 else None, answered_at=CsatSurvey.asked_at)
            )

    window = make_window()
    dialog = SatisfactionDialog(window.ws, window)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 2)
    assert dialog.summary.text() == "CSAT 50.0 % · 2 answers (1 of 4–5) · 3 asked · response rate 66.7 %"
    table = [[dialog.table.item(r, c).text() for c in (GROUP, CSAT, ANSWERS, ASKED, RATE)] for r in range(2)]
    assert table == [
        ["Marco Bianchi", "50.0 %", "2", "2", "100.0 %"],
        ["Giulia Rossi", "—", "0", "1", "0.0 %"],
    ]
    assert [dialog.answers.item(i).text() for i in range(dialog.answers.count())] == [
        f"5/5 · case #{cases[0].id}",
        f"2/5 · case #{cases[1].id} — Lento",
    ]
    dialog.by.setCurrentIndex(dialog.by.findData("channel"))
    assert dialog.table.item(0, GROUP).text() == "fake" and dialog.table.item(0, ASKED).text() == "3"
    dialog.grab().save(str(tmp_path / "satisfaction.png"))

    dialog.by.setCurrentIndex(dialog.by.findData("agent"))
    with qtbot.waitSignal(dialog.caseChosen) as chosen:
        dialog.answers.itemDoubleClicked.emit(dialog.answers.item(1))
    assert chosen.args == [cases[1].id]


def test_a_low_answer_reaches_the_window(make_window, services, qtbot) -> None:
    from inbox_app.core.events import SatisfactionLow

    window = make_window()
    with qtbot.waitSignal(window.ws.bridge.satisfactionLow) as heard:
        services.bus.publish(SatisfactionLow((42,)))
    assert heard.args == [SatisfactionLow((42,))]
