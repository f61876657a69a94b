"""The at-risk score through the real `inbox-app`: `customers show --json` carries it with
its factors, `customers list --at-risk` lists by the admin's threshold, and an agent's
"not at risk" mutes it until the customer writes again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from connectors.fake import FakeServer
from tests.integration.cli.clirunner import Cli


def _ago(hours: float) -> str:
    return (datetime.now(UTC) - timedelta(hours=hours)).isoformat()


def test_risk_in_show_list_and_not_at_risk(cli: Cli, tmp_path: Path) -> None:
    chat = FakeServer(tmp_path / "chat")
    chat.deliver(
        id="a1",
        thread="anna",
        text="Vergognoso! Ancora niente, è la terza volta che scrivo!!",
        sent_at=_ago(30),
        **{"from": "@anna:example.org"},
        name="Anna",
    )
    chat.deliver(
        id="b1",
        thread="bruno",
        text="Grazie mille, tutto perfetto",
        sent_at=_ago(0.2),
        **{"from": "@bruno:example.org"},
        name="Bruno",
    )
    cli("accounts", "add", "fake", "chat", "--set", f"path={chat.root}", "--set", "channel=chat")
    cli("sync", "--once")
    customers = {c["name"]: c["id"] for c in cli.json("customers", "list")}
    anna, bruno = customers["Anna"], customers["Bruno"]

    shown = cli.json("customers", "show", str(anna))
    risk = shown["risk"]
    assert set(risk) == {"score", "factors"}
    assert [set(f) for f in risk["factors"]] == [{"name", "share", "detail"}] * len(risk["factors"])
    assert {f["name"] for f in risk["factors"]} == {"tone", "waiting"}
    assert sum(f["share"] for f in risk["factors"]) == 100
    tone = next(f for f in risk["factors"] if f["name"] == "tone")
    waiting = next(f for f in risk["factors"] if f["name"] == "waiting")
    assert risk["score"] == 50  # tone at full weight (30) + a day's waiting (20)
    assert (tone["share"], waiting["share"]) == (60, 40)
    assert waiting["detail"].startswith("waiting for an answer for 30 h")
    assert cli.json("customers", "show", str(bruno))["risk"] == {"score": 0, "factors": []}
    assert "at risk: 50 (tone 60 %, waiting 40 %)" in cli("customers", "show", str(anna)).stdout

    # The admin's threshold decides who is listed; a stricter one empties the list.
    assert cli.json("customers", "list", "--at-risk") == []  # default threshold 60
    cli("settings", "set", "risk_threshold", "40")
    listed = cli.json("customers", "list", "--at-risk")
    assert [(c["id"], c["risk"]["score"]) for c in listed] == [(anna, 50)]
    assert {"id", "name", "identities", "open_case_ids", "risk"} <= set(listed[0])
    assert cli.json("customers", "list", "--at-risk", "--threshold", "51") == []
    bad = cli("settings", "set", "risk_threshold", "101", ok=False)
    assert bad.returncode != 0 and "0 to 100" in bad.stderr

    muted = cli.json("customers", "not-at-risk", str(anna), "--reason", "called her, refund sent")
    assert muted["score"] == 0 and muted["muted"]["score"] == 50
    assert muted["muted"]["reason"] == "called her, refund sent"
    assert cli.json("customers", "list", "--at-risk") == []
    assert "marked not at risk" in cli("customers", "show", str(anna)).stdout
    missing = cli("customers", "not-at-risk", "9999", "--reason", "x", ok=False)
    assert missing.returncode != 0 and "no customer with id 9999" in missing.stderr

    # She writes again: the mute is lifted and she is listed again.
    chat.deliver(id="a2", thread="anna", text="Ancora niente!!", **{"from": "@anna:example.org"}, name="Anna")
    cli("sync", "--once")
    again = cli.json("customers", "list", "--at-risk")
    assert [c["id"] for c in again] == [anna] and again[0]["risk"]["score"] >= 50
    assert "muted" not in cli.json("customers", "show", str(anna))["risk"]
