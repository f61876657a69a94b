"""Workspace tests: real widgets on the offscreen platform, one qasync loop for the session."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("INBOX_APP_LANG", "en")

import pytest  # noqa: E402
import shiboken6  # noqa: E402

from inbox_app.app import Services, build  # noqa: E402
from tests.ui.seed import seed  # noqa: E402


@pytest.fixture(scope="session")
def qapp_cls():
    from PySide6.QtWidgets import QApplication

    return QApplication


@pytest.fixture(scope="session")
def loop(qapp):
    """One qasync loop for the whole session, never stopped or closed (see the Qt recipe)."""
    import qasync

    from inbox_app.ui.appearance import setup_application

    setup_application(qapp)
    the_loop = qasync.QEventLoop(qapp, already_running=True)
    asyncio.set_event_loop(the_loop)
    yield the_loop
    executor = getattr(the_loop, "_QEventLoop__default_executor", None)
    if executor is not None:
        executor.shutdown(wait=True)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # The offscreen platform cannot pass size hints to a window manager it does not have.
    for item in items:
        if "tests/ui/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints"))


@pytest.fixture
def services(tmp_path: Path, loop) -> Iterator[Services]:
    svc = build(f"sqlite:///{tmp_path / 'store.db'}")
    svc.extra["seed"] = seed(svc, tmp_path)
    yield svc
    svc.close()


@pytest.fixture
def make_window(services: Services, qtbot, loop):
    """Build the real main window on the test store; leftovers are cancelled afterwards."""
    from inbox_app.ui.launch import build_window

    windows = []

    def make(actor: str | None = "Giulia Rossi"):
        window = build_window(services, actor)
        qtbot.addWidget(window)
        window.show()
        windows.append(window)
        return window

    yield make
    for window in windows:
        if shiboken6.isValid(window):  # a test may have closed and deleted it itself
            window.close()
        window.ws.bridge.close()
        sup = services.extra.get("supervisor")
        if sup is not None:
            task = loop.create_task(sup.stop())
            qtbot.waitUntil(task.done, timeout=15000)
        task = loop.create_task(window.ws.tasks.cancel_all())
        qtbot.waitUntil(task.done, timeout=10000)


# -- the account forms' tests (test_account_form.py, test_account_signin.py): both languages, PNGs


@pytest.fixture(params=["en", "it"])
def lang(request, qapp, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[str]:
    from inbox_app.ui.appearance import install_translator

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # where a built .qm goes
    install_translator(qapp, request.param)
    yield request.param
    install_translator(qapp, "en")


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("INBOX_APP_SHOTS") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder
