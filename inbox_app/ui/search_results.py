"""Global search: results as you type, over messages and customers, matches highlighted."""

from __future__ import annotations

import html
import logging
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QPointF,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPalette,
    QTextCharFormat,
    QTextLayout,
)
from PySide6.QtWidgets import QListView, QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from inbox_app.core.read.search import SearchError, highlight_spans
from inbox_app.core.read.search import snippet as search_snippet
from inbox_app.core.read.workspace import CustomerHit
from inbox_app.ui import labels
from inbox_app.ui.workspace import Workspace

logger = logging.getLogger(__name__)
ModelIndex = QModelIndex | QPersistentModelIndex
DEBOUNCE_MS = 0  # the next turn of the loop: keys handled in one turn make one search
FIRST_MESSAGES = 20  # a screenful of message hits, shown as soon as they are found
FIRST_WINDOW = 100  # ranked among this many newest matches; scrolling brings the full ranking
MORE_MESSAGES = 100


@dataclass(frozen=True)
class Hit:
    kind: str  # "customer" or "message"
    customer_id: int
    case_id: int | None
    title: str
    snippet: str
    html: str
    message_id: int | None = None
    title_spans: tuple[tuple[int, int], ...] = ()  # where the words searched for are
    snippet_spans: tuple[tuple[int, int], ...] = ()


def _marked(text: str, query: str) -> str:
    out, last = [], 0
    for start, end in highlight_spans(text, query):
        out.append(html.escape(text[last:start]))
        out.append(f"<b><u>{html.escape(text[start:end])}</u></b>")
        last = end
    out.append(html.escape(text[last:]))
    return "".join(out)


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
        self._more = False  # the first screenful was full: more hits can be fetched
        self._fetching = False
        # Gathers the keys handled in one turn of the loop (a paste, a burst); searches
        # never pile up, as a new one waits for the one running and keys typed meanwhile
        # make one more search when it ends (see _run).
        self._busy = False
        self._again = False
        self._timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._timer.timeout.connect(self._run)

    def set_query(self, query: str) -> None:
        self._query = query.strip()
        self._timer.start()

    def run_now(self) -> None:
        self._timer.stop()
        self._run()

    def _run(self) -> None:
        if self._busy:
            self._again = True  # one search at a time: the newest text runs when this ends
            return
        self._generation += 1
        generation, query = self._generation, self._query
        if not query:
            self._apply(generation, query, [])
            return
        self._busy = True

        # One job: the customers whose name or address contains the text, then the first
        # screenful of messages (two jobs side by side were slower: they share the GIL).
        def find() -> list[Hit]:
            return self._customer_hits(query) + self._first_messages(query)

        def done(hits: list[Hit]) -> None:
            self._finish_run()
            self._apply(generation, query, hits)

        def failed(exc: Exception) -> None:
            self._finish_run()
            if self._ws.report_error is not None:
                self._ws.report_error(type(exc), exc, exc.__traceback__)
            else:
                logger.error("search failed", exc_info=exc)

        self._ws.call(find, done=done, failed=failed, task="search")

    def _finish_run(self) -> None:
        self._busy = False
        if self._again:
            self._again = False
            QTimer.singleShot(0, self, self._run)

    def _customer_hits(self, query: str) -> list[Hit]:
        return [self._customer_hit(c, query) for c in self._ws.reads.find_customers(query, limit=5)]

    def _first_messages(self, query: str) -> list[Hit]:
        """Worker thread: whole-word matches first (cheap even for a common word), then,
        if they do not fill a screen, the words the text begins (the agent may be mid-word)."""
        hits = self._message_hits(query, FIRST_MESSAGES, FIRST_WINDOW, prefix=False)
        if len(hits) < FIRST_MESSAGES:
            shown = {h.message_id for h in hits}
            more = self._message_hits(query, FIRST_MESSAGES, FIRST_WINDOW)
            hits += [h for h in more if h.message_id not in shown][: FIRST_MESSAGES - len(hits)]
        return hits

    @staticmethod
    def _customer_hit(c: CustomerHit, query: str) -> Hit:
        ident = ", ".join(c.identities)
        return Hit(
            "customer",
            c.id,
            c.open_case_id,
            c.name,
            ident,
            f"<b>{_marked(c.name, query)}</b> · {html.escape(ident)}",
            title_spans=tuple(highlight_spans(c.name, query)),
            snippet_spans=tuple(highlight_spans(ident, query)),
        )

    def _message_hits(self, query: str, limit: int, window: int | None, prefix: bool = True) -> list[Hit]:
        """Worker thread: message hits, best first, with their customers' names."""
        services = self._ws.services
        try:
            messages = services.search.search(query, limit=limit, window=window, prefix=prefix)
        except SearchError:
            return []
        names = services.queries.customer_names(m.customer_id for m in messages)
        hits = []
        for m in messages:
            who = names.get(m.customer_id) or m.sender or ""
            body = m.text or ""
            if m.subject and not highlight_spans(body, query):
                body = f"{m.subject} — {body}"  # the match is in the subject
            snippet = search_snippet(body, query)
            title = f"{labels.word(labels.CHANNEL, m.channel)} · {who} · {labels.when(m.sent_at)}"
            hits.append(
                Hit(
                    "message",
                    m.customer_id,
                    m.case_id,
                    title,
                    snippet,
                    f"<span style='opacity:.7'>{html.escape(title)}</span><br>{_marked(snippet, query)}",
                    m.id,
                    snippet_spans=tuple(highlight_spans(snippet, query)),
                )
            )
        return hits

    def canFetchMore(self, parent: ModelIndex = QModelIndex()) -> bool:  # noqa: B008, N802
        return not parent.isValid() and self._more and not self._fetching

    def fetchMore(self, parent: ModelIndex = QModelIndex()) -> None:  # noqa: B008, N802
        if parent.isValid() or not self._more or self._fetching:
            return
        self._fetching = True
        generation, query = self._generation, self._query
        self._ws.call(
            self._message_hits,
            query,
            MORE_MESSAGES,
            None,
            done=lambda hits: self._append(generation, hits),
            task="more search results",
        )

    def _append(self, generation: int, hits: list[Hit]) -> None:
        if generation != self._generation:
            return
        self._fetching = False
        self._more = False  # the full ranking is in: nothing further to fetch
        shown = {h.message_id for h in self._hits if h.message_id is not None}
        new = [h for h in hits if h.message_id not in shown]
        if new:
            self.beginInsertRows(QModelIndex(), len(self._hits), len(self._hits) + len(new) - 1)
            self._hits.extend(new)
            self.endInsertRows()

    def _apply(self, generation: int, query: str, hits: list[Hit]) -> None:
        if generation != self._generation:
            return
        self.beginResetModel()
        self._hits = hits
        self._more = sum(h.kind == "message" for h in hits) >= FIRST_MESSAGES
        self._fetching = False
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


