"""Through the real `inbox-app` command: mail in Dovecot becomes a case, the agent's reply
reaches the SMTP server threaded to it, and the customer's answer lands in the same case."""

from __future__ import annotations

import email
import json
import os
import subprocess
import sys
from email import policy
from pathlib import Path
from typing import Any

import pytest

from connectors.base import available_connectors
from tests.integration.email import servers

pytestmark = pytest.mark.dovecot

# Until the email entry point is registered in the installed metadata, the command runs
# with the connector added to the registry it reads; the command's code is the same.
_WRAPPER = (
    "import sys, inbox_app.app as app\n"
    "from connectors.email import EmailConnector\n"
    "original = app.available_connectors\n"
    "app.available_connectors = lambda: {**original(), 'email': EmailConnector}\n"
    "from inbox_app.cli import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)


def _command() -> list[str]:
    if "email" in available_connectors():
        return [str(Path(sys.executable).with_name("inbox-app"))]
    return [sys.executable, "-c", _WRAPPER]


class Cli:
    def __init__(self, tmp_path: Path) -> None:
        self.database = f"sqlite:///{tmp_path / 'inbox.db'}"
        home = tmp_path / "home"
        self.env = dict(
            os.environ,
            HOME=str(home),
            XDG_DATA_HOME=str(home / "data"),
            XDG_CONFIG_HOME=str(home / "config"),
            PYTHON_KEYRING_BACKEND="keyrings.alt.file.PlaintextKeyring",
            INBOX_APP_DATA_DIR=str(home / "data" / "inbox_app"),
        )

    def __call__(self, *args: str, stdin: str | None = None) -> str:
        done = subprocess.run(
            [*_command(), "--database", self.database, *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=self.env,
            timeout=120,
        )
        assert done.returncode == 0, f"{args}: {done.stdout}\n{done.stderr}"
        return done.stdout

    def json(self, *args: str) -> Any:
        return json.loads(self("--json", *args))


@pytest.mark.slow
def test_mail_to_case_reply_and_answer_in_the_same_case(
    tmp_path: Path, dovecot: Any, mailbox: tuple[str, str], smtp_server: Any, imap: Any
) -> None:
    imap.append(
        "INBOX",
        servers.make_message(
            1,
            sender="Maria Rossi <maria.rossi@example.it>",
            subject="Ordine 1042 in ritardo",
            message_id="<first-1042@example.it>",
        ),
    )
    cli = Cli(tmp_path)
    settings = servers.settings_for(dovecot, mailbox[0], smtp_server)
    sets = [arg for key, value in settings.items() for arg in ("--set", f"{key}={value}")]
    cli("accounts", "add", "email", "support-mail", *sets, "--secret-stdin", stdin=mailbox[1] + "\n")
    assert mailbox[1] not in (tmp_path / "inbox.db").read_bytes().decode("latin-1")

    cli("sync", "--once")
    (case,) = cli.json("cases", "list")
    assert case["subject"] == "Ordine 1042 in ritardo"

    cli("reply", str(case["id"]), "--text", "Gentile Maria, il pacco parte oggi.")
    cli("sync", "--once")
    (received,) = smtp_server.handler.received
    sent = email.message_from_bytes(received.data, policy=policy.default)
    assert received.rcpt_tos == ["maria.rossi@example.it"]
    assert sent["In-Reply-To"] == "<first-1042@example.it>"
    assert "<first-1042@example.it>" in sent["References"]
    assert sent["Subject"] == "Re: Ordine 1042 in ritardo"
    shown = cli.json("cases", "show", str(case["id"]))
    outbound = [m for m in shown["messages"] if m["direction"] == "out"]
    assert [m["delivery"] for m in outbound] == ["sent"]

    # Maria answers from a client that changes the subject; the headers still thread it.
    imap.append(
        "INBOX",
        servers.make_message(
            2,
            sender="Maria Rossi <maria.rossi@example.it>",
            subject="grazie!",
            message_id="<answer-1042@example.it>",
            in_reply_to=sent["Message-ID"],
            body="Grazie mille, aspetto il pacco.\n",
        ),
    )
    cli("sync", "--once")
    cases = cli.json("cases", "list")
    assert [c["id"] for c in cases] == [case["id"]]
    texts = [m["text"].strip() for m in cli.json("cases", "show", str(case["id"]))["messages"]]
    assert sorted(texts) == sorted(
        [
            "Buongiorno, il mio ordine 1 non è ancora arrivato.",
            "Gentile Maria, il pacco parte oggi.",
            "Grazie mille, aspetto il pacco.",
        ]
    )
