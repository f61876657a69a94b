"""The send-time check in the window: a message that lands while the agent writes holds the reply.

The new message is stored through the services from a worker thread, as a sync or a
colleague's desktop would store it, while the agent's text is in the composer.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor

from connectors.base import Address, Batch, InboundItem
from inbox_app.app import Services
from inbox_app.ui.dialogs.held_reply import HeldReplyDialog

#: Paolo's case on each channel of the seed: the customer, the account, the thread, his address.
PAOLO = {
    "email": ("paolo_email", "posta", "t-paolo", Address("email", "paolo.gallo@example.it", "Paolo Gallo")),
    "chat": ("paolo_chat", "chat", "room-paolo", Address("matrix", "@paolo:example.org", "Paolo Gallo")),
}


def _open_paolo(window, services: Services, qtbot, channel: str = "email") -> int:
    """Paolo's case on ``channel`` on screen, its composer ready; the case id."""
    paolo = services.extra["seed"][PAOLO[channel][0]]
    qtbot.waitUntil(lambda: window.case_model.rowCount() == 5, timeout=5000)
    for _ in range(window.case_model.rowCount()):
        qtbot.keyClick(window.cases, Qt.Key.Key_J)
        qtbot.waitUntil(lambda: window.case is not None and window.case.id == window.cases.selected_case_id())
        if window.customer.id == paolo:
            break
    composer = window.composer
    qtbot.waitUntil(lambda: composer.account.count() > 0 and composer.seen.case_id == window.case.id)
    return window.case.id


def _in_a_thread(work) -> None:
    worker = threading.Thread(target=work)
    worker.start()
    worker.join(timeout=30)


def _paolo_writes_again(services: Services, text: str, channel: str = "email") -> None:
    _customer, account_name, thread, address = PAOLO[channel]
    item = InboundItem(
        external_id="m-again", thread_key=thread, sender=address, sent_at=datetime.now(UTC), text=text
    )
    account = services.accounts.get(account_name)
    _in_a_thread(lambda: services.ingest.store_batch(account.id, Batch((item,), None)))


def _type(qtbot, composer, text: str) -> None:
    composer.editor.setFocus()
    composer.editor.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(composer.editor, text)


def _held_dialog(qtbot, composer) -> HeldReplyDialog:
    qtbot.waitUntil(lambda: composer.held_dialog is not None and composer.held_dialog.isVisible())
    dialog = composer.held_dialog
    assert dialog is not None
    return dialog


def _outgoing(services: Services, case_id: int) -> list[str]:
    return [m.text for m in services.queries.case_messages(case_id) if m.direction == "out"]


@pytest.mark.parametrize("channel", ["email", "chat"])
def test_a_customer_message_while_typing_holds_the_reply_and_send_anyway_queues_it(
    make_window, services: Services, qtbot, channel: str
) -> None:
    window = make_window()
    case_id = _open_paolo(window, services, qtbot, channel)
    composer = window.composer
    _type(qtbot, composer, "Il rimborso parte oggi.")
    _paolo_writes_again(services, "Lasciate stare, ho risolto con la banca, grazie comunque", channel)
    qtbot.waitUntil(lambda: any("ho risolto" in (c.row.text or "") for c in window.timeline.cards))
    qtbot.keyClick(composer.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    dialog = _held_dialog(qtbot, composer)
    assert dialog.messages.count() == 1
    shown = dialog.messages.item(0).text()
    assert (
        shown.startswith(f"Paolo Gallo wrote · {channel.capitalize()} · ")
        and "ho risolto con la banca" in shown
    )
    assert dialog.edit.isDefault()  # Enter never sends by mistake
    assert _outgoing(services, case_id) == []  # held: nothing queued
    dialog.send_anyway.click()
    qtbot.waitUntil(lambda: _outgoing(services, case_id) == ["Il rimborso parte oggi."])
    qtbot.waitUntil(lambda: composer.editor.toPlainText() == "")
    assert composer.status.text() == "Reply queued."


def test_a_colleague_reply_while_typing_holds_it_and_edit_keeps_the_text(
    make_window, services: Services, qtbot
) -> None:
    window = make_window()
    case_id = _open_paolo(window, services, qtbot)
    composer = window.composer
    marco = services.agents.find("Marco Bianchi")
    assert marco is not None
    _type(qtbot, composer, "Buongiorno Paolo, il rimborso")
    _in_a_thread(
        lambda: services.outbox.queue_reply(case_id, "Rimborso già disposto ieri.", agent_id=marco.id)
    )
    # The reply shows in the timeline and the case is read again (as a rename would make it):
    # still news to the agent, who is writing.
    seen = composer.seen.newest
    qtbot.waitUntil(lambda: any("già disposto" in (c.row.text or "") for c in window.timeline.cards))
    draft = lambda: window.ws.drafts.load(case_id, window.ws.agent_id)  # noqa: E731
    qtbot.waitUntil(lambda: draft() is not None and draft().text == "Buongiorno Paolo, il rimborso")
    filled = []
    composer._fill = (lambda fill: lambda *a, **k: (fill(*a, **k), filled.append(1)))(composer._fill)
    composer.load()
    qtbot.waitUntil(lambda: filled == [1])
    assert composer.seen.newest == seen < services.queries.newest_message_id(case_id)
    composer.send()
    dialog = _held_dialog(qtbot, composer)
    assert dialog.messages.item(0).text().startswith("Reply by Marco Bianchi · Email · ")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # Escape is Edit: back to the reply, kept
    qtbot.waitUntil(lambda: composer.held_dialog is None)
    assert composer.editor.toPlainText() == "Buongiorno Paolo, il rimborso"
    assert composer.seen.newest == services.queries.newest_message_id(case_id)
    qtbot.waitUntil(lambda: any("già disposto" in (c.row.text or "") for c in window.timeline.cards))
    assert _outgoing(services, case_id) == ["Rimborso già disposto ieri."]
    # Seen now: the edited reply goes without a second hold.
    _type(qtbot, composer, " parte oggi.")
    composer.send()
    qtbot.waitUntil(lambda: len(_outgoing(services, case_id)) == 2)
    assert _outgoing(services, case_id)[1] == "Buongiorno Paolo, il rimborso parte oggi."
    assert composer.held_dialog is None


def test_discard_clears_the_reply_and_news_seen_while_idle_hold_nothing(
    make_window, services: Services, qtbot
) -> None:
    window = make_window()
    case_id = _open_paolo(window, services, qtbot)
    composer = window.composer
    marco = services.agents.find("Marco Bianchi")
    assert marco is not None
    # A note lands while the composer is empty: it is on screen before any reply is begun.
    _in_a_thread(lambda: services.outbox.queue_reply(case_id, "Cliente VIP", note=True, agent_id=marco.id))
    qtbot.waitUntil(lambda: composer.seen.newest == services.queries.newest_message_id(case_id))
    _type(qtbot, composer, "Risposta ormai inutile")
    _paolo_writes_again(services, "Ho già ricevuto tutto")
    composer.send()
    dialog = _held_dialog(qtbot, composer)
    assert dialog.messages.count() == 1  # the customer's message; the note was seen
    dialog.discard.click()
    qtbot.waitUntil(lambda: composer.held_dialog is None)
    assert composer.editor.toPlainText() == "" and composer.status.text() == "Reply discarded."
    assert _outgoing(services, case_id) == []
    qtbot.waitUntil(lambda: window.ws.drafts.load(case_id, window.ws.agent_id) is None)