class HitDelegate(QStyledItemDelegate):
    """A result in three lines of plain text, the words searched for in bold and underlined.

    Painted with QTextLayout from spans found in the worker thread: no rich text is
    parsed or laid out per row, and every row has the same height, so the view lays
    out only the rows it shows.
    """

    LINES = 3

    def sizeHint(self, option: QStyleOptionViewItem, index: ModelIndex) -> QSize:  # noqa: N802
        return QSize(200, self.LINES * option.fontMetrics.lineSpacing() + 10)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: ModelIndex) -> None:
        self.initStyleOption(option, index)
        option.text = ""
        style = option.widget.style() if option.widget else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        hit = index.data(SearchModel.HitRole)
        if hit is None:
            return
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        color = option.palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        rect = option.rect.adjusted(6, 5, -6, -5)
        line = option.fontMetrics.lineSpacing()
        title_font = QFont(option.font)
        if hit.kind == "customer":
            title_font.setBold(True)
            title_color = color
        else:
            title_color = QColor(color)
            title_color.setAlphaF(0.7)
        painter.save()
        title = QFontMetrics(title_font).elidedText(hit.title, Qt.TextElideMode.ElideRight, rect.width())
        _draw_text(painter, title, hit.title_spans, title_font, title_color, rect.topLeft(), rect.width(), 1)
        top = rect.topLeft() + QPoint(0, line)
        _draw_text(
            painter, hit.snippet, hit.snippet_spans, option.font, color, top, rect.width(), self.LINES - 1
        )
        painter.restore()


def _draw_text(
    painter: QPainter,
    text: str,
    spans: tuple[tuple[int, int], ...],
    font: QFont,
    color: QColor,
    at: QPoint,
    width: int,
    max_lines: int,
) -> None:
    layout = QTextLayout(text, font)
    marked = QTextCharFormat()
    marked.setFontWeight(QFont.Weight.Bold)
    marked.setFontUnderline(True)
    ranges = []
    for start, end in spans:
        if start < len(text):
            span = QTextLayout.FormatRange()
            span.start, span.length, span.format = start, min(end, len(text)) - start, marked
            ranges.append(span)
    layout.setFormats(ranges)
    layout.beginLayout()
    y = 0.0
    for _ in range(max_lines):
        row = layout.createLine()
        if not row.isValid():
            break
        row.setLineWidth(width)
        row.setPosition(QPointF(0, y))
        y += row.height()
    layout.endLayout()
    painter.setPen(color)
    layout.draw(painter, QPointF(at))


class SearchResults(QListView):
    hitChosen = Signal(object)  # Hit

    def __init__(self, model: SearchModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self._model = model
        self.setObjectName("searchResults")
        self.setAccessibleName(self.tr("Search results"))
        self.setItemDelegate(HitDelegate(self))
        self.setUniformItemSizes(True)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.activated.connect(self._chosen)

    def _chosen(self, index: QModelIndex) -> None:
        hit = self._model.hit(index.row())
        if hit is not None:
            self.hitChosen.emit(hit)
