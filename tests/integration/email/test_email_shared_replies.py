"""Two messages share one Message-ID: a reply naming it joins the one it answers when its
References or its sender tell, otherwise the newest; another client's flags on one of them
change that one only. The real `inbox-app sync --once --json` against Dovecot, exact counts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from inbox_app.app import build
from inbox_app.core.store.models import Message
from tests.integration.email import servers
from tests.integration.email.test_email_shared_ids import SHARED, _cli, _counts, _customer_of, _sync

pytestmark = pytest.mark.dovecot


def _at(raw: bytes, hour: int) -> bytes:
    """The same message, written at another hour of the same day."""
    return raw.replace(
        b"Date: Tue, 24 Nov 2026 10:00:00", f"Date: Tue, 24 Nov 2026 {hour:02d}:00:00".encode()
    )


def _reply(n: int, sender: str, body: str, references: str) -> bytes:
    """An answer naming the shared ID, written after both forms (at noon and later)."""
    raw = servers.make_message(
        n,
        sender=sender,
        message_id=f"<reply-{n}@example.it>",
        in_reply_to=SHARED,
        references=references,
        body=body,
        subject="Re: Modulo contatti",
    )
    return _at(raw, 8 + n)


def _case_texts(cli: Any, word: str) -> list[str]:
    (hit,) = cli.json("search", word)
    return [m["text"].strip() for m in cli.json("cases", "show", str(hit["case_id"]))["messages"]]


def test_a_reply_joins_the_one_its_references_or_sender_tell_else_the_newest(
    tmp_path: Path, dovecot: Any, mailbox: tuple[str, str], imap: Any
) -> None:
    # Anna wrote first with a message of her own; her web form (the shared ID) answers it.
    imap.append(
        "INBOX",
        servers.make_message(
            1,
            sender="Anna Verdi <anna@example.it>",
            message_id="<anna-first@example.it>",
            body="Ciao da lampadaviola.\n",
        ),
    )
    imap.append(
        "INBOX",
        _at(
            servers.make_message(
                2,
                sender="Anna Verdi <anna@example.it>",
                message_id=SHARED,
                in_reply_to="<anna-first@example.it>",
                references="<anna-first@example.it>",
                body="Il modulo di Anna: tappetoarancio.\n",
            ),
            10,
        ),
    )
    # Bruno's form, an hour later, through the same form: stored second, under ID#digest.
    imap.append(
        "INBOX",
        _at(
            servers.make_message(
                3,
                sender="Bruno Neri <bruno@example.it>",
                message_id=SHARED,
                body="Il modulo di Bruno: vasogrigio.\n",
            ),
            11,
        ),
    )
    cli = _cli(tmp_path, dovecot, mailbox)
    assert _counts(_sync(cli)) == (3, 3, 0, 0)
    anna, bruno = _customer_of(cli, "tappetoarancio"), _customer_of(cli, "vasogrigio")
    assert anna != bruno and _customer_of(cli, "lampadaviola") == anna
    assert _case_texts(cli, "vasogrigio") == ["Il modulo di Bruno: vasogrigio."]

    # Carla, whom nobody knows, answers naming only the shared ID: nothing tells which form
    # she means, so her words join the newest, Bruno's (stored second, written later).
    imap.append(
        "INBOX", _reply(4, "Carla Rosa <carla@example.it>", "Rispondo a questo: ventonero.\n", SHARED)
    )
    # Dario's answer also names Anna's first message: his References tell it is Anna's form.
    imap.append(
        "INBOX",
        _reply(
            5,
            "Dario Gialli <dario@example.it>",
            "Per Anna: fogliasecca.\n",
            f"<anna-first@example.it> {SHARED}",
        ),
    )
    # Anna herself names only the shared ID: her sender tells it is her own form.
    imap.append("INBOX", _reply(6, "Anna Verdi <anna@example.it>", "Ancora io: nuvolabianca.\n", SHARED))
    assert _counts(_sync(cli)) == (3, 3, 0, 0)
    assert _case_texts(cli, "vasogrigio") == [
        "Il modulo di Bruno: vasogrigio.",
        "Rispondo a questo: ventonero.",
    ]
    assert _case_texts(cli, "tappetoarancio") == [
        "Ciao da lampadaviola.",
        "Il modulo di Anna: tappetoarancio.",
        "Per Anna: fogliasecca.",
        "Ancora io: nuvolabianca.",
    ]
    for word, customer in (("ventonero", bruno), ("fogliasecca", anna), ("nuvolabianca", anna)):
        assert _customer_of(cli, word) == customer, word
    assert len(cli.json("cases", "list")) == 2
    # Read again: nothing new, nothing moved.
    assert _counts(_sync(cli)) == (0, 0, 0, 0)
    assert len(_case_texts(cli, "vasogrigio")) == 2


def test_flags_on_one_of_two_messages_with_one_id_change_that_one_only(
    tmp_path: Path, dovecot: Any, mailbox: tuple[str, str], imap: Any
) -> None:
    imap.create_folder("Moduli")
    forms = {
        "anna": servers.make_message(
            1, sender="Anna Verdi <anna@example.it>", message_id=SHARED, body="Modulo: gattobianco.\n"
        ),
        "bruno": servers.make_message(
            2, sender="Bruno Neri <bruno@example.it>", message_id=SHARED, body="Modulo: canenero.\n"
        ),
        "carla": servers.make_message(
            3, sender="Carla Rosa <carla@example.it>", message_id=SHARED, body="Modulo: topogrigio.\n"
        ),
    }
    imap.append("INBOX", forms["anna"])
    imap.append("INBOX", forms["bruno"])
    imap.append("Moduli", forms["carla"])
    cli = _cli(tmp_path, dovecot, mailbox, folders="INBOX,Moduli")
    assert _counts(_sync(cli)) == (3, 3, 0, 0)

    def flags() -> dict[str, list[str]]:
        services = build(cli.database)
        try:
            with services.factory() as s:
                rows = s.execute(
                    select(Message.text, Message.meta).where(Message.external_id.startswith(SHARED))
                )
                return {
                    text.split(": ")[1].strip().rstrip("."): sorted((meta or {}).get("flags") or ())
                    for text, meta in rows
                }
        finally:
            services.close()

    assert flags() == {"gattobianco": [], "canenero": [], "topogrigio": []}

    def uid_of(folder: str, word: str) -> int:
        imap.select_folder(folder)
        (uid,) = imap.search(["BODY", word])
        return int(uid)

    # Another mail program flags Bruno's, the second of the two in the inbox.
    imap.add_flags([uid_of("INBOX", "canenero")], [b"\\Flagged"])
    report = _sync(cli)
    assert (report["fetched"], report["updated"]) == (0, 1)
    assert flags() == {"gattobianco": [], "canenero": ["\\Flagged"], "topogrigio": []}
    # Then reads Anna's, the first, and Carla's in the other folder.
    imap.add_flags([uid_of("INBOX", "gattobianco")], [b"\\Seen"])
    imap.add_flags([uid_of("Moduli", "topogrigio")], [b"\\Seen", b"\\Flagged"])
    imap.close_folder()
    report = _sync(cli)
    assert (report["fetched"], report["updated"]) == (0, 2)
    assert flags() == {
        "gattobianco": ["\\Seen"],
        "canenero": ["\\Flagged"],
        "topogrigio": ["\\Flagged", "\\Seen"],
    }
    # Nothing changed since: nothing updated.
    assert _sync(cli)["updated"] == 0
