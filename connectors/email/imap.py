"""A blocking IMAP session (imapclient) that speaks only in our typed errors.

Everything here runs in a worker thread (the connector calls it through
``asyncio.to_thread``). Every failure leaves as TransientError, AuthError or
SettingsError with words an admin understands, and never with the password.
"""

from __future__ import annotations

import contextlib
import imaplib
import logging
import socket
import ssl
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from imapclient import IMAPClient, SocketTimeout
from imapclient.exceptions import IMAPClientError, LoginError

from connectors.base import AuthError, ConnectorError, SettingsError, TransientError

from .credentials import imap_login
from .settings import EmailSettings, network_step, tls_context
from .wire import uid_fetch

logger = logging.getLogger(__name__)

T = TypeVar("T")

CONNECT_TIMEOUT = 20.0
READ_TIMEOUT = 120.0
PROBE_TIMEOUT = 10.0
SENT_NAMES = ("Sent", "Sent Items", "Sent Messages", "INBOX/Sent", "INBOX.Sent")


@dataclass(frozen=True)
class FolderState:
    """What SELECT / STATUS tell us about a folder."""

    uidvalidity: int
    uidnext: int
    exists: int
    highestmodseq: int | None


def redact(text: str, secret: str | None) -> str:
    if secret and secret in text:
        text = text.replace(secret, "***")
    return text


@contextlib.contextmanager
def imap_errors(what: str, host: str, secret: str | None) -> Iterator[None]:
    """Translate whatever imapclient, imaplib, ssl or the OS raise into our errors."""
    try:
        yield
    except ConnectorError:
        raise
    except LoginError as exc:
        raise AuthError(
            redact(f"the IMAP server {host} refused the login: {_server_words(exc)}", secret), step="signin"
        )
    except ssl.SSLCertVerificationError as exc:
        raise SettingsError(
            f"the certificate of {host} is not trusted ({exc.verify_message}); if this server "
            "uses its own certificate, point setting 'ca_file' to it",
            step="tls",
        )
    except (imaplib.IMAP4.abort, ssl.SSLError, OSError, EOFError) as exc:
        # IMAP4.abort is a connection that broke mid-conversation.
        raise TransientError(
            redact(f"connection to the IMAP server {host} failed while {what}: {_server_words(exc)}", secret),
            step=network_step(exc),
        )
    except IMAPClientError as exc:
        raise TransientError(redact(f"the IMAP server {host} refused {what}: {_server_words(exc)}", secret))


