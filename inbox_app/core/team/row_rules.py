"""Team mode: rules PostgreSQL applies row by row, from the agent a login belongs to.

Group rights (db_rights) say which tables and columns a login may touch; some
rows also belong to one agent, and the application's word for who is acting is
not enough, since an agent's login could be used from any SQL client:

- every audit event written with an agent's login names that agent, whatever
  actor the writer gave, so the trail says who really did it (the worker and the
  store's owner are no agent's: they keep the actor they give, "system" for the
  worker);
- drafts and saved searches are their agent's own: agents and leads see and
  change only theirs (row-level security); admins see all, to clean up;
- a case's assignee changes, with an agent's login, only from nobody or that agent
  to nobody or that agent (taking a free case, giving one's own back): moving a case
  a colleague holds, or assigning one to someone else, needs a lead's or an admin's
  login, unless the store setting agents_may_reassign is true (see core/claims.py);
  likewise a case's team changes, with an agent's login, only from none to one;
- an agent's availability (available or away, which automatic assignment follows) changes,
  with an agent's login, only for that agent: leads and admins set anyone's.
- a reply held for a lead's approval leaves *awaiting_approval* only as its approval says:
  to *queued* once approved, to *rejected* once rejected, and a rejected reply stays so;
  whoever's the login, the worker's included, which therefore cannot claim one for sending
  (core/approvals.py). Leads may change a reply's text only while it awaits approval (to
  approve it with their edit), and a decision is taken once, never by the reply's author,
  and names the login's agent as who took it.

Agents cannot take these rules away (only the tables' owner can drop a trigger or
a policy) nor change which agent their login belongs to (the login role's
comment, which needs CREATEROLE). The store's owner is exempt from row security,
as PostgreSQL makes table owners.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import Connection

from inbox_app.core.vocab import Role

#: Matches the comment db_roles gives an agent's login ("Unisono login of agent N in
#: database D"); a test keeps it beside the Python pattern there.
LOGIN_COMMENT = r"^Unisono login of agent ([0-9]+) in database (.+)$"
#: Tables whose rows belong to one agent (column agent_id).
OWN_ROWS = ("drafts", "saved_searches")

_LOGIN_AGENT = """
CREATE OR REPLACE FUNCTION {schema}.inbox_login_agent() RETURNS bigint
LANGUAGE sql STABLE SET search_path = pg_catalog AS $body$
    SELECT CASE WHEN m[2] = current_database() THEN m[1]::bigint END
    FROM (SELECT regexp_match(coalesce(shobj_description(r.oid, 'pg_authid'), ''), {pattern}) AS m
          FROM pg_roles r WHERE r.rolname = session_user) AS login
$body$
"""

_AUDIT_ACTOR = """
CREATE OR REPLACE FUNCTION {schema}.inbox_audit_actor() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog AS $body$
DECLARE
    agent_name text;
BEGIN
    SELECT a.name INTO agent_name FROM {schema}.agents a WHERE a.id = {schema}.inbox_login_agent();
    IF agent_name IS NOT NULL THEN
        NEW.actor := agent_name;
    END IF;
    RETURN NEW;
END
$body$
"""

_CASE_ASSIGNEE = """
CREATE OR REPLACE FUNCTION {schema}.inbox_case_assignee() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog AS $body$
DECLARE
    me bigint := {schema}.inbox_login_agent();
    my_role text;
    free boolean;
BEGIN
    IF me IS NULL THEN
        RETURN NEW;  -- the worker and the store's owner are no agent's
    END IF;
    IF NEW.team_id IS NOT DISTINCT FROM OLD.team_id OR OLD.team_id IS NULL THEN
        IF NEW.assignee_id IS NOT DISTINCT FROM OLD.assignee_id
           OR ((OLD.assignee_id IS NULL OR OLD.assignee_id = me)
               AND (NEW.assignee_id IS NULL OR NEW.assignee_id = me)) THEN
            RETURN NEW;
        END IF;
    END IF;
    SELECT a.role INTO my_role FROM {schema}.agents a WHERE a.id = me;
    IF my_role IN ('lead', 'admin') THEN
        RETURN NEW;
    END IF;
    IF NEW.team_id IS DISTINCT FROM OLD.team_id AND OLD.team_id IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = '42501',
            MESSAGE = 'only leads and admins move cases to another team';
    END IF;
    SELECT lower(s.value ->> 'v') IN ('true', '1') INTO free
        FROM {schema}.store_settings s WHERE s.key = 'agents_may_reassign';
    IF coalesce(free, false) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION USING ERRCODE = '42501',
        MESSAGE = 'only leads and admins move cases other agents hold or assign cases to others';
END
$body$
"""

_AGENT_AVAILABLE = """
CREATE OR REPLACE FUNCTION {schema}.inbox_agent_available() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog AS $body$
DECLARE
    me bigint := {schema}.inbox_login_agent();
    my_role text;
BEGIN
    IF me IS NULL OR OLD.id = me OR NEW.available IS NOT DISTINCT FROM OLD.available THEN
        RETURN NEW;
    END IF;
    SELECT a.role INTO my_role FROM {schema}.agents a WHERE a.id = me;
    IF my_role IN ('lead', 'admin') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION USING ERRCODE = '42501',
        MESSAGE = 'only leads and admins set another agent''s availability';
END
$body$
"""

_MESSAGE_APPROVAL = """
CREATE OR REPLACE FUNCTION {schema}.inbox_message_approval() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog AS $body$
DECLARE
    decided text;
    me bigint;
