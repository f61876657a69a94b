"""Team mode: who may do what, enforced by PostgreSQL itself and not only by hidden buttons.

Each store gets four group roles, named after its database: ``<db>_agent``, ``<db>_lead``,
``<db>_admin`` and ``<db>_worker`` (roles belong to the whole server, so two stores on one
server never share a group). :data:`~inbox_app.core.team.rights.RIGHTS` says what each group
may do with every table of the models; :func:`setup` creates the groups and sets exactly
those rights, again on every run. An agent's database login is a member of the group of the
agent's role and is tied to the agent record by the login's comment, so the app knows who
is working from the login. This module holds these operations; the rights themselves are in
:mod:`inbox_app.core.team.rights`, and how a refusal is said in words in
:mod:`inbox_app.core.team.refusals`.

A password reaches the server only as a SCRAM verifier computed here: never in a statement
the server could log, never in the app's tables, a log line or an error message.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, or_, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from inbox_app.core import audit
from inbox_app.core.store.models import Agent
from inbox_app.core.team import row_rules as db_row_rules
from inbox_app.core.team.refusals import NotPermitted as NotPermitted
from inbox_app.core.team.refusals import primary_message, refusal_words
from inbox_app.core.team.refusals import refusal as refusal
from inbox_app.core.team.rights import ALSO_READ, ROLE_GROUP, WORKER, Rights
from inbox_app.core.team.rights import GROUPS as GROUPS
from inbox_app.core.team.rights import RIGHTS as RIGHTS
from inbox_app.core.team.rights import undecided_tables as undecided_tables
from inbox_app.core.vocab import Role

# The "X as X" names above stay importable from here (db_roles.RIGHTS, db_roles.refusal), as
# they were before the rights and the refusals moved to modules of their own.

PASSWORD_MIN = 8
_NAME_MAX = 63  # PostgreSQL's identifier length, in bytes


class RolesError(Exception):
    """A roles command cannot do what was asked; the message says why in words."""


_AGENT_MARK = re.compile(r"^Unisono login of agent (\d+) in database (.+)$", re.S)
_WORKER_MARK = re.compile(r"^Unisono worker login in database (.+)$", re.S)
_USER = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.@-]*$")
_VERIFIER = re.compile(r"^SCRAM-SHA-256\$\d+:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$")


# ------------------------------------------------------------------ names and marks


def group_names(database: str) -> dict[str, str]:
    """The group roles of the store in ``database``, by kind."""
    out = {}
    for kind in GROUPS:
        base = database
        while len(f"{base}_{kind}".encode()) > _NAME_MAX:
            base = base[:-1]
        out[kind] = f"{base}_{kind}"
    return out


def _group_mark(kind: str, database: str) -> str:
    return f"Unisono {kind} group of database {database}"


def _agent_mark(agent_id: int, database: str) -> str:
    return f"Unisono login of agent {agent_id} in database {database}"


def _worker_mark(database: str) -> str:
    return f"Unisono worker login in database {database}"


@dataclass(frozen=True)
class Login:
    user: str
    kind: str  # "agent" (an agent's login) or "worker"
    agent_id: int | None
    groups: tuple[str, ...]  # kinds of the Unisono groups it is a member of

    def to_json(self) -> dict[str, object]:
        return {"user": self.user, "kind": self.kind, "agent_id": self.agent_id, "groups": list(self.groups)}


def _is_team_store(engine: Engine | Connection) -> bool:
    return engine.dialect.name == "postgresql"


def require_team_store(engine: Engine) -> None:
    if not _is_team_store(engine):
        raise RolesError(
            "database roles are a team-mode feature: they need a PostgreSQL store "
            "(--database postgresql+psycopg://...)"
        )


def _q(conn: Connection, name: str) -> str:
    return str(conn.dialect.identifier_preparer.quote_identifier(name))


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _run(conn: Connection, sql: str) -> None:
    """A statement built here (no parameters); the driver's error never carries it on."""
    try:
        conn.exec_driver_sql(sql.replace("%", "%%"))
    except DBAPIError as exc:
        refused = refusal(exc)
        if refused is not None:
            raise refused from None
        raise RolesError(f"the database refused: {primary_message(exc.orig or exc)}") from None


