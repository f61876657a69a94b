"""Account settings of an email channel account and the TLS rules around them.

An admin types these in the account dialog or with ``inbox-app accounts add email
NAME --set key=value``; every refusal names the key and says what to do.
"""

from __future__ import annotations

import os
import ssl
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from connectors.base import SettingsError, SettingSpec, is_loopback_host, validate_settings

SECURITY = ("ssl", "starttls", "none")

# Servers drop an idle IMAP connection after 30 minutes at the earliest (RFC 2177 asks
# clients to re-issue IDLE within 29); NAT boxes and proxies are far less patient, so we
# never wait longer than 25 minutes whatever the admin types.
MAX_IDLE_TIMEOUT = 25 * 60

SCHEMA: tuple[SettingSpec, ...] = (
    SettingSpec("imap_host", "IMAP server name, e.g. imap.example.com", required=True),
    SettingSpec("imap_port", "IMAP port (default 993 for ssl, 143 otherwise)", type="int"),
    SettingSpec(
        "imap_security",
        "ssl (implicit TLS), starttls, or none (only to this computer)",
        default="ssl",
        choices=SECURITY,
    ),
    SettingSpec("smtp_host", "SMTP submission server (default: the IMAP server)"),
    SettingSpec("smtp_port", "SMTP port (default 465 for ssl, 587 for starttls)", type="int"),
    SettingSpec(
        "smtp_security",
        "ssl (implicit TLS), starttls, or none (only to this computer)",
        default="ssl",
        choices=SECURITY,
    ),
    SettingSpec("username", "login name (default: the address)"),
    SettingSpec("address", "the address customers see and answer to", required=True),
    SettingSpec("display_name", "the name shown next to the address, e.g. the team name"),
    SettingSpec(
        "folders",
        "folders to import, comma separated; new mail is pushed from each "
        "(the first five wait in IDLE, any more are checked every poll_interval)",
        default=["INBOX"],
        type="list",
    ),
    SettingSpec("sent_folder", "where sent replies are kept (found automatically when empty)"),
    SettingSpec(
        "append_sent",
        "keep a copy of each reply in the sent folder (off for providers that do it)",
        default=True,
        type="bool",
    ),
    SettingSpec("ca_file", "certificate file to trust a self-signed server", type="path"),
    SettingSpec(
        "first_sync_days",
        "on the first import, only fetch mail of the last N days (0: all)",
        default=0,
        type="int",
    ),
    SettingSpec(
        "poll_interval",
        "seconds between checks when the server has no IDLE, and for folders past the fifth",
        default=60,
        type="int",
    ),
    SettingSpec(
        "idle_timeout",
        "seconds before a waiting IDLE is renewed and the line checked",
        default=300,
        type="int",
    ),
)


@dataclass(frozen=True)
class EmailSettings:
    imap_host: str
    imap_port: int
    imap_security: str
    smtp_host: str
    smtp_port: int
    smtp_security: str
    username: str
    address: str
    display_name: str | None
    folders: tuple[str, ...]
    sent_folder: str | None
    append_sent: bool
    ca_file: str | None
    first_sync_days: int
    poll_interval: int
    idle_timeout: int


def parse_settings(given: Mapping[str, Any]) -> EmailSettings:
    values = validate_settings(SCHEMA, given)
    imap_security = values["imap_security"]
    smtp_security = values["smtp_security"]
    imap_host = values["imap_host"]
    smtp_host = values["smtp_host"] or imap_host
    _refuse_plain_text("imap", imap_host, imap_security)
    _refuse_plain_text("smtp", smtp_host, smtp_security)
    address = values["address"]
    if address.count("@") != 1 or address.startswith("@") or address.endswith("@"):
        raise SettingsError(
            f"setting 'address' must be an email address like name@example.com, not {address!r}"
        )
    ca_file = values["ca_file"]
    if ca_file and not os.path.isfile(ca_file):
        raise SettingsError(f"setting 'ca_file': no certificate file at {ca_file!r}")
    folders = tuple(f for f in values["folders"] if f) or ("INBOX",)
    return EmailSettings(
        imap_host=imap_host,
        imap_port=values["imap_port"] or (993 if imap_security == "ssl" else 143),
        imap_security=imap_security,
        smtp_host=smtp_host,
        smtp_port=values["smtp_port"] or {"ssl": 465, "starttls": 587}.get(smtp_security, 25),
        smtp_security=smtp_security,
        username=values["username"] or address,
        address=address,
        display_name=values["display_name"] or None,
        folders=folders,
        sent_folder=values["sent_folder"] or None,
        append_sent=bool(values["append_sent"]),
        ca_file=ca_file or None,
        first_sync_days=values["first_sync_days"],
        poll_interval=max(1, values["poll_interval"]),
        idle_timeout=min(MAX_IDLE_TIMEOUT, max(1, values["idle_timeout"])),
    )


def _refuse_plain_text(prefix: str, host: str, security: str) -> None:
    if security == "none" and not is_loopback_host(host):
        raise SettingsError(
            f"setting '{prefix}_security' is none, but {host!r} is not this computer: "
            "passwords and mail would cross the network unencrypted; use ssl or starttls"
        )


def tls_context(settings: EmailSettings) -> ssl.SSLContext:
    """Certificates are always verified; ``ca_file`` adds trust, it never removes checks."""
    context = ssl.create_default_context()
    if settings.ca_file:
        try:
            context.load_verify_locations(cafile=settings.ca_file)
        except (OSError, ssl.SSLError) as exc:
            raise SettingsError(f"setting 'ca_file': cannot read {settings.ca_file!r}: {exc}")
    return context


def new_message_id(settings: Mapping[str, Any]) -> str:
    """A fresh Message-ID in the domain of the account's address."""
    address = str(settings.get("address") or "")
    domain = address.rpartition("@")[2].strip().strip(">").lower() or "unisono.invalid"
    return f"<{uuid.uuid4().hex}@{domain}>"
