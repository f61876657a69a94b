"""The files chosen to go with a reply: an Attach button and one removable chip per file.

Only paths are held here; the files are read when the reply is queued (on a worker
thread, by ``inbox_app.core.outbox.files``), so a large file never stalls the window
and what is sent is the file as it is at that moment.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QMimeData, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from inbox_app.core.outbox.files import size_words
from inbox_app.ui.appearance import icon

NAME_CHARS = 40


class ReplyFiles(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.paths: list[Path] = []
        # Each file's size when it was chosen: the composer asks on every key typed, and
        # the file is read (and its size checked again) only when the reply is queued.
        self._sizes: dict[Path, int | None] = {}
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.attach = QPushButton(icon("attachment"), self.tr("Attach…"), self)
        self.attach.setObjectName("attachButton")
        self.attach.setToolTip(self.tr("Send files with the reply"))
        self.attach.clicked.connect(self.choose)
        row.addWidget(self.attach, 0, Qt.AlignmentFlag.AlignTop)
        # One file a line beside the button: a few fit without squeezing each other.
        self._layout = QVBoxLayout()
        self._layout.setSpacing(0)
        row.addLayout(self._layout)
        row.addStretch(1)
        self._chips: list[QWidget] = []

    def take_drops_on(self, widget: QWidget) -> None:
        """Files dragged from the desktop onto ``widget`` (the editor) are attached, not
        pasted into the text as their paths."""
        widget.setAcceptDrops(True)
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove, QEvent.Type.Drop):
            paths = _local_files(event.mimeData())  # type: ignore[attr-defined]
            if paths and self.attach.isEnabled():
                if kind == QEvent.Type.Drop:
                    self.add(paths)
                event.acceptProposedAction()  # type: ignore[attr-defined]
                return True
        return super().eventFilter(watched, event)

    def choose(self) -> None:
        names, _filter = QFileDialog.getOpenFileNames(self, self.tr("Attach files"), str(Path.home()))
        self.add([Path(n) for n in names])

    def add(self, paths: list[Path]) -> None:
        fresh = [p for p in paths if p not in self.paths]
        if not fresh:
            return
        self.paths += fresh
        self._rebuild()

    def remove(self, path: Path) -> None:
        if path in self.paths:
            self.paths.remove(path)
            self._rebuild()

    def clear(self) -> None:
        if self.paths:
            self.paths = []
            self._rebuild()

    def total_size(self) -> int:
        return sum(self._sizes.get(p) or 0 for p in self.paths)

    def _rebuild(self) -> None:
        self._sizes = {p: self._sizes[p] if p in self._sizes else _size_of(p) for p in self.paths}
        for chip in self._chips:
            self._layout.removeWidget(chip)
            chip.deleteLater()
        self._chips = []
        for path in self.paths:
            chip = self._chip(path)
            self._layout.addWidget(chip, 0, Qt.AlignmentFlag.AlignLeft)
            self._chips.append(chip)
        self.changed.emit()

    def _chip(self, path: Path) -> QWidget:
        chip = QWidget(self)
        chip.setObjectName("fileChip")
        row = QHBoxLayout(chip)
        row.setContentsMargins(6, 0, 0, 0)
        row.setSpacing(2)
        known = self._sizes.get(path)
        size = size_words(known) if known is not None else self.tr("missing")
        # A long name is cut in the middle: its start and its extension tell files apart.
        name = path.name
        if len(name) > NAME_CHARS:
            name = name[: NAME_CHARS - 9] + "…" + name[-8:]
        label = QLabel(f"{name} · {size}", chip)
        label.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        label.setToolTip(f"{path} · {size}")
        row.addWidget(label)
        drop = QToolButton(chip)
        drop.setText("×")
        drop.setAutoRaise(True)
        drop.setToolTip(self.tr("Remove {name}").format(name=path.name))
        drop.setAccessibleName(self.tr("Remove {name}").format(name=path.name))
        drop.clicked.connect(lambda: self.remove(path))
        row.addWidget(drop)
        return chip


def _local_files(mime: QMimeData | None) -> list[Path]:
    """The files a drag carries, when it carries only local files (not a link or text)."""
    if mime is None or not mime.hasUrls():
        return []
    urls = mime.urls()
    if not urls or not all(u.isLocalFile() for u in urls):
        return []
    paths = [Path(u.toLocalFile()) for u in urls]
    return paths if all(p.is_file() for p in paths) else []


def _size_of(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except OSError:
        return None  # reading it when the reply is queued says what is wrong