def _database(conn: Connection) -> str:
    return str(conn.execute(text("SELECT current_database()")).scalar_one())


def _roles(conn: Connection) -> dict[str, tuple[bool, str | None]]:
    """Every role whose comment is one of ours: name -> (can log in, comment)."""
    rows = conn.execute(
        text(
            "SELECT rolname, rolcanlogin, shobj_description(oid, 'pg_authid') FROM pg_roles "
            "WHERE shobj_description(oid, 'pg_authid') LIKE 'Unisono %'"
        )
    )
    return {str(name): (bool(login), comment) for name, login, comment in rows}


def _role(conn: Connection, name: str) -> tuple[bool, str | None] | None:
    row = conn.execute(
        text("SELECT rolcanlogin, shobj_description(oid, 'pg_authid') FROM pg_roles WHERE rolname = :n"),
        {"n": name},
    ).first()
    return None if row is None else (bool(row[0]), row[1])


def _memberships(conn: Connection, user: str) -> set[str]:
    return set(
        conn.execute(
            text(
                "SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
                "JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = :u"
            ),
            {"u": user},
        ).scalars()
    )


def _groups_in_place(conn: Connection, database: str) -> dict[str, str]:
    names = group_names(database)
    for kind, name in names.items():
        found = _role(conn, name)
        if found is None or found[1] != _group_mark(kind, database):
            raise RolesError("the database roles are not set up yet: run 'inbox-app db roles setup' first")
    return names


def _logins(conn: Connection, database: str) -> list[Login]:
    groups = {name: kind for kind, name in group_names(database).items()}
    out = []
    for user, (_can_login, comment) in sorted(_roles(conn).items()):
        agent = _AGENT_MARK.match(comment or "")
        worker = _WORKER_MARK.match(comment or "")
        if agent and agent.group(2) == database:
            kind, agent_id = "agent", int(agent.group(1))
        elif worker and worker.group(1) == database:
            kind, agent_id = WORKER, None
        else:
            continue
        member_of = tuple(sorted(groups[g] for g in _memberships(conn, user) if g in groups))
        out.append(Login(user, kind, agent_id, member_of))
    return out


# ------------------------------------------------------------------ setup


@dataclass(frozen=True)
class SetupReport:
    groups: dict[str, str]  # kind -> role name
    created: tuple[str, ...]
    tables: int
    unmanaged: tuple[str, ...]  # tables in the schema that are not the app's: no group may use them


def is_set_up(engine: Engine) -> bool:
    if not _is_team_store(engine):
        return False
    with engine.connect() as conn:
        try:
            _groups_in_place(conn, _database(conn))
        except RolesError:
            return False
        return True


