"""Email auto-detection against a made-up domain on loopback: its own autoconfig server, an
ISPDB emulator, SRV answers from a test DNS responder and live mail servers to probe."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import trustme

from connectors.base import DiscoveryOptions
from connectors.email import EmailConnector
from connectors.email.autoconfig import ConfigError, parse_config
from tests.servers.detect import DnsResponder, FileServer, LocalCA, MailGreeter, config_xml, free_port

ADDRESS = "assistenza@example.test"
ORDER = ("autoconfig", "well-known", "ispdb", "ispdb-mx", "srv", "guess")
#: Each source names servers of its own, so a result shows which source it came from.
IMAP_OF = {
    "autoconfig": "imap.from-autoconfig.test",
    "well-known": "imap.from-well-known.test",
    "ispdb": "imap.from-ispdb.test",
    "ispdb-mx": "imap.mailhost.test",
    "srv": "imap.from-srv.test",
    "guess": "imap.example.test",
}


@dataclass
class Net:
    ca: LocalCA
    dns: DnsResponder
    https: FileServer
    ispdb: FileServer
    greeters: list[MailGreeter]
    ports: dict[str, int]

    def options(self) -> DiscoveryOptions:
        return DiscoveryOptions(
            ispdb_url=f"http://127.0.0.1:{self.ispdb.port}/v1.1/",
            dns_server=self.dns.address,
            ports=self.ports,
            tls=self.ca.client_context(),
            timeout=3.0,
        )

    def serve(self, source: str) -> None:
        if source == "autoconfig":
            self.dns.records[("autoconfig.example.test", "A")] = ["127.0.0.1"]
            self.https.put(
                "autoconfig.example.test",
                "/mail/config-v1.1.xml",
                config_xml(IMAP_OF[source], "smtp.from-autoconfig.test"),
            )
        elif source == "well-known":
            self.dns.records[("example.test", "A")] = ["127.0.0.1"]
            self.https.put(
                "example.test",
                "/.well-known/autoconfig/mail/config-v1.1.xml",
                config_xml(IMAP_OF[source], "smtp.from-well-known.test", smtp_port=587),
            )
        elif source == "ispdb":
            self.ispdb.put(
                "127.0.0.1",
                "/v1.1/example.test",
                config_xml(
                    IMAP_OF[source], "smtp.from-ispdb.test", auth="OAuth2", username="%EMAILLOCALPART%"
                ),
            )
        elif source == "ispdb-mx":
            # The domain's mail goes to a hosting provider the ISPDB knows by its own domain.
            self.dns.records[("example.test", "MX")] = ["10 aspmx.l.mailhost.test.", "20 backup.other.test."]
            self.ispdb.put(
                "127.0.0.1", "/v1.1/mailhost.test", config_xml(IMAP_OF[source], "smtp.mailhost.test")
            )
        elif source == "srv":
            self.dns.records[("_imaps._tcp.example.test", "SRV")] = ["0 1 993 imap.from-srv.test."]
            self.dns.records[("_imap._tcp.example.test", "SRV")] = ["0 1 143 other.from-srv.test."]
            # The better of two submission servers: lowest priority first.
            self.dns.records[("_submission._tcp.example.test", "SRV")] = [
                "20 1 587 backup.from-srv.test.",
                "10 1 587 smtp.from-srv.test.",
            ]
        elif source == "guess":
            imap = MailGreeter("imap", tls=self.ca.server_context("imap.example.test"))
            smtp = MailGreeter("smtp", starttls=self.ca.server_context("smtp.example.test"))
            self.greeters += [imap, smtp]
            self.ports.update(imaps=imap.port, submission=smtp.port)
            self.dns.records[("imap.example.test", "A")] = ["127.0.0.1"]
            self.dns.records[("smtp.example.test", "A")] = ["127.0.0.1"]


@pytest.fixture
def net(tmp_path: Path) -> Iterator[Net]:
    ca = LocalCA(tmp_path)
    https = FileServer(ca.server_context("example.test", "*.example.test", "localhost"))
    # The probes' other ports lead nowhere: nothing on this machine may answer by chance.
    ports = {
        "https": https.port,
        "imaps": free_port(),
        "imap": free_port(),
        "submissions": free_port(),
        "submission": free_port(),
    }
    net = Net(ca, DnsResponder(), https, FileServer(None), [], ports)
    yield net
    for server in (net.https, net.ispdb, *net.greeters):
        server.close()
    net.dns.close()


def discover(net: Net):
    return asyncio.run(EmailConnector.discover({"address": ADDRESS}, net.options()))


@pytest.mark.parametrize("source", ORDER)
def test_each_source_alone_finds_the_servers(net: Net, source: str) -> None:
    net.serve(source)
    found = discover(net)
    assert found.source == source
    assert found.found["imap_host"] == IMAP_OF[source]
    assert set(found.found) == {
        "imap_host",
        "imap_port",
        "imap_security",
        "smtp_host",
        "smtp_port",
        "smtp_security",
        "username",
        "auth",
        "source",
    }


def test_what_each_source_says_is_read_whole(net: Net) -> None:
    net.serve("ispdb")
    ispdb = discover(net).found
    # %EMAILLOCALPART% filled in; OAuth2 offered, so that is the sign-in to use.
    assert (ispdb["username"], ispdb["auth"], ispdb["imap_port"], ispdb["imap_security"]) == (
        "assistenza",
        "oauth2",
        993,
        "ssl",
    )
    net.ispdb.files.clear()
    net.serve("srv")
    srv = discover(net).found
    assert (srv["imap_host"], srv["imap_port"], srv["imap_security"]) == ("imap.from-srv.test", 993, "ssl")
    assert (srv["smtp_host"], srv["smtp_port"], srv["smtp_security"]) == (
        "smtp.from-srv.test",
        587,
        "starttls",
    )
    assert (srv["username"], srv["auth"]) == (ADDRESS, "password")


def test_the_guess_probes_live_servers_with_trusted_certificates(net: Net) -> None:
    net.serve("guess")
    found = discover(net).found
    assert (found["imap_host"], found["imap_port"], found["imap_security"]) == (
        "imap.example.test",
        net.ports["imaps"],
        "ssl",
    )
    assert (found["smtp_host"], found["smtp_port"], found["smtp_security"]) == (
        "smtp.example.test",
        net.ports["submission"],
        "starttls",
    )


def test_a_server_whose_certificate_is_not_trusted_is_not_guessed(net: Net) -> None:
    net.serve("guess")
    # The IMAP server now shows a certificate from a CA nobody trusts.
    foreign = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    trustme.CA().issue_cert("imap.example.test").configure_cert(foreign)
    bad = MailGreeter("imap", tls=foreign)
    net.greeters.append(bad)
    net.ports["imaps"] = bad.port
    assert discover(net).found == {}


@pytest.mark.parametrize("first", range(len(ORDER)))
def test_the_sources_are_trusted_in_order(net: Net, first: int) -> None:
    for source in ORDER[first:]:
        net.serve(source)
    found = discover(net)
    assert found.source == ORDER[first]
    assert found.found["imap_host"] == IMAP_OF[ORDER[first]]


def test_a_domain_with_none_says_what_was_tried(net: Net) -> None:
    found = discover(net)
    assert found.found == {} and found.source == ""
    words = "\n".join(found.tried)
    assert "https://autoconfig.example.test/mail/config-v1.1.xml: no file there" in words
    assert "https://example.test/.well-known/autoconfig/mail/config-v1.1.xml: no file there" in words
    assert "/v1.1/example.test: the provider is not in the database" in words
    assert "SRV records of example.test: none for IMAP" in words
    assert "no mail server with a trusted certificate answered" in words
    assert ("_imaps._tcp.example.test", "SRV") in net.dns.asked


def test_config_files_are_read_safely() -> None:
    bomb = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<clientConfig><emailProvider><domain>&lol2;</domain></emailProvider></clientConfig>"""
    with pytest.raises(ConfigError):
        parse_config(bomb, ADDRESS)
    with pytest.raises(ConfigError, match="no IMAP server"):
        parse_config(
            config_xml("imap.x.test", "smtp.x.test").replace('type="imap"', 'type="pop3"').encode(), ADDRESS
        )
    plain = config_xml("imap.x.test", "smtp.x.test").replace(
        "<socketType>SSL</socketType>", "<socketType>plain</socketType>", 2
    )
    with pytest.raises(ConfigError):  # plain text to another machine is no choice
        parse_config(plain.encode(), ADDRESS)
