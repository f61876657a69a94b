"""Agents, teams and roles."""

from __future__ import annotations

import builtins
from dataclasses import dataclass

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from inbox_app.core import audit
from inbox_app.core.customers.identities import InvalidIdentity, normalize
from inbox_app.core.store.models import Agent, Team
from inbox_app.core.team import roles as db_roles
from inbox_app.core.vocab import IdentityKind, Role

ROLES = tuple(Role)
TEAM_NAME_MAX = 200


class AgentError(Exception):
    pass


@dataclass(frozen=True)
class AgentRow:
    id: int
    name: str
    email: str
    role: str
    team: str | None
    available: bool = True  # available or away, for automatic assignment (core/assign.py)
    trainee: bool = False  # every reply waits for a lead's approval (core/approvals.py)

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "email": self.email,
            "role": self.role,
            "team": self.team,
            "available": self.available,
            "trainee": self.trainee,
        }


@dataclass(frozen=True)
class TeamRow:
    id: int
    name: str
    assign: str  # vocab.AssignMode
    capacity: int | None  # open cases per agent; None: no limit
    # Satisfaction surveys (core/voice/csat_ask.py): on or off, seconds after a case is
    # resolved, seconds within which a customer is not asked again.
    csat: bool = False
    csat_delay: int = 3600
    csat_every: int = 30 * 86400


def _row(agent: Agent, team: str | None) -> AgentRow:
    """The plain row of a stored agent (keywords: the row's fields have grown one by one)."""
    return AgentRow(
        id=agent.id,
        name=agent.name,
        email=agent.email,
        role=agent.role,
        team=team,
        available=bool(agent.available),
        trainee=bool(agent.trainee),
    )


def _named(s: Session, who: str) -> Agent:
    agent = s.scalar(select(Agent).where((Agent.name == who) | (Agent.email == who)))
    if agent is None:
        raise AgentError(f"no agent named {who!r} (see 'inbox-app agents list')")
    return agent


class AgentService:
    def __init__(self, factory: sessionmaker[Session]) -> None:
        self._factory = factory

    def add(
        self,
        name: str,
        email: str,
        role: str = Role.AGENT,
        team: str | None = None,
        *,
        actor: str | None = None,
    ) -> AgentRow:
        if role not in ROLES:
            raise AgentError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
        if not name.strip():
            raise AgentError("the agent needs a name")
        try:
            email = normalize(IdentityKind.EMAIL, email)
        except InvalidIdentity as exc:
            raise AgentError(str(exc))
        with self._factory() as s, s.begin():
            if s.scalar(select(Agent.id).where((Agent.name == name) | (Agent.email == email))):
                raise AgentError(f"an agent named {name!r} or with address {email} already exists")
            team_id = None
            if team:
                team_row = s.scalar(select(Team).where(Team.name == team))
                if team_row is None:
                    team_row = Team(name=team)
                    s.add(team_row)
                    s.flush()
                team_id = team_row.id
            agent = Agent(name=name.strip(), email=email, role=role, team_id=team_id, active=True)
            s.add(agent)
            s.flush()
            audit.record(s, actor, "agent.added", "agent", agent.id, name=name, role=role, team=team)
            return _row(agent, team)

    def set_role(self, who: str, role: str, *, actor: str | None = None) -> AgentRow:
        """Change what an agent may do; in team mode their database login changes group with it."""
        if role not in ROLES:
            raise AgentError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
        with self._factory() as s, s.begin():
            agent = _named(s, who)
            before, agent.role = agent.role, role
            s.flush()
            db_roles.follow_role(s, agent.id, role)
            audit.record(s, actor, "agent.role_changed", "agent", agent.id, role=role, before=before)
            team = s.scalar(select(Team.name).where(Team.id == agent.team_id)) if agent.team_id else None
            return _row(agent, team)

    def set_trainee(self, who: str, trainee: bool, *, actor: str | None = None) -> AgentRow:
        """Mark an agent trainee (every reply of theirs waits for a lead) or not."""
        with self._factory() as s, s.begin():
            agent = _named(s, who)
            if agent.trainee != trainee:
                agent.trainee = trainee
                audit.record(s, actor, "agent.trainee_changed", "agent", agent.id, trainee=trainee)
            team = s.scalar(select(Team.name).where(Team.id == agent.team_id)) if agent.team_id else None
            return _row(agent, team)

    def list(self) -> list[AgentRow]:
        with self._factory() as s:
            return [
                _row(a, t)
                for a, t in s.execute(
                    select(Agent, Team.name).outerjoin(Team, Team.id == Agent.team_id).order_by(Agent.name)
                )
            ]

    def find(self, who: str) -> AgentRow | None:
        for agent in self.list():
            if who in (agent.name, agent.email):
                return agent
        return None

    # builtins.list: inside the class, plain ``list`` names the method above.
    def teams(self) -> builtins.list[tuple[int, str]]:
        with self._factory() as s:
            return [(t.id, t.name) for t in s.scalars(select(Team).order_by(Team.name))]

    def team_rows(self) -> builtins.list[TeamRow]:
        """Every team with its automatic assignment settings."""
        with self._factory() as s:
            return [
                TeamRow(
                    t.id,
                    t.name,
                    t.assign_mode,
                    t.capacity,
                    bool(t.csat_enabled),
                    int(t.csat_delay),
                    int(t.csat_every),
                )  # fmt: skip
                for t in s.scalars(select(Team).order_by(Team.name))
            ]

    def add_team(self, name: str, *, actor: str | None = None) -> tuple[int, str]:
        name = _team_name(name)
        with self._factory() as s, s.begin():
            _refuse_taken(s, name)
            team = Team(name=name)
            s.add(team)
            s.flush()
            audit.record(s, actor, "team.added", "team", team.id, name=name)
            return team.id, team.name

    def rename_team(self, team_id: int, name: str, *, actor: str | None = None) -> tuple[int, str]:
        name = _team_name(name)
        with self._factory() as s, s.begin():
            team = s.get(Team, team_id)
            if team is None:
                raise AgentError(f"no team with id {team_id}")
            old = team.name
            if old == name:
                return team.id, team.name
            _refuse_taken(s, name, but=team_id)
            team.name = name
            s.flush()
            audit.record(s, actor, "team.renamed", "team", team.id, old=old, name=name)
            return team.id, team.name


