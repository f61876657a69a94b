"""The network as auto-detection sees it: names, SRV records, HTTPS files and live probes.

Every connection goes to an address this module looked up, with the TLS certificate
checked against the *name* (SNI and verification use the name, the socket the address).
So one setting decides where names come from: the system's resolver, or a DNS server
given as ``dns_server`` (a company's split-horizon DNS, or a test's own responder).
``ports`` moves the standard ports (https 443, imaps 993, imap 143, submissions 465,
submission 587) for tests, which cannot take them on a shared machine.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field

import dns.asyncresolver
import dns.exception
import dns.rdatatype
import dns.resolver
import httpx

STANDARD_PORTS: Mapping[str, int] = {
    "https": 443,
    "imaps": 993,
    "imap": 143,
    "submissions": 465,
    "submission": 587,
}


@dataclass(frozen=True)
class Network:
    """Where detection looks and how long it waits."""

    dns_server: str | None = None  # "HOST" or "HOST:PORT"; None: the system's resolver
    ports: Mapping[str, int] = field(default_factory=lambda: dict(STANDARD_PORTS))
    tls: ssl.SSLContext | None = None  # None: the system's trusted certificates
    timeout: float = 8.0

    def port(self, service: str) -> int:
        return int(self.ports.get(service, STANDARD_PORTS[service]))

    def context(self) -> ssl.SSLContext:
        return self.tls or ssl.create_default_context()


@dataclass(frozen=True)
class SrvTarget:
    priority: int
    weight: int
    port: int
    host: str


class Lookup:
    """Names and SRV records, from the system or from ``network.dns_server``."""

    def __init__(self, network: Network) -> None:
        self.network = network
        self._resolver: dns.asyncresolver.Resolver | None = None

    def _dns(self) -> dns.asyncresolver.Resolver:
        if self._resolver is None:
            if self.network.dns_server:
                host, _, port = self.network.dns_server.rpartition(":")
                if not host or not port.isdigit():  # no port given
                    host, port = self.network.dns_server, "53"
                resolver = dns.asyncresolver.Resolver(configure=False)
                resolver.nameservers = [host.strip("[]")]
                resolver.port = int(port)
            else:
                resolver = dns.asyncresolver.Resolver()
            resolver.lifetime = self.network.timeout
            self._resolver = resolver
        return self._resolver

    async def addresses(self, name: str) -> list[str]:
        """The addresses of ``name``; empty when it has none."""
        if not self.network.dns_server:
            loop = asyncio.get_running_loop()
            try:
                infos = await loop.getaddrinfo(name, None, type=socket.SOCK_STREAM)
            except (socket.gaierror, UnicodeError):
                return []
            return list(dict.fromkeys(str(info[4][0]) for info in infos))
        found: list[str] = []
        for rdtype in ("A", "AAAA"):
            with contextlib.suppress(dns.exception.DNSException):
                answer = await self._dns().resolve(name, rdtype, search=False)
                found.extend(r.to_text() for r in answer)
        return found

    async def mx(self, domain: str) -> str | None:
        """The preferred mail exchanger of ``domain`` (lowest preference), None without one."""
        try:
            answer = await self._dns().resolve(domain, "MX", search=False)
        except (dns.exception.DNSException, dns.resolver.NoResolverConfiguration):
            return None
        hosts = sorted((r.preference, r.exchange.to_text(omit_final_dot=True).lower()) for r in answer)
        return next((h for _p, h in hosts if h not in ("", ".")), None)

    async def srv(self, name: str) -> list[SrvTarget]:
        """The SRV records of ``name``, best first (RFC 2782: lowest priority, then
        highest weight); a record whose target is "." says the service is not offered."""
        try:
            answer = await self._dns().resolve(name, "SRV", search=False)
        except (dns.exception.DNSException, dns.resolver.NoResolverConfiguration):
            return []
        targets = [
            SrvTarget(r.priority, r.weight, r.port, r.target.to_text(omit_final_dot=True).lower())
            for r in answer
        ]
        return sorted((t for t in targets if t.host not in ("", ".")), key=lambda t: (t.priority, -t.weight))


async def fetch(lookup: Lookup, host: str, path: str, *, max_bytes: int) -> bytes | None:
    """GET ``https://host/path`` (on the network's https port); None when there is no such
    file or the server cannot be reached or trusted. Redirects are followed only to
    other https addresses, each looked up the same way."""
    network = lookup.network
    port = network.port("https")
    for _hop in range(4):
        addresses = await lookup.addresses(host)
        if not addresses:
            return None
        address = addresses[0]
        shown = f"[{address}]" if ":" in address else address
        try:
            async with httpx.AsyncClient(verify=network.context(), timeout=network.timeout) as client:
                response = await client.get(
                    f"https://{shown}:{port}{path}",
                    headers={"Host": host if port == 443 else f"{host}:{port}"},
                    extensions={"sni_hostname": host},
                )
        except (httpx.HTTPError, ssl.SSLError, OSError):
            return None
        if response.is_redirect:
            target = httpx.URL(f"https://{host}{path}").join(response.headers.get("location", ""))
            if target.scheme != "https" or not target.host:
                return None
            host, path = target.host, target.raw_path.decode("ascii")
            continue
        if response.status_code != 200 or len(response.content) > max_bytes:
            return None
        return response.content
    return None


async def probe(lookup: Lookup, host: str, service: str) -> bool:
    """Whether ``host`` answers as a mail server on ``service`` (imaps, imap, submissions,
    submission) with a certificate we trust; for the STARTTLS services, the upgrade too."""
    addresses = await lookup.addresses(host)
    if not addresses:
        return False
    network = lookup.network
    implicit = service in ("imaps", "submissions")
    try:
        return await asyncio.wait_for(
            _talk(
                addresses[0],
                host,
                network.port(service),
                service,
                network.context() if implicit else None,
                network,
            ),
            network.timeout,
        )
    except (TimeoutError, OSError, ssl.SSLError, EOFError, ValueError):
        return False


async def _talk(
    address: str, host: str, port: int, service: str, tls: ssl.SSLContext | None, network: Network
) -> bool:
    reader, writer = await asyncio.open_connection(
        address, port, ssl=tls, server_hostname=host if tls else None
    )
    try:
        imap = service.startswith("imap")
        greeting = await reader.readline()
        if not greeting.startswith(b"* OK" if imap else b"220"):
            return False
        if tls is not None:
            return True
        # STARTTLS: the server must offer it, and the certificate after it must be good.
        if imap:
            writer.write(b"a1 CAPABILITY\r\n")
            lines = await _until(reader, b"a1 ")
            if b"STARTTLS" not in b"".join(lines).upper():
                return False
            writer.write(b"a2 STARTTLS\r\n")
            if not (await _until(reader, b"a2 "))[-1].startswith(b"a2 OK"):
                return False
        else:
            writer.write(b"EHLO unisono.invalid\r\n")
            lines = await _until(reader, b"250 ")
            if not any(line[4:].upper().startswith(b"STARTTLS") for line in lines):
                return False
            writer.write(b"STARTTLS\r\n")
            if not (await reader.readline()).startswith(b"220"):
                return False
        await writer.start_tls(network.context(), server_hostname=host)
        return True
    finally:
        writer.close()
        with contextlib.suppress(Exception):
            await writer.wait_closed()


async def _until(reader: asyncio.StreamReader, prefix: bytes) -> list[bytes]:
    """Lines up to and with the one starting with ``prefix`` (a tagged or final reply)."""
    lines: list[bytes] = []
    while len(lines) < 100:
        line = await reader.readline()
        if not line:
            raise EOFError("the server closed the connection")
        lines.append(line)
        if line.startswith(prefix) or (prefix == b"250 " and line[:3] != b"250"):
            return lines
    raise ValueError("the server talks too much")
