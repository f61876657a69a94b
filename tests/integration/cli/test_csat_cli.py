"""`inbox-app teams set --csat ...`, `csat list` and `csat report`, run as a newcomer would."""

from __future__ import annotations

from pathlib import Path

import pytest

from connectors.fake import FakeServer
from tests.integration.cli.clirunner import Cli

NOT_PERMITTED = 77
LIST_KEYS = {"case_id", "customer_id", "agent", "channel", "score", "comment", "asked_at", "answered_at"}


def _setup(cli: Cli, tmp_path: Path) -> tuple[FakeServer, FakeServer]:
    cli("teams", "add", "Support")
    cli("agents", "add", "Anna Neri", "--email", "anna@shop.example", "--role", "admin")
    cli("agents", "add", "Luca Verdi", "--email", "luca@shop.example", "--role", "lead", "--team", "Support")
    chat, reviews = FakeServer(tmp_path / "chat"), FakeServer(tmp_path / "reviews")
    cli("accounts", "add", "fake", "chat", "--set", f"path={chat.root}", "--set", "team=Support")
    cli(
        "accounts", "add", "fake", "reviews", "--set", f"path={reviews.root}", "--set", "channel=review",
        "--set", "team=Support",
    )  # fmt: skip
    return chat, reviews


def _resolve_all(cli: Cli) -> list[int]:
    ids = sorted(c["id"] for c in cli.json("cases", "list", "--status", "open"))
    for case_id in ids:
        cli("cases", "assign", str(case_id), "Luca Verdi")
        cli("cases", "status", str(case_id), "resolved")
    return ids


