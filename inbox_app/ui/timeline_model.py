"""The customer's timeline as a list model: newest page first, older pages on demand.

Rows are MessageRows in time order. Paging walks backwards by (sent_at, id);
new messages and delivery changes arrive through the bridge and touch only
their own rows.

Reads run on worker threads and may come back in any order: a reply's "failed"
can be read before its "sending" lands, or change while the read that adds it
is still on its way. Every live read is numbered, and a row only ever takes the
answer of the newest read asked for it (see ``_merge``).
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal

from inbox_app.core.read.queries import NotFound
from inbox_app.core.read.rows import CaseRow, MessageRow
from inbox_app.ui import labels
from inbox_app.ui.workspace import Workspace

logger = logging.getLogger(__name__)
PAGE = 50
FIRST_PAGE = 10  # enough to fill the pane; the rest pages in as the agent scrolls up
ModelIndex = QModelIndex | QPersistentModelIndex


class TimelineModel(QAbstractListModel):
    MessageRole = Qt.ItemDataRole.UserRole + 1
    MessageIdRole = Qt.ItemDataRole.UserRole + 2

    loaded = Signal()  # the first page of a customer is in
    olderLoaded = Signal(int)  # how many rows came in at the top

    def __init__(self, ws: Workspace, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ws = ws
        self._rows: list[MessageRow] = []
        self._customer_id: int | None = None
        self._case_only: int | None = None
        self._has_older = False
        self._loading_older = False
        self._generation = 0
        # Live reads of this customer's messages: the number of the newest read asked
        # for each message, and the newest row read for it with that read's number.
        self._seq = 0
        self._asked: dict[int, int] = {}
        self._live: dict[int, tuple[int, MessageRow]] = {}
        self._applied = 0
        self.cases: dict[int, CaseRow] = {}
        ws.bridge.messagesAdded.connect(self._added)
        ws.bridge.messagesChanged.connect(self._changed)
        ws.bridge.customersChanged.connect(self._customers_changed)
        ws.bridge.casesChanged.connect(self._cases_changed)
        ws.bridge.changesMissed.connect(self._missed)

    # ------------------------------------------------------------ loading

    @property
    def customer_id(self) -> int | None:
        return self._customer_id

    @property
    def loading_older(self) -> bool:
        return self._loading_older

    @property
    def loading(self) -> bool:
        return self._applied != self._generation

    def load(self, customer_id: int | None, case_only: int | None = None) -> None:
        self._forget_live(customer_id)
        self._generation += 1
        generation = self._generation
        self._customer_id, self._case_only = customer_id, case_only
        asked = self._seq
        if customer_id is None:
            self._apply(generation, ([], {}), asked)
            return
        self._ws.call(
            self.first_page,
            customer_id,
            case_only,
            done=lambda result: self._apply(generation, result, asked),
            task="timeline",
        )

    def reload(self) -> None:
        """Read the shown customer's messages again (the filter kept)."""
        if self._customer_id is not None:
            self.load(self._customer_id, self._case_only)

    @property
    def live_reads(self) -> int:
        """The number of the newest live read asked so far: a first page read elsewhere
        (``show``) and asked for after it is newer than every live read up to it."""
        return self._seq

    def first_page(
        self, customer_id: int, case_only: int | None = None
    ) -> tuple[list[MessageRow], dict[int, CaseRow]]:
        """The newest messages of a customer and their cases (worker thread; see ``show``)."""
        queries = self._ws.services.queries
        rows = queries.timeline(customer_id, case_id=case_only, limit=FIRST_PAGE)
        # Only the cases these messages belong to: a long-standing customer can have
        # hundreds, and the first page must not wait for all of them.
        return rows, queries.cases_by_id({r.case_id for r in rows if r.case_id is not None})

    def show(
        self,
        customer_id: int,
        case_only: int | None,
        result: tuple[list[MessageRow], dict[int, CaseRow]],
        asked: int | None = None,
    ) -> None:
        """Show a first page read by ``first_page`` along with other work; ``asked`` is
        ``live_reads`` when that read was asked for (None: newer than every live read)."""
        self._forget_live(customer_id)
        self._generation += 1
        self._customer_id, self._case_only = customer_id, case_only
        self._apply(self._generation, result, self._seq if asked is None else asked)

    def _forget_live(self, customer_id: int | None) -> None:
        if customer_id != self._customer_id:
            self._live, self._asked = {}, {}

    def _apply(
        self, generation: int, result: tuple[list[MessageRow], dict[int, CaseRow]], asked: int
    ) -> None:
        if generation != self._generation:
            return
        rows, cases = result
        self._applied = generation
        # A live read asked after the page was is newer than the page's copy of a row.
        newer = {i: row for i, (seq, row) in self._live.items() if seq > asked}
        rows = [newer.get(r.id, r) for r in rows]
        # A page read before a live message arrived must not drop it: keep those newer
        # than the page (the same customer's, still matching the case filter).
        newest = (rows[-1].sent_at, rows[-1].id) if rows else None
        page_ids = {r.id for r in rows}
        late = [
            r
            for _seq, r in self._live.values()
            if r.customer_id == self._customer_id
            and r.id not in page_ids
            and (self._case_only is None or r.case_id == self._case_only)
            and (newest is None or (r.sent_at, r.id) > newest)
        ]
        if late:
            rows = [*rows, *sorted(late, key=lambda r: (r.sent_at, r.id))]
        self.beginResetModel()
        self._rows, self.cases = rows, cases
        self._has_older = len(rows) >= FIRST_PAGE
        self._loading_older = False
        self.endResetModel()
        self.loaded.emit()

    def canFetchMore(self, parent: ModelIndex = QModelIndex()) -> bool:  # noqa: B008, N802
        return not parent.isValid() and self._has_older and not self._loading_older

    def fetchMore(self, parent: ModelIndex = QModelIndex()) -> None:  # noqa: B008, N802
        if parent.isValid() or not self._rows or self._customer_id is None or self._loading_older:
            return
        self._loading_older = True
        first = self._rows[0]
        generation, customer_id, case_only = self._generation, self._customer_id, self._case_only
        self._ws.call(
            self._ws.services.queries.timeline,
            customer_id,
            case_id=case_only,
            limit=PAGE,
            before=(first.sent_at, first.id),
            task="older messages",
            done=lambda rows: self._prepend(generation, rows, (first.sent_at, first.id)),
        )

    def _prepend(
        self, generation: int, rows: list[MessageRow], before: tuple[Any, int] | None = None
    ) -> None:
        if generation != self._generation:
            return
        self._loading_older = False
        self._has_older = len(rows) >= PAGE
        if before is not None and rows and (rows[0].sent_at, rows[0].id) >= before:
            # The store answered with messages that are not older than those shown:
            # asking again would bring the same page forever.
            logger.warning("older messages came back newer than the page shown; paging stopped")
            self._has_older = False
        known = {r.id for r in self._rows}
        rows = [r for r in rows if r.id not in known]
        if rows:
            self.beginInsertRows(QModelIndex(), 0, len(rows) - 1)
            self._rows[0:0] = rows
            self.endInsertRows()
            if any(r.case_id is not None and r.case_id not in self.cases for r in rows):
                self._refresh_cases()
        self.olderLoaded.emit(len(rows))

    # ------------------------------------------------------------ live changes

    def _added(self, event: Any) -> None:
        if self._customer_id is None or self._customer_id not in event.customer_ids:
            return
        self._read_live(tuple(event.message_ids), "new messages")

    def _changed(self, event: Any) -> None:
        # Those on screen, and those whose first read is still on its way: a reply can
        # fail before the read that adds it to the timeline has come back.
        shown = {r.id for r in self._rows}
        mine = tuple(i for i in event.message_ids if i in shown or i in self._asked)
        if mine:
            self._read_live(mine, "changed messages")

    def _read_live(self, ids: tuple[int, ...], task: str) -> None:
        self._seq += 1
        seq, customer_id = self._seq, self._customer_id
        for message_id in ids:
            self._asked[message_id] = seq
        self._ws.call(
            self._fetch_messages, ids, task=task, done=lambda rows: self._merge(customer_id, seq, rows)
        )

    def _fetch_messages(self, ids: tuple[int, ...]) -> list[MessageRow]:
        out = []
        for message_id in ids:
            try:
                out.append(self._ws.services.queries.message(message_id))
            except NotFound:
                continue
        return out

    def _merge(self, customer_id: int | None, seq: int, rows: list[MessageRow]) -> None:
        """Rows of live read number ``seq``: each replaces the one shown or joins in place.

        Not tied to the generation: a reload of the same customer may be in flight,
        read before these rows changed; ``_apply`` takes them over when it lands."""
        if customer_id != self._customer_id:
            return
        for row in sorted(rows, key=lambda r: (r.sent_at, r.id)):
            if self._asked.get(row.id, seq) > seq or row.customer_id != self._customer_id:
                continue  # a newer read of this row is on its way
            self._live[row.id] = (seq, row)
            self._put(row)

    def _put(self, row: MessageRow) -> None:
        for i, old in enumerate(self._rows):
            if old.id == row.id:
                self._rows[i] = row
                self.dataChanged.emit(self.index(i), self.index(i))
                return
        if self._case_only is not None and row.case_id != self._case_only:
            return
        at = len(self._rows)
        while at > 0 and (self._rows[at - 1].sent_at, self._rows[at - 1].id) > (row.sent_at, row.id):
            at -= 1
        if at == 0 and self._has_older:
            return  # older than what is shown: it comes with its page
        self.beginInsertRows(QModelIndex(), at, at)
        self._rows.insert(at, row)
        self.endInsertRows()
        if row.case_id is not None and row.case_id not in self.cases:
            self._refresh_cases()

    def _customers_changed(self, event: Any) -> None:
        if self._customer_id in event.customer_ids:
            self.load(self._customer_id, self._case_only)

    def _missed(self, _event: Any) -> None:
        if self._customer_id is not None:
            self.load(self._customer_id, self._case_only)

    def _cases_changed(self, event: Any) -> None:
        if not event.case_ids or set(event.case_ids) & set(self.cases):
            self._refresh_cases()

    def _refresh_cases(self) -> None:
        if self._customer_id is None:
            return
        generation = self._generation

        wanted = set(self.cases) | {r.case_id for r in self._rows if r.case_id is not None}

        def done(cases: dict[int, CaseRow]) -> None:
            if generation == self._generation:
                self.cases = dict(cases)
                if self._rows:
                    self.dataChanged.emit(self.index(0), self.index(len(self._rows) - 1))

        self._ws.call(self._ws.services.queries.cases_by_id, wanted, done=done, task="timeline cases")

    # ------------------------------------------------------------ Qt model

    def message(self, row: int) -> MessageRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{labels.word(labels.CHANNEL, row.channel)} · {row.sender or ''}: {row.text[:200]}"
        if role == self.MessageRole:
            return row
        if role == self.MessageIdRole:
            return row.id
        return None
