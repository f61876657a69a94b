"""Setting up a channel account: which kinds are offered, and finding settings from the
one an admin knows (an email address, a Matrix ID) or checking a secret at once (a
Telegram bot token). The window and ``inbox-app accounts`` both come through here.

Two environment variables say where the lookups go, for tests and for networks with a
DNS of their own: ``INBOX_APP_DNS`` ("HOST[:PORT]": the DNS server that answers every
name and SRV lookup of email auto-detection, instead of the system's) and
``INBOX_APP_DETECT_PORTS`` ("https=8443,imaps=9993,...": the ports knocked on instead of
the standard ones). The ISPDB's address is the store setting ``ispdb_url``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from connectors.base import (
    ConnectorClass,
    Discovers,
    Discovery,
    DiscoveryOptions,
    Identifies,
    is_for_testing,
)
from inbox_app.core.store.settings import StoreSettings

PORT_NAMES = ("https", "imaps", "imap", "submissions", "submission")


class SetupError(Exception):
    """A setup step that cannot run as asked; the message says why in words."""


def ports_from(text: str) -> dict[str, int]:
    """``"https=8443,imaps=9993"`` as a mapping; SetupError on anything else."""
    ports: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, _, number = part.partition("=")
        if name.strip() not in PORT_NAMES or not number.strip().isdigit():
            raise SetupError(
                f"INBOX_APP_DETECT_PORTS takes NAME=PORT pairs with names among {', '.join(PORT_NAMES)}, "
                f"not {part!r}"
            )
        ports[name.strip()] = int(number)
    return ports


class AccountSetup:
    def __init__(
        self,
        factory: sessionmaker[Session],
        registry: Mapping[str, ConnectorClass],
        environ: Mapping[str, str] | None = None,
        tls: Any = None,
    ) -> None:
        self._factory = factory
        self._registry = registry
        self._environ = os.environ if environ is None else environ
        self._tls = tls  # an ssl.SSLContext for tests; None: the system's certificates

    def _store(self) -> StoreSettings:
        with self._factory() as session:
            return StoreSettings.load(session)

    def offered_kinds(self) -> list[str]:
        """The kinds an admin may choose for a new account, in name order: the testing
        channel only in a store marked for testing (store setting ``testing_channels``)."""
        testing = self._store().testing_channels
        return [k for k in sorted(self._registry) if testing or not is_for_testing(self._registry[k])]

    def options(self) -> DiscoveryOptions:
        return DiscoveryOptions(
            ispdb_url=self._store().ispdb_url,
            dns_server=self._environ.get("INBOX_APP_DNS") or None,
            ports=ports_from(self._environ.get("INBOX_APP_DETECT_PORTS", "")),
            tls=self._tls,
        )

    def discovers_from(self, kind: str) -> str | None:
        """The setting a kind's other settings are found from, None if it finds none."""
        cls = self._registry.get(kind)
        return str(cls.discovers_from) if isinstance(cls, Discovers) else None

    async def discover(self, kind: str, settings: Mapping[str, Any]) -> Discovery:
        """What the kind finds from ``settings`` (email: the servers of the address)."""
        cls = self._registry.get(kind)
        if not isinstance(cls, Discovers):
            raise SetupError(f"{kind} accounts find no settings by themselves")
        return await cls.discover(settings, self.options())

    async def identify(self, kind: str, settings: Mapping[str, Any], secret: str) -> str | None:
        """Who ``secret`` signs in as (a Telegram bot's name); None for kinds that cannot say.
        Raises the connector's typed error when the secret is refused."""
        cls = self._registry.get(kind)
        if cls is None:
            raise SetupError(f"unknown account kind {kind!r}")
        connector = cls(settings, secret)
        try:
            return await connector.identify() if isinstance(connector, Identifies) else None
        finally:
            await connector.close()
