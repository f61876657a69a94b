"""`cases list --overdue --sort due` and the service levels of each case in `--json`,
through the real command line."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from connectors.fake import FakeServer
from tests.integration.cli.clirunner import Cli


def _iso(at: datetime) -> str:
    return at.isoformat()


@pytest.mark.slow
def test_overdue_and_sorted_by_due_time(cli: Cli, tmp_path: Path) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    arrived = {
        "late": now - timedelta(hours=3),  # first reply due 2 h ago
        "soon": now - timedelta(minutes=30),  # due in 30 minutes
        "later": now - timedelta(minutes=10),  # due in 50 minutes
        "closed": now - timedelta(hours=5),  # resolved below
    }
    server = FakeServer(tmp_path / "srv")
    for i, (key, at) in enumerate(arrived.items()):
        server.deliver(
            id=f"m{i}",
            text=f"Messaggio {key}",
            subject=key,
            thread=key,
            sent_at=at.isoformat(),
            **{"from": f"{key}@example.it"},
        )
    cli("accounts", "add", "fake", "shop", "--set", f"path={server.root}", "--set", "channel=email")
    cli("sla", "add", "Email", "--first-reply", "1h", "--resolution", "2d", "--channel", "email")
    cli("sync", "--once")
    ids = {c["subject"]: c["id"] for c in cli.json("cases", "list")}
    cli("cases", "status", str(ids["closed"]), "resolved")
    by_due = cli.json("cases", "list", "--sort", "due")
    assert [c["subject"] for c in by_due] == ["late", "soon", "later", "closed"]
    late = by_due[0]
    assert late["due_at"] == _iso(arrived["late"] + timedelta(hours=1))
    assert late["sla"] == {
        "policy": "Email",
        "first_reply_due": _iso(arrived["late"] + timedelta(hours=1)),
        "next_reply_due": None,
        "resolution_due": _iso(arrived["late"] + timedelta(days=2)),
        "breached": ["first_reply"],  # found when it was stored: the due time had passed
        "paused": False,
    }
    assert by_due[1]["sla"]["breached"] == [] and by_due[1]["due_at"] == _iso(
        arrived["soon"] + timedelta(hours=1)
    )
    closed = by_due[3]
    assert (closed["due_at"], closed["sla"]["first_reply_due"], closed["sla"]["resolution_due"]) == (
        None,
        None,
        None,
    )
    assert closed["sla"]["breached"] == ["first_reply"]  # resolved 4 h late, unanswered
    overdue = cli.json("cases", "list", "--overdue")
    assert [c["subject"] for c in overdue] == ["late"]
    text = cli("cases", "list", "--sort", "due").stdout.splitlines()
    assert re.search(r" overdue 2h [01]m ", text[0]) and re.search(r" due in 0h (29|30)m ", text[1]), text
    # Answered: nothing is overdue any more.
    cli("reply", str(ids["late"]), "--text", "Ci scusi il ritardo, lo spediamo oggi.")
    assert cli.json("cases", "list", "--overdue") == []
    after = cli.json("cases", "list", "--sort", "due")
    assert [c["subject"] for c in after] == ["soon", "later", "late", "closed"]
    assert after[2]["due_at"] == _iso(arrived["late"] + timedelta(days=2))
