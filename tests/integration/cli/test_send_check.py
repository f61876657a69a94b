"""`reply ID --after MESSAGE_ID`: held with exit code 3 when the case moved on, one queued in a race.

The race runs two separate `inbox-app` processes that reply to one case at the same
instant with the same ``--after``: exactly one reply is queued, the other is held.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from pathlib import Path

import pytest

from connectors.fake import FakeServer
from inbox_app.app import build
from tests.integration.cli.clirunner import Cli

pytestmark = pytest.mark.slow


def _seed(url: str, root: Path) -> tuple[FakeServer, int]:
    """Two agents and a customer's case on an email account; the case's id."""
    server = FakeServer(root / "shop")
    server.deliver(
        id="m1",
        text="Buongiorno, dov'è il mio ordine?",
        thread="t1",
        name="Mario Rossi",
        **{"from": "mario@example.it"},
    )
    store = build(url, migrate=True)
    try:
        store.agents.add("Sara Conti", "sara@example.com", "agent")
        store.agents.add("Marco Bianchi", "marco@example.com", "agent")
        store.accounts.add("fake", "shop", {"path": str(server.root), "channel": "email"})
        assert asyncio.run(store.supervisor().run_once())[0].error is None
        return server, store.queries.cases()[0].id
    finally:
        store.close()


def test_reply_after_an_old_message_is_held_and_names_each_newer_one(cli: Cli, tmp_path: Path) -> None:
    server, case_id = _seed(cli.db, tmp_path)
    shown = cli.json("cases", "show", str(case_id))
    seen = shown["newest_message_id"]
    assert seen == max(m["id"] for m in shown["messages"])
    # A colleague answers and adds a note; the customer writes again.
    cli("--as", "Marco Bianchi", "reply", str(case_id), "--text", "Lo spediamo oggi.")
    cli("--as", "Marco Bianchi", "reply", str(case_id), "--note", "--text", "Ha già chiamato due volte")
    server.deliver(id="m2", text="Ah, e vorrei cambiare indirizzo di consegna per favore", thread="t1",
                   name="Mario Rossi", **{"from": "mario@example.it"})  # fmt: skip
    cli("sync", "--once")
    newer = [m for m in cli.json("cases", "show", str(case_id))["messages"] if m["id"] > seen]
    assert len(newer) == 3

    held = cli(
        "--as",
        "Sara Conti",
        "reply",
        str(case_id),
        "--after",
        str(seen),
        "--text",
        "Arriva domani.",
        ok=False,
    )
    assert held.returncode == 3 and held.stdout == ""
    assert (
        f"reply held, nothing queued: 3 messages arrived on case {case_id} after message {seen}"
        in held.stderr
    )
    for m in newer:
        assert f"message {m['id']}, " in held.stderr and m["sent_at"][:10] in held.stderr
    assert ", reply by Marco Bianchi, email, " in held.stderr and '"Lo spediamo oggi."' in held.stderr
    assert ", note by Marco Bianchi, " in held.stderr and '"Ha già chiamato due volte"' in held.stderr
    assert ", from Mario Rossi (customer), email, " in held.stderr
    assert '"Ah, e vorrei cambiare indirizzo di consegna per favore"' in held.stderr
    assert f"--after {newer[-1]['id']}" in held.stderr
    assert len(cli.json("cases", "show", str(case_id))["messages"]) == 4  # nothing queued

    as_json = cli(
        "--as", "Sara Conti", "reply", str(case_id), "--after", str(seen), "--text", "x", "--json", ok=False
    )
    assert as_json.returncode == 3
    import json

    data = json.loads(as_json.stdout)
    assert data["held"] is True and [m["id"] for m in data["newer"]] == [m["id"] for m in newer]
    assert set(data["newer"][0]) == {"id", "direction", "channel", "who", "sent_at", "text"}

    forced = cli.json(
        "--as",
        "Sara Conti",
        "reply",
        str(case_id),
        "--after",
        str(seen),
        "--force",
        "--text",
        "Arriva domani.",
    )
    assert forced["delivery"] == "queued"
    latest = cli.json("cases", "show", str(case_id))["newest_message_id"]
    assert latest == forced["id"]
    # Seen everything: it goes. Without --after, as always, it goes whatever arrived.
    cli("--as", "Marco Bianchi", "reply", str(case_id), "--after", str(latest), "--text", "Confermo.")
    plain = cli("reply", str(case_id), "--text", "Come sempre.")
    assert plain.stdout.startswith("reply queued as message ")


RACER = """
import sys, time
import inbox_app.app, inbox_app.core.outbox.queue, inbox_app.cli.reply, sqlalchemy  # ready before the start
from inbox_app.cli.main import main
time.sleep(max(0.0, float(sys.argv[1]) - time.time()))
sys.exit(main(sys.argv[2:]))
"""


def _race(url: str, case_id: int, rounds: int) -> None:
    """Two processes reply with the same --after at one instant, ``rounds`` times."""
    store = build(url)
    try:
        for n in range(rounds):
            seen = store.queries.newest_message_id(case_id)
            start = time.time() + 2.0  # both have imported everything by then
            procs = [
                subprocess.Popen(
                    [
                        sys.executable,
                        "-c",
                        RACER,
                        str(start),
                        "--database",
                        url,
                        "--as",
                        who,
                        "reply",
                        str(case_id),
                        "--after",
                        str(seen),
                        "--text",
                        f"round {n} by {who}",
                    ],
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )  # fmt: skip
                for who in ("Sara Conti", "Marco Bianchi")
            ]
            results = [(p.wait(timeout=60), *p.communicate()) for p in procs]
            assert sorted(r[0] for r in results) == [0, 3], results
            queued = next(r for r in results if r[0] == 0)
            held = next(r for r in results if r[0] == 3)
            winner = int(queued[1].split("message ")[1].split()[0])
            assert f"message {winner}, reply by " in held[2], held[2]
            assert store.queries.newest_message_id(case_id) == winner
        texts = [m.text for m in store.queries.case_messages(case_id) if m.direction == "out"]
        assert len(texts) == rounds and all(f"round {n} by" in texts[n] for n in range(rounds))
    finally:
        store.close()


def test_two_processes_replying_at_once_on_sqlite_queue_one_and_hold_the_other(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    _server, case_id = _seed(url, tmp_path)
    _race(url, case_id, rounds=10)


@pytest.mark.postgres
def test_two_processes_replying_at_once_on_postgresql_queue_one_and_hold_the_other(
    pg_url: str, tmp_path: Path
) -> None:
    _server, case_id = _seed(pg_url, tmp_path)
    _race(pg_url, case_id, rounds=20)
