"""`inbox-app` as admins and scripts use it: exact JSON keys, words on errors, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from connectors.fake import FakeServer
from tests.integration.cli.clirunner import Cli

ACCOUNT_KEYS = {"name", "kind", "enabled", "status", "last_error", "last_sync_at"}
CUSTOMER_KEYS = {"id", "name", "identities", "open_case_ids"}
CASE_KEYS = {
    "id",
    "customer_id",
    "status",
    "priority",
    "assignee",
    "team",
    "subject",
    "channels",
    "opened_at",
    "last_message_at",
}
MESSAGE_KEYS = {
    "id",
    "case_id",
    "thread_id",
    "direction",
    "channel",
    "account",
    "sender",
    "sent_at",
    "subject",
    "text",
    "delivery",
    "error",
    "attachments",
}
QUARANTINE_KEYS = {"id", "account", "external_id", "reason", "received_at"}


@pytest.fixture
def shop(cli: Cli, tmp_path: Path) -> FakeServer:
    server = FakeServer(tmp_path / "srv")
    server.deliver(
        id="m1",
        text="Buongiorno, perché il pacco non è arrivato?",
        subject="Pacco",
        thread="t1",
        name="Mario Rossi",
        **{"from": "Mario.Rossi@Example.it"},
    )
    server.deliver(
        id="m2",
        text="Ciao, avete la taglia M?",
        thread="t2",
        **{"from": "telegram:4242"},
        name="Giulia",
        also=["phone:+39 333 1234567"],
    )
    server.deliver_raw_line("{this is not a message")
    cli("accounts", "add", "fake", "shop", "--set", f"path={server.root}", "--set", "channel=email")
    return server


@pytest.mark.slow
def test_full_round_trip(cli: Cli, shop: FakeServer) -> None:
    first = cli("sync", "--once")
    assert "2 new" in first.stdout and "1 quarantined" in first.stdout
    assert "0 new" in cli("sync", "--once").stdout

    accounts = cli.json("accounts", "list")
    assert set(accounts[0]) >= ACCOUNT_KEYS and accounts[0]["status"] == "idle"
    assert accounts[0]["last_sync_at"]

    customers = cli.json("customers", "list")
    assert len(customers) == 2 and all(set(c) >= CUSTOMER_KEYS for c in customers)
    mario = next(c for c in customers if c["name"] == "Mario Rossi")
    assert mario["identities"] == [{"kind": "email", "value": "mario.rossi@example.it"}]

    shown = cli.json("customers", "show", str(mario["id"]))
    assert CUSTOMER_KEYS | {"timeline"} <= set(shown)
    assert all(set(m) >= MESSAGE_KEYS for m in shown["timeline"])

    cases = cli.json("cases", "list", "--status", "open")
    assert len(cases) == 2 and all(set(c) >= CASE_KEYS for c in cases)
    case_id = mario["open_case_ids"][0]
    assert CASE_KEYS | {"messages"} <= set(cli.json("cases", "show", str(case_id)))

    cli(
        "agents",
        "add",
        "Sara Bianchi",
        "--email",
        "sara@shop.example",
        "--role",
        "agent",
        "--team",
        "Vendite",
    )
    assert cli.json("agents", "list")[0]["team"] == "Vendite"
    cli("cases", "assign", str(case_id), "Sara Bianchi")
    assert [c["id"] for c in cli.json("cases", "list", "--assignee", "Sara Bianchi")] == [case_id]
    assert case_id not in [c["id"] for c in cli.json("cases", "list", "--unassigned")]

    queued = cli.json("--as", "Sara Bianchi", "reply", str(case_id), "--text", "Lo spediamo oggi.")
    assert queued["delivery"] == "queued"
    assert "1 sent" in cli("sync", "--once").stdout
    sent = shop.sent_replies()
    assert [s["text"] for s in sent] == ["Lo spediamo oggi."] and sent[0]["in_reply_to"] == "m1"
    messages = cli.json("cases", "show", str(case_id))["messages"]
    assert [m["delivery"] for m in messages] == [None, "sent"]

    cli("reply", str(case_id), "--note", "--text", "cliente importante")
    assert cli("sync", "--once") and len(shop.sent_replies()) == 1

    hits = cli.json("search", "perche")
    assert [h["customer_id"] for h in hits] == [mario["id"]]
    assert MESSAGE_KEYS | {"customer_id"} <= set(hits[0])

    quarantined = cli.json("quarantine", "list")
    assert len(quarantined) == 1 and set(quarantined[0]) >= QUARANTINE_KEYS
    assert "unreadable" in quarantined[0]["reason"]

    cli("cases", "status", str(case_id), "resolved")
    assert cli.json("cases", "show", str(case_id))["status"] == "resolved"


@pytest.mark.slow
def test_merge_unmerge_export_erase(cli: Cli, shop: FakeServer, tmp_path: Path) -> None:
    cli("sync", "--once")
    ids = sorted(c["id"] for c in cli.json("customers", "list"))
    cli("customers", "merge", str(ids[1]), str(ids[0]))
    merged = cli.json("customers", "list")
    assert len(merged) == 1 and len(merged[0]["identities"]) == 3
    assert len(cli.json("customers", "show", str(ids[0]))["timeline"]) == 2
    cli("customers", "unmerge", str(ids[0]))
    assert len(cli.json("customers", "list")) == 2

    out = tmp_path / "export.json"
    cli("export", "--customer", str(ids[0]), "--output", str(out))
    exported = json.loads(out.read_text(encoding="utf-8"))
    assert exported["customer"]["id"] == ids[0] and exported["timeline"]

    refused = cli("erase", "--customer", str(ids[0]), ok=False)
    assert refused.returncode != 0 and "--yes" in refused.stderr
    cli("erase", "--customer", str(ids[0]), "--yes")
    assert cli.json("customers", "show", str(ids[0]))["timeline"] == []
    assert "perche" not in json.dumps(cli.json("search", "pacco"))


@pytest.mark.slow
def test_customers_who_may_be_one_person_are_listed_and_told_apart(cli: Cli, shop: FakeServer) -> None:
    shop.deliver(
        id="m3",
        text="Ottimo servizio",
        thread="t3",
        name="ROSSI Mario",
        **{"from": "mastodon:@mrossi@mastodon.social"},
    )
    cli("sync", "--once")
    by_name = {c["name"]: c["id"] for c in cli.json("customers", "list")}
    email, social = by_name["Mario Rossi"], by_name["ROSSI Mario"]
    similar = cli.json("customers", "similar", str(email))
    assert similar == [
        {
            "id": social,
            "name": "ROSSI Mario",
            "reason": "same_name",
            "identities": [{"kind": "mastodon", "value": "@mrossi@mastodon.social"}],
            "open_case_ids": similar[0]["open_case_ids"],
        }
    ]
    assert "same name" in cli("customers", "similar", str(social)).stdout
    assert "two people" in cli("customers", "distinguish", str(social), str(email)).stdout
    assert cli.json("customers", "similar", str(email)) == []
    assert "no other customer looks like" in cli("customers", "similar", str(email)).stdout
    assert "already told apart" in cli("customers", "distinguish", str(email), str(social)).stdout
    refused = cli("customers", "similar", "999", ok=False)
    assert refused.returncode != 0 and "no customer with id 999" in refused.stderr


@pytest.mark.parametrize(
    "args, words",
    [
        (["cases", "show", "999"], "no case with id 999"),
        (["reply", "999", "--text", "x"], "no case with id 999"),
        (["accounts", "add", "carrier-pigeon", "x"], "unknown account kind"),
        (["accounts", "add", "fake", "x"], "'path' is required"),
        (
            ["accounts", "add", "fake", "x", "--set", "path=/tmp", "--set", "colour=red"],
            "unknown setting 'colour'",
        ),
        (["accounts", "add", "fake", "x", "--set", "nonsense"], "KEY=VALUE"),
        (
            [
                "accounts",
                "add",
                "email",
                "x",
                "--set",
                "imap_host=mail.example.com",
                "--set",
                "address=help@example.com",
                "--set",
                "imap_security=none",
            ],
            "none",
        ),
        (["customers", "merge", "1", "1"], "itself"),
        (["search", "  "], "at least one word"),
        (["cases", "status", "1", "snoozed"], "needs a time to wake up"),
        (["cases", "status", "1", "resolved"], "no case with id 1"),
        (["--database", "mysql://nope", "cases", "list"], "unsupported database"),
        (["--database", "sqlite:////no/such/folder/x.db", "cases", "list"], "does not exist"),
        (
            ["--database", "postgresql+psycopg://nobody@127.0.0.1:1/x", "cases", "list"],
            "cannot open the database",
        ),
    ],
)
def test_bad_input_gets_one_clear_line_and_a_non_zero_exit(cli: Cli, args: list[str], words: str) -> None:
    proc = cli(*args, ok=False)
    assert proc.returncode != 0
    assert words in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "(psycopg." not in proc.stderr and "sqlalche.me" not in proc.stderr  # the driver's words only


def test_usage_errors_exit_2(cli: Cli) -> None:
    proc = cli("cases", "list", "--status", "weird", ok=False)
    assert proc.returncode == 2 and "invalid choice" in proc.stderr
    # The choices come from the vocabulary's members but are listed as their plain codes.
    assert "(choose from 'open', 'pending', 'snoozed', 'resolved')" in proc.stderr


def test_help_loads_no_store_qt_or_channel_code() -> None:
    import subprocess
    import sys

    probe = (
        "import sys; from inbox_app.cli import build_parser; build_parser().format_help(); "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'sqlalchemy', 'PySide6', 'connectors'}) "
        "+ sorted(m for m in sys.modules if m.startswith('inbox_app.') and not m.startswith("
        "('inbox_app.cli', 'inbox_app.core.vocab')) and m != 'inbox_app.core'))"
    )
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert proc.stdout.strip() == "[]", proc.stdout + proc.stderr


def test_secret_goes_to_the_keyring_never_the_database(cli: Cli, tmp_path: Path) -> None:
    secret = "s3cret-Pa55word-!"
    cli(
        "accounts",
        "add",
        "email",
        "support",
        "--set",
        "imap_host=127.0.0.1",
        "--set",
        "imap_port=1",
        "--set",
        "imap_security=none",
        "--set",
        "smtp_security=none",
        "--set",
        "smtp_port=1",
        "--set",
        "address=help@example.com",
        "--secret-stdin",
        stdin=secret + "\n",
    )
    raw = (tmp_path / "inbox.db").read_bytes() + b"".join(
        p.read_bytes() for p in tmp_path.glob("inbox.db-*") if p.is_file()
    )
    assert secret.encode() not in raw
    test = cli("accounts", "test", "support", ok=False)
    assert test.returncode != 0 and secret not in test.stderr and test.stderr.strip()


def test_no_keyring_refuses_in_words_and_stores_nothing(cli: Cli) -> None:
    proc = cli(
        "accounts",
        "add",
        "email",
        "support",
        "--set",
        "imap_host=mail.example.com",
        "--set",
        "address=help@example.com",
        "--secret-stdin",
        stdin="pw\n",
        ok=False,
        env={"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"},
    )
    assert proc.returncode != 0
    assert "keyring" in proc.stderr and "PYTHON_KEYRING_BACKEND" in proc.stderr
    assert cli.json("accounts", "list") == []


@pytest.mark.slow
def test_sync_once_reports_a_dead_account_with_a_non_zero_exit(cli: Cli, tmp_path: Path) -> None:
    dead = FakeServer(tmp_path / "dead")
    dead.set_faults(fetch="transient")
    cli("accounts", "add", "fake", "dead", "--set", f"path={dead.root}")
    proc = cli("sync", "--once", ok=False)
    assert proc.returncode == 3 and "unavailable" in proc.stderr
    assert cli.json("accounts", "list")[0]["status"] == "error"
    assert cli.json("accounts", "list")[0]["last_error"]


@pytest.mark.slow
def test_db_upgrade_on_a_new_database(cli: Cli) -> None:
    assert "schema at" in cli("db", "upgrade").stdout
    assert "schema at" in cli("db", "upgrade").stdout


@pytest.mark.slow
def test_reopen_window_is_a_setting(cli: Cli) -> None:
    assert cli.json("settings", "list")["reopen_window_days"] == 7
    cli("settings", "set", "reopen_window_days", "3")
    assert cli.json("settings", "list")["reopen_window_days"] == 3
    bad = cli("settings", "set", "reopen_window_days", "tre", ok=False)
    assert bad.returncode == 1 and "whole number" in bad.stderr


@pytest.mark.slow
def test_db_compact_gives_freed_space_back_and_refuses_a_store_in_use(cli: Cli, tmp_path: Path) -> None:
    import sqlite3

    server = FakeServer(tmp_path / "srv")
    for i in range(300):
        server.deliver(
            id=f"m{i}",
            text=f"Messaggio {i}: " + "il pacco non è arrivato. " * 40,
            thread=f"t{i % 30}",
            **{"from": f"c{i % 30}@example.it"},
        )
    cli("accounts", "add", "fake", "shop", "--set", f"path={server.root}", "--set", "channel=email")
    cli("sync", "--once")
    for customer in cli.json("customers", "list")[:20]:
        cli("erase", "--customer", str(customer["id"]), "--yes")
    sizes = cli.json("db", "compact")
    assert set(sizes) == {"before", "after"}
    assert sizes["after"] < sizes["before"]
    assert len(cli.json("search", "pacco")) > 0  # what was kept is still there and found
    assert "MB ->" in cli("db", "compact").stdout

    holder = sqlite3.connect(tmp_path / "inbox.db")
    holder.execute("BEGIN IMMEDIATE")  # a sync batch in the middle of being written
    try:
        refused = cli("db", "compact", ok=False)
    finally:
        holder.rollback()
        holder.close()
    assert refused.returncode != 0
    assert refused.stderr.strip().splitlines() == [
        "inbox-app: error: the store is in use (a window or the sync worker has it open): close them and compact again"
    ]


def test_every_channel_kind_is_listed_with_its_settings_and_what_its_secret_is(cli: Cli) -> None:
    # The testing kind is offered only in a store marked for testing.
    assert "fake (" not in cli("accounts", "kinds").stdout
    cli("settings", "set", "testing_channels", "true")
    out = cli("accounts", "kinds").stdout
    kinds = (
        "email (email)",
        "matrix (chat)",
        "telegram (chat)",
        "mastodon (social)",
        "google_reviews (review)",
    )
    assert all(kind in out for kind in kinds)
    assert "client_id (required)" in out and '"refresh_token"' in out  # a review location's secret is JSON
    assert "the bot token that @BotFather gave" in out
    fake = out.split("fake (", 1)[1].split("google_reviews (", 1)[0]  # kinds come in name order
    assert "secret (--secret-stdin)" not in fake  # the fake server needs none
    # What each channel's replies can be: length, files, public.
    assert "replies: up to 4,096 bytes; no files; public" in out  # Google reviews
    assert "replies: up to 500 characters; files: image, video, audio (4 at most)" in out  # Mastodon
    assert "replies: any length; files of any kind" in out  # email


@pytest.mark.slow
def test_a_reply_carries_files_and_a_channel_without_files_refuses_them(
    cli: Cli, shop: FakeServer, tmp_path: Path
) -> None:
    cli("sync", "--once")
    mario = next(c for c in cli.json("customers", "list") if c["name"] == "Mario Rossi")
    case_id = mario["open_case_ids"][0]
    receipt = tmp_path / "ricevuta reso.pdf"
    receipt.write_bytes(b"%PDF-1.4 ricevuta")
    label = tmp_path / "etichetta.png"
    label.write_bytes(b"\x89PNG etichetta")

    queued = cli.json(
        "reply", str(case_id), "--text", "In allegato.", "--attach", str(receipt), "--attach", str(label)
    )
    assert [(a["filename"], a["content_type"], a["size"]) for a in queued["attachments"]] == [
        ("ricevuta reso.pdf", "application/pdf", 17),
        ("etichetta.png", "image/png", 14),
    ]
    shown = cli("cases", "show", str(case_id)).stdout
    assert "In allegato. (files: ricevuta reso.pdf, etichetta.png) [queued]" in shown
    only_files = cli.json("reply", str(case_id), "--attach", str(label))
    assert only_files["text"] == "" and len(only_files["attachments"]) == 1
    assert "2 sent" in cli("sync", "--once").stdout
    sent = shop.sent_replies()
    assert [[a["filename"] for a in r["attachments"]] for r in sent] == [
        ["ricevuta reso.pdf", "etichetta.png"],
        ["etichetta.png"],
    ]

    # One clear line, and nothing queued, for a file that is not there or a reply with nothing in it.
    for args, words in (
        (["--attach", str(tmp_path / "manca.pdf")], "no file at"),
        ([], "say what to send"),
    ):
        proc = cli("reply", str(case_id), *args, ok=False)
        assert proc.returncode != 0 and words in proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert len(cli.json("cases", "show", str(case_id))["messages"]) == 3

    # A channel that cannot carry files refuses them when the reply is queued, not when it is sent.
    cli("accounts", "add", "fake", "bacheca", "--set", f"path={shop.root}", "--set", "channel=review")
    proc = cli("reply", str(case_id), "--account", "bacheca", "--text", "x", "--attach", str(label), ok=False)
    assert proc.returncode != 0 and "cannot carry files" in proc.stderr


def test_a_reader_that_stops_early_is_no_error(cli) -> None:
    """`inbox-app cases list | head -1`: the rest is not wanted, and that is not a failure."""
    cli("demo")
    proc = subprocess.Popen(
        [sys.executable, "-m", "inbox_app.cli", "cases", "list", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=cli.env,
        bufsize=0,
    )
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.read(10)
    proc.stdout.close()  # as head does once it has its lines
    assert proc.wait(timeout=60) == 0
    err = proc.stderr.read().decode()
    proc.stderr.close()
    assert first.startswith(b"[") and "unexpected error" not in err and "Traceback" not in err, err
