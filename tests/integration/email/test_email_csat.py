"""Satisfaction by email, through the app, real Dovecot and the SMTP sink: asked once after the
case is resolved, in the customer's language, with no link for a scanner to open; the number
in the reply is the score (digit or word, English or Italian), the rest the comment; a low
score reopens the case."""

from __future__ import annotations

import asyncio
import email
import re
from collections.abc import Iterator
from email import policy
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from connectors.email import EmailConnector
from inbox_app.app import Services, build
from inbox_app.core.clock import utcnow
from tests.integration.csat_support import asking_team, case_of, questions, resolve, status, survey
from tests.integration.email import servers

pytestmark = pytest.mark.dovecot

ANY_URL = re.compile(r"(?i)\b(?:https?|ftp)://[^\s<>\"']+|\bwww\.[^\s<>\"']+")


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Services]:
    services = build(f"sqlite:///{tmp_path / 'store.db'}", registry={"email": EmailConnector})
    yield services
    services.close()


def _sync(app: Services) -> None:
    [report] = asyncio.run(app.supervisor().run_once("support-mail"))
    assert report.error is None, report.error


def _reply(n: int, sender: str, question: Any, body: str) -> bytes:
    """The customer's answer, as their mail client writes it: now, threaded to the question."""
    lines = [
        f"From: {sender}",
        "To: Assistenza <support@example.com>",
        f"Subject: Re: {question['Subject']}",
        f"Date: {format_datetime(utcnow())}",
        f"Message-ID: <answer-{n}@example.it>",
        f"In-Reply-To: {question['Message-ID']}",
        f"References: {question['Message-ID']}",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: 8bit",
    ]
    return ("\r\n".join(lines) + "\r\n\r\n" + body.replace("\n", "\r\n")).encode()


def _scan(raw: bytes) -> list[str]:
    """What a mail server's link scanner does: open every URL in the message, headers and all."""
    urls = ANY_URL.findall(raw.decode("utf-8", "replace"))
    for url in urls:
        httpx.get(url if "://" in url else f"http://{url}", timeout=5, follow_redirects=True)
    return urls


@pytest.mark.slow
def test_asked_once_answered_in_words_and_digits_a_low_score_reopens(
    app: Services, dovecot: Any, mailbox: tuple[str, str], smtp_server: Any, imap: Any
) -> None:
    settings = servers.settings_for(dovecot, mailbox[0], smtp_server)
    app.accounts.add("email", "support-mail", settings, secret=mailbox[1])
    asking_team(app, delay=0)
    maria, john = "Maria Rossi <maria.rossi@example.it>", "John Smith <john.smith@example.com>"
    imap.append("INBOX", servers.make_message(1, sender=maria, subject="Ordine 1042 in ritardo"))
    imap.append(
        "INBOX",
        servers.make_message(
            2, sender=john, subject="Order 77 missing", body="Hello, my order 77 has not arrived yet.\n"
        ),
    )
    _sync(app)
    cases = {who: case_of(app, f"<msg-{n}@example.org>") for n, who in ((1, "maria"), (2, "john"))}
    for case_id in cases.values():
        resolve(app, case_id)

    assert sorted(a.case_id for a in app.csat_asker.run_pass().asked) == sorted(cases.values())
    _sync(app)
    assert app.csat_asker.run_pass().asked == ()
    _sync(app)
    received = smtp_server.handler.received
    assert sorted(r.rcpt_tos[0] for r in received) == ["john.smith@example.com", "maria.rossi@example.it"]
    sent = {
        r.rcpt_tos[0].split(".")[0]: email.message_from_bytes(r.data, policy=policy.default) for r in received
    }
    italian, english = sent["maria"], sent["john"]
    assert italian["Subject"] == "Re: Ordine 1042 in ritardo"
    assert italian["In-Reply-To"] == "<msg-1@example.org>"
    assert "Risponda a questa email con un numero da 1 a 5" in italian.get_body(("plain",)).get_content()
    assert (
        "Please reply to this email with a number from 1 to 5" in english.get_body(("plain",)).get_content()
    )
    assert all(q.delivery == "sent" and q.is_auto for q in questions(app))

    # A scanner opens every link in the question: there is none, and nothing is answered.
    assert [_scan(r.data) for r in received] == [[], []]
    _sync(app)
    assert survey(app, cases["maria"]).answered_at is None  # type: ignore[union-attr]
    assert (status(app, cases["maria"]), status(app, cases["john"])) == ("resolved", "resolved")

    quoted = "\n\nIl giorno lun 7 dic 2026, Assistenza ha scritto:\n> Quanto è soddisfatto"
    imap.append("INBOX", _reply(1, maria, italian, "Due.\nIl corriere non ha mai chiamato." + quoted))
    imap.append("INBOX", _reply(2, john, english, "5 - quick and polite, thank you!\n\n> How satisfied"))
    _sync(app)
    got_maria, got_john = survey(app, cases["maria"]), survey(app, cases["john"])
    assert got_maria is not None and got_john is not None
    assert (got_maria.score, got_maria.comment, got_maria.language) == (
        2,
        "Il corriere non ha mai chiamato.",
        "it",
    )
    assert (got_john.score, got_john.comment, got_john.language) == (5, "quick and polite, thank you!", "en")
    assert status(app, cases["maria"]) == "open"  # a low score reopens
    assert status(app, cases["john"]) == "resolved"  # a good one does not
    assert len(smtp_server.handler.received) == 2  # and nobody was asked twice
