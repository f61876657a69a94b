"""The leads' "Awaiting approval" view: its live count, the held reply on its card, the
decision in a dialog, and what the author sees of it."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt

from inbox_app.app import Services
from inbox_app.ui.views_list import APPROVALS


def _held_reply(services: Services, text: str = "Il rimborso? Chieda alla banca.") -> tuple[int, int]:
    """Marco, a trainee, answers Paolo's refund mail: held. (case id, message id)"""
    services.agents.set_trainee("Marco Bianchi", True)
    marco = services.agents.find("Marco Bianchi")
    assert marco is not None
    case = next(c for c in services.queries.cases() if c.subject == "Rimborso")
    return case.id, services.outbox.queue_reply(case.id, text, agent_id=marco.id)


def _open_held(window, qtbot, case_id: int, message_id: int):
    window.views.choose(APPROVALS)
    qtbot.waitUntil(lambda: window.case_model.rowCount() == 1, timeout=5000)
    assert window.case_model.case_id(0) == case_id
    window.cases.select_row(0)
    qtbot.waitUntil(lambda: window.case is not None and window.case.id == case_id, timeout=5000)
    qtbot.waitUntil(lambda: any(c.row.id == message_id for c in window.timeline.cards), timeout=5000)
    return next(c for c in window.timeline.cards if c.row.id == message_id)


def test_a_lead_opens_the_held_reply_from_the_view_edits_and_approves_it(
    make_window, services: Services, qtbot, tmp_path: Path
) -> None:
    case_id, message_id = _held_reply(services)
    window = make_window("Sara Conti")  # a lead
    qtbot.waitUntil(lambda: window.views_model.count(APPROVALS) == 1, timeout=5000)
    row = window.views_model.row_of(APPROVALS)
    assert window.views_model.index(row).data() == "Awaiting approval"
    card = _open_held(window, qtbot, case_id, message_id)
    assert card.state.text() == "Awaiting approval"
    assert card.marks.text() == "waits for a lead's approval before it is sent"
    assert card.review_button.isVisible()

    qtbot.mouseClick(card.review_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.timeline.review_dialog is not None, timeout=5000)
    dialog = window.timeline.review_dialog
    qtbot.waitUntil(dialog.isVisible, timeout=5000)
    assert dialog.intro.text() == (
        f"Reply by Marco Bianchi on case #{case_id} (posta), held because its author is a trainee."
    )
    assert dialog.answering.text() == "Vorrei sapere lo stato del rimborso."
    assert not dialog.reject_button.isEnabled()  # a rejection needs its reason
    dialog.editor.setPlainText("Il rimborso parte oggi: lo vede entro 5 giorni.")
    assert dialog.approve_button.text() == "&Approve edited reply"
    if os.environ.get("APPROVALS_SCREENSHOT"):
        window.resize(1280, 760)
        window.default_splits(1280)
        qtbot.wait(300)
        window.grab().save(str(Path(os.environ["APPROVALS_SCREENSHOT"]) / "approvals-window.png"))
        dialog.grab().save(str(Path(os.environ["APPROVALS_SCREENSHOT"]) / "approvals-dialog.png"))
    qtbot.mouseClick(dialog.approve_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: services.queries.message(message_id).delivery == "queued", timeout=5000)
    [decided] = [services.approvals.for_message(message_id)]
    assert decided is not None
    assert (decided.state, decided.decided_by, decided.original_text, decided.edited_text) == (
        "approved",
        "Sara Conti",
        "Il rimborso? Chieda alla banca.",
        "Il rimborso parte oggi: lo vede entro 5 giorni.",
    )
    qtbot.waitUntil(lambda: window.views_model.count(APPROVALS) == 0, timeout=5000)
    qtbot.waitUntil(lambda: card.marks.text() == "approved by Sara Conti, with their edit", timeout=5000)
    assert card.state.text() == "Queued" and not card.review_button.isVisible()


