"""The at-risk score in the window: the customer panel's score, chips and trend, "Not at
risk…", the "At risk" view over the admin's threshold, and the case list sorted by risk."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from PySide6.QtWidgets import QLabel

from connectors.base import Address, Batch, InboundItem
from inbox_app.core.clock import utcnow
from inbox_app.core.settings import SettingsService
from inbox_app.ui.views_list import AT_RISK

POPUP = pytest.mark.qt_log_ignore(
    "This plugin does not support (raise|grabbing the keyboard|propagateSizeHints)"
)


def _angry(services) -> int:
    """Paolo writes again, angry, on the chat: his score passes the threshold."""
    chat = next(a for a in services.accounts.list() if a.name == "chat")
    words = (
        "Vergognoso! È la terza volta che chiedo il rimborso e ancora niente!!",
        "Nessuno mi risponde. Servizio PESSIMO.",
        "Ancora niente, sono davvero stufo",
    )
    items = tuple(
        InboundItem(
            external_id=f"angry-{i}",
            thread_key="room-paolo",
            sender=Address("matrix", "@paolo:example.org", "Paolo Gallo"),
            sent_at=utcnow() - timedelta(minutes=30 - i),
            text=text,
        )
        for i, text in enumerate(words)
    )
    services.ingest.store_batch(chat.id, Batch(items, None))
    return services.queries.customers(text="@paolo:example.org")[0].id


def _chips(panel) -> list[str]:
    return [w.text() for w in panel.risk.chips_row.findChildren(QLabel) if w.objectName() == "riskChip"]


@POPUP
def test_panel_view_sort_and_not_at_risk(make_window, services, qtbot, qtmodeltester) -> None:
    SettingsService(services.factory).change("risk_threshold", 45)
    paolo = _angry(services)
    risk = services.risk.current(paolo)
    assert risk.score >= 45
    others = [r.customer_id for r in services.risk.at_risk(45)]
    assert others == [paolo]
    window = make_window()
    qtbot.waitUntil(lambda: window.case_model.rowCount() > 0, timeout=5000)

    # The "At risk" view lists Paolo's open cases, and counts them.
    qtbot.waitUntil(lambda: window.views_model.count(AT_RISK) == 1, timeout=8000)
    window.views.choose(AT_RISK)
    qtbot.waitUntil(lambda: window.case_model.rowCount() == 1, timeout=5000)
    case = (
        window.case_model.case_row(0)
        or services.queries.cases_by_id([window.case_model.case_id(0)])[window.case_model.case_id(0)]
    )
    assert case.customer_id == paolo
    qtmodeltester.check(window.case_model)

    # The panel: the score, a chip per factor with its share (adding up to 100 %), the trend.
    window.customer_panel.load(paolo)
    qtbot.waitUntil(lambda: window.customer_panel.risk.score.text() == f"{risk.score} / 100", timeout=5000)
    chips = _chips(window.customer_panel)
    assert len(chips) == len(risk.factors)
    assert sum(int(c.split("·")[1].strip(" %")) for c in chips) == 100
    assert any(c.startswith("Tone · ") for c in chips)
    assert window.customer_panel.risk.trend.points == [(utcnow().date(), risk.score)]
    tone_chip = next(
        w for w in window.customer_panel.risk.chips_row.findChildren(QLabel) if w.text().startswith("Tone")
    )
    assert "in a negative tone" in tone_chip.toolTip()
    if os.environ.get("RISK_PNG"):
        window.resize(1400, 820)
        window.grab().save(os.path.join(os.environ["RISK_PNG"], "window_at_risk.png"))
        window.customer_panel.grab().save(os.path.join(os.environ["RISK_PNG"], "panel_risk.png"))

    # "All open" sorted by risk: Paolo's case first; newest activity first again after.
    window.views.choose("open")
    qtbot.waitUntil(lambda: window.case_model.rowCount() >= 3, timeout=5000)
    window.case_model.set_sort_by_risk(True)
    assert window.case_model.sorted_by_risk
    menu = window.cases.sort_menu()
    assert [a.isChecked() for a in menu.actions()] == [False, True]
    scores = {r.customer_id: r.score for r in services.risk.at_risk(1, limit=1000)}

    def shown_scores() -> list[int]:
        ids = [window.case_model.case_id(r) for r in range(window.case_model.rowCount())]
        rows = services.queries.cases_by_id(ids)
        return [scores.get(rows[i].customer_id, 0) for i in ids]

    qtbot.waitUntil(lambda: shown_scores() == sorted(shown_scores(), reverse=True), timeout=5000)
    assert window.case_model.case_id(0) == case.id and len(set(shown_scores())) > 2
    menu.actions()[0].trigger()
    assert not window.case_model.sorted_by_risk

    # Not at risk: kept, the panel says who and why, and the view empties.
    window.customer_panel.mark_not_at_risk("Rimborso fatto, l'ho chiamato")
    qtbot.waitUntil(lambda: window.customer_panel.risk.score.text() == "0 / 100", timeout=5000)
    assert "Rimborso fatto, l'ho chiamato" in window.customer_panel.risk.muted.text()
    assert _chips(window.customer_panel) == []
    assert not window.customer_panel.risk.not_at_risk.isEnabled()
    window.views_model.refresh()
    qtbot.waitUntil(lambda: window.views_model.count(AT_RISK) == 0, timeout=5000)
    if os.environ.get("RISK_PNG"):
        window.customer_panel.grab().save(os.path.join(os.environ["RISK_PNG"], "panel_muted.png"))
