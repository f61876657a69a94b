"""A store made by an earlier release opens, upgrades and answers as it did then."""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "store-0007"


@pytest.fixture()
def old_store(tmp_path: Path) -> str:
    target = tmp_path / "store.db"
    with gzip.open(FIXTURE / "store.db.gz") as packed, target.open("wb") as out:
        shutil.copyfileobj(packed, out)
    return f"sqlite:///{target}"


def _cli(url: str, *args: str) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "inbox_app", "--database", url, *args],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.mark.slow
def test_old_store_upgrades_in_place_and_keeps_its_revision(old_store: str) -> None:
    assert _cli(old_store, "db", "status").strip() == "schema 0007; newest 0012"
    _cli(old_store, "db", "upgrade")
    assert _cli(old_store, "db", "status").strip() == "schema 0012; newest 0012"


@pytest.mark.slow
def test_old_store_answers_as_the_release_that_made_it(old_store: str) -> None:
    for status in ("open", "resolved"):
        printed = json.loads(
            _cli(old_store, "cases", "list", "--status", status, "--limit", "1000", "--json")
        )
        then = json.loads((FIXTURE / f"cases-{status}.json").read_text(encoding="utf-8"))
        # Keys added since (a case's version, 0008) may join; every key printed then is the same.
        assert [{k: row[k] for k in old} for row, old in zip(printed, then, strict=True)] == then
    customer = json.loads(_cli(old_store, "customers", "show", "7", "--json"))
    then = json.loads((FIXTURE / "customer-7.json").read_text(encoding="utf-8"))
    # Keys added since (the at-risk score, 0012) may join; every key printed then is the same.
    assert {k: customer[k] for k in then} == then
    assert set(customer["risk"]) == {"score", "factors"}
    hits = json.loads(_cli(old_store, "search", "fattura", "--json"))
    then = json.loads((FIXTURE / "search-fattura.json").read_text(encoding="utf-8"))
    # Ranking weighs recency against the clock, so the order may move; the hits may not.
    assert {h["id"]: h for h in hits} == {h["id"]: h for h in then}
