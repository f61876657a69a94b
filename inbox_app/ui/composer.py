"""The composer under the timeline: account, templates, per-channel preview, notes, drafts.

The draft is written (debounced) as the agent types and restored when the case
is opened again, after a restart or a crash.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from inbox_app.core.outbox.files import content_type_of, read_files, size_words
from inbox_app.core.outbox.rules import Refusal, Refused, check_for_channel, check_reply
from inbox_app.core.read.rows import CaseRow, CustomerRow
from inbox_app.core.templates import TemplateRow, render
from inbox_app.ui import labels
from inbox_app.ui.appearance import icon
from inbox_app.ui.channel_preview import Candidate, ChannelPreview, ChosenFile, reachable
from inbox_app.ui.reply_files import ReplyFiles
from inbox_app.ui.send_check import SeenMessages
from inbox_app.ui.workspace import Workspace

if TYPE_CHECKING:
    from inbox_app.core.outbox.queue import ReplyHeld
    from inbox_app.ui.dialogs.held_reply import HeldReplyDialog
    from inbox_app.ui.timeline_model import TimelineModel

logger = logging.getLogger(__name__)


class Composer(QWidget):
    sent = Signal(int)  # message id
    edited = Signal(bool)  # the agent changed the text or the files (True: of a note)

    def __init__(self, ws: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ws = ws
        self.setObjectName("composer")
        self.case: CaseRow | None = None
        self.customer: CustomerRow | None = None
        self.candidates: list[Candidate] = []
        self.templates: list[TemplateRow] = []
        self._template: TemplateRow | None = None
        self._restoring = False
        self._filled_for: int | None = None  # the case whose draft is in the editor
        self._early = False  # the agent typed or chose a mode before the draft was read
        # The newest message the agent has seen: a reply goes "after" it (send-time check).
        self.seen = SeenMessages(self.is_idle, self)
        self.held_dialog: HeldReplyDialog | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 8)
        bar = QHBoxLayout()
        self.account = QComboBox(self)
        # The whole account name ("whatsapp-telegram", "assistenza-email"): it says where the
        # reply goes. Capped, so an unusually long name cannot push Send off a small window.
        self.account.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.account.setMaximumWidth(self.fontMetrics().averageCharWidth() * 28 + 48)
        self.account.setAccessibleName(self.tr("Reply through"))
        self.account.setToolTip(self.tr("Channel account the reply goes through"))
        self.template = QComboBox(self)
        self.template.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.template.setMinimumContentsLength(10)
        self.template.setAccessibleName(self.tr("Insert template"))
        self.note = QCheckBox(self.tr("Internal note"), self)
        self.note.setToolTip(self.tr("Only agents see a note (n)"))
        self.send_button = QPushButton(icon("send"), self.tr("Send"), self)
        self.send_button.setToolTip(self.tr("Send (Ctrl+Enter)"))
        self.send_button.setObjectName("sendButton")
        for w in (self.account, self.template, self.note):
            bar.addWidget(w)
        bar.addStretch(1)
        bar.addWidget(self.send_button)
        layout.addLayout(bar)
        body = QHBoxLayout()
        self.editor = QPlainTextEdit(self)
        self.editor.setObjectName("replyEditor")
        self.editor.setAccessibleName(self.tr("Reply text"))
        self.editor.setPlaceholderText(self.tr("Write a reply… (r to reply, n for a note, Ctrl+Enter sends)"))
        body.addWidget(self.editor, 3)
        self.previews_area = QScrollArea(self)
        self.previews_area.setWidgetResizable(True)
        self.previews_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.previews_area.setAccessibleName(self.tr("Preview per channel"))
        self.previews_host = QWidget(self.previews_area)
        self.previews = QVBoxLayout(self.previews_host)
        self.previews.setContentsMargins(0, 0, 0, 0)
        self.previews_area.setWidget(self.previews_host)
        body.addWidget(self.previews_area, 2)
        layout.addLayout(body, 1)
        self.files = ReplyFiles(self)
        self.files.take_drops_on(self.editor.viewport())
        layout.addWidget(self.files)
        self.public_warning = QLabel(
            self.tr("Public reply: everyone can read it on the channel, not only this customer."), self
        )
        self.public_warning.setObjectName("publicWarning")
        self.public_warning.setWordWrap(True)
        self.public_warning.hide()
        layout.addWidget(self.public_warning)
        self.status = QLabel(self)
        self.status.setObjectName("composerStatus")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self._save_timer = QTimer(self, singleShot=True, interval=600)
        self._save_timer.timeout.connect(self.save_draft)
        self.editor.textChanged.connect(self._text_changed)
        self.account.currentIndexChanged.connect(self._account_changed)
        self.note.toggled.connect(self._mode_changed)
        self.template.activated.connect(self._template_chosen)
        self.files.changed.connect(self._text_changed)
        self.send_button.clicked.connect(lambda: self.send())
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self.send)
        attach = QShortcut(QKeySequence("Ctrl+Shift+A"), self)
        attach.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        attach.activated.connect(lambda: self.files.choose() if self.files.attach.isEnabled() else None)
        self.setEnabled(False)

    # ------------------------------------------------------------ case switching

    def set_case(self, case: CaseRow | None, customer: CustomerRow | None, *, load: bool = True) -> None:
        """Show ``case``; with ``load=False`` its accounts and draft are read on ``load()``.

        Until they are in, the editor is empty: what the agent types meanwhile belongs
        to this case and is kept when the saved draft arrives.
        """
        if self._save_timer.isActive():
            self._save_timer.stop()
            self.save_draft()
        self.case, self.customer = case, customer
        self.status.clear()
        self.setEnabled(case is not None)
        if case is None or customer is None:
            self.seen.opened(None, None)
            self._filled_for = None
            self._restoring = True
            self.editor.clear()
            self.files.clear()
            self._restoring = False
            return
        if self._filled_for != case.id:
            self._filled_for = None
            self._early = False
            self._restoring = True
            self.editor.clear()
            self.files.clear()  # files chosen for one case never go with another's reply
            self._restoring = False
        if load:
            self.load()

    def load(self) -> None:
        """Read the accounts, templates and draft of the case shown."""
        case, customer, ws = self.case, self.customer, self._ws
        if case is None or customer is None:
            return

        def gather() -> tuple[list[Candidate], list[TemplateRow], Any, str | None, int | None]:
            newest = ws.services.queries.newest_message_id(case.id)  # before the rest: what is on screen
            candidates = reachable(ws.services.accounts.list(), customer, ws.services.registry)
            draft = ws.drafts.load(case.id, ws.agent_id)
            # The account the customer last wrote through, in this case or else at all.
            last = ws.reads.last_inbound_account(customer.id, case.id)
            if last is None:
                last = ws.reads.last_inbound_account(customer.id)
            return candidates, ws.services.templates.list(), draft, last, newest

        case_id = case.id
        ws.call(gather, done=lambda r: self._fill(case_id, *r), task="composer")

    def _fill(
        self,
        case_id: int,
        candidates: list[Candidate],
        templates: list[TemplateRow],
        draft: Any,
        last_account: str | None,
        newest: int | None = None,
    ) -> None:
        if self.case is None or self.case.id != case_id:
            return
        self.seen.opened(case_id, newest)
        self._restoring = True
        self._filled_for = case_id
        early, self._early = self._early, False
        self.candidates, self.templates = candidates, templates
        self.account.blockSignals(True)
        self.account.clear()
        for c in candidates:
            self.account.addItem(icon(f"channel-{c.account.channel}"), c.account.name, c.account.name)
            self.account.setItemData(
                self.account.count() - 1,
                labels.word(labels.CHANNEL, c.account.channel),
                Qt.ItemDataRole.ToolTipRole,
            )
        names = [c.account.name for c in candidates]
        wanted = None
        if draft is not None and draft.account_id is not None:
            wanted = next((c.account.name for c in candidates if c.account.id == draft.account_id), None)
        wanted = wanted or (last_account if last_account in names else None)
        if wanted:
            self.account.setCurrentIndex(names.index(wanted))
        self.account.blockSignals(False)
        self.template.clear()
        self.template.addItem(self.tr("Insert template…"), None)
        for t in templates:
            self.template.addItem(t.name, t.id)
        if early:
            # The agent started writing before the draft was read: theirs wins.
            self.note.setChecked(self.note.isChecked() or not candidates)
        else:
            self.note.setChecked(bool(draft.note) if draft else not candidates)
            self.editor.setPlainText(draft.text if draft else "")
            self.files.clear()
            self.files.add([Path(f) for f in draft.files] if draft else [])
        self._restoring = False
        self._rebuild_previews()
        self._mode_changed(self.note.isChecked())

    # ------------------------------------------------------------ editing

    def current_candidate(self) -> Candidate | None:
        name = self.account.currentData()
        return next((c for c in self.candidates if c.account.name == name), None)

    def _text_changed(self) -> None:
        """The text or the files changed: previews follow, and the draft is saved soon."""
        if not self._restoring and self._filled_for is None:
            self._early = True
        self._update_previews()
        if not self._restoring and self.case is not None:
            self._save_timer.start()
            self.edited.emit(self.note.isChecked())

    def _account_changed(self, _index: int) -> None:
        candidate = self.current_candidate()
        if self._template is not None and candidate is not None:
            self._restoring = True
            self.editor.setPlainText(self._render(self._template, candidate.account.channel))
            self._restoring = False
        self._update_previews()
        if not self._restoring:
            self._save_timer.start()

    def _mode_changed(self, note: bool) -> None:
        self.account.setEnabled(not note)
        self.previews_area.setVisible(not note)
        self.send_button.setText(self.tr("Add note") if note else self.tr("Send"))
        self.editor.setProperty("note", note)
        self.editor.style().unpolish(self.editor)
        self.editor.style().polish(self.editor)
        self._update_previews()
        if not self._restoring and self.case is not None:
            self._save_timer.start()

    def _template_chosen(self, index: int) -> None:
        template_id = self.template.itemData(index)
        template = next((t for t in self.templates if t.id == template_id), None)
        self.template.setCurrentIndex(0)
        if template is None:
            return
        candidate = self.current_candidate()
        self.insert_template(template, candidate.account.channel if candidate else "")

    def insert_template(self, template: TemplateRow, channel: str) -> None:
        self._template = template
        self.editor.insertPlainText(self._render(template, channel))
        self.editor.setFocus()

    def _render(self, template: TemplateRow, channel: str) -> str:
        customer, case, agent = self.customer, self.case, self._ws.agent
        name = customer.name if customer else ""
        agent_name = agent.name if agent else ""
        return render(
            template.body_for(channel),
            {
                "customer": {"name": name, "first_name": name.split(" ")[0] if name else ""},
                "agent": {"name": agent_name, "first_name": agent_name.split(" ")[0] if agent_name else ""},
                "case": {"id": case.id if case else "", "subject": case.subject if case else ""},
            },
        )

    def _rebuild_previews(self) -> None:
        while self.previews.count():
            item = self.previews.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        seen = set()
        for c in self.candidates:
            if c.account.channel in seen:
                continue
            seen.add(c.account.channel)
            self.previews.addWidget(ChannelPreview(c, self.previews_host))
        self._update_previews()

    def _update_previews(self) -> None:
        text = self.editor.toPlainText()
        chosen = self.current_candidate()
        for i in range(self.previews.count()):
            item = self.previews.itemAt(i)
            widget = item.widget() if item is not None else None
            if isinstance(widget, ChannelPreview):
                variant = text
                if self._template is not None and text == self._render(
                    self._template, chosen.account.channel if chosen is not None else ""
                ):
                    variant = self._render(self._template, widget.candidate.account.channel)
                widget.show_text(variant)
        candidate = self.current_candidate()
        note = self.note.isChecked()
        public = candidate is not None and candidate.capabilities.public and not note
        self.public_warning.setVisible(public)
        carries = note or (candidate is not None and candidate.capabilities.attachments)
        self.files.attach.setEnabled(carries)
        if carries:
            self.files.attach.setToolTip(self.tr("Send files with the reply"))
        elif candidate is not None:
            self.files.attach.setToolTip(
                self.tr("{account} cannot carry files").format(account=candidate.account.name)
            )
        self.send_button.setEnabled(self.can_send())

    def blocked_reason(self) -> str | None:
        text = self.editor.toPlainText()
        files = self.files.paths
        refusal = check_reply(text, len(files), self.files.total_size() if files else 0)
        if refusal is None and not self.note.isChecked():
            candidate = self.current_candidate()
            if candidate is None:
                return self.tr(
                    "This customer cannot be reached through any channel account; add a note instead."
                )
            chosen = [ChosenFile(p.name, content_type_of(p)) for p in files]
            refusal = check_for_channel(text, chosen, candidate.capabilities, candidate.account.name)
        return None if refusal is None else self.refusal_words(refusal)

    def refusal_words(self, refusal: Refusal) -> str:
        """Why the reply cannot go, in the agent's language."""
        account = refusal.account
        match refusal.code:
            case Refused.EMPTY:
                return self.tr("Nothing to send yet.")
            case Refused.FILES_TOO_LARGE:
                return self.tr("The files come to {size}; a reply carries at most {limit}.").format(
                    size=size_words(refusal.length), limit=size_words(refusal.limit)
                )
            case Refused.NO_FILES:
                return self.tr(
                    "{account} cannot carry files: remove them, choose another channel, or add them to a note."
                ).format(account=account)
            case Refused.TOO_MANY_FILES:
                return self.tr("{account} takes at most {n} files in one reply.").format(
                    account=account, n=refusal.limit
                )
            case Refused.FILE_KINDS:
                return self.tr("{account} takes only these kinds of file: {kinds}. Remove {names}.").format(
                    account=account, kinds=refusal.kinds, names=", ".join(refusal.names)
                )
            case Refused.TOO_LONG if refusal.unit == "bytes":
                return self.tr("The reply is {n} bytes long; {account} allows {limit}.").format(
                    n=refusal.length, account=account, limit=refusal.limit
                )
            case Refused.TOO_LONG:
                return self.tr("The reply is {n} characters long; {account} allows {limit}.").format(
                    n=refusal.length, account=account, limit=refusal.limit
                )
            case Refused.UNREACHABLE:
                return self.tr("The customer has no {kind} identity, so {account} cannot reach them.").format(
                    kind=refusal.kinds, account=account
                )

    def can_send(self) -> bool:
        return self.case is not None and self.blocked_reason() is None

    def is_idle(self) -> bool:
        """Nothing written yet: the agent is reading, not answering."""
        return not self.editor.toPlainText().strip() and not self.files.paths

    def follow_timeline(self, timeline: TimelineModel) -> None:
        """What the timeline shows of the case while nothing is written counts as seen."""
        self.seen.follow(timeline)

    # ------------------------------------------------------------ drafts and sending

    def save_draft(self) -> None:
        if self.case is None:
            return
        candidate = self.current_candidate()
        self._ws.call(
            self._ws.drafts.save,
            self.case.id,
            self._ws.agent_id,
            self.editor.toPlainText(),
            account_id=candidate.account.id if candidate else None,
            note=self.note.isChecked(),
            files=[str(p) for p in self.files.paths],
            task="save draft",
        )

    def start(self, note: bool) -> None:
        if self._filled_for is None:
            self._early = True
        self.note.setChecked(note or not self.candidates)
        self.editor.setFocus()

    def send(self, *, force: bool = False) -> None:
        """Queue what is written; with ``force``, even if the case has news since it was seen."""
        reason = self.blocked_reason()
        if self.case is None:
            return
        if reason is not None:
            self.status.setText(reason)
            return
        case_id, text, note = self.case.id, self.editor.toPlainText(), self.note.isChecked()
        candidate = self.current_candidate()
        account = None if note or candidate is None else candidate.account.name
        paths = list(self.files.paths)
        after = self.seen.newest if self.seen.case_id == case_id else None
        self._save_timer.stop()
        self.send_button.setEnabled(False)

        def queue() -> tuple[int, bool]:
            message_id = self._ws.services.outbox.queue_reply(
                case_id,
                text,
                account=account,
                note=note,
                agent_id=self._ws.agent_id,
                attachments=read_files(paths),
                after=after,
                force=force,
            )
            self._ws.drafts.discard(case_id, self._ws.agent_id)
            # Held for a lead (core/approvals.py): "queued" would promise it is on its way.
            held = self._ws.services.queries.message(message_id).delivery == "awaiting_approval"
            return message_id, held

        def done(result: tuple[int, bool]) -> None:
            message_id, held = result
            if self.case is not None and self.case.id == case_id:
                self._restoring = True
                self.editor.clear()
                self.files.clear()
                self._template = None
                self._restoring = False
                if note:
                    self.status.setText(self.tr("Note added."))
                elif held:
                    self.status.setText(
                        self.tr("Reply held: it waits for a lead's approval before it is sent.")
                    )
                else:
                    self.status.setText(self.tr("Reply queued."))
            self.send_button.setEnabled(self.can_send())
            self.sent.emit(message_id)

        def failed(exc: Exception) -> None:
            from inbox_app.core.outbox.queue import ReplyError, ReplyHeld

            if isinstance(exc, ReplyHeld):
                self.send_button.setEnabled(self.can_send())
                self._held(exc)
                return
            refusal = exc.refusal if isinstance(exc, ReplyError) else None
            reason = str(exc) if refusal is None else self.refusal_words(refusal)
            self.status.setText(self.tr("Not sent: {reason}").format(reason=reason))
            self.send_button.setEnabled(self.can_send())

        self._ws.call(queue, done=done, failed=failed, task="queue reply")

    # ------------------------------------------------------------ held at Send

    def _held(self, held: ReplyHeld) -> None:
        """The case moved on while the agent wrote: show what arrived, let them choose."""
        from inbox_app.ui.dialogs.held_reply import HeldReplyDialog

        self.status.setText(self.tr("Not sent yet: new messages arrived on this case."))
        self._save_timer.start()  # the text is kept as a draft unless the agent discards it
        if self.case is None or self.case.id != held.case_id:
            return  # the agent is on another case now; the reply stays in that case's draft
        dialog = HeldReplyDialog(held.newer, self)
        self.held_dialog = dialog
        dialog.finished.connect(lambda _result: self._held_choice(held, dialog))
        dialog.open()

    def _held_choice(self, held: ReplyHeld, dialog: HeldReplyDialog) -> None:
        from inbox_app.ui.dialogs.held_reply import HeldChoice

        self.held_dialog = None
        dialog.deleteLater()
        if self.case is None or self.case.id != held.case_id:
            return
        self.seen.saw(m.id for m in held.newer)  # shown in the dialog: seen now
        if dialog.choice == HeldChoice.SEND:
            self.send(force=True)
            return
        if dialog.choice == HeldChoice.DISCARD:
            self._save_timer.stop()
            self._restoring = True
            self.editor.clear()
            self.files.clear()
            self._template = None
            self._restoring = False
            self._ws.call(self._ws.drafts.discard, held.case_id, self._ws.agent_id, task="discard draft")
            self.status.setText(self.tr("Reply discarded."))
            self._update_previews()
        else:
            self.status.setText(self.tr("Your reply is kept: read the new messages, then send it again."))
        if self.seen.timeline is not None:
            self.seen.timeline.reload()  # the new messages on screen, whatever the feed missed
        self.editor.setFocus()
