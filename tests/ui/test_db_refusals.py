"""Team mode: when the database refuses this login an action, the window says so in words
(the action's own message, or the status bar); it is not a crash."""

from __future__ import annotations

import psycopg
from sqlalchemy.exc import ProgrammingError

from inbox_app.core.team.refusals import NotPermitted
from inbox_app.ui.crash import CrashReporter
from inbox_app.ui.event_bridge import Bridge
from inbox_app.ui.workspace import Workspace

WORDS = "not permitted: your database login may not add templates"


def _refused() -> None:
    raise ProgrammingError(
        "INSERT INTO templates (name, body) VALUES (%(name)s, %(body)s)",
        {"name": "Saluti", "body": "password=hunter22"},
        psycopg.errors.InsufficientPrivilege("permission denied for table templates"),
    )


def test_the_action_that_asked_is_told_in_words(services, qtbot) -> None:
    reporter = CrashReporter(show_dialog=False)
    ws = Workspace(services, Bridge(services.bus), None, report_error=reporter.report)
    failures: list[Exception] = []
    task = ws.call(_refused, failed=failures.append, task="save template")
    qtbot.waitUntil(task.done)
    qtbot.waitUntil(lambda: len(failures) == 1)
    assert isinstance(failures[0], NotPermitted) and str(failures[0]) == WORDS
    assert reporter.reports == []
    ws.bridge.close()


def test_without_a_failure_path_it_reaches_the_status_bar_not_the_crash_dialog(services, qtbot) -> None:
    reporter = CrashReporter(show_dialog=False)
    ws = Workspace(services, Bridge(services.bus), None, report_error=reporter.report)
    with qtbot.waitSignal(reporter.refused, timeout=5000) as said:
        task = ws.call(_refused, task="save template")
    qtbot.waitUntil(task.done)
    assert said.args == [WORDS]
    assert reporter.reports == [] and reporter.dialog is None
    # The same from any other path to the crash reporter (an excepthook, the loop's handler).
    with qtbot.waitSignal(reporter.refused, timeout=5000) as said:
        try:
            _refused()
        except ProgrammingError as exc:
            reporter.report(type(exc), exc, exc.__traceback__)
    assert said.args == [WORDS] and reporter.reports == []
    ws.bridge.close()
