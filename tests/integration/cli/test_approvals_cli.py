"""`inbox-app approvals ...` and the account and agent settings that hold replies, as processes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from connectors.fake import FakeServer
from tests.integration.cli.clirunner import Cli

pytestmark = pytest.mark.slow


def _seed(cli: Cli, tmp_path: Path) -> tuple[FakeServer, dict[int, int]]:
    """A review account holding replies to 2 stars or fewer, three reviews; case id per stars."""
    server = FakeServer(tmp_path / "reviews")
    for stars in (1, 3, 5):
        server.deliver(
            id=f"r{stars}",
            text=f"{'★' * stars} recensione",
            thread=f"t{stars}",
            meta={"stars": stars},
            **{"from": f"review:gbp-{stars}"},
        )
    cli("agents", "add", "Sara Conti", "--email", "sara@example.com", "--role", "agent")
    cli("agents", "add", "Luca Verdi", "--email", "luca@example.com", "--role", "lead")
    cli("accounts", "add", "fake", "reviews", "--set", f"path={server.root}", "--set", "channel=review")
    cli("accounts", "set", "reviews", "--set", "approve_stars_max=2")
    cli("sync", "--once")
    cases = {}
    for case in cli.json("cases", "list"):
        first = cli.json("cases", "show", str(case["id"]))["messages"][0]["text"]
        cases[first.count("★")] = case["id"]
    return server, cases


def _reply(cli: Cli, case_id: int, text: str, who: str = "Sara Conti") -> dict:
    return json.loads(cli("--as", who, "reply", str(case_id), "--text", text, "--json").stdout)


def _message(cli: Cli, case_id: int, message_id: int) -> dict:
    return next(m for m in cli.json("cases", "show", str(case_id))["messages"] if m["id"] == message_id)


def test_a_held_reply_is_listed_approved_with_an_edit_and_sent_exactly_once(cli: Cli, tmp_path: Path) -> None:
    server, cases = _seed(cli, tmp_path)
    words = cli("--as", "Sara Conti", "reply", str(cases[1]), "--text", "Ha torto lei.")
    assert words.stdout.startswith("reply held as message ") and "waits for a lead's approval" in words.stdout
    held_id = int(words.stdout.split()[4])
    free = _reply(cli, cases[3], "Grazie!")
    assert _message(cli, cases[1], held_id)["delivery"] == "awaiting_approval"
    assert free["delivery"] == "queued"

    listed = cli.json("approvals", "list")
    assert [list(a) for a in listed] == [["id", "case_id", "author", "text", "rule", "created_at"]]
    [held] = listed
    assert (held["case_id"], held["author"], held["text"], held["rule"]) == (
        cases[1],
        "Sara Conti",
        "Ha torto lei.",
        "low_rating",
    )
    text_list = cli("approvals", "list").stdout
    assert f"case {cases[1]}" in text_list and "low-rated review" in text_list

    cli("sync", "--once")
    assert [r["text"] for r in server.sent_replies()] == ["Grazie!"]

    own = cli("--as", "Sara Conti", "approvals", "approve", str(held["id"]), ok=False)
    assert own.returncode == 77
    assert "only leads and admins approve or reject held replies" in own.stderr
    edit = tmp_path / "edit.txt"
    edit.write_text("Ci dispiace davvero: la richiamiamo oggi.\n", encoding="utf-8")
    done = cli("--as", "Luca Verdi", "approvals", "approve", str(held["id"]), "--text-file", str(edit))
    assert done.stdout.startswith(f"approved with your edit: reply {held_id} on case {cases[1]} is queued")
    for _ in range(2):
        cli("sync", "--once")
    assert [r["text"] for r in server.sent_replies()] == [
        "Grazie!",
        "Ci dispiace davvero: la richiamiamo oggi.\n",
    ]
    assert _message(cli, cases[1], held_id)["delivery"] == "sent"
    assert cli.json("approvals", "list") == []
    twice = cli("--as", "Luca Verdi", "approvals", "reject", str(held["id"]), "--reason", "no", ok=False)
    assert twice.returncode == 1
    assert "already approved by Luca Verdi" in twice.stderr


def test_a_rejected_reply_shows_its_reason_and_is_never_sent(cli: Cli, tmp_path: Path) -> None:
    server, cases = _seed(cli, tmp_path)
    held_id = _reply(cli, cases[1], "Ha torto lei.")["id"]
    [held] = cli.json("approvals", "list")
    usage = cli("--as", "Luca Verdi", "approvals", "reject", str(held["id"]), ok=False)
    assert usage.returncode == 2 and "--reason" in usage.stderr
    blank = cli("--as", "Luca Verdi", "approvals", "reject", str(held["id"]), "--reason", " ", ok=False)
    assert blank.returncode == 1 and "say why" in blank.stderr
    cli(
        "--as",
        "Luca Verdi",
        "approvals",
        "reject",
        str(held["id"]),
        "--reason",
        "Prima scusarsi, poi spiegare",
    )
    message = _message(cli, cases[1], held_id)
    assert (message["delivery"], message["error"]) == ("rejected", "Prima scusarsi, poi spiegare")
    assert "[rejected: Prima scusarsi, poi spiegare]" in cli("cases", "show", str(cases[1])).stdout
    cli("sync", "--once")
    assert server.sent_replies() == []
    unknown = cli("--as", "Luca Verdi", "approvals", "approve", "999", ok=False)
    assert unknown.returncode == 1 and "no held reply with approval id 999" in unknown.stderr


def test_a_trainee_waits_on_every_account_and_a_lead_never_approves_their_own(
    cli: Cli, tmp_path: Path
) -> None:
    _server, cases = _seed(cli, tmp_path)
    marked = cli("agents", "trainee", "Sara Conti", "on")
    assert marked.stdout.startswith("Sara Conti is now a trainee")
    assert {a["name"]: a["trainee"] for a in cli.json("agents", "list")} == {
        "Sara Conti": True,
        "Luca Verdi": False,
    }
    assert _reply(cli, cases[5], "Grazie mille!")["delivery"] == "awaiting_approval"
    assert _reply(cli, cases[5], "Grazie da Luca", who="Luca Verdi")["delivery"] == "queued"
    lead_held = _reply(cli, cases[1], "Ci scusiamo.", who="Luca Verdi")
    assert [a["rule"] for a in cli.json("approvals", "list")] == ["trainee", "low_rating"]
    lead_approval = cli.json("approvals", "list")[1]["id"]
    own = cli("--as", "Luca Verdi", "approvals", "approve", str(lead_approval), ok=False)
    assert own.returncode == 77 and "your own reply" in own.stderr
    assert _message(cli, cases[1], lead_held["id"])["delivery"] == "awaiting_approval"
    cli("agents", "trainee", "Sara Conti", "off")
    assert _reply(cli, cases[5], "Ancora grazie")["delivery"] == "queued"
    [account] = cli.json("accounts", "list")
    assert (account["approve_stars_max"], account["approve_public"]) == (2, False)
    cli("accounts", "set", "reviews", "--set", "approve_stars_max=none", "--set", "approve_public=true")
    [account] = cli.json("accounts", "list")
    assert (account["approve_stars_max"], account["approve_public"]) == (None, True)
    bad = cli("accounts", "set", "reviews", "--set", "approve_stars_max=9", ok=False)
    assert bad.returncode == 1 and "from 1 to 5" in bad.stderr
