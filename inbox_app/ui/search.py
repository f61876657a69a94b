"""Global search: results as you type, over messages and customers, matches highlighted."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAbstractTextDocumentLayout, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import QListView, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from inbox_app.core.search import SearchError, highlight_spans
from inbox_app.ui import labels
from inbox_app.ui.context import Workspace

ModelIndex = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Hit:
    kind: str  # "customer" or "message"
    customer_id: int
    case_id: int | None
    title: str
    snippet: str
    html: str


def _marked(text: str, query: str) -> str:
    out, last = [], 0
    for start, end in highlight_spans(text, query):
        out.append(html.escape(text[last:start]))
        out.append(f"<b><u>{html.escape(text[start:end])}</u></b>")
        last = end
    out.append(html.escape(text[last:]))
    return "".join(out)


def _snippet(text: str, query: str, width: int = 140) -> str:
    flat = " ".join(text.split())
    spans = highlight_spans(flat, query)
    start = max(0, spans[0][0] - width // 3) if spans else 0
    piece = flat[start : start + width]
    return ("…" if start else "") + piece + ("…" if start + width < len(flat) else "")


class SearchModel(QAbstractListModel):
    HitRole = Qt.ItemDataRole.UserRole + 1
    HtmlRole = Qt.ItemDataRole.UserRole + 2

    finished = Signal(str)  # the query whose results are now shown

    def __init__(self, ws: Workspace, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ws = ws
        self._hits: list[Hit] = []
        self._query = ""
        self._generation = 0
        # Long enough to skip the letters of a word typed quickly, short enough that
        # results follow the last key within about a tenth of a second.
        self._timer = QTimer(self, singleShot=True, interval=60)
        self._timer.timeout.connect(self._run)

    def set_query(self, query: str) -> None:
        self._query = query.strip()
        self._timer.start()

    def run_now(self) -> None:
        self._timer.stop()
        self._run()

    def _run(self) -> None:
        self._generation += 1
        generation, query = self._generation, self._query
        if not query:
            self._apply(generation, query, [])
            return
        services = self._ws.services

        def find() -> list[Hit]:
            hits: list[Hit] = []
            for c in services.queries.customers(limit=5, text=query):
                ident = ", ".join(i.value for i in c.identities[:2])
                hits.append(
                    Hit(
                        "customer",
                        c.id,
                        c.open_case_ids[-1] if c.open_case_ids else None,
                        c.name,
                        ident,
                        f"<b>{_marked(c.name, query)}</b> · {html.escape(ident)}",
                    )
                )
            try:
                messages = services.search.search(query, limit=50)
            except SearchError:
                messages = []
            names = services.queries.customer_names(m.customer_id for m in messages)
            for m in messages:
                who = names.get(m.customer_id) or m.sender or ""
                body = m.text or ""
                if m.subject and not highlight_spans(body, query):
                    body = f"{m.subject} — {body}"  # the match is in the subject
                snippet = _snippet(body, query)
                title = f"{labels.word(labels.CHANNEL, m.channel)} · {who} · {labels.when(m.sent_at)}"
                hits.append(
                    Hit(
                        "message",
                        m.customer_id,
                        m.case_id,
                        title,
                        snippet,
                        f"<span style='opacity:.7'>{html.escape(title)}</span><br>{_marked(snippet, query)}",
                    )
                )
            return hits

        self._ws.call(find, done=lambda hits: self._apply(generation, query, hits), task="search")

    def _apply(self, generation: int, query: str, hits: list[Hit]) -> None:
        if generation != self._generation:
            return
        self.beginResetModel()
        self._hits = hits
        self.endResetModel()
        self.finished.emit(query)

    def hit(self, row: int) -> Hit | None:
        return self._hits[row] if 0 <= row < len(self._hits) else None

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._hits)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._hits)):
            return None
        hit = self._hits[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return f"{hit.title}: {hit.snippet}"
        if role == self.HtmlRole:
            return hit.html
        if role == self.HitRole:
            return hit
        return None


class HtmlDelegate(QStyledItemDelegate):
    """Rich text rows, so highlighted words stand out."""

    def _doc(self, option: QStyleOptionViewItem, index: ModelIndex) -> QTextDocument:
        doc = QTextDocument()
        doc.setDefaultFont(option.font)
        doc.setHtml(index.data(SearchModel.HtmlRole) or "")
        doc.setTextWidth(max(100, option.rect.width() - 12))
        return doc

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: ModelIndex) -> None:
        self.initStyleOption(option, index)
        style = option.widget.style() if option.widget else None
        option.text = ""
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        doc = self._doc(option, index)
        context = QAbstractTextDocumentLayout.PaintContext()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        context.palette.setColor(QPalette.ColorRole.Text, option.palette.color(role))
        painter.save()
        painter.translate(option.rect.left() + 6, option.rect.top() + 4)
        doc.documentLayout().draw(painter, context)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: ModelIndex) -> QSize:  # noqa: N802
        doc = self._doc(option, index)
        return QSize(int(doc.idealWidth()), int(doc.size().height()) + 8)


class SearchResults(QListView):
    hitChosen = Signal(object)  # Hit

    def __init__(self, model: SearchModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self._model = model
        self.setObjectName("searchResults")
        self.setAccessibleName(self.tr("Search results"))
        self.setItemDelegate(HtmlDelegate(self))
        self.setWordWrap(True)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.activated.connect(self._chosen)

    def _chosen(self, index: QModelIndex) -> None:
        hit = self._model.hit(index.row())
        if hit is not None:
            self.hitChosen.emit(hit)
