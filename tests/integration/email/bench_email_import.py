"""Import speed of the email channel against a loopback Dovecot (a benchmark, not a test).

    python -m tests.integration.email.bench_email_import [N]

Writes N generated messages (plain, HTML + Italian Latin-1 text, 30 KB photos, replies)
straight into a fresh maildir, lets Dovecot index them, then times a full import
(fetch + parse) through EmailConnector, and the IDLE latency from APPEND to wake-up.
"""

from __future__ import annotations

import asyncio
import os
import resource
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from connectors.base import BrokenItem, InboundItem
from connectors.email import EmailConnector
from tests.integration.email import servers

HTML = (
    "<html><body><p>Gentile assistenza,</p><p>l'ordine {n} è arrivato danneggiato; "
    "allego le foto.</p><p>Cordiali saluti</p></body></html>"
)


def message(n: int) -> bytes:
    kind = n % 4
    if kind == 0:
        return servers.make_message(n)
    if kind == 1:
        return (
            f"From: Cliente {n} <c{n}@example.org>\r\nTo: support@example.com\r\n"
            f"Subject: =?utf-8?q?Perch=C3=A9_ordine_{n}?=\r\nMessage-ID: <b{n}@example.org>\r\n"
            "Date: Tue, 24 Nov 2026 10:00:00 +0100\r\nMIME-Version: 1.0\r\n"
            'Content-Type: multipart/alternative; boundary="x"\r\n\r\n--x\r\n'
            "Content-Type: text/plain; charset=iso-8859-1\r\n"
            "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
            f"L'ordine {n} =E8 arrivato danneggiato.\r\n--x\r\n"
            "Content-Type: text/html; charset=utf-8\r\n\r\n" + HTML.format(n=n) + "\r\n--x--\r\n"
        ).encode()
    if kind == 2:
        photo = os.urandom(20000).hex()
        lines = "\r\n".join(photo[i : i + 76] for i in range(0, len(photo), 76))
        return (
            f"From: c{n}@example.org\r\nTo: support@example.com\r\nSubject: foto {n}\r\n"
            f"Message-ID: <c{n}@example.org>\r\nMIME-Version: 1.0\r\n"
            'Content-Type: multipart/mixed; boundary="m"\r\n\r\n--m\r\n'
            "Content-Type: text/plain; charset=utf-8\r\n\r\nEcco le foto.\r\n--m\r\n"
            'Content-Type: image/jpeg; name="foto.jpg"\r\n'
            "Content-Transfer-Encoding: base64\r\n\r\n" + lines + "\r\n--m--\r\n"
        ).encode()
    return servers.make_message(
        n, in_reply_to=f"<msg-{n - 3}@example.org>", references=f"<msg-{n - 3}@example.org>"
    )


def fill_mailbox(dovecot: servers.Dovecot, user: str, password: str, count: int) -> int:
    maildir = dovecot.home(user) / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True, exist_ok=True)
    size = 0
    for n in range(count):
        raw = message(n)
        size += len(raw)
        name = f"{1700000000 + n}.M{n}P1Q{n}.bench,S={len(raw)}:2,"
        (maildir / "cur" / name).write_bytes(raw)
    for path in [dovecot.home(user), *dovecot.home(user).rglob("*")]:
        os.chown(path, dovecot.uid, dovecot.gid)
    client = dovecot.client(user, password)
    client.select_folder("INBOX")  # Dovecot indexes the maildir once, as for a real mailbox
    client.logout()
    return size


def main(count: int) -> None:
    root = Path(tempfile.mkdtemp(prefix="eb"))
    root.chmod(0o755)
    dovecot = servers.Dovecot(root / "d", *servers.make_certificate(root))
    dovecot.start()
    try:
        user, password = dovecot.add_user()
        size = fill_mailbox(dovecot, user, password, count)
        client = dovecot.client(user, password)  # plays the customer later (IDLE latency)
        client.select_folder("INBOX")

        async def run() -> None:
            connector = EmailConnector(servers.settings_for(dovecot, user), password)
            cpu, started = time.process_time(), time.monotonic()
            stored = broken = 0
            cursor = None
            async for batch in connector.fetch(None):
                stored += sum(isinstance(i, InboundItem) for i in batch.items)
                broken += sum(isinstance(i, BrokenItem) for i in batch.items)
                cursor = batch.cursor
            wall = time.monotonic() - started
            print(
                f"imported {stored} messages ({broken} quarantined, {size / 1e6:.0f} MB) in "
                f"{wall:.2f} s wall, {time.process_time() - cpu:.2f} s CPU: "
                f"{stored / wall:.0f} messages/s; peak RSS "
                f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
            )
            latencies = []
            for n in range(10):
                appended: list[float] = []

                def append(n: int = n, appended: list[float] = appended) -> None:
                    time.sleep(0.5)
                    appended.append(time.monotonic())
                    client.append("INBOX", servers.make_message(count + n))

                thread = threading.Thread(target=append)
                thread.start()
                assert await connector.wait_for_changes(cursor, 20)
                latencies.append(time.monotonic() - appended[0])
                await asyncio.to_thread(thread.join)
                async for batch in connector.fetch(cursor):
                    cursor = batch.cursor
            print(
                f"IDLE latency, APPEND to wake-up: p50 {statistics.median(latencies):.3f} s, "
                f"max {max(latencies):.3f} s"
            )
            await connector.close()

        asyncio.run(run())
        client.logout()
    finally:
        dovecot.stop()
        servers.rmtree(root)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
