"""`inbox-app report`: the figures of a known day as JSON and CSV, for leads and admins."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from inbox_app.app import build
from tests.integration.cli.clirunner import Cli
from tests.integration.store.report_seed import seed

UTC_ENV = {"TZ": "UTC"}
DAY = ("--from", "2026-03-02", "--to", "2026-03-02")


@pytest.fixture
def day(cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Cli:
    services = build(cli.db, migrate=True)
    try:
        seed(services, monkeypatch, tmp_path)
    finally:
        services.close()
    return cli


def test_report_json_by_agent_in_calendar_and_business_time(day: Cli) -> None:
    got = day("--as", "Lea Neri", "report", *DAY, "--by", "agent", "--calendar-time", "--json", env=UTC_ENV)
    sara = {
        "group": "Sara Conti",
        "cases_opened": 1,
        "cases_resolved": 1,
        "first_reply_median_s": 1200,
        "first_reply_p90_s": 1200,
        "resolution_median_s": 7200,
        "resolution_p90_s": 7200,
        "sla_targets": 1,
        "sla_met": 1,
        "backlog_end": 0,
    }
    rows = json.loads(got.stdout)
    assert [r["group"] for r in rows] == ["Lea Neri", "Sara Conti", "(unassigned)"]
    assert rows[1] == sara
    assert list(rows[0]) == list(sara)  # the contract's keys, in its order
    business = json.loads(day("report", *DAY, "--json", env=UTC_ENV).stdout)
    assert business == [
        {
            "group": "all",
            "cases_opened": 3,
            "cases_resolved": 1,
            "first_reply_median_s": 1200,
            "first_reply_p90_s": 1800,  # C answered half an hour after the Roma calendar closed
            "resolution_median_s": 7200,
            "resolution_p90_s": 7200,
            "sla_targets": 2,
            "sla_met": 1,
            "backlog_end": 2,
        }
    ]


def test_report_csv_has_the_same_numbers(day: Cli) -> None:
    got = day("report", *DAY, "--by", "team", "--calendar-time", "--csv", env=UTC_ENV)
    assert got.stdout.splitlines() == [
        "group,cases_opened,cases_resolved,first_reply_median_s,first_reply_p90_s,"
        "resolution_median_s,resolution_p90_s,sla_targets,sla_met,backlog_end",
        "Vendite,1,0,3600,3600,,,0,0,1",
        "(no team),2,1,1200,1200,7200,7200,2,1,1",
    ]


def test_days_are_this_computer_s_days(day: Cli) -> None:
    # In Tokyo (UTC+9) 2 March ends at 15:00 UTC: C (16:30 UTC) belongs to 3 March there.
    tokyo = {"TZ": "Asia/Tokyo"}
    (row,) = json.loads(day("report", *DAY, "--calendar-time", "--json", env=tokyo).stdout)
    assert (row["cases_opened"], row["backlog_end"]) == (2, 1)


def test_agents_are_refused_and_mistakes_are_told(day: Cli) -> None:
    refused = day("--as", "Sara Conti", "report", *DAY, "--json", ok=False, env=UTC_ENV)
    assert refused.returncode == 77
    assert "only leads and admins see reports" in refused.stderr
    both = day("report", *DAY, "--json", "--csv", ok=False)
    assert both.returncode == 1 and "not both" in both.stderr
    backwards = day("report", "--from", "2026-03-03", "--to", "2026-03-02", ok=False)
    assert backwards.returncode == 1 and "ends (2026-03-02) before it starts (2026-03-03)" in backwards.stderr
    bad = day("report", "--from", "March", "--to", "2026-03-02", ok=False)
    assert bad.returncode == 2 and "not a date" in bad.stderr
    text = day("report", *DAY, "--by", "channel", "--calendar-time", env=UTC_ENV).stdout.splitlines()
    assert text[1].split() == ["email", "3", "1", "20m00s/1h00m", "2h00m/2h00m", "1/2", "2"]
