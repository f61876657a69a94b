"""Reading a mail provider's config-v1.1 file: the autoconfig format of Thunderbird's ISPDB
and of a domain's own autoconfig server.

The file comes from the network, so it is parsed with defusedxml (no DTDs, no entities:
no billion laughs and no files read from this computer) and only what we need is taken:
the first IMAP server and the first SMTP server we can use. A server we cannot use
(POP3, plain text to another machine, an unknown sign-in method) is passed over, as
Thunderbird does.
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

#: The file's socketType, in the words of our settings.
SOCKET_TYPES = {"SSL": "ssl", "STARTTLS": "starttls"}
#: Sign-in methods we can do: a password (sent inside TLS, or as CRAM-MD5 which the
#: server then also takes as plain LOGIN), or OAuth 2.
PASSWORD_METHODS = {"password-cleartext", "password-encrypted", "plain", "secure"}
OAUTH_METHODS = {"OAuth2"}
#: Files larger than this are not config files.
MAX_BYTES = 256 * 1024


class ConfigError(ValueError):
    """The file is not a config-v1.1 file we can read; the message says why."""


@dataclass(frozen=True)
class ServerEntry:
    host: str
    port: int
    security: str  # ssl or starttls
    username: str
    auth: str  # password or oauth2


@dataclass(frozen=True)
class ProviderConfig:
    imap: ServerEntry
    smtp: ServerEntry


def parse_config(data: bytes, address: str) -> ProviderConfig:
    """The IMAP and SMTP servers a config-v1.1 file gives for ``address``.

    Raises :class:`ConfigError` when the file is not one, or has no server we can use.
    """
    if len(data) > MAX_BYTES:
        raise ConfigError("the file is too large to be a mail configuration")
    try:
        root = SafeET.fromstring(data, forbid_dtd=True)
    except (SafeET.ParseError, DefusedXmlException) as exc:
        raise ConfigError(f"the file is not a mail configuration ({exc})")
    if root.tag != "clientConfig":
        raise ConfigError(f"the file is not a mail configuration (it starts with <{root.tag}>)")
    provider = root.find("emailProvider")
    if provider is None:
        raise ConfigError("the file names no email provider")
    imap = _first(provider.findall("incomingServer"), "imap", address)
    smtp = _first(provider.findall("outgoingServer"), "smtp", address)
    if imap is None:
        raise ConfigError("the file offers no IMAP server with SSL/TLS or STARTTLS")
    if smtp is None:
        raise ConfigError("the file offers no SMTP server with SSL/TLS or STARTTLS")
    return ProviderConfig(imap, smtp)


def _first(servers: list[Element], kind: str, address: str) -> ServerEntry | None:
    for server in servers:
        if server.get("type") != kind:
            continue
        entry = _entry(server, address)
        if entry is not None:
            return entry
    return None


def _entry(server: Element, address: str) -> ServerEntry | None:
    host = fill(_text(server, "hostname"), address)
    security = SOCKET_TYPES.get(_text(server, "socketType"))
    try:
        port = int(_text(server, "port"))
    except ValueError:
        return None
    methods = {(a.text or "").strip() for a in server.findall("authentication")}
    if methods & OAUTH_METHODS:
        auth = "oauth2"  # where the provider offers it, it is the one that keeps working
    elif methods & PASSWORD_METHODS or not methods:
        auth = "password"
    else:
        return None  # NTLM, GSSAPI, client certificates: not ours
    if not host or security is None or not 0 < port < 65536 or not _plain_host(host):
        return None
    username = fill(_text(server, "username"), address) or address
    return ServerEntry(host.lower(), port, security, username, auth)


def _text(element: Element, tag: str) -> str:
    return (element.findtext(tag) or "").strip()


def _plain_host(host: str) -> bool:
    """A host name of letters, digits, dots and dashes: nothing else belongs in settings."""
    return all(c.isalnum() or c in ".-" for c in host) and len(host) <= 253


def fill(template: str, address: str) -> str:
    """The file's placeholders filled in from the address, as Thunderbird does."""
    local, _, domain = address.rpartition("@")
    return (
        template.replace("%EMAILADDRESS%", address)
        .replace("%EMAILLOCALPART%", local)
        .replace("%EMAILDOMAIN%", domain)
    )
