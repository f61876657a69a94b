"""Nothing lost: two different messages with one Message-ID are both kept, each with its
sender; the same message seen twice (two folders, moved, a rebuilt folder) is kept once.
Through the real `inbox-app sync --once --json` against Dovecot, with exact counts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.integration.email import servers
from tests.integration.email.test_email_end_to_end import Cli

pytestmark = pytest.mark.dovecot

SHARED = "<form-submission@webform.example>"


def _cli(tmp_path: Path, dovecot: Any, mailbox: tuple[str, str], folders: str = "INBOX") -> Cli:
    cli = Cli(tmp_path)
    settings = servers.settings_for(dovecot, mailbox[0], folders=folders)
    sets = [arg for key, value in settings.items() for arg in ("--set", f"{key}={value}")]
    cli("accounts", "add", "email", "mail", *sets, "--secret-stdin", stdin=mailbox[1] + "\n")
    return cli


def _sync(cli: Cli) -> dict[str, Any]:
    (report,) = cli.json("sync", "--once")
    assert report["fetched"] == report["stored"] + report["duplicates"] + report["quarantined"], report
    return dict(report)


def _form(n: int, sender: str, body: str, **kw: Any) -> bytes:
    return servers.make_message(
        n, sender=sender, message_id=SHARED, body=body, subject="Modulo contatti", **kw
    )


def _customer_of(cli: Cli, word: str) -> int:
    (hit,) = cli.json("search", word)
    return int(hit["customer_id"])


def _counts(report: dict[str, Any]) -> tuple[int, int, int, int]:
    return report["fetched"], report["stored"], report["duplicates"], report["quarantined"]


@pytest.mark.parametrize("first_folder", ["Moduli", "INBOX"], ids=["one folder", "two folders"])
def test_two_messages_with_one_message_id_are_both_kept_each_with_its_sender(
    tmp_path: Path, dovecot: Any, mailbox: tuple[str, str], imap: Any, first_folder: str
) -> None:
    imap.create_folder("Moduli")
    imap.append(
        first_folder, _form(1, "Anna Verdi <anna@example.it>", "Vorrei un preventivo per lavagnaverde.\n")
    )
    # Another person through the same web form, and the first person again with other words.
    imap.append("Moduli", _form(2, "Bruno Neri <bruno@example.it>", "Il modulo dice tavolorosso.\n"))
    imap.append("Moduli", _form(3, "Anna Verdi <anna@example.it>", "Aggiungo anche sediablu.\n"))
    cli = _cli(tmp_path, dovecot, mailbox, folders="INBOX,Moduli")

    assert _counts(_sync(cli)) == (3, 3, 0, 0)
    anna, bruno = _customer_of(cli, "lavagnaverde"), _customer_of(cli, "tavolorosso")
    assert anna != bruno
    assert _customer_of(cli, "sediablu") == anna
    assert sorted(c["customer_id"] for c in cli.json("cases", "list")) == sorted([anna, bruno])

    # Bruno answers naming the shared ID: his sender tells which of the two he answers.
    imap.append(
        "INBOX",
        servers.make_message(
            4,
            sender="Bruno Neri <bruno@example.it>",
            message_id="<bruno-answer@example.it>",
            in_reply_to=SHARED,
            references=SHARED,
            body="Confermo quanto scritto, grazie.\n",
        ),
    )
    assert _counts(_sync(cli)) == (1, 1, 0, 0)
    (hit,) = cli.json("search", "Confermo")
    assert hit["customer_id"] == bruno
    texts = [m["text"].strip() for m in cli.json("cases", "show", str(hit["case_id"]))["messages"]]
    assert texts == ["Il modulo dice tavolorosso.", "Confermo quanto scritto, grazie."]

    # Read again: nothing new.
    assert _counts(_sync(cli)) == (0, 0, 0, 0)
    # The provider rebuilds the folder (new UIDVALIDITY, new UIDs, the same mail): nothing new.
    imap.select_folder("Moduli")
    raws = [d[b"BODY[]"] for _, d in sorted(imap.fetch(imap.search(["ALL"]), [b"BODY[]"]).items())]
    imap.close_folder()
    imap.delete_folder("Moduli")
    imap.create_folder("Moduli")
    servers.append_all(imap, "Moduli", raws)
    assert _counts(_sync(cli)) == (len(raws), 0, len(raws), 0)
    for word in ("lavagnaverde", "tavolorosso", "sediablu", "Confermo"):
        assert len(cli.json("search", word)) == 1, word


def test_one_message_in_two_folders_and_one_moved_by_another_client_are_kept_once(
    tmp_path: Path, dovecot: Any, mailbox: tuple[str, str], imap: Any
) -> None:
    imap.create_folder("Archivio")
    filed = servers.make_message(
        1, sender="Carla Blu <carla@example.it>", body="Parola unica ombrellogiallo.\n"
    )
    imap.append("INBOX", filed)
    imap.append("Archivio", filed)
    imap.append(
        "INBOX", servers.make_message(2, sender="Dario <dario@example.it>", body="Scrivo di cappellonero.\n")
    )
    cli = _cli(tmp_path, dovecot, mailbox, folders="INBOX,Archivio")
    assert _counts(_sync(cli)) == (3, 2, 1, 0)
    assert len(cli.json("search", "ombrellogiallo")) == 1

    # Another mail program moves Dario's message to the archive.
    imap.select_folder("INBOX")
    (uid,) = imap.search(["HEADER", "Message-ID", "<msg-2@example.org>"])
    imap.move([uid], "Archivio")
    imap.close_folder()
    assert _counts(_sync(cli)) == (1, 0, 1, 0)
    assert len(cli.json("search", "cappellonero")) == 1
    assert len(cli.json("cases", "list")) == 2
