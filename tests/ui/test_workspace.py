"""The agent's day, driven through the real window: pick, read, reply, resolve, search, merge."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from inbox_app.ui import timeline_view
from inbox_app.ui.case_list_model import CaseListModel
from inbox_app.ui.message_card import MessageCard
from inbox_app.ui.timeline_model import FIRST_PAGE


def _ready(window, qtbot) -> None:
    qtbot.waitUntil(lambda: window.case_model.rowCount() == 5, timeout=5000)


def _open_case_of(window, qtbot, customer_id: int) -> None:
    _ready(window, qtbot)
    for _ in range(window.case_model.rowCount()):
        qtbot.keyClick(window.cases, Qt.Key.Key_J)
        qtbot.waitUntil(lambda: window.case is not None and window.case.id == window.cases.selected_case_id())
        if window.customer.id == customer_id:
            break
    assert window.customer.id == customer_id
    qtbot.waitUntil(
        lambda: (
            window.timeline_model.customer_id == customer_id
            and not window.timeline_model.loading
            and window.timeline_model.rowCount() > 0
        )
    )


def test_pick_a_case_by_keyboard_and_read_both_channels(make_window, services, qtbot) -> None:
    window = make_window()
    _ready(window, qtbot)
    qtbot.keyClick(window.cases, Qt.Key.Key_J)
    qtbot.waitUntil(lambda: window.case is not None)
    first = window.case.id
    assert first == window.case_model.case_id(0)
    qtbot.keyClick(window.cases, Qt.Key.Key_J)
    qtbot.waitUntil(lambda: window.case.id == window.case_model.case_id(1))
    qtbot.keyClick(window.cases, Qt.Key.Key_K)
    qtbot.waitUntil(lambda: window.case.id == first)

    anna = services.extra["seed"]["anna"]
    _open_case_of(window, qtbot, anna)
    qtbot.waitUntil(lambda: len(window.timeline.cards) == 2)
    channels = [card.row.channel for card in window.timeline.cards]
    assert channels == ["email", "chat"]
    email_card: MessageCard = window.timeline.cards[0]
    html = email_card.body.toHtml()
    assert "ordine 4411" in html and "tracker.example.com" not in html  # no tracking pixel
    assert email_card.images_button.isVisibleTo(window), email_card.row
    assert email_card.quote_button.isVisibleTo(window)
    assert "Grazie per il tuo ordine" not in email_card.body.toPlainText()
    email_card.quote_button.click()
    assert "Grazie per il tuo ordine" in email_card.body.toPlainText()
    # two cases of one customer: both boundaries are shown
    assert all(card.boundary.isVisibleTo(window) for card in window.timeline.cards)
    window.case_only.setChecked(True)
    qtbot.waitUntil(lambda: len(window.timeline.cards) == 1)
    # the panel is read once the timeline is on screen
    qtbot.waitUntil(lambda: window.customer_panel.customer is not None)
    qtbot.waitUntil(lambda: window.customer_panel.open_cases.count() == 2)


def test_the_panel_says_when_there_is_no_customer_and_never_greys_out_an_old_one(
    make_window, services, qtbot
) -> None:
    window = make_window()
    panel = window.customer_panel
    assert panel.empty.isVisibleTo(window) and not panel.name.isVisibleTo(window)
    anna = services.extra["seed"]["anna"]
    _open_case_of(window, qtbot, anna)
    qtbot.waitUntil(lambda: panel.customer is not None and panel.name.isVisibleTo(window))
    assert not panel.empty.isVisibleTo(window) and panel.isEnabled() and panel.name.text()
    # No past cases yet: no heading over an empty box.
    assert panel.past_total == 0 and panel.past_cases.count() == 0
    assert not panel.past_cases.isVisibleTo(window) and not panel._past_heading.isVisibleTo(window)
    assert panel.open_cases.isVisibleTo(window) and panel._open_heading.isVisibleTo(window)
    panel.load(None)
    assert panel.empty.isVisibleTo(window) and not panel.name.isVisibleTo(window)


def test_reply_with_template_is_queued_then_sent(make_window, services, qtbot) -> None:
    window = make_window()
    anna = services.extra["seed"]["anna"]
    _open_case_of(window, qtbot, anna)
    composer = window.composer
    qtbot.waitUntil(lambda: composer.account.count() == 2)
    # the customer last wrote through the account of this case
    assert composer.current_candidate().account.name == (
        "posta" if window.case.channels == ("email",) else "chat"
    )
    template = composer.templates[0]
    composer.template.setCurrentIndex(1)
    composer.template.activated.emit(1)
    assert composer.editor.toPlainText().startswith("Ciao Anna, sono Giulia Rossi.")
    assert str(window.case.id) in composer.editor.toPlainText()
    assert template.name == "Saluto"
    assert composer.previews.count() == 2
    qtbot.keyClick(composer.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: any(c.row.direction == "out" for c in window.timeline.cards))
    out = next(c for c in window.timeline.cards if c.row.direction == "out")
    assert out.row.delivery == "queued" and out.state.text() == "Queued"
    qtbot.waitUntil(lambda: composer.editor.toPlainText() == "")
    window.start_sync()
    qtbot.waitUntil(
        lambda: next(c for c in window.timeline.cards if c.row.direction == "out").row.delivery == "sent",
        timeout=15000,
    )
    server = services.extra["seed"]["mail" if out.row.channel == "email" else "chat"]
    assert server.sent_replies()[0]["text"].startswith("Ciao Anna")


def _drop_files(target, paths) -> None:
    from PySide6.QtCore import QMimeData, QPointF, QUrl
    from PySide6.QtGui import QDragEnterEvent, QDropEvent
    from PySide6.QtWidgets import QApplication

    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    where = QPointF(target.rect().center())
    enter = QDragEnterEvent(
        where.toPoint(),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(target, enter)
    assert enter.isAccepted()
    drop = QDropEvent(
        where, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(target, drop)


def test_files_chosen_in_the_composer_go_with_the_reply(
    make_window, services, qtbot, monkeypatch, tmp_path
) -> None:
    from dataclasses import replace

    from inbox_app.ui.channel_preview import Candidate

    window = make_window()
    _open_case_of(window, qtbot, services.extra["seed"]["anna"])
    composer = window.composer
    qtbot.waitUntil(lambda: composer.account.count() == 2)
    receipt, label = tmp_path / "ricevuta.pdf", tmp_path / "etichetta.png"
    receipt.write_bytes(b"%PDF-1.4 ricevuta")
    label.write_bytes(b"PNG etichetta")
    monkeypatch.setattr(
        "inbox_app.ui.reply_files.QFileDialog.getOpenFileNames",
        lambda *_a: ([str(receipt), str(label)], ""),
    )
    assert not composer.send_button.isEnabled()  # nothing to send yet
    composer.editor.setFocus()
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(composer.editor, Qt.Key.Key_A, ctrl_shift)  # Attach…
    assert (
        composer.files.paths == [receipt, label] and composer.send_button.isEnabled()
    )  # files alone will do
    composer.files.remove(label)
    assert composer.files.paths == [receipt]
    # Dragged from the desktop onto the editor: attached, not pasted as a path.
    _drop_files(composer.editor.viewport(), [label])
    assert composer.files.paths == [receipt, label] and composer.editor.toPlainText() == ""
    composer.files.remove(label)

    # An account that cannot carry files says so, and Send waits until the files go.
    current = composer.current_candidate()
    at = composer.candidates.index(current)
    composer.candidates[at] = Candidate(current.account, replace(current.capabilities, attachments=False))
    composer._update_previews()
    assert not composer.files.attach.isEnabled() and not composer.send_button.isEnabled()
    assert "cannot carry files" in composer.blocked_reason()
    images_only = replace(current.capabilities, attachment_types=("image/",), max_attachments=1)
    composer.candidates[at] = Candidate(current.account, images_only)
    composer._update_previews()
    assert composer.files.attach.isEnabled() and not composer.send_button.isEnabled()
    assert "takes only these kinds of file: image. Remove ricevuta.pdf" in composer.blocked_reason()
    composer.candidates[at] = current
    composer._update_previews()

    composer.editor.setPlainText("In allegato la ricevuta.")
    composer.send()
    qtbot.waitUntil(lambda: any(c.row.direction == "out" for c in window.timeline.cards))
    out = next(c for c in window.timeline.cards if c.row.direction == "out")
    assert [(a.filename, a.size) for a in out.row.attachments] == [("ricevuta.pdf", 17)]
    qtbot.waitUntil(lambda: composer.files.paths == [] and composer.editor.toPlainText() == "")

    # Files are part of the draft: they come back with it after the agent looked elsewhere.
    case_id = window.case.id
    composer.files.add([receipt])
    qtbot.waitUntil(
        lambda: (
            (d := window.ws.drafts.load(case_id, window.ws.agent_id)) is not None
            and d.files == (str(receipt),)
        )
    )
    qtbot.keyClick(window.cases, Qt.Key.Key_J)
    qtbot.waitUntil(lambda: window.case is not None and window.case.id != case_id)
    assert composer.files.paths == []  # never sent with another case's reply
    assert window.cases.select_case(case_id)
    qtbot.waitUntil(lambda: composer.files.paths == [receipt])
    composer.files.clear()

    # A file gone before the reply is queued: nothing is queued, and the composer says which.
    composer.files.add([label])
    label.unlink()
    outgoing = len([c for c in window.timeline.cards if c.row.direction == "out"])
    composer.send()
    qtbot.waitUntil(lambda: "no file at" in composer.status.text())
    assert composer.files.paths == [label]  # kept, for the agent to remove or replace
    assert len([c for c in window.timeline.cards if c.row.direction == "out"]) == outgoing


def test_failed_reply_shows_reason_and_retry(make_window, services, qtbot) -> None:
    window = make_window()
    seed = services.extra["seed"]
    seed["mail"].set_faults(send="permanent")
    seed["chat"].set_faults(send="permanent")
    _open_case_of(window, qtbot, seed["anna"])
    qtbot.waitUntil(lambda: window.composer.account.count() == 2)
    window.composer.editor.setPlainText("Le scriviamo a breve.")
    window.composer.send()
    window.start_sync()
    qtbot.waitUntil(lambda: any(c.row.delivery == "failed" for c in window.timeline.cards), timeout=15000)
    card = next(c for c in window.timeline.cards if c.row.delivery == "failed")
    assert "rejected" in card.state.text() and card.retry_button.isVisibleTo(window)
    seed["mail"].set_faults()
    seed["chat"].set_faults()
    card.retry_button.click()
    qtbot.waitUntil(lambda: card.row.delivery in ("queued", "sending", "sent"), timeout=10000)


def test_edits_removals_and_flags_set_elsewhere_show_on_the_cards(make_window, services, qtbot) -> None:
    from connectors.base import Batch, ItemUpdate

    seed = services.extra["seed"]
    mail, chat = services.accounts.get("posta").id, services.accounts.get("chat").id
    window = make_window()
    _open_case_of(window, qtbot, seed["anna"])
    qtbot.waitUntil(lambda: len(window.timeline.cards) == 2)
    cards = {card.row.channel: card for card in window.timeline.cards}
    assert not cards["email"].marks.isVisibleTo(window)
    assert "scritto anche per email" in cards["chat"].body.toPlainText()
    # Chat shows the person's name; the Matrix ID is one hover away. Email keeps the address.
    assert cards["chat"].who.text() == "← Anna Verdi"
    assert cards["chat"].who.toolTip() == "Anna Verdi <@anna:example.org>"
    assert cards["email"].who.text() == "← Anna Verdi <anna.verdi@example.it>"

    # Another mail program answered and flagged the mail; the customer took the chat back.
    flags = ("\\Seen", "\\Answered", "\\Flagged")
    services.ingest.store_batch(mail, Batch((ItemUpdate("m1", "flags", flags=flags),), None))
    services.ingest.store_batch(chat, Batch((ItemUpdate("c1", "redaction", reason="sent by mistake"),), None))
    qtbot.waitUntil(lambda: cards["chat"].row.meta.get("redacted") is True)
    qtbot.waitUntil(lambda: "flags" in cards["email"].row.meta)
    assert cards["email"].marks.text() == "answered from another mail program · flagged"
    assert cards["email"].marks.isVisibleTo(window)
    assert cards["chat"].marks.text() == "removed: sent by mistake"
    assert cards["chat"].body.toPlainText() == "This message was removed on its channel."

    # The same cards then show another customer's messages without those marks.
    _open_case_of(window, qtbot, seed["paolo_email"])
    qtbot.waitUntil(lambda: [c.row.channel for c in window.timeline.cards] == ["email"])
    assert not window.timeline.cards[0].marks.isVisibleTo(window)
    assert "rimborso" in window.timeline.cards[0].body.toPlainText()


def test_an_edit_is_shown_with_its_time(make_window, services, qtbot) -> None:
    from datetime import UTC, datetime

    from connectors.base import Address, Batch, InboundItem, ItemUpdate

    at = datetime(2026, 11, 20, 9, 45, tzinfo=UTC)
    chat = services.accounts.get("chat").id
    edit = ItemUpdate("c1", "edit", text="Ciao, ho scritto anche per email.", at=at)
    # ...and the shop answered from its phone: our own chat account, seen again.
    echo = InboundItem(
        "c9", "room-anna", Address("matrix", "@support:example.org"), at, "Arriva domani.", direction="out"
    )
    services.ingest.store_batch(chat, Batch((edit, echo), None))
    window = make_window()
    _open_case_of(window, qtbot, services.extra["seed"]["anna"])
    qtbot.waitUntil(lambda: len(window.timeline.cards) == 3)
    card = next(c for c in window.timeline.cards if c.row.channel == "chat" and c.row.direction == "in")
    assert card.marks.text().startswith("edited ") and card.marks.text() != "edited "
    assert "ho scritto anche per email" in card.body.toPlainText()
    ours = next(c for c in window.timeline.cards if c.row.direction == "out")
    assert ours.who.text() == "→ Reply from chat" and ours.who.toolTip() == "@support:example.org"
    from inbox_app.ui.message_card import _is_channel_id

    assert [
        _is_channel_id(s) for s in ("@shop@mastodon.example", "123456789", "Marco", "", "Giulia Rossi")
    ] == [
        True,
        True,
        False,
        False,
        False,
    ]


def test_resolve_with_e_and_undo_with_ctrl_z(make_window, services, qtbot) -> None:
    window = make_window()
    _ready(window, qtbot)
    qtbot.keyClick(window.cases, Qt.Key.Key_J)
    qtbot.waitUntil(lambda: window.case is not None)
    case_id = window.case.id
    qtbot.keyClick(window.cases, Qt.Key.Key_E)
    qtbot.waitUntil(lambda: services.queries.case(case_id).status == "resolved")
    qtbot.waitUntil(lambda: window.case_model.rowCount() == 4)  # gone from "All open"
    assert window.case.id == case_id  # still on screen until the agent moves on
    qtbot.keyClick(window.cases, Qt.Key.Key_J)  # the case that took its place
    qtbot.waitUntil(lambda: window.case.id == window.case_model.case_id(0))
    qtbot.waitUntil(window.undo_action.isEnabled)
    qtbot.keyClick(window.cases, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: services.queries.case(case_id).status == "open")
    qtbot.waitUntil(lambda: window.case_model.rowCount() == 5)
    window.actions_.assign_to_me(case_id)
    qtbot.waitUntil(lambda: services.queries.case(case_id).assignee == "Giulia Rossi")
    mine = window.views_model.row_of("mine")
    window.views.setCurrentIndex(window.views_model.index(mine))
    qtbot.waitUntil(lambda: window.case_model.rowCount() == 1)
    qtbot.waitUntil(lambda: window.views_model.count("mine") == 1)


def test_search_as_you_type_highlights_and_opens(make_window, services, qtbot) -> None:
    window = make_window()
    _ready(window, qtbot)
    qtbot.keyClick(window.cases, Qt.Key.Key_Slash)
    assert window.search.hasFocus()
    qtbot.keyClicks(window.search, "rimbor")
    qtbot.waitUntil(lambda: window.search_model.rowCount() >= 2, timeout=5000)
    assert window.left.currentWidget() is window.search_results
    hit_html = window.search_model.data(window.search_model.index(0), window.search_model.HtmlRole)
    assert "<b><u>rimbor" in hit_html.lower() or "<b><u>Rimbor" in hit_html
    hit = window.search_model.hit(0)
    marked = [hit.snippet[a:b].lower() for a, b in hit.snippet_spans]  # what the row paints in bold
    assert marked and all(word.startswith("rimbor") for word in marked)
    qtbot.keyClick(window.search, Qt.Key.Key_Return)
    assert window.search_results.hasFocus()
    qtbot.keyClick(window.search_results, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.customer is not None and window.customer.name == "Paolo Gallo")
    qtbot.keyClick(window.search_results, Qt.Key.Key_Escape)
    assert window.left.currentWidget() is window.cases and window.search.text() == ""


def test_merge_two_customers_and_undo(make_window, services, qtbot, monkeypatch) -> None:
    window = make_window()
    seed = services.extra["seed"]
    _open_case_of(window, qtbot, seed["paolo_email"])
    panel = window.customer_panel
    qtbot.waitUntil(lambda: panel.customer is not None and panel.customer.id == seed["paolo_email"])
    from inbox_app.ui.dialogs.merge import MergeDialog

    dialog = MergeDialog(window.ws, panel.customer, window)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.query, "paolo")
    qtbot.waitUntil(lambda: dialog.results.count() == 1)
    assert dialog.chosen() == seed["paolo_chat"]
    panel.merge_from(dialog.chosen())
    qtbot.waitUntil(lambda: panel.identities.count() == 2)
    qtbot.waitUntil(lambda: len(window.timeline.cards) == 2)
    assert panel.undo_merge.isEnabled()
    panel.undo_merge.click()
    qtbot.waitUntil(lambda: panel.identities.count() == 1)
    qtbot.waitUntil(lambda: len(window.timeline.cards) == 1)
    assert services.queries.customer(seed["paolo_chat"]).merged_into_id is None


def test_draft_survives_closing_and_rebuilding_the_window(make_window, services, qtbot) -> None:
    window = make_window()
    anna = services.extra["seed"]["anna"]
    _open_case_of(window, qtbot, anna)
    case_id = window.case.id
    qtbot.waitUntil(lambda: window.composer.account.count() == 2)
    window.composer.editor.setFocus()
    qtbot.keyClicks(window.composer.editor, "Gentile Anna, stiamo verificando")
    agent = window.ws.agent_id
    qtbot.waitUntil(
        lambda: (
            (d := window.ws.drafts.load(case_id, agent)) is not None
            and d.text == "Gentile Anna, stiamo verificando"
        ),
        timeout=5000,
    )
    window.close()
    again = make_window()
    _ready(again, qtbot)
    assert again.cases.select_case(case_id)
    qtbot.waitUntil(lambda: again.composer.editor.toPlainText() == "Gentile Anna, stiamo verificando")


def test_live_inbound_message_appears_without_refresh(make_window, services, qtbot) -> None:
    window = make_window()
    seed = services.extra["seed"]
    _open_case_of(window, qtbot, seed["anna"])
    qtbot.waitUntil(lambda: len(window.timeline.cards) == 2)
    before = len(window.timeline.cards)
    window.start_sync()
    seed["chat"].deliver(
        id="c9",
        thread="room-anna",
        **{"from": "@anna:example.org"},
        name="Anna Verdi",
        text="Ci siete? È urgente",
    )
    qtbot.waitUntil(
        lambda: (
            len(window.timeline.cards) == before + 1
            and window.timeline.cards[-1].row.text == "Ci siete? È urgente"
        ),
        timeout=15000,
    )
    qtbot.waitUntil(
        lambda: "posta" in window.status.summary.text() and "chat" in window.status.summary.text()
    )


def test_log_a_call_on_the_case(make_window, services, qtbot) -> None:
    window = make_window()
    seed = services.extra["seed"]
    _open_case_of(window, qtbot, seed["anna"])
    from inbox_app.ui.dialogs.call import CallDialog

    dialog = CallDialog(window.customer, window)
    qtbot.addWidget(dialog)
    dialog.number.setText("+39 333 123 4567")
    dialog.minutes.setValue(4)
    dialog.notes.setPlainText("Richiamare domani")
    window.ws.calls.log(window.case.id, dialog.call_log(), agent_id=window.ws.agent_id)
    qtbot.waitUntil(lambda: window.timeline.cards[-1].row.channel == "phone")
    assert "4 min" in window.timeline.cards[-1].who.text()
    qtbot.waitUntil(
        lambda: any(
            "+393331234567" in window.customer_panel.identities.item(i).text()
            for i in range(window.customer_panel.identities.count())
        )
    )


def test_case_list_columns_and_waiting(make_window, qtbot) -> None:
    window = make_window()
    _ready(window, qtbot)
    model = window.case_model
    qtbot.waitUntil(lambda: model.data(model.index(0, CaseListModel.CUSTOMER)) != "…")
    assert model.data(model.index(0, CaseListModel.CUSTOMER)) == "Paolo Gallo"
    assert model.data(model.index(0, CaseListModel.STATUS)) == "Open"
    assert model.data(model.index(0, CaseListModel.WAITING)).endswith(("min", "h", "d"))
    assert model.data(model.index(0, CaseListModel.CHANNELS), CaseListModel.ChannelsRole) == ["chat"]


def test_attachment_is_saved_where_the_agent_chooses(
    make_window, services, qtbot, monkeypatch, tmp_path
) -> None:
    from connectors.base import Address, AttachmentData, Batch, InboundItem
    from tests.ui.seed import T0

    account = services.accounts.get("posta")
    services.ingest.store_batch(
        account.id,
        Batch(
            (
                InboundItem(
                    external_id="m9",
                    thread_key="t-luca",
                    sender=Address("email", "luca@example.com", "Luca Neri"),
                    sent_at=T0,
                    text="In allegato la ricevuta",
                    subject="Delivery address",
                    attachments=(AttachmentData("../ricevuta.pdf", "application/pdf", b"%PDF-1.4 ricevuta"),),
                ),
            ),
            None,
        ),
    )
    window = make_window()
    luca = next(c.id for c in services.queries.customers() if c.name == "Luca Neri")
    _open_case_of(window, qtbot, luca)
    qtbot.waitUntil(lambda: any(c.row.attachments for c in window.timeline.cards))
    card = next(c for c in window.timeline.cards if c.row.attachments)
    asked = {}
    target = tmp_path / "saved.pdf"

    def fake_dialog(_parent, _title, suggested):
        asked["suggested"] = suggested
        return str(target), ""

    monkeypatch.setattr("inbox_app.ui.timeline_view.QFileDialog.getSaveFileName", fake_dialog)
    card.saveAttachment.emit(card.row.attachments[0])
    qtbot.waitUntil(target.exists)
    assert target.read_bytes() == b"%PDF-1.4 ricevuta"
    assert asked["suggested"].endswith("ricevuta.pdf") and ".." not in asked["suggested"]
    opened = []
    monkeypatch.setattr("inbox_app.ui.timeline_view.QDesktopServices.openUrl", opened.append)
    monkeypatch.setattr(timeline_view, "_OPENED", None)  # this test's own folder of opened copies
    card.openAttachment.emit(card.row.attachments[0])
    qtbot.waitUntil(lambda: len(opened) == 1)
    local = Path(opened[0].toLocalFile())
    assert local.name == "ricevuta.pdf" and local.read_bytes() == b"%PDF-1.4 ricevuta"
    # Opened copies live in one folder of the run, removed when the app quits.
    assert local.parent.parent == Path(timeline_view._opened_copies())
    timeline_view._OPENED.cleanup()
    assert not local.exists()


def test_first_sync_progress_and_errors_show_in_the_status_bar(make_window, services, qtbot) -> None:
    from inbox_app.core.store.models import ChannelAccount

    window = make_window()
    account = services.accounts.get("posta")
    with services.factory() as s, s.begin():
        row = s.get(ChannelAccount, account.id)
        row.progress_done, row.progress_total = 40, 400
    services.accounts.set_status(account.id, "syncing")
    qtbot.waitUntil(lambda: window.status.progress.isVisibleTo(window))
    assert window.status.progress.value() == 40 and window.status.progress.maximum() == 400
    services.accounts.set_status(account.id, "error", "the server did not answer within 30 seconds")
    qtbot.waitUntil(lambda: "did not answer" in window.status.error.text())
    assert not window.status.progress.isVisibleTo(window)
    assert window.findChildren(type(window.status)) == [window.status]  # never a modal dialog


def test_demo_store_opens_with_the_demo_data(qapp, loop, monkeypatch, tmp_path) -> None:
    from inbox_app.ui.launch import open_services

    monkeypatch.setenv("TMPDIR", str(tmp_path))
    services, folder = open_services(None, demo=True)
    try:
        assert folder is not None
        assert len(services.agents.list()) == 3 and services.queries.count_cases() > 0
    finally:
        services.close()
        folder.cleanup()


def test_long_history_pages_in_when_scrolling_up(make_window, services, qtbot) -> None:
    anna = services.extra["seed"]["anna"]
    case = services.queries.customer_cases(anna)[0].id
    for i in range(80):
        services.outbox.queue_reply(case, f"Nota di lavoro {i}", note=True)
    window = make_window()
    _open_case_of(window, qtbot, anna)
    qtbot.waitUntil(lambda: len(window.timeline.cards) >= FIRST_PAGE)
    assert window.timeline.older.isVisibleTo(window)
    bar = window.timeline.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0 and bar.value() == bar.maximum())
    while len(window.timeline.cards) < 82:
        before = len(window.timeline.cards)
        bar.setValue(0)  # the agent scrolls to the top: an older page comes in
        qtbot.waitUntil(lambda before=before: len(window.timeline.cards) > before)
        qtbot.waitUntil(lambda: bar.value() > 0)  # and they stay where they were reading
    assert not window.timeline.older.isVisibleTo(window)
    texts = [c.row.text for c in window.timeline.cards]
    assert texts[-1] == "Nota di lavoro 79" and texts.index("Nota di lavoro 0") < texts.index(
        "Nota di lavoro 79"
    )


def test_remote_images_load_only_when_the_agent_asks(make_window, services, qtbot, tmp_path) -> None:
    import http.server
    import threading

    from PySide6.QtGui import QColor, QImage

    from connectors.base import Address, Batch, InboundItem
    from tests.ui.seed import T0

    image = QImage(4, 4, QImage.Format.Format_RGB32)
    image.fill(QColor("red"))
    image.save(str(tmp_path / "pixel.png"))
    hits: list[str] = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(tmp_path), **kwargs)

        def log_message(self, *args) -> None:
            hits.append(self.path)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/pixel.png"
    try:
        account = services.accounts.get("posta")
        services.ingest.store_batch(
            account.id,
            Batch(
                (
                    InboundItem(
                        external_id="m8",
                        thread_key="t-luca",
                        sender=Address("email", "luca@example.com", "Luca"),
                        sent_at=T0,
                        text="foto",
                        subject="Delivery address",
                        html=f'<p>Ecco la foto</p><img src="{url}">',
                    ),
                ),
                None,
            ),
        )
        window = make_window()
        luca = next(c.id for c in services.queries.customers() if c.name == "Luca Neri")
        _open_case_of(window, qtbot, luca)
        qtbot.waitUntil(lambda: any(c.images_button.isVisibleTo(window) for c in window.timeline.cards))
        card = next(c for c in window.timeline.cards if c.images_button.isVisibleTo(window))
        qtbot.wait(200)
        assert hits == []  # nothing was fetched just by showing the message
        card.images_button.click()
        qtbot.waitUntil(lambda: card.images_allowed, timeout=10000)
        assert hits == ["/pixel.png"] and url in card.body.images
        assert not card.images_button.isVisibleTo(window)
    finally:
        server.shutdown()
        server.server_close()


def test_single_key_shortcuts_open_their_dialogs(make_window, qtbot, monkeypatch) -> None:
    opened: list[str] = []
    for name in ("ShortcutsDialog", "AssignDialog", "SnoozeDialog"):
        monkeypatch.setattr(
            f"inbox_app.ui.window_actions.{name}.exec", lambda self, n=name: opened.append(n) or 0
        )
    window = make_window()
    _ready(window, qtbot)
    qtbot.keyClick(window.cases, Qt.Key.Key_J)
    qtbot.waitUntil(lambda: window.case is not None)
    qtbot.keyClick(window.cases, "?")
    qtbot.keyClick(window.cases, Qt.Key.Key_A)
    qtbot.waitUntil(lambda: "AssignDialog" in opened)  # once the agents are read
    qtbot.keyClick(window.cases, Qt.Key.Key_S)
    assert opened == ["ShortcutsDialog", "AssignDialog", "SnoozeDialog"]
    qtbot.keyClick(window.cases, Qt.Key.Key_N)
    assert window.composer.note.isChecked() and window.composer.editor.hasFocus()
    qtbot.keyClicks(window.composer.editor, "jk")  # letters typed in the editor stay there
    assert window.composer.editor.toPlainText() == "jk"
    qtbot.keyClick(window.composer.editor, Qt.Key.Key_Escape)
    assert window.cases.hasFocus()


def test_reply_longer_than_the_channel_allows_is_blocked(make_window, services, qtbot) -> None:
    window = make_window()
    _open_case_of(window, qtbot, services.extra["seed"]["anna"])
    composer = window.composer
    qtbot.waitUntil(lambda: composer.account.count() == 2)
    composer.editor.setPlainText("x" * 5000)
    assert not composer.send_button.isEnabled()
    counters = [composer.previews.itemAt(i).widget().counter.text() for i in range(composer.previews.count())]
    assert all("5000 / 4096" in c and "too long" in c for c in counters)
    composer.send()
    assert "allows 4096" in composer.status.text()
    composer.note.setChecked(True)  # an internal note has no channel limit
    assert composer.send_button.isEnabled()


def test_customer_details_are_edited_in_the_panel(make_window, services, qtbot) -> None:
    window = make_window()
    luca = next(c.id for c in services.queries.customers() if c.name == "Luca Neri")
    _open_case_of(window, qtbot, luca)
    panel = window.customer_panel
    qtbot.waitUntil(lambda: panel.customer is not None and panel.customer.id == luca)
    panel.name.setText("Luca Neri Bianchi")
    panel.details.setPlainText("azienda: Neri Srl\ncittà: Torino")
    panel.notes.setPlainText("Preferisce essere contattato via email")
    panel.save.click()
    qtbot.waitUntil(lambda: services.queries.customer(luca).name == "Luca Neri Bianchi")
    saved = services.queries.customer(luca)
    assert saved.details == {"azienda": "Neri Srl", "città": "Torino"}
    assert saved.notes == "Preferisce essere contattato via email"
    row = window.case_model.row_of(window.case.id)
    qtbot.waitUntil(lambda: window.case_model.data(window.case_model.index(row, 0)) == "Luca Neri Bianchi")
    qtbot.waitUntil(lambda: window.title.text().startswith("Luca Neri Bianchi"))


def test_new_message_on_an_unassigned_case_notifies(make_window, services, qtbot) -> None:
    shown: list[tuple[str, str]] = []

    class TrayIcon:
        def showMessage(self, title, text, *_args) -> None:  # noqa: N802
            shown.append((title, text))

        def hide(self) -> None:
            pass

    window = make_window()
    window.tray.icon = TrayIcon()
    _ready(window, qtbot)
    seed = services.extra["seed"]
    window.start_sync()
    seed["chat"].deliver(
        id="c7",
        thread="room-paolo",
        name="Paolo Gallo",
        text="Allora, il rimborso?",
        **{"from": "@paolo:example.org"},
    )
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=15000)
    assert shown[0] == ("New messages", "Paolo Gallo: Allora, il rimborso?")


def test_public_channels_are_flagged_before_sending(make_window, services, qtbot) -> None:
    from dataclasses import replace

    window = make_window()
    _open_case_of(window, qtbot, services.extra["seed"]["anna"])
    composer = window.composer
    qtbot.waitUntil(lambda: composer.account.count() == 2)
    composer.editor.setPlainText("Grazie per la recensione!")
    assert not composer.public_warning.isVisibleTo(window)
    current = composer.current_candidate()
    public = replace(current, capabilities=replace(current.capabilities, public=True))
    composer.candidates = [public if c is current else c for c in composer.candidates]
    composer._update_previews()
    assert composer.public_warning.isVisibleTo(window)
    composer.note.setChecked(True)
    assert not composer.public_warning.isVisibleTo(window)


def test_customer_panel_lists_open_cases_and_pages_past_ones(
    make_window, services, qtbot, monkeypatch
) -> None:
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import insert, update

    import inbox_app.ui.customer_panel as panel_module
    from inbox_app.core.store.models import Case

    monkeypatch.setattr(panel_module, "PAST_CASES", 1)
    anna = services.extra["seed"]["anna"]
    with services.factory() as s, s.begin():  # years of history: four old, resolved cases
        for days in (40, 50, 60, 70):
            when = datetime.now(UTC) - timedelta(days=days)
            s.execute(
                insert(Case).values(
                    customer_id=anna,
                    status="resolved",
                    subject=f"Vecchio {days}",
                    opened_at=when,
                    last_message_at=when,
                )
            )
    cases = services.queries.customer_cases(anna)
    with services.factory() as s, s.begin():  # all but the newest are past cases now
        s.execute(update(Case).where(Case.id.in_([c.id for c in cases[1:]])).values(status="resolved"))
    window = make_window()
    window.open_case(cases[0].id)
    panel = window.customer_panel
    qtbot.waitUntil(lambda: panel.customer is not None and panel.customer.id == anna)
    assert panel.open_cases.count() == 1
    past = len(cases) - 1
    assert past >= 5 and panel.past_total == past
    assert panel.past_cases.count() == 2  # the newest past case and "Show older cases"
    more = panel.past_cases.item(1)
    assert str(past - 1) in more.text()
    panel.past_cases.itemClicked.emit(more)
    qtbot.waitUntil(lambda: panel.past_cases.count() == 3)  # one more, and "Show older" again
    listed = [panel.past_cases.item(i).data(Qt.ItemDataRole.UserRole) for i in range(2)]
    assert listed == [c.id for c in cases[1:3]]  # newest first, as in the full list
    assert str(past - 2) in panel.past_cases.item(2).text()


def test_timeline_is_shown_before_the_panel_and_composer_read(
    make_window, services, qtbot, monkeypatch
) -> None:
    order: list[str] = []
    window = make_window()
    apply = window.timeline_model._apply
    monkeypatch.setattr(window.timeline_model, "_apply", lambda *a: (order.append("timeline"), apply(*a)))
    reads = window.ws.reads
    overview, last_account = reads.cases_overview, reads.last_inbound_account
    monkeypatch.setattr(reads, "cases_overview", lambda *a: (order.append("panel"), overview(*a))[1])
    monkeypatch.setattr(
        reads, "last_inbound_account", lambda *a: (order.append("composer"), last_account(*a))[1]
    )
    anna = services.extra["seed"]["anna"]
    _open_case_of(window, qtbot, anna)
    # Walking the list by keyboard passes other customers' cases first: wait for Anna's panel.
    qtbot.waitUntil(
        lambda: (
            window.customer_panel.customer is not None
            and window.customer_panel.customer.id == anna
            and window.composer.account.count() > 0
        )
    )
    assert order.index("timeline") < order.index("panel")
    assert order.index("timeline") < order.index("composer")
    assert window.customer_panel.customer.id == anna and window.case_model._holding is False


def test_a_narrow_case_list_gives_up_columns_before_the_subject(make_window, qtbot) -> None:
    from inbox_app.ui.case_list_view import CaseListView

    window = make_window()
    _ready(window, qtbot)
    cases = window.cases
    shown = lambda: [c for c in range(CaseListModel.COLUMNS) if not cases.isColumnHidden(c)]  # noqa: E731
    window.resize(2400, 900)
    window.default_splits(2400)
    qtbot.waitUntil(lambda: len(shown()) == CaseListModel.COLUMNS)
    window.resize(1366, 768)
    window.default_splits(1366)
    qtbot.waitUntil(lambda: CaseListModel.ASSIGNEE not in shown())
    # What is left fits: the subject keeps room and nothing scrolls sideways.
    assert {CaseListModel.CUSTOMER, CaseListModel.SUBJECT, CaseListModel.WAITING, CaseListModel.DUE} <= set(
        shown()
    )
    qtbot.waitUntil(lambda: not cases.horizontalScrollBar().isVisible())
    assert cases.columnWidth(CaseListModel.SUBJECT) >= 14 * cases.fontMetrics().averageCharWidth() - 1
    assert all(c not in shown() for c in CaseListView.NARROW_DROPS[: CaseListModel.COLUMNS - len(shown())])
    window.resize(2400, 900)
    window.default_splits(2400)
    qtbot.waitUntil(lambda: len(shown()) == CaseListModel.COLUMNS)  # wide again: all come back


def test_the_panel_offers_the_same_name_on_another_channel_to_merge_or_tell_apart(
    make_window, services, qtbot
) -> None:
    window = make_window()
    seed = services.extra["seed"]
    _open_case_of(window, qtbot, seed["paolo_email"])
    panel = window.customer_panel
    similar = panel.similar
    qtbot.waitUntil(lambda: panel.customer is not None and panel.customer.id == seed["paolo_email"])
    qtbot.waitUntil(lambda: similar.isVisibleTo(window) and len(similar.rows) == 1)
    who, merge, apart = similar.rows[0]
    assert "Paolo Gallo" in who.text() and "Chat" in who.text() and "1 open case" in who.text()
    assert "@paolo:example.org" in who.toolTip()
    merge.click()  # the chat customer moves into this one, nothing asked twice
    qtbot.waitUntil(lambda: panel.identities.count() == 2)
    qtbot.waitUntil(lambda: not similar.isVisibleTo(window))
    panel.undo_merge.click()  # two people after all: not offered again
    qtbot.waitUntil(lambda: panel.identities.count() == 1)
    assert services.queries.customer(seed["paolo_chat"]).merged_into_id is None
    assert services.queries.similar_customers(seed["paolo_email"]) == []
    assert not similar.isVisibleTo(window)


def test_the_panel_says_when_the_same_mailbox_name_is_why(make_window, services, qtbot) -> None:
    from tests.unit.core.helpers import batch, item

    seed = services.extra["seed"]
    window = make_window()
    _open_case_of(window, qtbot, seed["paolo_email"])
    similar = window.customer_panel.similar
    qtbot.waitUntil(lambda: len(similar.rows) == 1 and similar.isVisibleTo(window))
    posta = services.accounts.get("posta").id
    services.ingest.store_batch(posta, batch(item("<twin@x>", "paolo.gallo@altro.example", text="sono io")))
    window.customer_panel.load(seed["paolo_email"])
    qtbot.waitUntil(lambda: len(similar.rows) == 2)
    labels = [row[0].text() for row in similar.rows]
    assert "Paolo Gallo" in labels[0] and "same mailbox name" not in labels[0]  # the same name first
    assert "same mailbox name" in labels[1]
    assert "paolo.gallo@altro.example" in similar.rows[1][0].toolTip()


def test_not_the_same_person_hides_the_suggestion_for_good(make_window, services, qtbot) -> None:
    window = make_window()
    seed = services.extra["seed"]
    _open_case_of(window, qtbot, seed["paolo_email"])
    similar = window.customer_panel.similar
    qtbot.waitUntil(lambda: len(similar.rows) == 1 and similar.isVisibleTo(window))
    similar.rows[0][2].click()
    qtbot.waitUntil(lambda: not similar.isVisibleTo(window))
    assert "two different people" in window.customer_panel.message.text()
    assert services.queries.similar_customers(seed["paolo_chat"]) == []
    assert services.queries.customer(seed["paolo_chat"]).merged_into_id is None


def test_taking_a_colleagues_case_is_refused_in_words_in_the_status_bar(make_window, services, qtbot) -> None:
    window = make_window("Marco Bianchi")  # an agent
    _ready(window, qtbot)
    case_id = window.case_model.case_id(0)
    services.cases.assign(case_id, "Sara Conti", actor="Sara Conti")
    window.actions_.assign_to_me(case_id)
    qtbot.waitUntil(
        lambda: window.statusBar().currentMessage().startswith(f"Case #{case_id} is Sara Conti's since ")
    )
    assert services.queries.case(case_id).assignee == "Sara Conti"
    window.actions_.assign(case_id, "Giulia Rossi")  # a free case or not: handing to others is for leads
    qtbot.waitUntil(
        lambda: window.statusBar().currentMessage().startswith("Only leads and admins move cases")
    )
    assert services.queries.case(case_id).assignee == "Sara Conti"