def test_the_author_sees_the_rejection_and_its_reason_and_has_no_approval_view(
    make_window, services: Services, qtbot
) -> None:
    case_id, message_id = _held_reply(services)
    lead = make_window("Sara Conti")
    qtbot.waitUntil(lambda: lead.views_model.count(APPROVALS) == 1, timeout=5000)
    card = _open_held(lead, qtbot, case_id, message_id)
    qtbot.mouseClick(card.review_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: lead.timeline.review_dialog is not None, timeout=5000)
    dialog = lead.timeline.review_dialog
    qtbot.keyClicks(dialog.reason, "Prima verifica lo stato del rimborso")
    assert dialog.reject_button.isEnabled()
    qtbot.mouseClick(dialog.reject_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: services.queries.message(message_id).delivery == "rejected", timeout=5000)
    assert services.queries.message(message_id).error == "Prima verifica lo stato del rimborso"
    qtbot.waitUntil(lambda: lead.views_model.count(APPROVALS) == 0, timeout=5000)
    lead.close()

    author = make_window("Marco Bianchi")  # an agent: no approval view, no Review button
    qtbot.waitUntil(lambda: author.views_model.count("open") is not None, timeout=5000)
    assert author.views_model.row_of(APPROVALS) is None
    author.views.choose("open")
    qtbot.waitUntil(lambda: author.case_model.rowCount() >= 1, timeout=5000)
    assert author.cases.select_case(case_id)
    qtbot.waitUntil(lambda: any(c.row.id == message_id for c in author.timeline.cards), timeout=5000)
    mine = next(c for c in author.timeline.cards if c.row.id == message_id)
    assert mine.state.text() == "Rejected"
    assert mine.marks.text() == "rejected by Sara Conti: Prima verifica lo stato del rimborso"
    assert mine._review_button is None or not mine.review_button.isVisible()


def test_a_lead_never_reviews_their_own_held_reply(make_window, services: Services, qtbot) -> None:
    services.agents.set_trainee("Sara Conti", True)
    sara = services.agents.find("Sara Conti")
    assert sara is not None
    case = next(c for c in services.queries.cases() if c.subject == "Rimborso")
    message_id = services.outbox.queue_reply(case.id, "La mia risposta", agent_id=sara.id)
    window = make_window("Sara Conti")
    qtbot.waitUntil(lambda: window.views_model.count(APPROVALS) == 1, timeout=5000)
    card = _open_held(window, qtbot, case.id, message_id)
    assert card.state.text() == "Awaiting approval"
    assert card._review_button is None or not card.review_button.isVisible()


def test_a_trainee_sending_from_the_composer_is_told_the_reply_waits(
    make_window, services: Services, qtbot
) -> None:
    services.agents.set_trainee("Marco Bianchi", True)
    case = next(c for c in services.queries.cases() if c.subject == "Rimborso")
    window = make_window("Marco Bianchi")
    qtbot.waitUntil(lambda: window.case_model.rowCount() == 5, timeout=5000)
    assert window.cases.select_case(case.id)
    composer = window.composer
    qtbot.waitUntil(lambda: composer.account.count() > 0 and composer.seen.case_id == case.id, timeout=5000)
    composer.editor.setFocus()
    qtbot.keyClicks(composer.editor, "Il rimborso parte domani.")
    qtbot.mouseClick(composer.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: composer.status.text().startswith("Reply held"), timeout=5000)
    assert composer.status.text() == "Reply held: it waits for a lead's approval before it is sent."
    [held] = services.approvals.waiting()
    assert (held.author, held.text, held.rule) == ("Marco Bianchi", "Il rimborso parte domani.", "trainee")
    qtbot.waitUntil(lambda: any(c.row.id == held.message_id for c in window.timeline.cards), timeout=5000)
    card = next(c for c in window.timeline.cards if c.row.id == held.message_id)
    qtbot.waitUntil(lambda: card.state.text() == "Awaiting approval", timeout=5000)
    assert card._review_button is None or not card.review_button.isVisible()


def test_a_decision_taken_meanwhile_elsewhere_is_said_in_the_dialog(
    make_window, services: Services, qtbot
) -> None:
    case_id, message_id = _held_reply(services)
    window = make_window("Sara Conti")
    qtbot.waitUntil(lambda: window.views_model.count(APPROVALS) == 1, timeout=5000)
    card = _open_held(window, qtbot, case_id, message_id)
    qtbot.mouseClick(card.review_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.timeline.review_dialog is not None, timeout=5000)
    dialog = window.timeline.review_dialog
    [held] = services.approvals.waiting()
    services.approvals.reject(held.id, "Troppo brusca", actor="Giulia Rossi")  # another desktop, first
    qtbot.mouseClick(dialog.approve_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.problem.isVisible, timeout=5000)
    assert dialog.problem.text() == "Not done: Giulia Rossi already decided on this reply."
    assert dialog.isVisible() and not dialog.approve_button.isEnabled()
    assert dialog.cancel_button.text() == "Close"
    assert services.queries.message(message_id).delivery == "rejected"