def setup(engine: Engine) -> SetupReport:
    """Create the group roles if needed and set their rights on every table, anew.

    One transaction: other desktops never see a half-done state. Run by the store's
    owner (the user that ran 'inbox-app db upgrade'; creating roles needs CREATEROLE).
    """
    require_team_store(engine)
    missing = undecided_tables()
    if missing:
        raise RolesError(
            f"no rights are decided for table(s) {', '.join(missing)}; "
            "add them to inbox_app.core.team.rights.RIGHTS"
        )
    from inbox_app.core.store import database as db

    if not db.is_current(engine) and db.needs_upgrade(engine):
        raise RolesError("the schema is not up to date: run 'inbox-app db upgrade' before setting up roles")
    with engine.begin() as conn:
        database = _database(conn)
        schema = str(conn.execute(text("SELECT current_schema()")).scalar_one())
        present = set(
            conn.execute(
                text(
                    "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE n.nspname = :s AND c.relkind IN ('r', 'p', 'v')"
                ),
                {"s": schema},
            ).scalars()
        )
        absent = sorted(set(RIGHTS) - present)
        if absent:
            raise RolesError(
                f"the store has no table {absent[0]!r}: run 'inbox-app db upgrade' before setting up roles"
            )
        # GRANT by someone who does not own a table only warns and grants nothing: refuse instead.
        owns = conn.execute(
            text(
                "SELECT bool_and(pg_has_role(current_user, c.relowner, 'USAGE')) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = :s AND c.relname = ANY(:t)"
            ),
            {"s": schema, "t": sorted(RIGHTS)},
        ).scalar()
        if not owns:
            raise NotPermitted(refusal_words("GRANT", ""))
        names = group_names(database)
        created = []
        for kind, name in names.items():
            found = _role(conn, name)
            mark = _group_mark(kind, database)
            if found is None:
                _run(conn, f"CREATE ROLE {_q(conn, name)} NOLOGIN")
                _run(conn, f"COMMENT ON ROLE {_q(conn, name)} IS {_literal(mark)}")
                created.append(name)
            elif found[1] != mark or found[0]:
                raise RolesError(
                    f"a database role named {name!r} already exists and is not this store's {kind} "
                    "group; rename or drop it, then run setup again"
                )
        everyone = ", ".join(_q(conn, n) for n in names.values())
        qs = _q(conn, schema)
        # Start from nothing, so a right taken away here is gone from the database too.
        _run(conn, f"REVOKE ALL ON ALL TABLES IN SCHEMA {qs} FROM {everyone}")
        _run(conn, f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {qs} FROM {everyone}")
        for name in names.values():
            ok = conn.execute(
                text("SELECT has_schema_privilege(:r, :s, 'USAGE')"), {"r": name, "s": schema}
            ).scalar()
            if not ok:
                _run(conn, f"GRANT USAGE ON SCHEMA {qs} TO {everyone}")
                break
        for table, by_group in sorted(RIGHTS.items()):
            _grant_table(conn, schema, table, by_group, names)
        for table in ALSO_READ:
            if table in present:
                _run(conn, f"GRANT SELECT ON {qs}.{_q(conn, table)} TO {everyone}")
        # Per-row rules: the trail names the login's agent; drafts and views are their agent's.
        db_row_rules.install(conn, qs, {kind: _q(conn, name) for kind, name in names.items()})
        unmanaged = tuple(sorted(present - set(RIGHTS) - set(ALSO_READ)))
    return SetupReport(names, tuple(created), len(RIGHTS), unmanaged)


def _grant_table(
    conn: Connection, schema: str, table: str, by_group: Mapping[str, Rights], names: Mapping[str, str]
) -> None:
    target = f"{_q(conn, schema)}.{_q(conn, table)}"
    sequences = [
        s
        for s in conn.execute(
            text(
                "SELECT pg_get_serial_sequence(:t, a.attname) FROM pg_attribute a "
                "WHERE a.attrelid = CAST(:t AS regclass) AND a.attnum > 0 AND NOT a.attisdropped"
            ),
            {"t": f"{_q(conn, schema)}.{_q(conn, table)}"},
        ).scalars()
        if s
    ]
    for kind in GROUPS:
        rights = by_group.get(kind)
        if rights is None:
            raise RolesError(f"no rights are decided for the {kind} group on table {table}")
        privileges = rights.privileges(lambda c: _q(conn, c))
        if privileges:
            _run(conn, f"GRANT {', '.join(privileges)} ON {target} TO {_q(conn, names[kind])}")
        if rights.add:
            for sequence in sequences:  # already quoted by pg_get_serial_sequence
                _run(conn, f"GRANT USAGE ON SEQUENCE {sequence} TO {_q(conn, names[kind])}")


# ------------------------------------------------------------------ logins


def _check_user(user: str) -> str:
    if not _USER.match(user) or len(user.encode()) > _NAME_MAX or user.lower().startswith("pg_"):
        raise RolesError(
            f"{user!r} cannot be a database user name: use up to {_NAME_MAX} letters, digits "
            "and _ . @ - (not starting with pg_)"
        )
    return user


def default_user(email: str) -> str:
    """The login name an agent gets unless told otherwise: the start of their address."""
    local = re.sub(r"[^a-z0-9_.-]", "_", email.split("@", 1)[0].lower()).strip("._-")
    return (local or "agent")[:_NAME_MAX]


def _check_password(password: str) -> None:
    if len(password) < PASSWORD_MIN:
        raise RolesError(f"the password needs at least {PASSWORD_MIN} characters")
    if "\x00" in password:
        raise RolesError("the password cannot contain a NUL character")


def _verifier(conn: Connection, user: str, password: str) -> str:
    """The SCRAM-SHA-256 verifier of the password, computed by libpq on this side."""
    raw: Any = conn.connection.dbapi_connection
    pgconn = getattr(raw, "pgconn", None)
    if pgconn is not None:  # psycopg 3
        value = bytes(pgconn.encrypt_password(password.encode(), user.encode(), b"scram-sha-256"))
        verifier = value.decode("ascii")
    else:  # psycopg2
        import importlib

        extensions: Any = importlib.import_module("psycopg2.extensions")
        verifier = str(extensions.encrypt_password(password, user, raw, "scram-sha-256"))
    if not _VERIFIER.match(verifier):
        raise RolesError("the database driver could not prepare the password")
    return verifier


def _set_login(conn: Connection, user: str, password: str, mark: str, exists: bool) -> None:
    verifier = _verifier(conn, user, password)
    verb = "ALTER" if exists else "CREATE"
    _run(conn, f"{verb} ROLE {_q(conn, user)} WITH LOGIN INHERIT PASSWORD {_literal(verifier)}")
    if not exists:
        _run(conn, f"COMMENT ON ROLE {_q(conn, user)} IS {_literal(mark)}")


def _join(conn: Connection, user: str, group: str, groups: Mapping[str, str]) -> None:
    """Make ``user`` a member of ``group`` and of no other group of this store."""
    current = _memberships(conn, user)
    for other in groups.values():
        if other != group and other in current:
            _run(conn, f"REVOKE {_q(conn, other)} FROM {_q(conn, user)}")
    if group not in current:
        _run(conn, f"GRANT {_q(conn, group)} TO {_q(conn, user)}")


@dataclass(frozen=True)
class LoginResult:
    user: str
    group: str
    created: bool
    agent: str | None = None


def set_agent_login(
    engine: Engine, who: str, password: str, *, user: str | None = None, actor: str | None = None
) -> LoginResult:
    """Create the agent's login (or set its new password), in the group of the agent's role."""
    require_team_store(engine)
    _check_password(password)
    with Session(engine) as s, s.begin():
        conn = s.connection()
        agent = s.execute(
            select(Agent.id, Agent.name, Agent.email, Agent.role).where(
                or_(Agent.name == who, Agent.email == who)
            )
        ).first()
        if agent is None:
            raise RolesError(f"no agent named {who!r} (see 'inbox-app agents list')")
        database = _database(conn)
        groups = _groups_in_place(conn, database)
        own = [x for x in _logins(conn, database) if x.agent_id == agent.id]
        chosen = _check_user(user or (own[0].user if own else default_user(agent.email)))
        if own and own[0].user != chosen:
            raise RolesError(
                f"{agent.name} already has the database login {own[0].user!r}; "
                f"remove it first with 'inbox-app db roles drop {own[0].user}'"
            )
        group = groups[ROLE_GROUP.get(agent.role, Role.AGENT)]
        found = _claim_login(
            conn,
            chosen,
            password,
            _agent_mark(agent.id, database),
            group,
            groups,
            taken=f"is not {agent.name}'s login; choose another name with --user",
        )
        audit.record(
            s,
            actor,
            "agent.db_login_set" if found else "agent.db_login_added",
            "agent",
            agent.id,
            user=chosen,
            group=group,
        )
    return LoginResult(chosen, group, found is None, agent.name)


def _claim_login(
    conn: Connection,
    user: str,
    password: str,
    mark: str,
    group: str,
    groups: Mapping[str, str],
    *,
    taken: str,
) -> tuple[bool, str | None] | None:
    """Create ``user`` (or set its new password) marked as ``mark``, a member of ``group``.

    Refuses a user that exists with another mark: it belongs to someone or something else.
    Returns the role as it was before (None: it is new).
    """
    found = _role(conn, user)
    if found is not None and found[1] != mark:
        raise RolesError(f"a database user named {user!r} already exists and {taken}")
    _set_login(conn, user, password, mark, exists=found is not None)
    _join(conn, user, group, groups)
    return found


def set_worker_login(engine: Engine, user: str, password: str, *, actor: str | None = None) -> LoginResult:
    """A login for the headless sync worker (or its new password)."""
    require_team_store(engine)
    _check_password(password)
    _check_user(user)
    with Session(engine) as s, s.begin():
        conn = s.connection()
        database = _database(conn)
        groups = _groups_in_place(conn, database)
        found = _claim_login(
            conn,
            user,
            password,
            _worker_mark(database),
            groups[WORKER],
            groups,
            taken="is not a worker login of this store; choose another name",
        )
        _audit(s, actor, "worker.db_login_set" if found else "worker.db_login_added", user=user)
    return LoginResult(user, groups[WORKER], found is None)


def drop_login(engine: Engine, user: str, *, actor: str | None = None) -> Login:
    """Remove a login made by :func:`set_agent_login` or :func:`set_worker_login`."""
    require_team_store(engine)
    with Session(engine) as s, s.begin():
        conn = s.connection()
        login = next((x for x in _logins(conn, _database(conn)) if x.user == user), None)
        if login is None:
            raise RolesError(
                f"{user!r} is not a database login of this store (see 'inbox-app db roles list')"
            )
        _run(conn, f"DROP ROLE {_q(conn, user)}")
        if login.agent_id is not None:
            audit.record(s, actor, "agent.db_login_removed", "agent", login.agent_id, user=user)
        else:
            _audit(s, actor, "worker.db_login_removed", user=user)
    return login


def _audit(s: Session, actor: str | None, action: str, **data: Any) -> None:
    audit.record(s, actor, action, "db_login", None, **data)


def follow_role(session: Session, agent_id: int, role: str) -> None:
    """The agent's role changed: their database login moves to the new role's group.

    In the caller's transaction, so the record and the membership change together or not at all.
    """
    conn = session.connection()
    if not _is_team_store(conn):
        return
    database = _database(conn)
    own = [x for x in _logins(conn, database) if x.agent_id == agent_id]
    if not own:
        return
    groups = _groups_in_place(conn, database)
    for login in own:
        _join(conn, login.user, groups[ROLE_GROUP.get(role, Role.AGENT)], groups)


# ------------------------------------------------------------------ who is working


@dataclass(frozen=True)
class Overview:
    groups: dict[str, str]
    logins: list[Login]
    set_up: bool


def overview(engine: Engine) -> Overview:
    require_team_store(engine)
    with engine.connect() as conn:
        database = _database(conn)
        try:
            groups = _groups_in_place(conn, database)
            set_up = True
        except RolesError:
            groups, set_up = group_names(database), False
        return Overview(groups, _logins(conn, database), set_up)


def login_agent_id(engine: Engine) -> int | None:
    """The agent whose database login this engine signs in with (team mode), if any."""
    if not _is_team_store(engine):
        return None
    with engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT shobj_description(oid, 'pg_authid'), current_database() FROM pg_roles "
                "WHERE rolname = session_user"
            )
        ).first()
    if row is None or row[0] is None:
        return None
    found = _AGENT_MARK.match(row[0])
    return int(found.group(1)) if found and found.group(2) == row[1] else None


def may_sync(engine: Engine) -> bool:
    """Whether this login may run channel accounts: store messages and account sync status."""
    if not _is_team_store(engine):
        return True
    with engine.connect() as conn:
        return bool(
            conn.execute(
                text(
                    "SELECT has_column_privilege('channel_accounts', 'cursor', 'UPDATE') "
                    "AND has_table_privilege('messages', 'INSERT')"
                )
            ).scalar()
        )


def require_sync(engine: Engine) -> None:
    if not may_sync(engine):
        raise NotPermitted(
            "not permitted: your database login may not run the sync worker "
            "(the worker signs in with a login made by 'inbox-app db roles worker')"
        )
