"""Finding a mailbox's servers from its address alone, as Thunderbird does.

The sources, in the order they are trusted:

1. ``autoconfig``: the domain's own file, ``https://autoconfig.DOMAIN/mail/config-v1.1.xml``;
2. ``well-known``: ``https://DOMAIN/.well-known/autoconfig/mail/config-v1.1.xml``;
3. ``ispdb``: Thunderbird's database of providers (its address is the store setting
   ``ispdb_url``), ``ISPDB_URL/DOMAIN``;
   ``ispdb-mx``: the same database asked for the domain of the domain's mail exchanger (a
   company on Google Workspace or Microsoft 365 receives mail at google.com or outlook.com);
4. ``srv``: the domain's RFC 6186 SRV records (``_imaps._tcp``, ``_imap._tcp``,
   ``_submissions._tcp``, ``_submission._tcp``);
5. ``guess``: imap.DOMAIN, mail.DOMAIN, smtp.DOMAIN and DOMAIN itself, probed live on
   the standard ports with a certificate we trust.

The first four are asked at once and the best that answered wins; the probes, slower and
noisier, run only when none did. Only https is used for the files (a file fetched in
plain text could send the password anywhere), and what is found is shown to the admin to
confirm before anything is saved.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlencode

import httpx

from .autoconfig import MAX_BYTES, ConfigError, ProviderConfig, parse_config
from .lookup import Lookup, Network, fetch, probe

SOURCES = ("autoconfig", "well-known", "ispdb", "ispdb-mx", "srv", "guess")
DEFAULT_ISPDB = "https://autoconfig.thunderbird.net/v1.1/"


@dataclass(frozen=True)
class Detected:
    """What was found; the keys are those of ``inbox-app accounts detect --json``."""

    imap_host: str
    imap_port: int
    imap_security: str
    smtp_host: str
    smtp_port: int
    smtp_security: str
    username: str
    auth: str  # password or oauth2
    source: str  # one of SOURCES

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def settings(self, address: str) -> dict[str, Any]:
        """The email account settings this stands for (the login only when it is not the address)."""
        values = {k: v for k, v in asdict(self).items() if k not in ("source", "auth", "username")}
        if self.username != address:
            values["username"] = self.username
        return values


@dataclass(frozen=True)
class Attempt:
    """One source asked, and what it said, in words for the admin."""

    source: str
    found: bool
    words: str


@dataclass(frozen=True)
class Detection:
    address: str
    found: Detected | None
    tried: tuple[Attempt, ...]


def domain_of(address: str) -> str:
    """The domain of an email address; ValueError when it is not one."""
    local, at, domain = address.strip().rpartition("@")
    domain = domain.strip().rstrip(".").lower()
    if not at or not local or "." not in domain or any(c in domain for c in "/ :@"):
        raise ValueError(f"{address!r} is not an email address like name@example.com")
    return domain


async def detect(
    address: str,
    *,
    ispdb_url: str = DEFAULT_ISPDB,
    network: Network | None = None,
    sources: tuple[str, ...] = SOURCES,
) -> Detection:
    """Look for the servers of ``address`` in ``sources`` (all of them by default)."""
    domain = domain_of(address)
    address = address.strip()
    lookup = Lookup(network or Network())
    askers: dict[str, Callable[[], Awaitable[tuple[Detected | None, str]]]] = {
        "autoconfig": lambda: _file(
            lookup, "autoconfig", f"autoconfig.{domain}", "/mail/config-v1.1.xml", address
        ),
        "well-known": lambda: _file(
            lookup, "well-known", domain, "/.well-known/autoconfig/mail/config-v1.1.xml", address
        ),
        "ispdb": lambda: _ispdb(lookup, ispdb_url, domain, address),
        "ispdb-mx": lambda: _ispdb_mx(lookup, ispdb_url, domain, address),
        "srv": lambda: _srv(lookup, domain, address),
    }
    at_once = [s for s in SOURCES if s in sources and s in askers]
    answers = await asyncio.gather(*(askers[s]() for s in at_once))
    tried = [Attempt(s, found is not None, words) for s, (found, words) in zip(at_once, answers, strict=True)]
    best = next((found for found, _words in answers if found is not None), None)
    if best is None and "guess" in sources:
        best, words = await _guess(lookup, domain, address)
        tried.append(Attempt("guess", best is not None, words))
    return Detection(address, best, tuple(tried))


def _from_config(config: ProviderConfig, source: str) -> Detected:
    imap, smtp = config.imap, config.smtp
    auth = "oauth2" if "oauth2" in (imap.auth, smtp.auth) else "password"
    return Detected(
        imap.host, imap.port, imap.security, smtp.host, smtp.port, smtp.security, imap.username, auth, source
    )


async def _file(
    lookup: Lookup, source: str, host: str, path: str, address: str
) -> tuple[Detected | None, str]:
    url = f"https://{host}{path}"
    query = urlencode({"emailaddress": address})  # a "+" in the address must stay a "+"
    data = await fetch(lookup, host, f"{path}?{query}", max_bytes=MAX_BYTES)
    if data is None:
        return None, f"{url}: no file there"
    try:
        return _from_config(parse_config(data, address), source), f"{url}: found"
    except ConfigError as exc:
        return None, f"{url}: {exc}"


def provider_domains(host: str, domain: str) -> list[str]:
    """The domains a mail exchanger may belong to in the ISPDB: its last two labels, then
    three (aspmx.l.google.com: google.com; mx.example.co.uk: example.co.uk)."""
    labels = host.split(".")
    found = [".".join(labels[-n:]) for n in (2, 3) if len(labels) >= n]
    return [d for d in dict.fromkeys(found) if d != domain]


async def _ispdb_mx(lookup: Lookup, base: str, domain: str, address: str) -> tuple[Detected | None, str]:
    host = await lookup.mx(domain)
    if host is None:
        return None, f"MX record of {domain}: none"
    said = [f"MX record of {domain}: {host}"]
    for provider in provider_domains(host, domain):
        found, words = await _ispdb(lookup, base, provider, address, source="ispdb-mx")
        said.append(words)
        if found is not None:
            return found, "; ".join(said)
    return None, "; ".join(said)


async def _ispdb(
    lookup: Lookup, base: str, domain: str, address: str, source: str = "ispdb"
) -> tuple[Detected | None, str]:
    url = base.rstrip("/") + "/" + domain
    network = lookup.network
    try:
        async with httpx.AsyncClient(verify=network.context(), timeout=network.timeout) as client:
            response = await client.get(url)
    except httpx.HTTPError as exc:
        return None, f"{url}: not reached ({type(exc).__name__})"
    if response.status_code != 200:
        return None, f"{url}: the provider is not in the database"
    try:
        return _from_config(parse_config(response.content, address), source), f"{url}: found"
    except ConfigError as exc:
        return None, f"{url}: {exc}"


async def _srv(lookup: Lookup, domain: str, address: str) -> tuple[Detected | None, str]:
    # RFC 8314: implicit TLS first; STARTTLS where only that is announced.
    names = (
        ("_imaps._tcp", "ssl"),
        ("_imap._tcp", "starttls"),
        ("_submissions._tcp", "ssl"),
        ("_submission._tcp", "starttls"),
    )
    found = await asyncio.gather(*(lookup.srv(f"{name}.{domain}") for name, _sec in names))
    records = dict(zip((n for n, _s in names), found, strict=True))
    imap = next(((records[n][0], sec) for n, sec in names[:2] if records[n]), None)
    smtp = next(((records[n][0], sec) for n, sec in names[2:] if records[n]), None)
    if imap is None or smtp is None:
        missing = "IMAP" if imap is None else "submission"
        return None, f"SRV records of {domain}: none for {missing}"
    (i, i_sec), (o, o_sec) = imap, smtp
    # RFC 6186 section 4: the login is the whole address.
    detected = Detected(i.host, i.port, i_sec, o.host, o.port, o_sec, address, "password", "srv")
    return detected, f"SRV records of {domain}: found"


async def _guess(lookup: Lookup, domain: str, address: str) -> tuple[Detected | None, str]:
    imap_tries = [(h, s) for h in (f"imap.{domain}", f"mail.{domain}", domain) for s in ("imaps", "imap")]
    smtp_tries = [
        (h, s) for h in (f"smtp.{domain}", f"mail.{domain}", domain) for s in ("submissions", "submission")
    ]
    results = await asyncio.gather(*(probe(lookup, h, s) for h, s in imap_tries + smtp_tries))
    imap = next((t for t, ok in zip(imap_tries, results[: len(imap_tries)], strict=True) if ok), None)
    smtp = next((t for t, ok in zip(smtp_tries, results[len(imap_tries) :], strict=True) if ok), None)
    if imap is None or smtp is None:
        hosts = f"imap.{domain}, mail.{domain}, smtp.{domain}, {domain}"
        return None, f"common server names ({hosts}): no mail server with a trusted certificate answered"
    network = lookup.network
    security = {"imaps": "ssl", "imap": "starttls", "submissions": "ssl", "submission": "starttls"}
    detected = Detected(
        imap[0],
        network.port(imap[1]),
        security[imap[1]],
        smtp[0],
        network.port(smtp[1]),
        security[smtp[1]],
        address,
        "password",
        "guess",
    )
    return detected, f"common server names: {imap[0]} and {smtp[0]} answered"
