"""The network of a made-up mail domain for the auto-detection tests, all on loopback:

- ``DnsResponder``: a UDP DNS server (answers built with dnspython) holding A and SRV
  records; detection asks it through ``INBOX_APP_DNS`` / ``DiscoveryOptions.dns_server``;
- ``FileServer``: one HTTPS (or plain HTTP) server answering by Host header and path, so
  it plays autoconfig.DOMAIN, DOMAIN's .well-known, the ISPDB and a Matrix server's
  .well-known at once; its certificate comes from a test CA (trustme);
- ``MailGreeter``: a TCP server greeting like an IMAP or SMTP server, with implicit TLS or
  STARTTLS, for the live probes of common host names.
"""

from __future__ import annotations

import contextlib
import socket
import socketserver
import ssl
import threading
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import dns.message
import dns.rdataclass
import dns.rdatatype
import dns.rrset
import trustme


def free_port(kind: int = socket.SOCK_STREAM) -> int:
    with socket.socket(socket.AF_INET, kind) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class DnsResponder:
    """``records``: {(name, "A" | "SRV"): [text of each record]} e.g.
    ``{("_imaps._tcp.example.test", "SRV"): ["0 1 993 mail.example.test."]}``."""

    def __init__(self, records: Mapping[tuple[str, str], list[str]] | None = None) -> None:
        self.records: dict[tuple[str, str], list[str]] = dict(records or {})
        self.asked: list[tuple[str, str]] = []
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.address = f"127.0.0.1:{self.sock.getsockname()[1]}"
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                data, peer = self.sock.recvfrom(4096)
            except OSError:
                return
            query = dns.message.from_wire(data)
            response = dns.message.make_response(query)
            question = query.question[0]
            name = question.name.to_text(omit_final_dot=True).lower()
            rdtype = dns.rdatatype.to_text(question.rdtype)
            self.asked.append((name, rdtype))
            answers = self.records.get((name, rdtype), [])
            if answers:
                response.answer.append(
                    dns.rrset.from_text_list(question.name, 60, dns.rdataclass.IN, rdtype, answers)
                )
            elif not any(n == name for n, _t in self.records):
                response.set_rcode(dns.rcode.NXDOMAIN)
            with contextlib.suppress(OSError):
                self.sock.sendto(response.to_wire(), peer)

    def close(self) -> None:
        self.sock.close()


class LocalCA:
    """A certificate authority of the test's own; ``pem`` is the file to trust."""

    def __init__(self, folder: Any) -> None:
        self.ca = trustme.CA()
        self.pem = folder / "test-ca.pem"
        self.ca.cert_pem.write_to_path(str(self.pem))

    def client_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context()
        self.ca.configure_trust(context)
        return context

    def server_context(self, *names: str) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.ca.issue_cert(*names).configure_cert(context)
        return context


class FileServer:
    """Files by (host, path); ``files[(host, path)] = (status, body, content type)``."""

    def __init__(self, tls: ssl.SSLContext | None) -> None:
        self.files: dict[tuple[str, str], tuple[int, bytes, str]] = {}
        self.requests: list[tuple[str, str]] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return None

            def do_GET(self) -> None:
                host = (self.headers.get("Host") or "").rsplit(":", 1)[0].lower()
                path = self.path.split("?", 1)[0]
                owner.requests.append((host, self.path))
                status, body, kind = owner.files.get((host, path), (404, b"not here", "text/plain"))
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        if tls is not None:
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        self.port = int(self.server.server_address[1])
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def put(self, host: str, path: str, body: bytes | str, kind: str = "application/xml") -> None:
        self.files[(host, path)] = (200, body.encode() if isinstance(body, str) else body, kind)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class MailGreeter:
    """Greets as an IMAP (``* OK``) or SMTP (``220``) server; ``tls`` given: implicit TLS,
    else the plain greeting, offering STARTTLS with ``starttls`` (a context) given."""

    def __init__(
        self, protocol: str, *, tls: ssl.SSLContext | None = None, starttls: ssl.SSLContext | None = None
    ) -> None:
        imap = protocol == "imap"

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                sock = self.request
                if tls is not None:
                    sock = tls.wrap_socket(sock, server_side=True)
                try:
                    self.talk(sock)
                finally:
                    sock.close()

            def talk(self, sock: Any) -> None:
                out = sock.makefile("rwb")
                out.write(b"* OK IMAP4rev1 ready\r\n" if imap else b"220 mail.example.test ESMTP\r\n")
                out.flush()
                while True:
                    line = out.readline()
                    if not line:
                        out.close()
                        return
                    word = line.split()[1 if imap else 0].upper() if line.split() else b""
                    tag = line.split()[0] if imap else b""
                    if imap and word == b"CAPABILITY":
                        extra = b" STARTTLS" if starttls is not None else b""
                        out.write(b"* CAPABILITY IMAP4rev1" + extra + b"\r\n" + tag + b" OK done\r\n")
                    elif not imap and word == b"EHLO":
                        extra = b"250-STARTTLS\r\n" if starttls is not None else b""
                        out.write(b"250-mail.example.test\r\n" + extra + b"250 8BITMIME\r\n")
                    elif word == b"STARTTLS" and starttls is not None:
                        out.write(tag + b" OK go\r\n" if imap else b"220 go\r\n")
                        out.flush()
                        out.close()
                        with contextlib.suppress(ssl.SSLError, OSError):
                            starttls.wrap_socket(sock, server_side=True).close()
                        return
                    else:
                        out.write(tag + b" BAD no\r\n" if imap else b"500 no\r\n")
                    out.flush()

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = int(self.server.server_address[1])
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def config_xml(
    imap_host: str,
    smtp_host: str,
    *,
    imap_port: int = 993,
    smtp_port: int = 465,
    auth: str = "password-cleartext",
    username: str = "%EMAILADDRESS%",
) -> str:
    """A config-v1.1 file as providers publish it (a POP3 server first, which is passed over)."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="example.test">
    <domain>example.test</domain>
    <displayName>Example</displayName>
    <incomingServer type="pop3">
      <hostname>pop.example.test</hostname><port>995</port><socketType>SSL</socketType>
      <authentication>password-cleartext</authentication><username>%EMAILADDRESS%</username>
    </incomingServer>
    <incomingServer type="imap">
      <hostname>{imap_host}</hostname><port>{imap_port}</port><socketType>SSL</socketType>
      <authentication>{auth}</authentication><username>{username}</username>
    </incomingServer>
    <outgoingServer type="smtp">
      <hostname>{smtp_host}</hostname><port>{smtp_port}</port><socketType>{"SSL" if smtp_port == 465 else "STARTTLS"}</socketType>
      <authentication>{auth}</authentication><username>{username}</username>
    </outgoingServer>
  </emailProvider>
</clientConfig>
"""
