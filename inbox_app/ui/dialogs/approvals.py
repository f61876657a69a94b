"""A reply held for a lead: read it beside what the customer wrote, then approve or reject.

The lead may edit the reply before approving it; the reply as written is kept too
(core/approvals.py). A rejection needs a reason: the author reads it on the reply's card.
The decision runs off the GUI thread; a refusal (someone decided first, one's own reply)
is said in the dialog, which stays open.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from inbox_app.core.approvals import AlreadyDecided, ApprovalRow, NotALead, OwnReply
from inbox_app.core.vocab import ApprovalRule
from inbox_app.ui.workspace import Workspace


def rule_words(row: ApprovalRow) -> str:
    """Why the reply waits, in the user's language."""
    if row.rule == ApprovalRule.TRAINEE:
        return QCoreApplication.translate("Approvals", "its author is a trainee")
    if row.rule == ApprovalRule.LOW_RATING:
        if row.stars == 1:
            return QCoreApplication.translate("Approvals", "it answers a 1-star review")
        if row.stars is not None:
            return QCoreApplication.translate("Approvals", "it answers a {n}-star review").format(n=row.stars)
        return QCoreApplication.translate("Approvals", "it answers a low-rated review")
    if row.rule == ApprovalRule.PUBLIC:
        return QCoreApplication.translate("Approvals", "everyone can read it")
    return row.rule


class ApprovalDialog(QDialog):
    def __init__(self, ws: Workspace, row: ApprovalRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ws = ws
        self.row = row
        self.setObjectName("approvalDialog")
        self.setWindowTitle(self.tr("Reply awaiting approval"))
        layout = QVBoxLayout(self)
        intro = self.tr("Reply by {author} on case #{case} ({account}), held because {why}.").format(
            author=row.author or self.tr("an unnamed agent"),
            case=row.case_id if row.case_id is not None else "—",
            account=row.account or "—",
            why=rule_words(row),
        )
        self.intro = QLabel(intro, self)
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        wrote = row.answering or self.tr("(nothing from the customer in this conversation)")
        # A long mail would push the reply out of the dialog: its start here, all of it on hover.
        self.answering = QLabel(wrote if len(wrote) <= 600 else wrote[:600].rstrip() + " …", self)
        self.answering.setToolTip(wrote if len(wrote) > 600 else "")
        self.answering.setObjectName("approvalAnswering")
        self.answering.setWordWrap(True)
        self.answering.setFrameShape(QFrame.Shape.StyledPanel)
        self.answering.setMargin(6)
        self.answering.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(self.tr("The customer wrote:"), self.answering)
        self.editor = QPlainTextEdit(row.text, self)
        self.editor.setObjectName("approvalEditor")
        self.editor.setAccessibleName(self.tr("Reply to approve"))
        self.editor.setToolTip(
            self.tr("Edit the reply before approving it if it needs it; the text as written is kept")
        )
        self.editor.textChanged.connect(self._update)
        form.addRow(self.tr("Reply:"), self.editor)
        self.reason = QLineEdit(self)
        self.reason.setObjectName("approvalReason")
        self.reason.setPlaceholderText(self.tr("Needed to reject: the author reads it"))
        self.reason.textChanged.connect(self._update)
        form.addRow(self.tr("Reason:"), self.reason)
        layout.addLayout(form, 1)
        self.problem = QLabel(self)
        self.problem.setObjectName("approvalProblem")
        self.problem.setWordWrap(True)
        self.problem.hide()
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox(self)
        self.approve_button = QPushButton(self.tr("&Approve and send"), self)
        self.reject_button = QPushButton(self.tr("&Reject"), self)
        self.cancel_button = QPushButton(self.tr("Cancel"), self)
        buttons.addButton(self.approve_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.reject_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        for button in (self.approve_button, self.reject_button, self.cancel_button):
            button.setAutoDefault(False)
        self.approve_button.clicked.connect(self._approve)
        self.reject_button.clicked.connect(self._reject)
        self.cancel_button.clicked.connect(self.reject)
        layout.addWidget(buttons)
        self._busy = False
        self._settled = False  # someone else decided meanwhile: nothing left to do here
        self._update()
        self.resize(560, 420)

    def edited(self) -> bool:
        return self.editor.toPlainText() != self.row.text

    def _update(self) -> None:
        text_ok = bool(self.editor.toPlainText().strip())
        self.approve_button.setText(
            self.tr("&Approve edited reply") if self.edited() else self.tr("&Approve and send")
        )
        free = not self._busy and not self._settled
        self.approve_button.setEnabled(text_ok and free)
        self.reject_button.setEnabled(bool(self.reason.text().strip()) and free)
        self.reject_button.setToolTip(
            "" if self.reason.text().strip() else self.tr("Write the reason first: the author reads it")
        )

    def _approve(self) -> None:
        text = self.editor.toPlainText() if self.edited() else None
        self._run(self._ws.services.approvals.approve, self.row.id, actor=self._ws.actor, text=text)

    def _reject(self) -> None:
        self._run(self._ws.services.approvals.reject, self.row.id, self.reason.text(), actor=self._ws.actor)

    def _run(self, fn, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        self._busy = True
        self._update()
        self._ws.call(
            fn, *args, done=self._decided, failed=self._refused, task="decide on held reply", **kwargs
        )

    def _decided(self, row: ApprovalRow) -> None:
        self.row = row
        self.accept()

    def _refused(self, exc: Exception) -> None:
        self._busy = False
        if isinstance(exc, AlreadyDecided):
            why = self.tr("{who} already decided on this reply.").format(
                who=exc.by or self.tr("Another lead")
            )
            self._settled = True
            self.cancel_button.setText(self.tr("Close"))
        elif isinstance(exc, OwnReply):
            why = self.tr("This is your own reply: another lead decides on it.")
        elif isinstance(exc, NotALead):
            why = self.tr("Only leads and admins decide on held replies.")
        else:
            why = str(exc)
        self.problem.setText(self.tr("Not done: {why}").format(why=why))
        self.problem.show()
        self._update()