def _server_words(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    if text.startswith("b'") or text.startswith('b"'):
        text = text[2:-1]
    return text[:300]


class ImapSession:
    """One logged-in IMAP connection; not thread safe (callers hold a lock)."""

    def __init__(
        self, settings: EmailSettings, secret: str | None, *, read_timeout: float = READ_TIMEOUT
    ) -> None:
        self.settings = settings
        self.secret = secret
        self.host = settings.imap_host
        self.selected: str | None = None
        self._read_timeout = read_timeout
        self.client = self._connect(read_timeout)

    def errors(self, what: str) -> contextlib.AbstractContextManager[None]:
        return imap_errors(what, self.host, self.secret)

    def _connect(self, read_timeout: float) -> IMAPClient:
        s = self.settings
        timeout = SocketTimeout(connect=CONNECT_TIMEOUT, read=read_timeout)
        with self.errors("connecting"):
            context = tls_context(s)
            client = IMAPClient(
                s.imap_host,
                port=s.imap_port,
                ssl=s.imap_security == "ssl",
                ssl_context=context if s.imap_security == "ssl" else None,
                timeout=timeout,
            )
            if not logging.getLogger("imapclient.imaplib").isEnabledFor(logging.DEBUG):
                # imapclient turns imaplib's protocol trace fully on and filters it in its
                # logger, so every response, message bodies included, is first formatted
                # with repr() and then dropped: a sixth of an import's CPU. Trace only when
                # someone listens.
                client._imap.debug = 0
            try:
                # Keepalive lets the kernel notice a dead peer even between our own checks.
                client.socket().setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
                if s.imap_security == "starttls":
                    if not client.has_capability("STARTTLS"):
                        raise SettingsError(
                            f"imap_security is starttls but {s.imap_host} does not offer "
                            "STARTTLS; use ssl or ask the provider",
                            step="capability",
                        )
                    client.starttls(context)
                if self.secret is None:
                    raise AuthError("no password is stored for this email account", step="signin")
                if s.oauth is not None:
                    imap_login(client, s, self.secret)
                else:
                    _login(client, s.username, self.secret)
                # Aware datetimes: INTERNALDATE is a fallback for the Date header.
                client.normalise_times = False
                # CONDSTORE/QRESYNC show up only after login; refresh the cache.
                client._cached_capabilities = None
                if client.has_capability("CONDSTORE"):
                    with contextlib.suppress(IMAPClientError):
                        client.enable("CONDSTORE")
            except BaseException:
                with contextlib.suppress(Exception):
                    client.shutdown()
                raise
        return client

    def run(self, what: str, fn: Callable[[], T]) -> T:
        with self.errors(what):
            return fn()

    # -- folders

    def select(self, folder: str, setting: str = "folders") -> FolderState:
        with self.errors(f"opening folder {folder!r}"):
            try:
                resp = self.client.select_folder(folder, readonly=True)
            except IMAPClientError as exc:
                if "NONEXISTENT" in str(exc) or "doesn't exist" in str(exc).lower():
                    raise SettingsError(
                        f"setting {setting!r}: there is no folder {folder!r} on {self.host}", step="folder"
                    )
                raise
        self.selected = folder
        return FolderState(
            uidvalidity=int(resp.get(b"UIDVALIDITY", 0)),
            uidnext=int(resp.get(b"UIDNEXT", 0)),
            exists=int(resp.get(b"EXISTS", 0)),
            highestmodseq=_int_or_none(resp.get(b"HIGHESTMODSEQ")),
        )

    def status(self, folder: str) -> FolderState:
        what = [b"UIDVALIDITY", b"UIDNEXT", b"MESSAGES"]
        if self.client.has_capability("CONDSTORE"):
            what.append(b"HIGHESTMODSEQ")
        with self.errors(f"checking folder {folder!r}"):
            resp = self.client.folder_status(folder, what)
        return FolderState(
            uidvalidity=int(resp.get(b"UIDVALIDITY", 0)),
            uidnext=int(resp.get(b"UIDNEXT", 0)),
            exists=int(resp.get(b"MESSAGES", 0)),
            highestmodseq=_int_or_none(resp.get(b"HIGHESTMODSEQ")),
        )

    def sent_folder(self) -> str | None:
        if self.settings.sent_folder:
            return self.settings.sent_folder
        with self.errors("looking for the sent folder"):
            found = self.client.find_special_folder(b"\\Sent")
            if found:
                return str(found)
            names = {str(name) for _flags, _sep, name in self.client.list_folders()}
        return next((name for name in SENT_NAMES if name in names), None)

    def search_uids(self, criteria: list[Any]) -> list[int]:
        with self.errors("searching"):
            return sorted(int(u) for u in self.client.search(criteria))

    def fetch_raw(self, uids: list[int]) -> dict[int, dict[bytes, Any]]:
        with self.errors("downloading messages"):
            # BODY.PEEK: importing must never mark the customer's mail as read.
            return uid_fetch(self.client, uids, [b"BODY.PEEK[]", b"INTERNALDATE", b"FLAGS"])

    def append(self, folder: str, data: bytes) -> None:
        with self.errors(f"saving a copy in {folder!r}"):
            self.client.append(folder, data, flags=(b"\\Seen",))

    def probe(self) -> None:
        """NOOP with a short deadline: is anyone still at the other end?"""
        with self.errors("checking the connection"):
            self.client.socket().settimeout(PROBE_TIMEOUT)
            try:
                self.client.noop()
            finally:
                self.client.socket().settimeout(self._read_timeout)

    def logout(self) -> None:
        with contextlib.suppress(Exception):
            # Saying goodbye politely must not hold up closing on a dead line.
            self.client.socket().settimeout(3)
            self.client.logout()
        with contextlib.suppress(Exception):
            self.client.shutdown()

    def shutdown(self) -> None:
        with contextlib.suppress(Exception):
            self.client.shutdown()


def _login(client: IMAPClient, username: str, password: str) -> None:
    if (username + password).isascii():
        client.login(username, password)
    elif client.has_capability("AUTH=PLAIN"):
        # LOGIN cannot carry non-ASCII passwords; SASL PLAIN sends UTF-8.
        client.plain_login(username, password)
    else:
        raise AuthError(
            "the password or user name has non-ASCII characters and the IMAP "
            "server offers no way to send them (AUTH=PLAIN)"
        )


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None
