"""Another desktop's presence without a window, for test_presence.py: the app's own
``PresenceLink`` on its own change feed, in a process of its own.

    python tests/integration/store/presence_peer.py URL AGENT HEARTBEAT TYPING_IDLE

Prints "ready" once it hears the feed; then follows one command a line from standard input:
"view CASE_ID", "view none", "type" (a keystroke), "stop" (says "left" and ends).
"""

from __future__ import annotations

import asyncio
import sys

from inbox_app.app import build
from inbox_app.sync.presence_link import PresenceLink


async def main(url: str, agent: str, heartbeat: float, typing_idle: float) -> None:
    services = build(url)
    feed = services.changefeed()
    link = PresenceLink(
        services.engine, services.bus, feed, agent, 2, heartbeat=heartbeat, typing_idle=typing_idle
    )
    stop = asyncio.Event()
    listening = asyncio.ensure_future(feed.listen(stop))
    link.start(lambda coro, _name: asyncio.ensure_future(coro))
    while not feed.live:
        await asyncio.sleep(0.02)
    print("ready", flush=True)
    while True:
        line = (await asyncio.to_thread(sys.stdin.readline)).split()
        if not line or line[0] == "stop":
            break
        if line[0] == "view":
            link.view(None if line[1] == "none" else int(line[1]))
        elif line[0] == "type":
            link.typed()
        print("done", flush=True)
    await link.stop()
    stop.set()
    await asyncio.gather(listening, return_exceptions=True)
    services.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])))