BEGIN
    IF OLD.delivery IN ('awaiting_approval', 'rejected') AND NEW.delivery IS DISTINCT FROM OLD.delivery THEN
        SELECT a.state INTO decided FROM {schema}.approvals a WHERE a.message_id = OLD.id;
        IF NOT (OLD.delivery = 'awaiting_approval'
                AND ((decided = 'approved' AND NEW.delivery = 'queued')
                     OR (decided = 'rejected' AND NEW.delivery = 'rejected'))) THEN
            RAISE EXCEPTION USING ERRCODE = '42501',
                MESSAGE = 'a reply held for approval is sent only once a lead approves it';
        END IF;
    END IF;
    IF (NEW.text IS DISTINCT FROM OLD.text OR NEW.html IS DISTINCT FROM OLD.html)
       AND OLD.delivery IS DISTINCT FROM 'awaiting_approval' THEN
        me := {schema}.inbox_login_agent();
        IF me IS NOT NULL AND (SELECT a.role FROM {schema}.agents a WHERE a.id = me) = 'lead' THEN
            RAISE EXCEPTION USING ERRCODE = '42501',
                MESSAGE = 'leads change the text of a reply only while it awaits approval';
        END IF;
    END IF;
    RETURN NEW;
END
$body$
"""

_APPROVAL_DECISION = """
CREATE OR REPLACE FUNCTION {schema}.inbox_approval_decision() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog AS $body$
DECLARE
    me bigint := {schema}.inbox_login_agent();
BEGIN
    IF OLD.state <> 'waiting' AND (NEW.state IS DISTINCT FROM OLD.state
                                   OR NEW.edited_text IS DISTINCT FROM OLD.edited_text
                                   OR NEW.reason IS DISTINCT FROM OLD.reason) THEN
        RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE = 'this held reply was already decided';
    END IF;
    IF me IS NOT NULL AND NEW.state IS DISTINCT FROM OLD.state THEN
        IF OLD.author_id = me THEN
            RAISE EXCEPTION USING ERRCODE = '42501',
                MESSAGE = 'an author never approves or rejects their own reply';
        END IF;
        NEW.decided_by_id := me;
    END IF;
    RETURN NEW;
END
$body$
"""


def install(conn: Connection, schema: str, groups: Mapping[str, str]) -> None:
    """(Re)create the functions, the audit trigger and the row policies.

    ``schema`` and the group names in ``groups`` (kind -> role) come quoted.
    """
    pattern = "'" + LOGIN_COMMENT.replace("'", "''") + "'"
    run = conn.exec_driver_sql
    run(_LOGIN_AGENT.format(schema=schema, pattern=pattern))
    run(_AUDIT_ACTOR.format(schema=schema))
    run(f"DROP TRIGGER IF EXISTS audit_events_actor ON {schema}.audit_events")
    run(
        f"CREATE TRIGGER audit_events_actor BEFORE INSERT ON {schema}.audit_events "
        f"FOR EACH ROW EXECUTE FUNCTION {schema}.inbox_audit_actor()"
    )
    run(_CASE_ASSIGNEE.format(schema=schema))
    run(f"DROP TRIGGER IF EXISTS cases_assignee ON {schema}.cases")
    run(
        f"CREATE TRIGGER cases_assignee BEFORE UPDATE OF assignee_id, team_id ON {schema}.cases "
        f"FOR EACH ROW EXECUTE FUNCTION {schema}.inbox_case_assignee()"
    )
    run(_AGENT_AVAILABLE.format(schema=schema))
    run(f"DROP TRIGGER IF EXISTS agents_available ON {schema}.agents")
    run(
        f"CREATE TRIGGER agents_available BEFORE UPDATE OF available ON {schema}.agents "
        f"FOR EACH ROW EXECUTE FUNCTION {schema}.inbox_agent_available()"
    )
    run(_MESSAGE_APPROVAL.format(schema=schema))
    run(f"DROP TRIGGER IF EXISTS messages_approval ON {schema}.messages")
    run(
        f"CREATE TRIGGER messages_approval BEFORE UPDATE OF delivery, text, html ON {schema}.messages "
        f"FOR EACH ROW EXECUTE FUNCTION {schema}.inbox_message_approval()"
    )
    run(_APPROVAL_DECISION.format(schema=schema))
    run(f"DROP TRIGGER IF EXISTS approvals_decision ON {schema}.approvals")
    run(
        f"CREATE TRIGGER approvals_decision BEFORE UPDATE ON {schema}.approvals "
        f"FOR EACH ROW EXECUTE FUNCTION {schema}.inbox_approval_decision()"
    )
    mine = f"agent_id = {schema}.inbox_login_agent()"
    for table in OWN_ROWS:
        target = f"{schema}.{table}"
        run(f"ALTER TABLE {target} ENABLE ROW LEVEL SECURITY")
        run(f"DROP POLICY IF EXISTS own_rows ON {target}")
        run(
            f"CREATE POLICY own_rows ON {target} TO {groups[Role.AGENT]}, {groups[Role.LEAD]} "
            f"USING ({mine}) WITH CHECK ({mine})"
        )
        run(f"DROP POLICY IF EXISTS all_rows ON {target}")
        run(f"CREATE POLICY all_rows ON {target} TO {groups[Role.ADMIN]} USING (true) WITH CHECK (true)")