@dataclass(frozen=True)
class Acting:
    """Who acts in this process, and the name asked for when it could not be followed.

    ``refused`` with an ``agent``: the database login is someone else's; without one: no agent
    has that name. The command line refuses to go on, the window says so and goes on.
    """

    agent: AgentRow | None
    refused: str | None = None


def acting_agent(agents: AgentService, engine: Engine, asked: str | None, *, anyone: bool) -> Acting:
    """The agent of this database login (team mode), else the agent ``asked`` for by name or
    email, else, when ``anyone``, the first admin, lead or agent (a single-user store's, the
    demo's)."""
    login = db_roles.login_agent_id(engine)
    if login is None and not asked and not anyone:
        return Acting(None)  # most commands: no agent named, no need to read the list
    roster = agents.list()
    mine = next((a for a in roster if a.id == login), None) if login is not None else None
    if mine is not None:
        return Acting(mine, asked if asked and asked not in (mine.name, mine.email) else None)
    if asked:
        found = next((a for a in roster if asked in (a.name, a.email)), None)
        return Acting(found, None if found is not None else asked)
    if anyone:
        for role in (Role.ADMIN, Role.LEAD, Role.AGENT):
            first = next((a for a in roster if a.role == role), None)
            if first is not None:
                return Acting(first)
    return Acting(None)


def agent_names(engine: Engine) -> dict[int, str]:
    """Every agent's name by id, for lists that show whose a database login is."""
    with engine.connect() as conn:
        return {int(i): str(n) for i, n in conn.execute(select(Agent.id, Agent.name))}


def _team_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise AgentError("the team needs a name")
    if len(name) > TEAM_NAME_MAX:
        raise AgentError(f"a team name can be at most {TEAM_NAME_MAX} characters long")
    return name


def _refuse_taken(s: Session, name: str, *, but: int | None = None) -> None:
    """Names differing only in capitals would look like one team in every list."""
    stmt = select(Team.name).where(func.lower(Team.name) == name.lower())
    if but is not None:
        stmt = stmt.where(Team.id != but)
    taken = s.scalar(stmt)
    if taken is not None:
        raise AgentError(f"a team named {taken!r} already exists")
