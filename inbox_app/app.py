"""The composition root: builds every service once and wires them together.

The CLI, the headless worker and the GUI all start here, so no logic lives twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from inbox_app.core.accounts import AccountService
from inbox_app.core.agents import AgentService
from inbox_app.core.assign import AssignService
from inbox_app.core.cases import CaseService
from inbox_app.core.customers.service import CustomerService
from inbox_app.core.events import EventBus
from inbox_app.core.read.queries import Queries
from inbox_app.core.read.search import SearchService
from inbox_app.core.secrets import SecretStore
from inbox_app.core.store import database as db
from inbox_app.core.templates import TemplateService
from inbox_app.paths import default_database_url

if TYPE_CHECKING:
    from connectors.base import Capabilities, ConnectorClass
    from inbox_app.core.approvals import ApprovalService
    from inbox_app.core.ingest.service import IngestService
    from inbox_app.core.outbox.queue import OutboxService
    from inbox_app.core.service.hours_store import HoursService
    from inbox_app.core.service.sla_store import SlaService
    from inbox_app.core.setup import AccountSetup


class _Connectors(Mapping[str, "ConnectorClass"]):
    """The installed connectors, looked up on first use.

    Reading the entry points and importing ``connectors.base`` costs the window's
    start some 13 ms; the first case page needs neither (accounts and sync do).
    """

    def __init__(self) -> None:
        self._registry: Mapping[str, ConnectorClass] | None = None

    def _load(self) -> Mapping[str, ConnectorClass]:
        if self._registry is None:
            from connectors.base import available_connectors

            self._registry = available_connectors()
        return self._registry

    def __getitem__(self, kind: str) -> ConnectorClass:
        return self._load()[kind]

    def __iter__(self) -> Iterator[str]:
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())


@dataclass
class Services:
    url: str
    engine: Engine
    factory: sessionmaker[Session]
    read_factory: sessionmaker[Session]
    bus: EventBus
    registry: Mapping[str, ConnectorClass]
    secrets: SecretStore
    accounts: AccountService
    queries: Queries
    search: SearchService
    cases: CaseService
    customers: CustomerService
    agents: AgentService
    templates: TemplateService
    assign: AssignService
    # How the outbox asks a channel for an idempotency key and for its limits.
    key_maker: Callable[[str, Mapping[str, Any]], str] | None = None
    capabilities_of: Callable[[str, Mapping[str, Any]], Capabilities] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    # Ingest and the outbox are made on first use: the window shows its first cases
    # without importing them (they pull in the bulk-insert SQL of both backends).
    @property
    def ingest(self) -> IngestService:
        if "ingest" not in self.extra:
            from inbox_app.core.ingest.service import IngestService

            self.extra["ingest"] = IngestService(self.factory, self.bus)
        return self.extra["ingest"]  # type: ignore[no-any-return]

    @property
    def outbox(self) -> OutboxService:
        if "outbox" not in self.extra:
            from inbox_app.core.outbox.queue import OutboxService

            options: dict[str, Any] = {"capabilities_of": self.capabilities_of}
            if self.key_maker is not None:
                options["key_maker"] = self.key_maker
            self.extra["outbox"] = OutboxService(self.factory, self.bus, **options)
        return self.extra["outbox"]  # type: ignore[no-any-return]

    @property
    def approvals(self) -> ApprovalService:
        """Replies held for a lead: listing them, approving and rejecting."""
        if "approvals" not in self.extra:
            from inbox_app.core.approvals import ApprovalService

            self.extra["approvals"] = ApprovalService(
                self.factory, self.bus, capabilities_of=self.capabilities_of
            )
        return self.extra["approvals"]  # type: ignore[no-any-return]

    @property
    def setup(self) -> AccountSetup:
        """Offered kinds, auto-detection and secret checks for new accounts."""
        if "setup" not in self.extra:
            from inbox_app.core.setup import AccountSetup

            self.extra["setup"] = AccountSetup(self.factory, self.registry, tls=self.extra.get("tls"))
        return self.extra["setup"]  # type: ignore[no-any-return]

    @property
    def hours(self) -> HoursService:
        """Business-hours calendars: admins change them, SLA clocks load one by name."""
        if "hours" not in self.extra:
            from inbox_app.core.service.hours_store import HoursService

            self.extra["hours"] = HoursService(self.factory)
        return self.extra["hours"]  # type: ignore[no-any-return]

    @property
    def sla(self) -> SlaService:
        """SLA policies: admins order them; the clocks follow every change of a case."""
        if "sla" not in self.extra:
            from inbox_app.core.service.sla_store import SlaService

            self.extra["sla"] = SlaService(self.factory)
        return self.extra["sla"]  # type: ignore[no-any-return]

    def supervisor(self):  # type: ignore[no-untyped-def]
        from inbox_app.sync.supervisor import Supervisor

        if "supervisor" not in self.extra:
            self.extra["supervisor"] = Supervisor(
                self.engine, self.accounts, self.ingest, self.outbox, self.bus
            )
        return self.extra["supervisor"]

    def assigner(self):  # type: ignore[no-untyped-def]
        """The loop that runs automatic assignment passes (the worker, a window that syncs)."""
        from inbox_app.sync.assigner import Assigner

        if "assigner" not in self.extra:
            self.extra["assigner"] = Assigner(self.assign, self.bus)
        return self.extra["assigner"]

    def changefeed(self):  # type: ignore[no-untyped-def]
        """Team mode: forwards this process's changes to other windows and back."""
        from inbox_app.sync.changefeed import ChangeFeed

        if "changefeed" not in self.extra:
            self.extra["changefeed"] = ChangeFeed(self.engine, self.bus)
        return self.extra["changefeed"]

    def close(self) -> None:
        self.engine.dispose()


