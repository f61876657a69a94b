"""Through the command line: a location's reviews become cases with their stars, an answer
written on Google Maps shows as ours, and the agent's answer goes out once, as the review's
public reply, and is not stored twice when Google shows it again."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.emulators.google_reviews import REFRESH_TOKEN, GoogleReviewsEmulator
from tests.integration.cli.clirunner import Cli


@pytest.mark.slow
def test_reviews_to_cases_and_one_public_answer_back(emulator: GoogleReviewsEmulator, tmp_path: Path) -> None:
    cli = Cli(tmp_path)
    cli(
        "accounts",
        "add",
        "google_reviews",
        "reviews",
        "--set",
        f"location={emulator.location}",
        "--set",
        f"client_id={emulator.client_id}",
        "--set",
        f"api_base={emulator.base_url}",
        "--set",
        f"token_url={emulator.token_url}",
        "--set",
        "recheck_minutes=0",
        "--secret-stdin",
        stdin=emulator.secret + "\n",
    )
    assert "google_reviews" in cli("accounts", "kinds").stdout
    assert "connection works" in cli("accounts", "test", "reviews").stdout
    ada = emulator.customer_reviews("Ada Lovelace", 4, "Lovely coffee, slow service.")
    grumpy = emulator.customer_reviews("", 1, anonymous=True)  # stars without words
    bob = emulator.customer_reviews("Bob Marley", 5, "Best espresso in town")

    assert "3 new" in cli("sync", "--once").stdout
    assert "0 new" in cli("sync", "--once").stdout

    customers = {c["name"]: c for c in cli.json("customers", "list")}
    assert set(customers) == {"Ada Lovelace", "Anonymous Google reviewer", "Bob Marley"}
    assert customers["Ada Lovelace"]["identities"] == [{"kind": "review", "value": ada["name"]}]
    assert customers["Anonymous Google reviewer"]["identities"] == [
        {"kind": "review", "value": grumpy["name"]}
    ]
    [case_id] = customers["Ada Lovelace"]["open_case_ids"]
    case = cli.json("cases", "show", str(case_id))
    assert [(m["direction"], m["channel"], m["text"]) for m in case["messages"]] == [
        ("in", "review", "★★★★☆ Lovely coffee, slow service.")
    ]
    [anonymous_case] = customers["Anonymous Google reviewer"]["open_case_ids"]
    assert [m["text"] for m in cli.json("cases", "show", str(anonymous_case))["messages"]] == ["★☆☆☆☆"]

    # The owner answers Bob on Google Maps: the answer is ours, seen on his case.
    emulator.owner_replies(bob, "Grazie Bob!")
    assert "1 new" in cli("sync", "--once").stdout
    [bob_case] = customers["Bob Marley"]["open_case_ids"]
    assert [
        (m["direction"], m["text"], m["delivery"])
        for m in cli.json("cases", "show", str(bob_case))["messages"]
    ] == [
        ("in", "★★★★★ Best espresso in town", None),
        ("out", "Grazie Bob!", "sent"),
    ]

    queued = cli.json("reply", str(case_id), "--text", "Sorry for the wait, Ada: we added a barista.")
    assert queued["delivery"] == "queued"
    assert "1 sent" in cli("sync", "--once").stdout
    read_back = cli("sync", "--once").stdout  # this round reads our answer back from Google
    assert "0 new" in read_back and "0 sent" in read_back
    assert emulator.replies() == {
        ada["name"]: "Sorry for the wait, Ada: we added a barista.",
        bob["name"]: "Grazie Bob!",
    }
    assert emulator.reply_log == [(ada["name"], "Sorry for the wait, Ada: we added a barista.")]
    messages = cli.json("cases", "show", str(case_id))["messages"]
    assert [(m["direction"], m["delivery"]) for m in messages] == [("in", None), ("out", "sent")]

    # Ada edits her review: the same message changes, nothing new arrives.
    emulator.customer_edits(ada, comment="Lovely coffee, and now quick too.", stars=5)
    report = cli("sync", "--once").stdout
    assert "0 new" in report and "1 updated" in report
    assert [m["text"] for m in cli.json("cases", "show", str(case_id))["messages"]] == [
        "★★★★★ Lovely coffee, and now quick too.",
        "Sorry for the wait, Ada: we added a barista.",
    ]

    db = sqlite3.connect(tmp_path / "inbox.db")
    try:
        meta = dict(db.execute("SELECT external_id, meta FROM messages WHERE direction = 'in'").fetchall())
    finally:
        db.close()
    assert json.loads(meta[bob["name"]]) == {"stars": 5}
    assert json.loads(meta[grumpy["name"]]) == {"stars": 1, "rating_only": True}
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("inbox.db*") if p.is_file())
    secrets = [REFRESH_TOKEN, emulator.client_secret, *emulator.access_tokens]
    assert secrets and all(s.encode() not in stored for s in secrets)  # the keyring holds them, only
