"""Team mode: a reply held for approval is held by PostgreSQL itself, for every login.

Each person works through their own database login in their own process (the command
line); the worker's login and the agents' try plain SQL, as a script with the login would.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import psycopg
import pytest

from inbox_app.core.team import roles as db_roles
from tests.integration.roles.conftest import PASSWORD, Team

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


def _refused(team: Team, user: str, sql: str, words: str) -> None:
    with team.connect_as(user) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match=words):
            conn.execute(sql)
        conn.rollback()


def _delivery(team: Team, message_id: int) -> tuple[str, str | None, str]:
    row = team.owner.queries.message(message_id)
    return row.delivery or "", row.error, row.text


def test_the_worker_login_cannot_claim_a_held_reply_and_a_lead_login_approves_with_an_edit(
    team: Team, tmp_path: Path
) -> None:
    sara, luca = team.logins["Sara Bianchi"], team.logins["Luca Verdi"]
    worker = db_roles.set_worker_login(
        team.owner.engine, f"worker_{team.database}", PASSWORD, actor="test"
    ).user
    team.owner.agents.set_trainee("Sara Bianchi", True, actor="test")
    case_id = team.owner.queries.cases()[0].id

    held = team.cli_as(sara, "reply", str(case_id), "--text", "Boh, non so.", "--json")
    message_id = json.loads(held.stdout)["id"]
    assert json.loads(held.stdout)["delivery"] == "awaiting_approval"
    listed = json.loads(team.cli_as(luca, "approvals", "list", "--json").stdout)
    assert [(a["case_id"], a["author"], a["text"], a["rule"]) for a in listed] == [
        (case_id, "Sara Bianchi", "Boh, non so.", "trainee")
    ]
    approval_id = listed[0]["id"]

    # The worker's login, by hand: every way out of awaiting_approval is refused.
    for sql in (
        f"UPDATE messages SET delivery = 'sending', attempts = attempts + 1 WHERE id = {message_id}",
        f"UPDATE messages SET delivery = 'queued' WHERE id = {message_id}",
        "UPDATE messages SET delivery = 'sent' WHERE delivery = 'awaiting_approval'",
    ):
        _refused(team, worker, sql, "sent only once a lead approves it")
    _refused(
        team, worker, f"UPDATE approvals SET state = 'approved' WHERE id = {approval_id}", "permission denied"
    )
    # Nor can the author's login queue it or approve it.
    _refused(team, sara, f"UPDATE messages SET delivery = 'queued' WHERE id = {message_id}", "lead approves")
    _refused(
        team, sara, f"UPDATE approvals SET state = 'approved' WHERE id = {approval_id}", "permission denied"
    )

    # The worker process sends nothing while it waits.
    worker_store = team.open_as(worker)
    [report] = asyncio.run(worker_store.supervisor().run_once())
    assert (report.error, report.sent) == (None, 0)
    assert team.shop.sent_replies() == []
    assert _delivery(team, message_id)[0] == "awaiting_approval"

    refused = team.cli_as(sara, "approvals", "approve", str(approval_id), ok=False)
    assert refused.returncode == 77, refused.stderr
    assert "only leads and admins approve or reject held replies" in refused.stderr

    edit = tmp_path / "edit.txt"
    edit.write_text("Il pacco arriva domani: ecco il tracciamento.", encoding="utf-8")
    approved = team.cli_as(luca, "approvals", "approve", str(approval_id), "--text-file", str(edit))
    assert approved.stdout.startswith(f"approved with your edit: reply {message_id} on case {case_id}")
    again = team.cli_as(luca, "approvals", "approve", str(approval_id), ok=False)
    assert again.returncode == 1 and "already approved by Luca Verdi" in again.stderr

    for _ in range(3):
        [report] = asyncio.run(worker_store.supervisor().run_once())
        assert report.error is None
    assert [r["text"] for r in team.shop.sent_replies()] == ["Il pacco arriva domani: ecco il tracciamento."]
    assert _delivery(team, message_id)[0] == "sent"
    with team.owner.engine.connect() as conn:
        kept = conn.exec_driver_sql(
            f"SELECT original_text, edited_text, decided_by_id IS NOT NULL FROM approvals WHERE id = {approval_id}"
        ).one()
    assert tuple(kept) == ("Boh, non so.", "Il pacco arriva domani: ecco il tracciamento.", True)


def test_a_lead_login_never_decides_on_its_own_reply_and_a_rejection_stays(team: Team) -> None:
    luca, anna = team.logins["Luca Verdi"], team.logins["Anna Neri"]
    worker = db_roles.set_worker_login(
        team.owner.engine, f"worker_{team.database}", PASSWORD, actor="test"
    ).user
    team.owner.agents.set_trainee("Luca Verdi", True, actor="test")
    case_id = team.owner.queries.cases()[0].id
    message_id = json.loads(
        team.cli_as(luca, "reply", str(case_id), "--text", "Mia risposta", "--json").stdout
    )["id"]
    [held] = json.loads(team.cli_as(anna, "approvals", "list", "--json").stdout)

    own = team.cli_as(luca, "approvals", "approve", str(held["id"]), ok=False)
    assert own.returncode == 77 and "your own reply" in own.stderr
    _refused(
        team,
        luca,
        f"UPDATE approvals SET state = 'approved' WHERE id = {held['id']}",
        "never approves or rejects",
    )
    inbound = next(m.id for m in team.owner.queries.case_messages(case_id) if m.direction == "in")
    _refused(
        team,
        luca,
        f"UPDATE messages SET text = 'altro' WHERE id = {inbound}",
        "only while it awaits approval",
    )

    team.cli_as(anna, "approvals", "reject", str(held["id"]), "--reason", "Prima chiedi il numero d'ordine")
    shown = json.loads(team.cli_as(luca, "cases", "show", str(case_id), "--json").stdout)
    [mine] = [m for m in shown["messages"] if m["id"] == message_id]
    assert (mine["delivery"], mine["error"]) == ("rejected", "Prima chiedi il numero d'ordine")
    _refused(
        team, worker, f"UPDATE messages SET delivery = 'queued' WHERE id = {message_id}", "lead approves"
    )
    _refused(
        team, anna, f"UPDATE approvals SET state = 'approved' WHERE id = {held['id']}", "already decided"
    )
    assert team.cli_as(anna, "approvals", "list", "--json").stdout.strip() == "[]"
