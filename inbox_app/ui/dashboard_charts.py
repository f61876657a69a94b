"""The dashboard's charts (pyqtgraph): stacked bars per day and lines with points per day.

Each bar and point knows the figure it draws; a click on it emits ``picked`` with a label
and the cases behind it, a hover shows its value. Panning and zooming are off: a lead reads
a period, picked above the charts, not a plot to explore.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

import pyqtgraph as pg
from PySide6.QtCore import QDate, QLocale, QPointF, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QToolTip, QWidget

from inbox_app.core.service.report import Figure

#: Colours that stay apart for the colour-blind (Okabe-Ito), one per series.
COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
HIT_PIXELS = 10  # how near a click must land to a point to pick it
HEADROOM = 1.3  # the value axis goes this far above the highest value: room for the legend


@dataclass(frozen=True)
class Hit:
    x: float
    y0: float
    y1: float  # a point: y0 == y1
    figure: Figure
    label: str
    tip: str


def short_day(d: date) -> str:
    """ "2 Mar", "2 mar": the day and the month's short name, in the window's language."""
    return QLocale().toString(QDate(d.year, d.month, d.day), "d MMM")


class Chart(pg.PlotWidget):
    picked = Signal(str, list)  # label, case ids

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        palette = parent.palette() if parent is not None else QPalette()
        super().__init__(parent, background=palette.color(QPalette.ColorRole.Base))
        text = palette.color(QPalette.ColorRole.Text)
        self._text = text
        self.setTitle(title, color=text.name(), size="10pt")
        for side in ("left", "bottom"):
            axis = self.getAxis(side)
            axis.setTextPen(text)
            axis.setPen(pg.mkPen(palette.color(QPalette.ColorRole.Mid)))
        self.setMouseEnabled(x=False, y=False)
        self.hideButtons()
        self.setMenuEnabled(False)
        self.showGrid(y=True, alpha=0.15)
        self.setMinimumSize(320, 220)
        self.legend = self.addLegend(
            offset=(8, 4), labelTextColor=text, brush=pg.mkBrush(palette.color(QPalette.ColorRole.Base))
        )
        self.hits: list[Hit] = []
        self.scene().sigMouseClicked.connect(self._clicked)
        self.scene().sigMouseMoved.connect(self._moved)

    def reset(self, days: Sequence[date]) -> None:
        self.clear()
        self.legend.clear()
        self.hits = []
        step = max(1, math.ceil(len(days) / 6))  # "12 Oct" needs about a sixth of a chart
        self.getAxis("bottom").setTicks([[(i, short_day(d)) for i, d in enumerate(days) if i % step == 0]])
        # Room beside the first and last bars: their dates keep their labels.
        self.setXRange(-1.0, max(len(days), 1), padding=0)

    def hit_at(self, scene_pos: QPointF) -> Hit | None:
        vb = self.getPlotItem().getViewBox()
        if not vb.sceneBoundingRect().contains(scene_pos):
            return None
        at = vb.mapSceneToView(scene_pos)
        best: tuple[float, Hit] | None = None
        for hit in self.hits:
            if hit.y0 != hit.y1:  # a bar: inside it
                if abs(at.x() - hit.x) <= 0.4 and hit.y0 <= at.y() <= hit.y1:
                    return hit
                continue
            where = vb.mapViewToScene(QPointF(hit.x, hit.y0))
            d = math.hypot(where.x() - scene_pos.x(), where.y() - scene_pos.y())
            if d <= HIT_PIXELS and (best is None or d < best[0]):
                best = (d, hit)
        return best[1] if best else None

    def scene_point(self, hit: Hit) -> QPointF:
        """Where a hit is drawn, in scene coordinates (the middle of a bar)."""
        vb = self.getPlotItem().getViewBox()
        return vb.mapViewToScene(QPointF(hit.x, (hit.y0 + hit.y1) / 2))

    def _clicked(self, event: object) -> None:
        hit = self.hit_at(event.scenePos())  # type: ignore[attr-defined]
        if hit is not None and hit.figure.case_ids:
            self.picked.emit(hit.label, hit.figure.cases)

    def _moved(self, scene_pos: QPointF) -> None:
        hit = self.hit_at(scene_pos)
        if hit is None:
            QToolTip.hideText()
            return
        # Points drawn on one another (a median equal to its p90) share the tip.
        tips = [h.tip for h in self.hits if (h.x, h.y0, h.y1) == (hit.x, hit.y0, hit.y1)]
        QToolTip.showText(self.mapToGlobal(self.mapFromScene(scene_pos)), "\n".join(tips), self)


class BarChart(Chart):
    """Bars per day, stacked by series (volume per channel; backlog)."""

    def show_bars(
        self, days: Sequence[date], series: dict[str, list[Figure]], name: Callable[[str], str], unit: str
    ) -> None:
        self.reset(days)
        base = [0.0] * len(days)
        for n, (key, figures) in enumerate(series.items()):
            heights = [float(f.value or 0) for f in figures]
            colour = QColor(COLOURS[n % len(COLOURS)])
            drawn = [i for i, h in enumerate(heights) if h]  # no sliver of a bar on empty days
            bars = pg.BarGraphItem(
                x=drawn,
                height=[heights[i] for i in drawn],
                y0=[base[i] for i in drawn],
                width=0.75,
                brush=colour,
                pen=pg.mkPen(colour.darker(130)),
                name=name(key),
            )
            self.addItem(bars)  # named: the legend lists it
            for i, (f, h) in enumerate(zip(figures, heights, strict=True)):
                if h:
                    label = f"{name(key)} · {short_day(days[i])}"
                    self.hits.append(Hit(i, base[i], base[i] + h, f, label, f"{label}: {f.value} {unit}"))
                base[i] += h
        self.legend.setColumnCount(max(1, len(series)))  # one line across the top
        top = max(max(base, default=0), 1)
        # Whole cases: ticks on whole numbers, about five of them.
        step = max(1, math.ceil(top / 5))
        self.getAxis("left").setTickSpacing(step, step)
        self.setYRange(0, top * HEADROOM, padding=0)


class LineChart(Chart):
    """Durations per day, one line per series (median, p90), a point per day with samples."""

    def show_lines(
        self,
        days: Sequence[date],
        series: dict[str, list[Figure]],
        name: Callable[[str], str],
        unit_of: Callable[[float], tuple[float, str]],
    ) -> None:
        self.reset(days)
        top = max((f.value or 0 for figs in series.values() for f in figs), default=0)
        scale, unit = unit_of(float(top))
        self.setLabel("left", unit, color=self._text.name())
        for n, (key, figures) in enumerate(series.items()):
            colour = QColor(COLOURS[n % len(COLOURS)])
            ys = [f.value / scale if f.value is not None else math.nan for f in figures]
            if all(f.value is None for f in figures):
                continue  # nothing measured: no line (pyqtgraph cannot bound an all-NaN one)
            self.plot(
                list(range(len(days))),
                ys,
                pen=pg.mkPen(colour, width=2),
                connect="finite",
                symbol="o",
                symbolSize=7,
                symbolBrush=colour,
                symbolPen=pg.mkPen(colour),
                name=name(key),
            )
            for i, (f, y) in enumerate(zip(figures, ys, strict=True)):
                if f.value is not None:
                    tip = f"{name(key)} · {short_day(days[i])}: {y:.1f} {unit} ({len(f.cases)})"
                    self.hits.append(Hit(i, y, y, f, f"{name(key)} · {short_day(days[i])}", tip))
        self.legend.setColumnCount(max(1, len(series)))
        self.setYRange(0, max(top / scale, 1) * HEADROOM, padding=0)