@pytest.mark.slow
def test_admins_turn_it_on_and_the_answers_make_the_report(cli: Cli, tmp_path: Path) -> None:
    chat, reviews = _setup(cli, tmp_path)
    [team] = cli.json("teams", "list")
    assert (team["csat"], team["csat_delay"], team["csat_every"]) == (False, 3600, 2592000)

    refused = cli("--as", "Luca Verdi", "teams", "set", "Support", "--csat", "on", ok=False)
    assert refused.returncode == NOT_PERMITTED
    assert refused.stderr.strip() == "inbox-app: error: only admins set a team's satisfaction questions"
    bad = cli("teams", "set", "Support", "--csat-delay", "soon", ok=False)
    assert bad.returncode == 2 and "not a duration: 'soon'" in bad.stderr
    done = cli.json("--as", "Anna Neri", "teams", "set", "support", "--csat", "on", "--csat-delay", "0s")
    assert done == {"id": team["id"], "name": "Support", "csat": True, "csat_delay": 0, "csat_every": 2592000}
    assert cli("teams", "set", "Support", "--csat-every", "4w").stdout.strip() == (
        "Support: satisfaction asked 0s after resolving, at most every 4w"
    )
    assert "[satisfaction asked 0s after resolving, at most every 4w]" in cli("teams", "list").stdout

    chat.deliver(id="c1", text="Hi, my order is late", thread="t1", **{"from": "ada@example.com"})
    chat.deliver(
        id="c2", text="Buongiorno, il pacco è arrivato rotto", thread="t2", **{"from": "gio@example.it"}
    )
    reviews.deliver(
        id="r1", text="Terrible service", thread="rv1", meta={"stars": 1}, **{"from": "review:rev-77"}
    )
    cli("sync", "--once")
    chat_cases = _resolve_all(cli)
    assert len(chat_cases) == 3
    cli("sync", "--once")
    sent = chat.sent_replies()
    assert sorted(r["text"].split("?")[0] for r in sent) == [
        "How satisfied are you with how we handled your request",
        "Quanto è soddisfatto di come abbiamo gestito la sua richiesta",
    ]
    assert reviews.sent_replies() == []  # never asked in public
    assert cli("sync", "--once").stderr == ""  # and once only

    chat.deliver(id="c3", text="5 thanks, quick and kind", thread="t1", **{"from": "ada@example.com"})
    chat.deliver(
        id="c4", text="due. Il rimborso non è mai arrivato", thread="t2", **{"from": "gio@example.it"}
    )
    cli("sync", "--once")
    listed = cli.json("csat", "list")
    assert all(set(row) == LIST_KEYS for row in listed)
    assert sorted((r["agent"], r["channel"], r["score"], r["comment"]) for r in listed) == [
        ("Luca Verdi", "fake", 2, "Il rimborso non è mai arrivato"),
        ("Luca Verdi", "fake", 5, "thanks, quick and kind"),
    ]
    assert all(r["answered_at"] is not None and r["asked_at"] < r["answered_at"] for r in listed)
    low = next(r for r in listed if r["score"] == 2)
    assert cli.json("cases", "show", str(low["case_id"]))["satisfaction"] == low
    assert (
        "  satisfaction 2/5: Il rimborso non è mai arrivato"
        in cli("cases", "show", str(low["case_id"])).stdout
    )
    open_now = [c["id"] for c in cli.json("cases", "list", "--status", "open")]
    assert open_now == [next(r["case_id"] for r in listed if r["score"] == 2)]

    report = cli.json("csat", "report", "--from", "2020-01-01", "--to", "2099-12-31", "--by", "agent")
    assert report["total"] == {
        "name": None, "csat": 50.0, "answers": 2, "satisfied": 1, "asked": 2, "response_rate": 100.0,
        "cases": sorted(r["case_id"] for r in listed),
    }  # fmt: skip
    assert [(g["name"], g["csat"], g["answers"]) for g in report["groups"]] == [("Luca Verdi", 50.0, 2)]
    text = cli("csat", "report", "--from", "2020-01-01", "--to", "2099-12-31", "--by", "channel").stdout
    assert " ".join(text.splitlines()[0].split()) == (
        "all CSAT 50.0 % 2 answers (1 of 4-5) of 2 asked, response rate 100.0 %"
    )
    empty = cli.json("csat", "report", "--from", "2001-01-01", "--to", "2001-01-31")
    assert (empty["total"]["csat"], empty["total"]["answers"], empty["total"]["response_rate"]) == (
        None,
        0,
        None,
    )
    missing = cli("csat", "report", ok=False)
    assert missing.returncode == 2 and "--from" in missing.stderr


@pytest.mark.slow
def test_the_worker_asks_at_its_next_round_and_reads_the_answer(cli: Cli, tmp_path: Path) -> None:
    import subprocess
    import sys
    import time

    chat, _reviews = _setup(cli, tmp_path)
    cli("teams", "set", "Support", "--csat", "on", "--csat-delay", "0s")
    chat.deliver(id="c1", text="Hi, my order is late", thread="t1", **{"from": "ada@example.com"})
    cli("sync", "--once")
    [case_id] = _resolve_all(cli)

    def wait(check, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while not check():
            assert time.monotonic() < deadline, "the worker did not get there in time"
            time.sleep(0.2)

    log = tmp_path / "worker.log"
    with log.open("ab") as out:
        worker = subprocess.Popen(
            [sys.executable, "-m", "inbox_app.cli", "sync"], env=cli.env, stdout=out, stderr=out
        )
    try:
        wait(lambda: len(chat.sent_replies()) == 1)
        assert chat.sent_replies()[0]["text"].startswith("How satisfied are you")
        chat.deliver(id="c2", text="four", thread="t1", **{"from": "ada@example.com"})
        wait(lambda: cli.json("csat", "list")[0]["score"] == 4)
        time.sleep(6)  # more than a pass's tick: still one question
        assert len(chat.sent_replies()) == 1
        assert cli.json("cases", "show", str(case_id))["status"] == "resolved"
    finally:
        worker.terminate()
        assert worker.wait(timeout=20) == 0
    assert "Traceback" not in log.read_text(encoding="utf-8")
