"""A small, realistic store for the workspace tests, built through the public services."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from connectors.base import Address, Batch, InboundItem
from connectors.fake import FakeServer
from inbox_app.app import Services

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def seed(services: Services, root: Path) -> dict[str, object]:
    """Three agents in two teams, an email and a chat account, customers on both channels."""
    # A test store: the testing channel is offered for new accounts.
    from inbox_app.core.settings import SettingsService

    SettingsService(services.factory).change("testing_channels", True)
    services.agents.add("Giulia Rossi", "giulia@example.com", "admin", team="Supporto")
    services.agents.add("Marco Bianchi", "marco@example.com", "agent", team="Supporto")
    services.agents.add("Sara Conti", "sara@example.com", "lead", team="Vendite")
    mail_server = FakeServer(root / "mail")
    chat_server = FakeServer(root / "chat")
    mail = services.accounts.add(
        "fake", "posta", {"path": str(mail_server.root), "channel": "email", "poll_interval": 1}
    )
    chat = services.accounts.add(
        "fake", "chat", {"path": str(chat_server.root), "channel": "chat", "poll_interval": 1}
    )

    def item(
        ext: str,
        thread: str,
        kind: str,
        value: str,
        name: str,
        minutes: int,
        text: str,
        subject: str | None = None,
        html: str | None = None,
        also: tuple[Address, ...] = (),
    ) -> InboundItem:
        return InboundItem(
            external_id=ext,
            thread_key=thread,
            sender=Address(kind, value, name),
            sent_at=T0 + timedelta(minutes=minutes),
            text=text,
            subject=subject,
            html=html,
            extra_identities=also,
        )

    services.ingest.store_batch(
        mail.id,
        Batch(
            (
                item(
                    "m1",
                    "t-anna",
                    "email",
                    "anna.verdi@example.it",
                    "Anna Verdi",
                    0,
                    "Buongiorno, il mio ordine 4411 non è ancora arrivato.",
                    "Ordine 4411 in ritardo",
                    "<p>Buongiorno, il mio <b>ordine 4411</b> non è ancora arrivato.</p>"
                    "<img src='https://tracker.example.com/pixel.gif'>"
                    "<blockquote>Da: negozio<br>Grazie per il tuo ordine</blockquote>",
                ),
                item(
                    "m2",
                    "t-luca",
                    "email",
                    "luca@example.com",
                    "Luca Neri",
                    5,
                    "Can I change the delivery address?",
                    "Delivery address",
                ),
                item(
                    "m3",
                    "t-paolo",
                    "email",
                    "paolo.gallo@example.it",
                    "Paolo Gallo",
                    20,
                    "Vorrei sapere lo stato del rimborso.",
                    "Rimborso",
                ),
            ),
            None,
        ),
    )
    services.ingest.store_batch(
        chat.id,
        Batch(
            (
                item(
                    "c1",
                    "room-anna",
                    "matrix",
                    "@anna:example.org",
                    "Anna Verdi",
                    30,
                    "Ciao, vi ho scritto anche per email per l'ordine.",
                    also=(Address("email", "anna.verdi@example.it"),),
                ),
                item(
                    "c2",
                    "room-paolo",
                    "matrix",
                    "@paolo:example.org",
                    "Paolo Gallo",
                    40,
                    "Il rimborso quando arriva?",
                ),
            ),
            None,
        ),
    )
    anna = _customer_by_identity(services, "anna.verdi@example.it")
    paolo_email = _customer_by_identity(services, "paolo.gallo@example.it")
    paolo_chat = _customer_by_identity(services, "@paolo:example.org")
    services.templates.save(
        "Saluto", "Ciao {customer.first_name}, sono {agent.name}. Ci occupiamo subito del caso {case.id}."
    )
    return {
        "mail": mail_server,
        "chat": chat_server,
        "anna": anna,
        "anna_email": anna,
        "paolo_email": paolo_email,
        "paolo_chat": paolo_chat,
    }


def _customer_by_identity(services: Services, value: str) -> int:
    for customer in services.queries.customers(limit=1000):
        if any(i.value == value for i in customer.identities):
            return customer.id
    raise LookupError(value)


def bulk_cases(services: Services, count: int) -> None:
    """Many customers with one open case each, inserted in bulk (the list's scale test)."""
    from sqlalchemy import insert

    from inbox_app.core.store.models import Case, Customer

    now = datetime.now(UTC)
    with services.factory() as s, s.begin():
        first = s.execute(insert(Customer).values(name="seed", details={})).inserted_primary_key[0]
        s.execute(insert(Customer), [{"name": f"Cliente {i}", "details": {}} for i in range(count)])
        s.execute(
            insert(Case),
            [
                {
                    "customer_id": first + 1 + i,
                    "status": "open",
                    "priority": "normal",
                    "subject": f"Richiesta {i}",
                    "tags": {},
                    "opened_at": now,
                    "last_message_at": now - timedelta(seconds=i),
                }
                for i in range(count)
            ],
        )
