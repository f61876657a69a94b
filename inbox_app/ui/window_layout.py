"""The main window's size and pane widths, kept in QSettings from one run to the next."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings

if TYPE_CHECKING:
    from inbox_app.ui.main_window import MainWindow


def restore(window: MainWindow) -> None:
    settings = QSettings()
    geometry = settings.value("window/geometry")
    if geometry is not None:
        window.restoreGeometry(geometry)
    else:
        screen = window.screen().availableGeometry()
        window.resize(min(1600, int(screen.width() * 0.92)), min(960, int(screen.height() * 0.9)))
    restored = False
    for splitter, key in ((window.splitter, "window/main"), (window.center, "window/center")):
        state = settings.value(key)
        if state is not None:
            restored = splitter.restoreState(state) or restored
    if not restored:
        default_splits(window, window.width())


def default_splits(window: MainWindow, width: int) -> None:
    """Pane widths for a first start: small screens give the conversation more room."""
    shares = (0.09, 0.39, 0.33, 0.19) if width >= 1500 else (0.1, 0.33, 0.37, 0.2)
    views = min(round(width * 0.16), max(round(width * shares[0]), window.views.wanted_width()))
    rest = (width - views) / sum(shares[1:])
    window.splitter.setSizes([views, *(round(rest * f) for f in shares[1:])])


def save(window: MainWindow) -> None:
    settings = QSettings()
    settings.setValue("window/geometry", window.saveGeometry())
    settings.setValue("window/main", window.splitter.saveState())
    settings.setValue("window/center", window.center.saveState())
    settings.sync()
