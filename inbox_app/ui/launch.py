"""Starting the desktop app: QApplication, the one qasync loop, the crash path, the window.

This is the only module that creates the asyncio loop of the GUI.
"""

from __future__ import annotations

import asyncio
import importlib.util
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

# The store's side (SQLAlchemy, the models, the services) is imported before Qt: once
# PySide6 is loaded, its import hook reads the source of every module imported after it
# (looking for "PySide6" in it), which cost the start about 60 ms for SQLAlchemy's
# couple of hundred modules.
from inbox_app.app import Services, build
from inbox_app.core.store.database import StoreError

# isort: split
from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from inbox_app.ui.appearance import setup_application
from inbox_app.ui.crash import CrashReporter
from inbox_app.ui.event_bridge import Bridge
from inbox_app.ui.workspace import Workspace, pick_agent

logger = logging.getLogger(__name__)


def make_app() -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    app = QApplication(sys.argv[:1])
    setup_application(app)
    return app


def seed_demo(services: Services) -> None:
    """Fill a throwaway store with the demo data set."""
    if importlib.util.find_spec("inbox_app.demo") is None:
        logger.warning("the demo data set is not part of this installation")
        return
    from inbox_app import demo

    demo.seed(services)


def open_services(
    database: str | None, demo: bool
) -> tuple[Services, tempfile.TemporaryDirectory[str] | None]:
    if not demo:
        return build(database), None
    folder = tempfile.TemporaryDirectory(prefix="unisono-demo-")
    services = build(f"sqlite:///{Path(folder.name) / 'demo.db'}")
    os.environ.setdefault("INBOX_APP_DEMO_DIR", folder.name)
    seed_demo(services)
    return services, folder


def build_window(services: Services, actor: str | None):  # type: ignore[no-untyped-def]
    from inbox_app.ui.main_window import MainWindow

    bridge = Bridge(services.bus)
    ws = Workspace(services, bridge, pick_agent(services, actor))
    window = MainWindow(ws)
    bridge.setParent(window)
    return window


def run_gui(database: str | None = None, demo: bool = False, actor: str | None = None) -> int:
    started = time.perf_counter()
    logging.getLogger("qasync").setLevel(logging.WARNING)  # it logs call results, message text included
    app = make_app()
    import qasync

    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    reporter = CrashReporter(app)
    reporter.install(loop)
    try:
        services, demo_folder = open_services(database, demo)
    except StoreError as exc:
        QMessageBox.critical(
            None,
            QCoreApplication.translate("Launch", "Unisono cannot start"),
            QCoreApplication.translate("Launch", "The database cannot be opened:\n{reason}").format(
                reason=str(exc)
            ),
        )
        return 1
    window = build_window(services, actor)
    window.ws.report_error = reporter.report
    reporter.refused.connect(lambda words: window.statusBar().showMessage(words, 10000))
    # Sync (and the connectors it imports) starts once the first cases are painted.
    window.ready.connect(window.start_sync)
    window.show()
    QTimer.singleShot(
        0, lambda: logger.info("window shown %.0f ms after start", (time.perf_counter() - started) * 1000)
    )
    closed = asyncio.Event()
    # main() below ends the loop once the window is closed, after sync has stopped and the
    # other desktops were told this one left; Qt quitting by itself would stop the loop
    # under it ("Event loop stopped before Future completed").
    app.setQuitOnLastWindowClosed(False)
    app.aboutToQuit.connect(closed.set)
    app.lastWindowClosed.connect(closed.set)

    async def main() -> None:
        await closed.wait()
        await window.presence.stop()  # the others see this desktop leave at once
        try:
            await asyncio.wait_for(services.supervisor().stop(), timeout=5)
        except TimeoutError:
            logger.warning("sync did not stop within 5 s")
        await window.ws.tasks.cancel_all()

    with loop:
        loop.run_until_complete(main())
    window.ws.bridge.close()
    services.close()
    if demo_folder is not None:
        demo_folder.cleanup()
    return 0
