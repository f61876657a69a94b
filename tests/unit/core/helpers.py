"""Small builders for store tests."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from connectors.base import Address, Batch, InboundItem
from inbox_app.app import Services
from inbox_app.core.store.models import ChannelAccount

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def account(
    services: Services, *, kind: str = "fake", channel: str = "email", name: str | None = None
) -> int:
    with services.factory() as s, s.begin():
        row = ChannelAccount(
            name=name or f"acc-{uuid.uuid4().hex[:6]}",
            kind=kind,
            channel=channel,
            settings={"path": "/nonexistent", "channel": channel},
            enabled=True,
            status="idle",
        )
        s.add(row)
        s.flush()
        return row.id


def item(
    ext: str,
    sender: str = "anna@example.it",
    *,
    kind: str = "email",
    thread: str | None = None,
    minutes: int = 0,
    text: str | None = None,
    **kw,
) -> InboundItem:
    return InboundItem(
        external_id=ext,
        thread_key=thread or ext,
        sender=Address(kind, sender, kw.pop("name", None)),
        sent_at=T0 + timedelta(minutes=minutes),
        text=text if text is not None else f"text of {ext}",
        **kw,
    )


def batch(*items, cursor: str | None = None) -> Batch:
    return Batch(tuple(items), cursor)


_TEMPLATE: dict[str, str] = {}


def fresh_store(folder, name: str = "store.db") -> Services:
    """A migrated SQLite store, copied from a template (migrating each time is slow)."""
    import shutil
    import tempfile
    from pathlib import Path

    from inbox_app.app import build

    if "path" not in _TEMPLATE:
        import atexit

        folder_of_template = tempfile.mkdtemp(prefix="inbox-template-")
        atexit.register(shutil.rmtree, folder_of_template, True)
        template = Path(folder_of_template) / "template.db"
        build(f"sqlite:///{template}").close()
        _TEMPLATE["path"] = str(template)
    target = Path(folder) / name
    shutil.copyfile(_TEMPLATE["path"], target)
    return build(f"sqlite:///{target}")
