"""The customer panel: who this is on every channel, their cases, notes, merge and calls."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGridLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from inbox_app.core.clock import utcnow
from inbox_app.core.customers.reach import channel_of_identity
from inbox_app.core.read.rows import CaseRow, CustomerRow, SimilarCustomer
from inbox_app.core.read.workspace import PAST_CASES, CasesOverview
from inbox_app.ui import labels
from inbox_app.ui.appearance import icon
from inbox_app.ui.risk_box import RiskBox
from inbox_app.ui.similar_customers import SimilarCustomers
from inbox_app.ui.workspace import Workspace


class CustomerPanel(QScrollArea):
    caseRequested = Signal(int)
    mergeRequested = Signal()
    callRequested = Signal()
    merged = Signal(int)  # merge id, for undo

    def __init__(self, ws: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ws = ws
        self.customer: CustomerRow | None = None
        self.cases: list[CaseRow] = []  # the cases listed: every open one, the newest past ones
        self.past_total = 0
        self.undoable_merge: int | None = None
        self.setObjectName("customerPanel")
        self.setAccessibleName(self.tr("Customer"))
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        inner = QWidget(self)
        layout = QVBoxLayout(inner)
        layout.setContentsMargins(10, 10, 10, 10)
        form = QFormLayout()
        self.name = QLineEdit(inner)
        self.name.setObjectName("customerName")
        self.name.setAccessibleName(self.tr("Customer name"))
        form.addRow(self.tr("Name"), self.name)
        self.details = QPlainTextEdit(inner)
        self.details.setAccessibleName(self.tr("Details"))
        self.details.setPlaceholderText(self.tr("company: …\ncity: …"))
        self.details.setFixedHeight(self.fontMetrics().height() * 4 + 12)
        form.addRow(self.tr("Details"), self.details)
        self.first_seen = QLabel(inner)
        form.addRow(self.tr("First seen"), self.first_seen)
        self.channels = QLabel(inner)
        self.channels.setWordWrap(True)
        form.addRow(self.tr("Channels"), self.channels)
        layout.addLayout(form)
        self.risk = RiskBox(inner)
        layout.addWidget(self.risk)
        layout.addWidget(self._heading(self.tr("Identities"), inner))
        self.identities = QListWidget(inner)
        self.identities.setAccessibleName(self.tr("Identities"))
        layout.addWidget(self.identities)
        self.similar = SimilarCustomers(inner)
        layout.addWidget(self.similar)
        self._open_heading = self._heading(self.tr("Open cases"), inner)
        layout.addWidget(self._open_heading)
        self.open_cases = QListWidget(inner)
        self.open_cases.setAccessibleName(self.tr("Open cases"))
        layout.addWidget(self.open_cases)
        self._past_heading = self._heading(self.tr("Past cases"), inner)
        layout.addWidget(self._past_heading)
        self.past_cases = QListWidget(inner)
        self.past_cases.setAccessibleName(self.tr("Past cases"))
        layout.addWidget(self.past_cases)
        layout.addWidget(self._heading(self.tr("Notes about this customer"), inner))
        self.notes = QPlainTextEdit(inner)
        self.notes.setAccessibleName(self.tr("Notes about this customer"))
        self.notes.setFixedHeight(self.fontMetrics().height() * 5 + 12)
        layout.addWidget(self.notes)
        row = QGridLayout()
        self.save = QPushButton(self.tr("Save"), inner)
        self.merge = QPushButton(icon("merge"), self.tr("Merge…"), inner)
        self.merge.setToolTip(self.tr("Merge another customer into this one"))
        self.undo_merge = QPushButton(self.tr("Undo merge"), inner)
        self.call = QPushButton(icon("channel-phone"), self.tr("Log a call…"), inner)
        for i, w in enumerate((self.save, self.call, self.merge, self.undo_merge)):
            w.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
            w.setMinimumWidth(60)
            w.setToolTip(w.toolTip() or w.text())
            row.addWidget(w, i // 2, i % 2)
        layout.addLayout(row)
        self.message = QLabel(inner)
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        layout.addStretch(1)
        for lst in (self.identities, self.open_cases, self.past_cases):
            _fit(lst)
            lst.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            lst.setTextElideMode(Qt.TextElideMode.ElideRight)
        # With no customer to show, the panel says so instead of greying out the last
        # customer's details (which would still be readable, and belong to someone else).
        holder = QWidget(self)
        stack = QVBoxLayout(holder)
        stack.setContentsMargins(0, 0, 0, 0)
        self.empty = QLabel(self.tr("No customer selected."), holder)
        self.empty.setObjectName("emptyHint")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.empty.setWordWrap(True)
        # As far down as the timeline's header, so the two hints stand level.
        self._empty_gap = QLabel(holder)
        self._empty_gap.setFixedHeight(self.fontMetrics().height() * 2 + 4)
        stack.addWidget(self._empty_gap)
        stack.addWidget(self.empty)
        stack.addWidget(inner)
        stack.addStretch(1)
        self._inner = inner
        self.setWidget(holder)
        self.save.clicked.connect(self.save_edits)
        self.merge.clicked.connect(self.mergeRequested)
        self.call.clicked.connect(self.callRequested)
        self.undo_merge.clicked.connect(self.undo_last_merge)
        self.similar.mergeRequested.connect(self.merge_from)
        self.similar.distinguishRequested.connect(self.distinguish_from)
        self.risk.notAtRiskRequested.connect(self.ask_not_at_risk)
        self.open_cases.itemActivated.connect(self._case_clicked)
        self.open_cases.itemClicked.connect(self._case_clicked)
        self.past_cases.itemActivated.connect(self._case_clicked)
        self.past_cases.itemClicked.connect(self._case_clicked)
        self._more_item: QListWidgetItem | None = None
        ws.bridge.customersChanged.connect(self._customers_changed)
        ws.bridge.casesChanged.connect(self._cases_changed)
        ws.bridge.changesMissed.connect(self._missed)
        self._shown(False)

    def _shown(self, shown: bool) -> None:
        """The customer's details when there is one, the hint when there is none."""
        self._inner.setVisible(shown)
        self.empty.setVisible(not shown)
        self._empty_gap.setVisible(not shown)
        self.setEnabled(shown)

    @staticmethod
    def _heading(text: str, parent: QWidget) -> QLabel:
        label = QLabel(text, parent)
        label.setObjectName("panelHeading")
        return label

    def load(self, customer_id: int | None) -> None:
        self._wanted_id = customer_id
        if customer_id is None:
            self.customer = None
            self._shown(False)
            return
        queries = self._ws.services.queries
        customers = self._ws.services.customers
        risks = self._ws.services.risk
        self._generation = getattr(self, "_generation", 0) + 1
        generation = self._generation

        def gather() -> tuple[CustomerRow, CasesOverview, int | None, list[SimilarCustomer], Any]:
            customer = queries.customer(customer_id)
            merges = [
                m
                for m in customers.merges(customer_id)
                if m["target_id"] == customer_id and m["undone_at"] is None
            ]
            # Every open case, but only the newest past ones: a customer of many years has
            # hundreds, and the panel must not hold up the timeline for them.
            overview = self._ws.reads.cases_overview(customer_id, PAST_CASES)
            similar = queries.similar_customers(customer_id) if customer.merged_into_id is None else []
            today = utcnow().date()
            risk = (risks.stored(customer_id), risks.trend(customer_id, today=today), today)
            return customer, overview, merges[-1]["id"] if merges else None, similar, risk

        self._ws.call(
            gather,
            task="customer panel",
            done=lambda r: self._show(r) if generation == self._generation else None,
        )

    def _show(
        self, result: tuple[CustomerRow, CasesOverview, int | None, list[SimilarCustomer], Any]
    ) -> None:
        customer, overview, merge_id, similar, risk = result
        risk_row, trend, today = risk
        self.risk.show_risk(risk_row, trend, today, threshold=self._ws.risk_threshold)
        self.customer, self.undoable_merge = customer, merge_id
        self.cases = overview.open + overview.past
        self.past_total = overview.past_total
        self._shown(True)
        self.name.setText(customer.name)
        self.details.setPlainText("\n".join(f"{k}: {v}" for k, v in customer.details.items()))
        self.notes.setPlainText(customer.notes or "")
        self.first_seen.setText(labels.when(customer.created_at))
        used = sorted(overview.channels | {channel_of_identity(i.kind) for i in customer.identities})
        self.channels.setText(", ".join(labels.word(labels.CHANNEL, c) for c in used))
        self.identities.clear()
        for ident in customer.identities:
            channel = channel_of_identity(ident.kind)
            item = QListWidgetItem(
                icon(f"channel-{channel}"), f"{labels.word(labels.IDENTITY, ident.kind)}: {ident.value}"
            )
            item.setToolTip(ident.value)
            self.identities.addItem(item)
        _fit(self.identities)
        self.similar.show_suggestions(similar)
        self.open_cases.clear()
        self.past_cases.clear()
        self._more_item = None
        for case in overview.open:
            self.open_cases.addItem(self._case_item(case))
        _fit(self.open_cases, self._open_heading)
        self._add_past(overview.past)
        self.undo_merge.setEnabled(merge_id is not None)

    def _case_item(self, case: CaseRow) -> QListWidgetItem:
        item = QListWidgetItem(
            f"#{case.id} {case.subject or self.tr('(no subject)')} · {labels.word(labels.STATUS, case.status)}"
        )
        item.setData(Qt.ItemDataRole.UserRole, case.id)
        item.setToolTip(f"{item.text()}\n{labels.when(case.last_message_at)}")
        return item

    def _add_past(self, cases: list[CaseRow]) -> None:
        if self._more_item is not None:
            self.past_cases.takeItem(self.past_cases.row(self._more_item))
            self._more_item = None
        for case in cases:
            self.past_cases.addItem(self._case_item(case))
        left = self.past_total - self.past_cases.count()
        if left > 0:
            self._more_item = QListWidgetItem(self.tr("Show older cases ({n} more)").format(n=left))
            self._more_item.setData(Qt.ItemDataRole.UserRole, 0)
            self._more_item.setToolTip(self.tr("List {n} more past cases").format(n=min(left, PAST_CASES)))
            self.past_cases.addItem(self._more_item)
        _fit(self.past_cases, self._past_heading)

    def show_more_past(self) -> None:
        """The next page of past cases, at the end of the list."""
        if (
            self.customer is None
            or self._more_item is None
            or self._more_item.data(Qt.ItemDataRole.UserRole) < 0
        ):
            return
        self._more_item.setData(Qt.ItemDataRole.UserRole, -1)  # asked for; a second click waits
        customer_id, offset, generation = self.customer.id, self.past_cases.count() - 1, self._generation

        def done(cases: list[CaseRow]) -> None:
            if generation == self._generation:
                self.cases = self.cases + cases
                self._add_past(cases)

        self._ws.call(
            self._ws.reads.past_cases, customer_id, offset, PAST_CASES, done=done, task="past cases"
        )

    def _case_clicked(self, item: QListWidgetItem) -> None:
        if item is self._more_item:
            self.show_more_past()
            return
        self.caseRequested.emit(int(item.data(Qt.ItemDataRole.UserRole)))

    def _customers_changed(self, event: Any) -> None:
        wanted = getattr(self, "_wanted_id", None)
        if wanted is not None and wanted in event.customer_ids:
            self.load(wanted)

    def _missed(self, _event: Any) -> None:
        wanted = getattr(self, "_wanted_id", None)
        if wanted is not None:
            self.load(wanted)

    def _cases_changed(self, event: Any) -> None:
        wanted = getattr(self, "_wanted_id", None)
        if wanted is not None and (
            not event.case_ids
            or set(event.case_ids) & {c.id for c in self.cases}
            or self.customer is None
            or self.customer.id != wanted
        ):
            self.load(wanted)

    def save_edits(self) -> None:
        if self.customer is None:
            return
        details: dict[str, str] = {}
        for line in self.details.toPlainText().splitlines():
            key, sep, value = line.partition(":")
            if sep and key.strip():
                details[key.strip()] = value.strip()
        customer_id = self.customer.id
        self._ws.call(
            self._ws.services.customers.update,
            customer_id,
            name=self.name.text(),
            notes=self.notes.toPlainText(),
            details=details,
            actor=self._ws.actor,
            done=lambda _r: self.message.setText(self.tr("Saved.")),
            failed=lambda exc: self.message.setText(str(exc)),
            task="save customer",
        )

    def merge_from(self, source_id: int) -> None:
        if self.customer is None:
            return
        target = self.customer.id

        def done(merge_id: int) -> None:
            self.undoable_merge = merge_id
            self.undo_merge.setEnabled(True)
            self.message.setText(self.tr("Customers merged. Undo merge puts them apart again."))
            self.merged.emit(merge_id)

        self._ws.call(
            self._ws.services.customers.merge,
            source_id,
            target,
            actor=self._ws.actor,
            done=done,
            failed=lambda exc: self.message.setText(str(exc)),
            task="merge",
        )

    def distinguish_from(self, other_id: int) -> None:
        """The agent says the suggested customer is someone else: not offered again."""
        if self.customer is None:
            return
        self._ws.call(
            self._ws.services.customers.distinguish,
            self.customer.id,
            other_id,
            actor=self._ws.actor,
            done=lambda _added: self.message.setText(self.tr("Noted: two different people.")),
            failed=lambda exc: self.message.setText(str(exc)),
            task="tell customers apart",
        )

    def ask_not_at_risk(self) -> None:
        """The agent says the score is wrong, and why (kept in the audit trail)."""
        if self.customer is None:
            return
        reason, ok = QInputDialog.getText(
            self,
            self.tr("Not at risk"),
            self.tr("Why is {name} not at risk? The score reads 0 until they write again.").format(
                name=self.customer.name
            ),
        )
        if ok and reason.strip():
            self.mark_not_at_risk(reason.strip())

    def mark_not_at_risk(self, reason: str) -> None:
        if self.customer is None:
            return
        self._ws.call(
            self._ws.services.risk.mute,
            self.customer.id,
            actor=self._ws.actor,
            reason=reason,
            done=lambda _row: self.message.setText(self.tr("Marked not at risk.")),
            failed=lambda exc: self.message.setText(str(exc)),
            task="not at risk",
        )

    def undo_last_merge(self) -> None:
        if self.undoable_merge is None:
            return
        merge_id = self.undoable_merge
        self.undoable_merge = None
        self.undo_merge.setEnabled(False)
        self._ws.call(
            self._ws.services.customers.unmerge,
            merge_id=merge_id,
            actor=self._ws.actor,
            done=lambda _pair: self.message.setText(self.tr("Merge undone.")),
            failed=lambda exc: self.message.setText(str(exc)),
            task="unmerge",
        )


def _fit(lst: QListWidget, heading: QLabel | None = None, most: int = 6) -> None:
    """As tall as its rows, up to ``most`` (then it scrolls): a customer with one identity
    and no past cases gets a short panel, not three boxes of empty space. A list with
    ``heading`` is hidden with it while empty (a customer with no past cases yet)."""
    if heading is not None:
        heading.setVisible(lst.count() > 0)
        lst.setVisible(lst.count() > 0)
    row = lst.sizeHintForRow(0) if lst.count() else lst.fontMetrics().height() + 6
    lst.setFixedHeight(max(1, min(lst.count(), most)) * max(row, 1) + 2 * lst.frameWidth() + 2)
