"""Team mode: the audit trail names the agent whose database login wrote each event.

The application writes the actor itself, and an agent's desktop writes its own
agent's name; but an agent's login could also be used from any SQL client to
add an event under a colleague's name. A trigger set up with the roles replaces
the actor of every event written by an agent's login with that agent's name, so
the trail says who really did it. Logins that are no agent's (the worker, the
store's owner) keep the actor they give ("system" for the worker).

Agents cannot drop the trigger (only the tables' owner can) nor change which
agent their login belongs to (that is the login role's comment, which needs
CREATEROLE).
"""

from __future__ import annotations

from sqlalchemy import Connection, text

#: Matches the comment db_roles gives an agent's login ("Unisono login of agent N in
#: database D"); kept beside the Python pattern there by a test.
LOGIN_COMMENT = r"^Unisono login of agent ([0-9]+) in database (.+)$"

_FUNCTION = """
CREATE OR REPLACE FUNCTION {schema}.inbox_audit_actor() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog AS $body$
DECLARE
    found text[];
    agent_name text;
BEGIN
    found := regexp_match(
        coalesce(shobj_description(
            (SELECT oid FROM pg_roles WHERE rolname = session_user), 'pg_authid'), ''),
        {pattern});
    IF found IS NOT NULL AND found[2] = current_database() THEN
        SELECT a.name INTO agent_name FROM {schema}.agents a WHERE a.id = found[1]::bigint;
        IF agent_name IS NOT NULL THEN
            NEW.actor := agent_name;
        END IF;
    END IF;
    RETURN NEW;
END
$body$
"""


def install(conn: Connection, schema: str) -> None:
    """(Re)create the function and its trigger on audit_events; ``schema`` is quoted."""
    pattern = "'" + LOGIN_COMMENT.replace("'", "''") + "'"
    conn.exec_driver_sql(_FUNCTION.format(schema=schema, pattern=pattern))
    conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS audit_events_actor ON {schema}.audit_events")
    conn.exec_driver_sql(
        f"CREATE TRIGGER audit_events_actor BEFORE INSERT ON {schema}.audit_events "
        f"FOR EACH ROW EXECUTE FUNCTION {schema}.inbox_audit_actor()"
    )


def installed(conn: Connection) -> bool:
    return bool(
        conn.execute(
            text("SELECT count(*) FROM pg_trigger WHERE tgname = 'audit_events_actor' AND NOT tgisinternal")
        ).scalar()
    )
