"""Look and language: icon search paths, the translator, the light or dark palette."""

from __future__ import annotations

import functools
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import platformdirs
from PySide6.QtCore import QCoreApplication, QDir, QLocale, Qt, QTranslator
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPalette
from PySide6.QtWidgets import QApplication

from inbox_app import APP_ID, APP_NAME
from inbox_app.paths import resources_dir

logger = logging.getLogger(__name__)


def setup_search_paths() -> None:
    root = resources_dir()
    QDir.setSearchPaths("icons", [str(root / "icons")])
    QDir.setSearchPaths("styles", [str(root / "styles")])


@functools.lru_cache(maxsize=256)
@functools.lru_cache(maxsize=512)
def icon(name: str) -> QIcon:
    # One QIcon per name: each keeps the pixmaps it rendered, where a fresh one would
    # parse and render its SVG again on every paint (a case list repaints dozens).
    return QIcon(f"icons:{name}.svg")


def language() -> str:
    """``INBOX_APP_LANG`` wins over the system locale; Italian or English."""
    wanted = os.environ.get("INBOX_APP_LANG") or QLocale.system().name()
    return "it" if wanted.lower().startswith("it") else "en"


class TsTranslator(QTranslator):
    """Reads a Linguist .ts file directly when lrelease is not installed."""

    def __init__(self, ts_file: Path) -> None:
        super().__init__()
        from xml.etree import ElementTree  # only here: an English window reads no .ts file

        self._table: dict[tuple[str, str], str] = {}
        for context in ElementTree.parse(ts_file).getroot().iter("context"):
            name = context.findtext("name") or ""
            for message in context.iter("message"):
                source = message.findtext("source") or ""
                translation = message.find("translation")
                if (
                    translation is not None
                    and translation.text
                    and translation.get("type") not in ("unfinished", "obsolete", "vanished")
                ):
                    self._table[(name, source)] = translation.text

    def translate(self, context, source, disambiguation=None, n=-1):  # type: ignore[override]
        return self._table.get((context, source), "")

    def isEmpty(self) -> bool:  # noqa: N802 (Qt name)
        return not self._table


def _compiled(ts_file: Path) -> Path | None:
    """The .qm built from ``ts_file`` by lrelease, cached beside the user's other caches."""
    lrelease = shutil.which("pyside6-lrelease") or shutil.which(
        "pyside6-lrelease", path=str(Path(sys.executable).parent)
    )
    if lrelease is None:
        return None
    cache = Path(platformdirs.user_cache_dir("inbox_app")) / "i18n"
    cache.mkdir(parents=True, exist_ok=True)
    qm = cache / (ts_file.stem + ".qm")
    if not qm.exists() or qm.stat().st_mtime < ts_file.stat().st_mtime:
        result = subprocess.run(
            [lrelease, "-silent", str(ts_file), "-qm", str(qm)], capture_output=True, timeout=60, check=False
        )
        if result.returncode != 0 or not qm.exists():
            logger.warning("lrelease could not build %s", ts_file.name)
            return None
    return qm


def install_translator(app: QCoreApplication, lang: str | None = None) -> QTranslator | None:
    lang = lang or language()
    for name in ("unisono", "qtbase"):
        for old in app.findChildren(QTranslator, name):
            app.removeTranslator(old)
    if lang == "it":
        QLocale.setDefault(QLocale(QLocale.Language.Italian, QLocale.Country.Italy))
    elif QLocale.system().language() in (QLocale.Language.C, QLocale.Language.Italian):
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
    if lang == "en":
        return None
    ts_file = resources_dir() / "i18n" / f"unisono_{lang}.ts"
    if not ts_file.exists():
        return None
    translator: QTranslator = QTranslator(app)
    qm = _compiled(ts_file)
    if qm is None or not translator.load(str(qm)):
        translator = TsTranslator(ts_file)
        translator.setParent(app)
    translator.setObjectName("unisono")
    app.installTranslator(translator)
    _install_qt_words(app, lang)
    return translator


def _install_qt_words(app: QCoreApplication, lang: str) -> None:
    """Qt's own words (a dialog's Close, Cancel, OK; the text fields' menus) in the language too."""
    from PySide6.QtCore import QLibraryInfo

    qt = QTranslator(app)
    if qt.load(f"qtbase_{lang}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        qt.setObjectName("qtbase")
        app.installTranslator(qt)
    else:
        qt.deleteLater()


def dark_requested() -> bool:
    wanted = os.environ.get("INBOX_APP_THEME", "").lower()
    if wanted in ("dark", "light"):
        return wanted == "dark"
    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


def dark_palette() -> QPalette:
    p = QPalette()
    base, window, text = QColor("#1e2127"), QColor("#272b33"), QColor("#e6e6e6")
    for role, color in (
        (QPalette.ColorRole.Window, window),
        (QPalette.ColorRole.WindowText, text),
        (QPalette.ColorRole.Base, base),
        (QPalette.ColorRole.AlternateBase, QColor("#252931")),
        (QPalette.ColorRole.Text, text),
        (QPalette.ColorRole.Button, QColor("#30353e")),
        (QPalette.ColorRole.ButtonText, text),
        (QPalette.ColorRole.ToolTipBase, window),
        (QPalette.ColorRole.ToolTipText, text),
        (QPalette.ColorRole.PlaceholderText, QColor("#8a909a")),
        (QPalette.ColorRole.Highlight, QColor("#3d7bd9")),
        (QPalette.ColorRole.HighlightedText, QColor("#ffffff")),
        (QPalette.ColorRole.Link, QColor("#7cb1ff")),
        (QPalette.ColorRole.Mid, QColor("#3a3f48")),
        (QPalette.ColorRole.BrightText, QColor("#ff6b6b")),
    ):
        p.setColor(role, color)
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor("#777b82"))
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor("#777b82"))
    return p


def apply_theme(app: QApplication) -> None:
    app.setStyle("Fusion")
    dark = dark_requested()
    app.setPalette(dark_palette() if dark else app.style().standardPalette())
    app.setProperty("unisonoDark", dark)
    qss = resources_dir() / "styles" / ("dark.qss" if dark else "light.qss")
    base = resources_dir() / "styles" / "base.qss"
    app.setStyleSheet("\n".join(f.read_text("utf-8") for f in (base, qss) if f.exists()))


def is_dark(app: QCoreApplication | None = None) -> bool:
    app = app or QCoreApplication.instance()
    return bool(app and app.property("unisonoDark"))


def setup_application(app: QApplication) -> None:
    app.setApplicationName("inbox_app")
    app.setApplicationDisplayName(APP_NAME)
    app.setOrganizationName("Unisono")
    app.setDesktopFileName(APP_ID)
    setup_search_paths()
    app.setWindowIcon(icon("unisono"))
    install_translator(app)
    apply_theme(app)
    # Follow the desktop when it switches between light and dark while the app runs.
    QGuiApplication.styleHints().colorSchemeChanged.connect(lambda _scheme: apply_theme(app))
