"""Through the command line: a Mastodon customer's mentions become one case, and the
agent's reply goes out once, as an answer to the customer's post that mentions them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.emulators.mastodon import MastodonEmulator
from tests.integration.cli.clirunner import Cli


@pytest.mark.slow
def test_mentions_to_case_and_one_reply_back(emulator: MastodonEmulator, tmp_path: Path) -> None:
    cli = Cli(tmp_path)
    cli(
        "accounts",
        "add",
        "mastodon",
        "social",
        "--set",
        f"instance={emulator.base_url}",
        "--set",
        "poll_interval=5",
        "--secret-stdin",
        stdin=emulator.token + "\n",
    )
    assert "mastodon" in cli("accounts", "kinds").stdout
    ada = emulator.account("ada", display_name="Ada Lovelace")
    bob = emulator.account("bob", "other.example", display_name="Bob")
    first = emulator.customer_mentions(ada, "Hello, is the warranty two years?")
    second = emulator.customer_mentions(ada, "It is for the blue kettle.", in_reply_to=first["id"])
    emulator.customer_mentions(bob, "Do you ship to Canada?")

    assert "3 new" in cli("sync", "--once").stdout
    assert "0 new" in cli("sync", "--once").stdout

    customers = {c["name"]: c for c in cli.json("customers", "list")}
    assert customers["Ada Lovelace"]["identities"] == [{"kind": "mastodon", "value": "@ada@social.example"}]
    assert customers["Bob"]["identities"] == [{"kind": "mastodon", "value": "@bob@other.example"}]
    [case_id] = customers["Ada Lovelace"]["open_case_ids"]
    case = cli.json("cases", "show", str(case_id))
    assert [(m["direction"], m["channel"], m["text"]) for m in case["messages"]] == [
        ("in", "social", "Hello, is the warranty two years?"),
        ("in", "social", "It is for the blue kettle."),
    ]

    queued = cli.json("reply", str(case_id), "--text", "Yes: two years, kettles included.")
    assert queued["delivery"] == "queued"
    assert "1 sent" in cli("sync", "--once").stdout
    assert "0 sent" in cli("sync", "--once").stdout

    [post] = emulator.our_posts()
    assert post["in_reply_to_id"] == second["id"]  # the customer's latest post in the conversation
    assert post["source"] == "@ada@social.example Yes: two years, kettles included."
    assert [m["acct"] for m in post["mentions"]] == ["ada"] and post["visibility"] == "direct"
    messages = cli.json("cases", "show", str(case_id))["messages"]
    assert [(m["direction"], m["delivery"]) for m in messages] == [
        ("in", None),
        ("in", None),
        ("out", "sent"),
    ]

    stored = b"".join(p.read_bytes() for p in tmp_path.glob("inbox.db*") if p.is_file())
    assert emulator.token.encode() not in stored  # the token lives in the keyring only
