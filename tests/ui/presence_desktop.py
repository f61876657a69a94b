"""Another agent's desktop, for the presence tests: the real window, offscreen, in a process of its own.

    python -m tests.ui.presence_desktop URL AGENT [--heartbeat SECONDS]

It opens the window on the store, listens like any desktop and then follows commands read
from standard input, one per line, answering each on standard output once done:

    open CASE_ID   -> "opened CASE_ID"  (the case is shown, as if the agent chose it)
    type TEXT      -> "typed"           (keys typed into the reply editor)
    close          -> "closed"          (the window closes; the process ends)

"ready" comes first, once the window hears the change feed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import threading

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("INBOX_APP_LANG", "en")

from inbox_app.app import build  # noqa: E402
from inbox_app.ui.launch import build_window, make_app  # noqa: E402

# isort: split
from PySide6.QtCore import QObject, Qt, QTimer, Signal  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402


class Commands(QObject):
    line = Signal(str)


def say(words: str) -> None:
    print(words, flush=True)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("agent")
    parser.add_argument("--heartbeat", type=float, default=None)
    args = parser.parse_args()
    app = make_app()
    app.setQuitOnLastWindowClosed(False)  # as the app itself: the loop ends once "left" is said
    import qasync

    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    services = build(args.url)
    window = build_window(services, args.agent)
    if args.heartbeat is not None:
        window.presence.link.announcer.heartbeat = args.heartbeat
    window.resize(1280, 800)
    window.show()
    finished = asyncio.Event()
    commands = Commands()

    def follow(line: str) -> None:
        verb, _, rest = line.strip().partition(" ")
        if verb == "open":
            case_id = int(rest)

            def shown(shown_id: int) -> None:
                if shown_id == case_id:
                    window.caseShown.disconnect(shown)
                    say(f"opened {case_id}")

            window.caseShown.connect(shown)
            window.jump_to_case(case_id)
        elif verb == "type":
            editor = window.composer.editor
            editor.setFocus()
            QTest.keyClicks(editor, rest)
            say("typed")
        elif verb == "close":
            window.close()

            async def end() -> None:
                await window.presence.stop()
                say("closed")
                finished.set()

            window.ws.spawn(end(), "end")

    commands.line.connect(follow, Qt.ConnectionType.QueuedConnection)

    def read() -> None:
        for line in sys.stdin:
            commands.line.emit(line)

    threading.Thread(target=read, daemon=True).start()

    def wait_live() -> None:
        if window.live.live:
            say("ready")
        else:
            QTimer.singleShot(50, wait_live)

    window.live.start()
    wait_live()
    with loop:
        loop.run_until_complete(finished.wait())
    services.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