def build(
    url: str | None = None,
    *,
    migrate: bool | None = None,
    registry: Mapping[str, ConnectorClass] | None = None,
    secrets: SecretStore | None = None,
) -> Services:
    """Open the store at ``url`` (default: SQLite in the user's data folder).

    The embedded SQLite store upgrades itself; a shared PostgreSQL store is
    upgraded on purpose with ``inbox-app db upgrade`` and refuses to run behind.
    """
    url = url or default_database_url()
    engine = db.open_engine(url)
    is_sqlite = engine.dialect.name == "sqlite"
    try:
        # An up-to-date store is recognised by one plain query: Alembic (a quarter of a
        # second of imports) is loaded only when there is something to upgrade or explain.
        current = migrate is None and db.is_current(engine)
        if migrate or (migrate is None and is_sqlite and not current):
            db.upgrade(engine)
        elif migrate is None and not current and db.needs_upgrade(engine):
            raise db.StoreError(
                "the database schema is not up to date; an admin runs 'inbox-app db upgrade' first"
            )
    except db.StoreError:
        engine.dispose()
        raise
    except Exception as exc:
        engine.dispose()
        raise db.StoreError(f"cannot open the database: {_first_line(exc)}")
    registry = registry if registry is not None else _Connectors()
    factory = db.session_factory(engine)
    # Lists, timelines and search read through their own sessions, which never
    # queue behind a sync batch holding SQLite's write lock.
    read_factory = db.read_session_factory(engine)
    bus = EventBus()
    secrets = secrets or SecretStore()

    def key_maker(kind: str, settings: Mapping[str, Any]) -> str:
        from connectors.base import MakesIdempotencyKeys

        cls = registry.get(kind)
        if cls is not None and isinstance(cls, MakesIdempotencyKeys):
            return cls.make_idempotency_key(settings)
        import uuid

        return uuid.uuid4().hex

    def capabilities_of(kind: str, settings: Mapping[str, Any]) -> Capabilities:
        from connectors.base import Capabilities, capabilities_of_account

        cls = registry.get(kind)
        return capabilities_of_account(cls, settings) if cls is not None else Capabilities()

    queries = Queries(read_factory)
    services = Services(
        url=url,
        engine=engine,
        factory=factory,
        read_factory=read_factory,
        bus=bus,
        registry=registry,
        secrets=secrets,
        accounts=AccountService(factory, registry, secrets, bus),
        queries=queries,
        search=SearchService(read_factory, queries),
        cases=CaseService(factory, bus),
        customers=CustomerService(factory, bus),
        agents=AgentService(factory),
        templates=TemplateService(factory),
        # Agents have no calendar of their own yet: one counts by availability alone (hours=None).
        assign=AssignService(factory, bus, reader=read_factory),
        key_maker=key_maker,
        capabilities_of=capabilities_of,
    )
    if engine.dialect.name == "postgresql":
        services.changefeed()  # every change this process makes reaches the other windows
    return services


def _first_line(exc: BaseException) -> str:
    # SQLAlchemy wraps the driver's error as "(psycopg.OperationalError) ..." plus a
    # link to its own documentation: the driver's words are what tell the admin why.
    exc = getattr(exc, "orig", None) or exc
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
