"""The demo data set: a small shop's last two months of customer service, ready to explore.

``seed(services)`` fills an empty store with it: three agents in two teams,
four channel accounts (email, chat, social, reviews) on the file-backed fake
channel, templates, and about four hundred messages from forty customers, many
of whom wrote through more than one channel. The messages go through the same
path as real ones: they are delivered to the fake channel's inbox files,
fetched by its connector and stored by the ingest service, so customers are
linked by their identities, threads and cases form as they would in
production. Then the agents' work is replayed: assignments, statuses,
priorities, internal notes, and a few replies still queued or failed.

The data set lives in ``resources/demo/demo.json`` and is produced by
``python benchmarks/generate.py --demo resources/demo/demo.json``, the same
generator the store benchmarks use. Message times are stored as ages, so the
history always ends "now".
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from connectors.base import Batch
from inbox_app.app import Services
from inbox_app.core.clock import utcnow
from inbox_app.core.store.database import StoreError
from inbox_app.core.store.models import Agent, Case, ChannelAccount, Customer, Message, Thread
from inbox_app.core.templates import render
from inbox_app.paths import resources_dir

#: name, email, role, team
AGENTS = (
    # The one who opens the demo acts as the first admin: Giulia runs the desk and the
    # tool, so every settings tab (accounts, agents, teams) is there to look at.
    ("Giulia Rossi", "giulia.rossi@unisono-shop.example", "admin", "Assistenza clienti"),
    ("Marco Bianchi", "marco.bianchi@unisono-shop.example", "agent", "Assistenza clienti"),
    ("Emma Clarke", "emma.clarke@unisono-shop.example", "agent", "Social e recensioni"),
)

#: name, body, per-channel variants, shortcut
TEMPLATES = (
    (
        "Saluto e presa in carico",
        "Gentile {customer.first_name},\n\ngrazie per averci scritto. Ho preso in carico la sua "
        "richiesta (pratica n. {case.id}) e le rispondo al più presto.\n\nCordiali saluti,\n{agent.name}",
        {
            "chat": "Ciao {customer.first_name}! Sono {agent.name}, ci penso io 🙂",
            "social": "Ciao {customer.first_name}, ti scriviamo in privato per aiutarti!",
        },
        "/ciao",
    ),
    (
        "Rimborso avviato",
        "Gentile {customer.first_name},\n\nabbiamo avviato il rimborso: lo vedrà sulla carta entro "
        "cinque giorni lavorativi.\n\nCordiali saluti,\n{agent.name}",
        {"chat": "{customer.first_name}, rimborso avviato: entro 5 giorni lo vedi sulla carta."},
        "/rimborso",
    ),
    (
        "Etichetta per il reso",
        "Gentile {customer.first_name},\n\nle abbiamo inviato l'etichetta per il reso: può lasciare "
        "il pacco in qualsiasi punto di ritiro. Il rimborso parte appena lo riceviamo.\n\n{agent.name}",
        {
            "chat": "Ti ho mandato l'etichetta per il reso, {customer.first_name}: basta lasciarlo "
            "in un punto di ritiro."
        },
        "/reso",
    ),
    (
        "Thanks for the review",
        "Thank you {customer.first_name} for your review! We are glad you are happy with us.\n"
        "{agent.name}, Unisono",
        {"review": "Grazie {customer.first_name} per la recensione! A presto, {agent.name}"},
        "/thanks",
    ),
    (
        "Delivery delay (English)",
        "Dear {customer.first_name},\n\nwe are sorry for the delay: the courier has your parcel and "
        "will deliver it within two working days. Your case number is {case.id}.\n\n"
        "Kind regards,\n{agent.name}",
        {"chat": "Sorry {customer.first_name}, the courier will deliver within two working days."},
        "/delay",
    ),
)

FAILED_REASON = "550 5.1.1 the recipient's mailbox is full; the message was not delivered"


def data_file() -> Path:
    return resources_dir() / "demo" / "demo.json"


def load(customers: int | None = None) -> dict[str, Any]:
    """The demo data set, limited to its first ``customers`` customers when given."""
    data = json.loads(data_file().read_text(encoding="utf-8"))
    available = len(data["people"])
    if customers is None or customers == available:
        return data
    if customers < 1:
        raise StoreError("the demo needs at least one customer")
    if customers > available:
        generator = _generator()
        if generator is None:
            raise StoreError(
                f"the demo data set holds {available} customers; larger ones are made by "
                "benchmarks/generate.py in a source checkout"
            )
        return generator.demo_data(customers, customers * 10)
    keep = {p["index"] for p in data["people"] if p["index"] < customers}
    data["people"] = [p for p in data["people"] if p["index"] in keep]
    data["messages"] = {
        name: [m for m in lines if m["person"] in keep] for name, lines in data["messages"].items()
    }
    data["cases"] = [c for c in data["cases"] if c["person"] in keep]
    return data


def _generator() -> Any:
    """The data generator of a source checkout (benchmarks/generate.py), if this is one."""
    import importlib.util

    path = resources_dir().parent / "benchmarks" / "generate.py"
    if not path.is_file():
        return None
    spec = importlib.util.spec_from_file_location("unisono_demo_generator", path)
    if spec is None or spec.loader is None:
        return None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its data classes look themselves up there
    spec.loader.exec_module(module)
    return module


def seed(services: Services, customers: int | None = None) -> dict[str, int]:
    """Fill an empty store with the demo data set; returns what it holds afterwards."""
    _refuse_if_in_use(services)
    data = load(customers)
    now = utcnow()
    # The generated history may run a little past its own "now" (replies written after
    # the last customer message): end it a minute ago so nothing lies in the future.
    latest = min((line["ago"] for lines in data["messages"].values() for line in lines), default=0)
    history_end = now - timedelta(seconds=max(0, -latest) + 60)

    # A demo store plays its channels with the testing kind: offer it for new accounts too.
    from inbox_app.core.settings import SettingsService

    SettingsService(services.factory).change("testing_channels", True, actor="demo")
    for name, email, role, team in AGENTS:
        services.agents.add(name, email, role, team, actor="demo")
    agent_ids = {a.name: a.id for a in services.agents.list()}
    for name, body, variants, shortcut in TEMPLATES:
        services.templates.save(name, body, variants, shortcut)

    folder = _channel_folder(services)
    accounts: dict[str, int] = {}
    for account in data["accounts"]:
        path = folder / account["name"]
        row = services.accounts.add(
            "fake", account["name"], {"path": str(path), "channel": account["channel"]}, actor="demo"
        )
        accounts[account["name"]] = row.id
        _deliver(path, data["messages"].get(account["name"], []), history_end)
        _fetch_and_store(services, row.id, row.settings)

    _replay_agents_work(services, data, accounts, agent_ids, now)
    return _summary(services)


# --------------------------------------------------------------------------- steps


def _refuse_if_in_use(services: Services) -> None:
    with services.factory() as s:
        busy = (
            (s.scalar(select(func.count(Message.id))) or 0)
            + (s.scalar(select(func.count(Agent.id))) or 0)
            + (s.scalar(select(func.count(ChannelAccount.id))) or 0)
        )
    if busy:
        raise StoreError(
            "this store already holds data; the demo goes into an empty one, e.g. "
            "inbox-app --database sqlite:///demo.db demo"
        )


def _channel_folder(services: Services) -> Path:
    """Where the demo's fake channels keep their inbox files: beside an SQLite store."""
    url = make_url(services.url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        database = Path(url.database).expanduser().resolve()
        folder = database.parent / f"{database.stem}-demo-channels"
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    return Path(tempfile.mkdtemp(prefix="inbox-app-demo-"))


def _deliver(path: Path, lines: list[dict[str, Any]], now: Any) -> None:
    """Write the customers' messages to the fake channel's inbox, times ending now."""
    from connectors.fake import FakeServer

    server = FakeServer(path)
    # The store is empty (seed refuses one in use): whatever an earlier demo left in
    # this folder belongs to nobody and would shadow the fresh history.
    server.sent.write_text("", encoding="utf-8")
    server.faults_file.unlink(missing_ok=True)
    with server.inbox.open("w", encoding="utf-8") as fh:
        for line in lines:
            item = {k: v for k, v in line.items() if k not in ("ago", "person")}
            item["sent_at"] = (now - timedelta(seconds=line["ago"])).isoformat()
            fh.write(json.dumps(item, ensure_ascii=False) + "\n")


def _fetch_and_store(services: Services, account_id: int, settings: dict[str, Any]) -> None:
    """Fetch through the fake channel's connector and store batch by batch, like a sync."""
    from connectors.fake import FakeConnector

    async def fetch() -> list[Batch]:
        connector = FakeConnector(settings)
        try:
            return [batch async for batch in connector.fetch(None)]
        finally:
            await connector.close()

    # A thread of its own, so this works whether or not the caller runs an event loop
    # (the GUI seeds its throwaway store from inside one).
    result: dict[str, Any] = {}

    def run() -> None:
        try:
            result["batches"] = asyncio.run(fetch())
        except BaseException as exc:  # noqa: BLE001 - handed back to the caller below
            result["error"] = exc

    worker = threading.Thread(target=run, name="demo-fetch")
    worker.start()
    worker.join()
    if "error" in result:
        raise result["error"]
    for batch in result["batches"]:
        services.ingest.store_batch(account_id, batch)


def _case_of(services: Services, account_id: int, thread_key: str) -> int | None:
    with services.factory() as s:
        return s.scalar(
            select(Thread.case_id).where(Thread.account_id == account_id, Thread.external_key == thread_key)
        )


def _replay_agents_work(
    services: Services, data: dict[str, Any], accounts: dict[str, int], agent_ids: dict[str, int], now: Any
) -> None:
    people = {p["index"]: p for p in data["people"]}
    failed: list[tuple[int, dict[str, Any]]] = []
    queued: list[tuple[int, dict[str, Any]]] = []
    for plan in data["cases"]:
        case_id = _case_of(services, accounts[plan["account"]], plan["thread"])
        if case_id is None:
            continue
        actor = plan.get("assignee") or "Giulia Rossi"
        if plan.get("priority", "normal") != "normal":
            services.cases.set_priority(case_id, plan["priority"], actor=actor)
        if plan.get("assignee"):
            services.cases.assign(case_id, plan["assignee"], actor=actor)
        elif plan["account"] in ("mastodon", "recensioni-google"):
            services.cases.assign_team(case_id, "Social e recensioni", actor="Giulia Rossi")
        if plan.get("note"):
            services.outbox.queue_reply(
                case_id, plan["note"]["text"], note=True, agent_id=agent_ids[plan["note"]["agent"]]
            )
        if plan.get("reply"):
            person = people.get(plan["person"], {})
            values = {
                "customer": {"first_name": person.get("first_name")},
                "agent": {"name": plan["reply"]["agent"]},
                "case": {"id": case_id},
            }
            text = render(plan["reply"]["text"], values)
            target = failed if plan["reply"]["delivery"] == "failed" else queued
            target.append((case_id, {"text": text, "agent": agent_ids[plan["reply"]["agent"]]}))
        status = plan.get("status", "open")
        if status == "snoozed":
            until = now + timedelta(hours=20 + 7 * (case_id % 9))
            services.cases.set_status(case_id, "snoozed", until=until, actor=actor)
        elif status == "pending":
            services.cases.set_status(case_id, status, actor=actor)
        elif status == "resolved":
            # Closed back then, a few hours after the last message, not now: the case
            # history (and so the dashboard's figures) says the same as resolved_at.
            last = services.queries.case(case_id).last_message_at
            at = last + timedelta(hours=2 + case_id % 20) if last is not None else None
            services.cases.set_status(case_id, status, actor=actor, at=at)
    # Replies the channel refused: they stay on screen as failed, with the reason.
    for case_id, reply in failed:
        services.outbox.queue_reply(case_id, reply["text"], agent_id=reply["agent"])
    for account_id in accounts.values():
        for claimed in services.outbox.claim(account_id, limit=100):
            services.outbox.mark_failed(claimed, FAILED_REASON)
    # Replies written a moment ago: queued until the next sync sends them.
    for case_id, reply in queued:
        services.outbox.queue_reply(case_id, reply["text"], agent_id=reply["agent"])


def _summary(services: Services) -> dict[str, int]:
    teams, templates = len(services.agents.teams()), len(services.templates.list())
    with services.factory() as s:

        def count(stmt: Any) -> int:
            return int(s.scalar(stmt) or 0)

        return {
            "agents": count(select(func.count(Agent.id))),
            "teams": teams,
            "accounts": count(select(func.count(ChannelAccount.id))),
            "customers": count(select(func.count(Customer.id)).where(Customer.merged_into_id.is_(None))),
            "messages": count(select(func.count(Message.id))),
            "cases": count(select(func.count(Case.id))),
            "open_cases": count(select(func.count(Case.id)).where(Case.status != "resolved")),
            "templates": templates,
        }
