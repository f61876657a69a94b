"""What each kind of user may do, as the database itself enforces it (team mode)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import psycopg
import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.exc import ProgrammingError

from inbox_app.core.calls import CallLog, CallService
from inbox_app.core.clock import utcnow
from inbox_app.core.drafts import DraftService
from inbox_app.core.read.saved_searches import SavedSearchService
from inbox_app.core.store.models import AuditEvent, Base, Message
from inbox_app.core.store.settings import StoreSettings
from inbox_app.core.team import roles as db_roles
from inbox_app.core.team.refusals import NotPermitted, refusal
from inbox_app.core.team.rights import GROUPS, RIGHTS
from inbox_app.core.team.roles import RolesError
from tests.integration.roles.conftest import PASSWORD, Team


def refused_words(call, *args, **kwargs) -> str:
    """What the user is told when the database refuses ``call``."""
    with pytest.raises(ProgrammingError) as info:
        call(*args, **kwargs)
    words = refusal(info.value)
    assert words is not None, info.value
    return str(words)


# ------------------------------------------------------------------ every table is decided


def test_every_table_of_the_models_has_a_decision_for_every_group() -> None:
    assert db_roles.undecided_tables() == []
    assert set(RIGHTS) == set(Base.metadata.tables), "a decision for a table that is gone"
    for table, by_group in RIGHTS.items():
        assert set(by_group) == set(GROUPS), table
        columns = set(Base.metadata.tables[table].columns.keys())
        for group, rights in by_group.items():
            for some in (rights.read, rights.change):
                if isinstance(some, tuple):
                    assert set(some) <= columns, (table, group, set(some) - columns)


def test_setup_refuses_a_table_nobody_decided_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(RIGHTS, "templates")
    engine = create_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")  # never connected
    with pytest.raises(RolesError, match="no rights are decided for table.*templates"):
        db_roles.setup(engine)


def test_nobody_but_admins_may_change_or_delete_audit_events() -> None:
    for group in GROUPS:
        rights = RIGHTS["audit_events"][group]
        assert rights.add
        assert (rights.change or rights.remove) == (group == "admin")


def test_the_trigger_reads_the_same_login_comment_that_setup_writes() -> None:
    import re

    from inbox_app.core.team.row_rules import LOGIN_COMMENT

    found = re.match(LOGIN_COMMENT, db_roles._agent_mark(42, "negozio"), re.S)
    assert found is not None and found.groups() == ("42", "negozio")


@pytest.mark.postgres
def test_the_trail_names_the_agent_whose_login_wrote_it(team: Team) -> None:
    worker = db_roles.set_worker_login(
        team.owner.engine, f"worker_{team.database}", PASSWORD, actor="test"
    ).user
    # A script with Sara's login writes events in a colleague's name, and in nobody's.
    with team.connect_as(team.logins["Sara Bianchi"]) as conn:
        for actor in ("Anna Neri", "system"):
            conn.execute(
                "INSERT INTO audit_events (at, actor, action, object_type, data) "
                "VALUES (now(), %s, 'case.assigned', 'case', '{}')",
                (actor,),
            )
    with team.connect_as(worker) as conn:  # the worker is no agent: it keeps its "system"
        conn.execute(
            "INSERT INTO audit_events (at, actor, action, object_type, data) "
            "VALUES (now(), 'system', 'case.opened', 'case', '{}')"
        )
    team.owner.cases.set_priority(team.owner.queries.cases()[0].id, "high", actor="Luca Verdi")
    with team.owner.factory() as s:
        rows = s.execute(
            select(AuditEvent.actor, AuditEvent.action).order_by(AuditEvent.id.desc()).limit(4)
        ).all()
    assert [tuple(r) for r in reversed(rows)] == [
        ("Sara Bianchi", "case.assigned"),
        ("Sara Bianchi", "case.assigned"),
        ("system", "case.opened"),
        ("Luca Verdi", "case.priority"),  # the owner's login is no agent's: the app's own name stands
    ]
    # Agents cannot take the trigger away.
    with (
        team.connect_as(team.logins["Sara Bianchi"]) as conn,
        pytest.raises(psycopg.errors.InsufficientPrivilege),
    ):
        conn.execute("DROP TRIGGER audit_events_actor ON audit_events")


@pytest.mark.postgres
def test_drafts_and_saved_views_are_their_agents_own(team: Team) -> None:
    sara, luca, anna = (team.open_as(team.logins[n]) for n in ("Sara Bianchi", "Luca Verdi", "Anna Neri"))
    sara_id, luca_id = sara.agents.find("Sara Bianchi").id, sara.agents.find("Luca Verdi").id
    case_id = sara.queries.cases()[0].id
    DraftService(sara.factory).save(case_id, sara_id, "Gentile cliente, le confermo")
    SavedSearchService(sara.factory).save(sara_id, "Pacchi", "pacco")
    DraftService(luca.factory).save(case_id, luca_id, "Nota del responsabile")
    # A lead is an agent for drafts: Sara's are not his to read, change or delete.
    assert DraftService(luca.factory).load(case_id, sara_id) is None
    assert SavedSearchService(luca.factory).list(sara_id) == []
    with team.connect_as(team.logins["Luca Verdi"]) as conn:
        assert conn.execute("UPDATE drafts SET text = 'x' WHERE agent_id = %s", (sara_id,)).rowcount == 0
        assert conn.execute("DELETE FROM saved_searches WHERE agent_id = %s", (sara_id,)).rowcount == 0
    with (
        team.connect_as(team.logins["Sara Bianchi"]) as conn,
        pytest.raises(psycopg.errors.InsufficientPrivilege),
    ):
        conn.execute(
            "INSERT INTO drafts (case_id, agent_id, text, note, updated_at) VALUES (%s, %s, 'x', false, now())",
            (case_id, luca_id),
        )  # nor can she write one in his name
    mine = DraftService(sara.factory).load(case_id, sara_id)
    assert mine is not None and mine.text == "Gentile cliente, le confermo"
    # Admins see everyone's, to clean up after someone who left.
    assert DraftService(anna.factory).load(case_id, sara_id) is not None
    assert [v.name for v in SavedSearchService(anna.factory).list(sara_id)] == ["Pacchi"]


def test_a_refusal_in_words() -> None:
    def denied(statement: str, message: str) -> ProgrammingError:
        return ProgrammingError(statement, {}, psycopg.errors.InsufficientPrivilege(message))

    assert (
        str(
            refusal(
                denied(
                    "INSERT INTO channel_accounts (name) VALUES (%(n)s)",
                    "permission denied for table channel_accounts",
                )
            )
        )
        == "not permitted: your database login may not add channel accounts"
    )
    assert (
        str(refusal(denied("DELETE FROM audit_events", "permission denied for table audit_events")))
        == "not permitted: your database login may not delete audit events"
    )
    assert str(refusal(denied("GRANT x TO y", 'must have admin option on role "x"'))).startswith(
        "not permitted: your database login may not manage database roles"
    )
    other = ProgrammingError("SELECT 1", {}, psycopg.errors.UndefinedTable("no such table"))
    assert refusal(other) is None and refusal(ValueError("x")) is None


# ------------------------------------------------------------------ agents


@pytest.mark.postgres
def test_an_agent_works_conversations(team: Team) -> None:
    sara = team.open_as(team.logins["Sara Bianchi"])
    me = sara.agents.find("Sara Bianchi")
    assert me is not None and db_roles.login_agent_id(sara.engine) == me.id
    case, other = sara.queries.cases()[:2]
    reply = sara.outbox.queue_reply(case.id, "Lo spediamo oggi", agent_id=me.id)
    note = sara.outbox.queue_reply(case.id, "Cliente importante", note=True, agent_id=me.id)
    assert sara.queries.message(reply).delivery == "queued" and sara.queries.message(note).direction == "note"
    sara.cases.assign(case.id, "Sara Bianchi", actor=me.name)
    sara.cases.assign_team(case.id, "Vendite", actor=me.name)
    priority = sara.cases.set_priority(case.id, "high", actor=me.name)
    sara.cases.set_tags(case.id, ["spedizione"], actor=me.name)
    status = sara.cases.set_status(case.id, "snoozed", until=utcnow() + timedelta(days=1), actor=me.name)
    sara.cases.restore(case.id, status, actor=me.name)  # undo
    sara.cases.restore(case.id, priority, actor=me.name)
    sara.customers.update(case.customer_id, notes="richiamare lunedì", details={"vip": True}, actor=me.name)
    sara.customers.update(other.customer_id, name="Rossi Mario", actor=me.name)
    sara.customers.update(case.customer_id, name="Mario Rossi", actor=me.name)
    assert [c.customer.id for c in sara.queries.similar_customers(case.customer_id)] == [other.customer_id]
    merge_id = sara.customers.merge(other.customer_id, case.customer_id, actor=me.name)
    sara.customers.unmerge(merge_id=merge_id, actor=me.name)  # and so told apart
    assert sara.queries.similar_customers(case.customer_id) == []
    assert sara.customers.distinguish(case.customer_id, other.customer_id, actor=me.name) is False
    sara.customers.add_identity(case.customer_id, "phone", "+39 333 1234567", actor=me.name)
    CallService(sara.factory, sara.customers, sara.bus).log(
        case.id, CallLog("out", "+39 333 1234567", 60, notes="richiamato"), agent_id=me.id
    )
    drafts = DraftService(sara.factory)
    drafts.save(case.id, me.id, "Gentile cliente,")
    assert drafts.load(case.id, me.id) is not None
    drafts.discard(case.id, me.id)
    views = SavedSearchService(sara.factory)
    views.delete(views.save(me.id, "Pacchi", "pacco").id)
    row = sara.queries.case(case.id)
    assert (row.assignee, row.priority, row.status) == ("Sara Bianchi", "normal", "open")
    assert [h.text for h in sara.search.search("pacco")] == ["Il pacco non è arrivato"]
    assert len(sara.queries.timeline(case.customer_id)) >= 4 and sara.queries.customer(case.customer_id)


@pytest.mark.postgres
def test_an_agent_is_refused_the_admins_work_in_words(team: Team) -> None:
    sara = team.open_as(team.logins["Sara Bianchi"])
    path = {"path": str(team.shop.root), "channel": "email"}
    assert refused_words(sara.accounts.add, "fake", "other", path) == (
        "not permitted: your database login may not add channel accounts"
    )
    assert refused_words(sara.accounts.set_enabled, "shop", False) == (
        "not permitted: your database login may not change channel accounts"
    )
    assert refused_words(sara.agents.add, "Nuovo", "nuovo@example.com") == (
        "not permitted: your database login may not add agents"
    )
    assert (
        refused_words(sara.agents.add_team, "Altro") == "not permitted: your database login may not add teams"
    )
    assert refused_words(sara.templates.save, "Saluti", "Buongiorno {customer.first_name}") == (
        "not permitted: your database login may not add templates"
    )

    def change_setting() -> None:
        with sara.factory() as s, s.begin():
            StoreSettings.save(s, "reopen_window_days", 1)

    assert refused_words(change_setting) == "not permitted: your database login may not add store settings"
    assert refused_words(sara.agents.set_role, "Sara Bianchi", "admin") == (
        "not permitted: your database login may not change agents"
    )
    case = sara.queries.cases()[0]
    assert refused_words(sara.customers.export, case.customer_id) == (
        "not permitted: your database login may not read audit events"
    )
    assert refused_words(sara.customers.erase, case.customer_id).startswith("not permitted: ")
    assert not db_roles.may_sync(sara.engine)
    with pytest.raises(NotPermitted, match="may not run the sync worker"):
        db_roles.require_sync(sara.engine)
    # Not only through the app: a script with the login's connection string gets no further.
    with team.connect_as(team.logins["Sara Bianchi"]) as conn:
        for sql in (
            "DELETE FROM audit_events",
            "UPDATE audit_events SET actor = 'someone else'",
            "UPDATE messages SET text = 'not what the customer wrote'",
            "UPDATE channel_accounts SET settings = '{}'",
            "SELECT * FROM quarantine",
            "TRUNCATE audit_events",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(sql)
            conn.rollback()
    with team.owner.factory() as s:
        assert s.scalar(select(func.count(AuditEvent.id))) > 0


# ------------------------------------------------------------------ leads and admins


@pytest.mark.postgres
def test_a_lead_manages_templates_and_reads_the_trail_but_cannot_rewrite_it(team: Team) -> None:
    luca = team.open_as(team.logins["Luca Verdi"])
    case = luca.queries.cases()[0]
    luca.cases.assign(case.id, "Sara Bianchi", actor="Luca Verdi")
    luca.templates.save("Saluti", "Buongiorno {customer.first_name}")
    assert [t.name for t in luca.templates.list()] == ["Saluti"]
    assert luca.customers.export(case.customer_id)["audit"] is not None
    other = {"path": str(team.tmp / "other"), "channel": "email"}
    assert refused_words(luca.accounts.add, "fake", "other", other).endswith("may not add channel accounts")
    assert refused_words(luca.agents.add, "Nuovo", "nuovo@example.com").endswith("may not add agents")
    with team.connect_as(team.logins["Luca Verdi"]) as conn:
        assert conn.execute("SELECT count(*) FROM audit_events").fetchone()[0] > 0
        for sql in ("DELETE FROM audit_events", "UPDATE audit_events SET data = '{}'"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(sql)
            conn.rollback()


@pytest.mark.postgres
def test_an_admin_configures_the_store_and_may_erase(team: Team) -> None:
    anna = team.open_as(team.logins["Anna Neri"])
    anna.accounts.add(
        "fake", "other", {"path": str(team.tmp / "other"), "channel": "email"}, actor="Anna Neri"
    )
    anna.accounts.set_enabled("other", False, actor="Anna Neri")
    anna.agents.add("Nuovo Arrivo", "nuovo@example.com", "agent", "Assistenza", actor="Anna Neri")
    anna.agents.add_team("Resi", actor="Anna Neri")
    anna.templates.save("Saluti", "Buongiorno")
    with anna.factory() as s, s.begin():
        StoreSettings.save(s, "reopen_window_days", 3)
    case = anna.queries.cases()[0]
    counts = anna.customers.erase(case.customer_id, actor="Anna Neri")  # rewrites the person's audit events
    assert counts["messages"] >= 1
    assert db_roles.may_sync(anna.engine)
    # Rights and logins stay the owner's: an admin's login neither grants rights nor makes logins.
    with pytest.raises(NotPermitted, match="may not manage database roles or rights"):
        db_roles.setup(anna.engine)
    with pytest.raises(NotPermitted, match="may not manage database roles or rights"):
        db_roles.set_agent_login(anna.engine, "Nuovo Arrivo", PASSWORD)
    with team.connect_as(team.logins["Anna Neri"]) as conn:
        conn.execute("DELETE FROM audit_events WHERE action = 'agent.added'")
        conn.rollback()  # allowed; kept anyway


# ------------------------------------------------------------------ the worker


@pytest.mark.postgres
def test_the_worker_stores_what_arrives_and_sends_replies_but_configures_nothing(team: Team) -> None:
    result = db_roles.set_worker_login(team.owner.engine, f"worker_{team.database}", PASSWORD, actor="test")
    assert result.group == team.group("worker")
    sara = team.open_as(team.logins["Sara Bianchi"])
    me = sara.agents.find("Sara Bianchi")
    assert me is not None
    case = sara.queries.cases()[0]
    reply = sara.outbox.queue_reply(case.id, "Spedito oggi", agent_id=me.id)
    team.shop.deliver(
        id="m3", text="Grazie!", subject="Re: Pacco", thread="t1", **{"from": "mario@example.it"}
    )
    team.shop.deliver(
        id="m4", text="Nuova domanda", subject="Reso", thread="t9", **{"from": "nuovo@example.it"}
    )

    worker = team.open_as(result.user)
    assert db_roles.may_sync(worker.engine) and db_roles.login_agent_id(worker.engine) is None
    [report] = asyncio.run(worker.supervisor().run_once())
    assert report.error is None, report.error
    assert (report.stored, report.quarantined, report.sent, report.failed) == (2, 0, 1, 0)
    assert sara.queries.message(reply).delivery == "sent"
    assert [a.status for a in worker.accounts.list()] == ["idle"]
    worker.cases.wake_snoozed()
    with team.owner.factory() as s:
        assert s.scalar(select(func.count(Message.id)).where(Message.direction == "in")) == 4
    assert refused_words(worker.accounts.set_enabled, "shop", False).endswith(
        "may not change channel accounts"
    )
    assert refused_words(worker.agents.add, "Nuovo", "nuovo@example.com").endswith("may not add agents")
    with team.connect_as(result.user) as conn:
        for sql in (
            "DELETE FROM audit_events",
            "SELECT * FROM drafts",
            "UPDATE channel_accounts SET name = 'x'",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(sql)
            conn.rollback()
