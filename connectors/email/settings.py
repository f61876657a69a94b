"""Account settings of an email channel account and the TLS rules around them.

An admin types these in the account dialog or with ``inbox-app accounts add email
NAME --set key=value``; every refusal names the key and says what to do.
"""

from __future__ import annotations

import os
import socket
import ssl
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from connectors.base import SettingsError, SettingSpec, Step, is_loopback_host, validate_settings
from connectors.oauth import PROVIDERS, OAuthConfig

SECURITY = ("ssl", "starttls", "none")

# Servers drop an idle IMAP connection after 30 minutes at the earliest (RFC 2177 asks
# clients to re-issue IDLE within 29); NAT boxes and proxies are far less patient, so we
# never wait longer than 25 minutes whatever the admin types.
MAX_IDLE_TIMEOUT = 25 * 60

SECURITY_WORDS = ("SSL/TLS", "STARTTLS", "None (this computer only)")
#: The standard ports of each security (RFC 8314): the port follows the security chosen
#: unless the admin typed another.
IMAP_PORTS = (("ssl", 993), ("starttls", 143), ("none", 143))
SMTP_PORTS = (("ssl", 465), ("starttls", 587), ("none", 25))

SCHEMA: tuple[SettingSpec, ...] = (
    SettingSpec(
        "display_name",
        "The name shown beside the address, e.g. the team's name.",
        label="Sender name",
    ),
    SettingSpec(
        "address",
        "The address customers see and write to.",
        required=True,
        label="Email address",
        placeholder="support@example.com",
    ),
    SettingSpec(
        "username",
        "The login name, when it is not the email address itself.",
        label="Login name",
        discovered=True,
    ),
    SettingSpec(
        "imap_host",
        "Where mail is read, e.g. imap.example.com.",
        required=True,
        label="Incoming mail server (IMAP)",
        placeholder="imap.example.com",
        discovered=True,
    ),
    SettingSpec(
        "imap_security",
        "How the connection to the incoming server is encrypted.",
        default="ssl",
        choices=SECURITY,
        label="Incoming server security",
        choice_labels=SECURITY_WORDS,
        discovered=True,
    ),
    SettingSpec(
        "imap_port",
        "993 with SSL/TLS, 143 with STARTTLS; change it only if the provider says so.",
        type="int",
        default=993,
        label="Incoming server port",
        follows="imap_security",
        by_choice=IMAP_PORTS,
        discovered=True,
    ),
    SettingSpec(
        "smtp_host",
        "Where replies are sent from, e.g. smtp.example.com (empty: the incoming server).",
        label="Outgoing mail server (SMTP)",
        placeholder="smtp.example.com",
        discovered=True,
    ),
    SettingSpec(
        "smtp_security",
        "How the connection to the outgoing server is encrypted.",
        default="ssl",
        choices=SECURITY,
        label="Outgoing server security",
        choice_labels=SECURITY_WORDS,
        discovered=True,
    ),
    SettingSpec(
        "smtp_port",
        "465 with SSL/TLS, 587 with STARTTLS; change it only if the provider says so.",
        type="int",
        default=465,
        label="Outgoing server port",
        follows="smtp_security",
        by_choice=SMTP_PORTS,
        discovered=True,
    ),
    SettingSpec(
        "auth",
        "How Unisono signs in to the mailbox: with its password, or through the provider's own "
        "sign-in page (needed by Microsoft 365 and preferred by Google).",
        default="password",
        choices=("password", "oauth2"),
        label="Sign-in method",
        choice_labels=("Password", "Sign in with the provider (OAuth 2)"),
        discovered=True,
    ),
    SettingSpec(
        "oauth_provider",
        "Whose sign-in page is used; found from the server names when left on automatic.",
        default="auto",
        choices=("auto", "google", "microsoft", "other"),
        label="Sign-in provider",
        choice_labels=("Automatic", "Google", "Microsoft", "Another provider"),
        advanced=True,
    ),
    SettingSpec(
        "oauth_client_id",
        "The client ID Unisono is registered with at the provider (OAuth 2 sign-in only).",
        label="OAuth client ID",
        advanced=True,
    ),
    SettingSpec(
        "oauth_authorize_url",
        "The provider's sign-in page; known for Google and Microsoft.",
        type="url",
        label="OAuth sign-in page",
        advanced=True,
    ),
    SettingSpec(
        "oauth_token_url",
        "Where sign-in tokens are obtained; known for Google and Microsoft.",
        type="url",
        label="OAuth token address",
        advanced=True,
    ),
    SettingSpec(
        "oauth_scope",
        "What the sign-in asks access to; known for Google and Microsoft.",
        label="OAuth scope",
        advanced=True,
    ),
    SettingSpec(
        "folders",
        "The folders whose mail comes into the inbox, separated by commas.",
        default=["INBOX"],
        type="list",
        label="Folders to import",
        advanced=True,
    ),
    SettingSpec(
        "sent_folder",
        "Where copies of replies are kept; found by itself when left empty.",
        label="Sent folder",
        advanced=True,
    ),
    SettingSpec(
        "append_sent",
        "Keep a copy of each reply in the sent folder (turn off if the provider does it).",
        default=True,
        type="bool",
        label="Copy replies to the sent folder",
        advanced=True,
    ),
    SettingSpec(
        "ca_file",
        "A certificate file to trust, for a server with a certificate of its own.",
        type="path",
        label="Extra trusted certificate",
        advanced=True,
    ),
    SettingSpec(
        "first_sync_days",
        "On the first import, fetch only the mail of the last so many days (0: all of it).",
        default=0,
        type="int",
        label="Days of mail to import first",
        advanced=True,
    ),
    SettingSpec(
        "poll_interval",
        "Seconds between checks when the server cannot announce new mail.",
        default=60,
        type="int",
        label="Check every (seconds)",
        advanced=True,
    ),
    SettingSpec(
        "idle_timeout",
        "Seconds before a connection waiting for new mail is renewed.",
        default=300,
        type="int",
        label="Renew waiting connection after (seconds)",
        advanced=True,
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
    auth: str = "password"
    #: google, microsoft or other (endpoints given by hand); only with auth=oauth2.
    oauth_provider: str = "other"
    oauth: OAuthConfig | None = None


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
    provider = email_provider(values)
    return EmailSettings(
        imap_host=imap_host,
        imap_port=values["imap_port"] or dict(IMAP_PORTS)[imap_security],
        imap_security=imap_security,
        smtp_host=smtp_host,
        smtp_port=values["smtp_port"] or dict(SMTP_PORTS)[smtp_security],
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
        auth=values["auth"],
        oauth_provider=provider,
        oauth=OAuthConfig.from_settings(values, PROVIDERS.get(provider), "email")
        if values["auth"] == "oauth2"
        else None,
    )


#: Where the big providers keep their mail servers: an account there signs in with them.
_PROVIDER_HOSTS = (
    ("google", ("gmail.com", "googlemail.com", "google.com")),
    ("microsoft", ("office365.com", "outlook.com", "hotmail.com", "live.com")),
)


def email_provider(values: Mapping[str, Any]) -> str:
    """google, microsoft or other: chosen in ``oauth_provider``, else known by the servers."""
    chosen = str(values.get("oauth_provider") or "auto")
    if chosen != "auto":
        return chosen
    for host in (values.get("imap_host"), values.get("smtp_host")):
        host = str(host or "").lower().rstrip(".")
        for name, domains in _PROVIDER_HOSTS:
            if any(host == d or host.endswith("." + d) for d in domains):
                return name
    return "other"


def _refuse_plain_text(prefix: str, host: str, security: str) -> None:
    if security == "none" and not is_loopback_host(host):
        raise SettingsError(
            f"setting '{prefix}_security' is none, but {host!r} is not this computer: "
            "passwords and mail would cross the network unencrypted; use ssl or starttls"
        )


def network_step(exc: BaseException) -> Step:
    """Which step of reaching a server ``exc`` stopped at: the name, the connection or TLS."""
    if isinstance(exc, socket.gaierror):
        return "lookup"
    if isinstance(exc, ssl.SSLError):
        return "tls"
    return "connect"


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
