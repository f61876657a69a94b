"""Real mail servers on loopback for the email channel tests.

Dovecot runs from a self-contained configuration in a temporary folder (its own
base_dir, passwd-file users, maildir storage, IMAP and IMAPS ports); an aiosmtpd
server records every message byte-exact and can be told to fail; a small TCP
proxy can silently stop forwarding, like a router that forgot a connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import grp
import itertools
import os
import pwd
import shutil
import signal
import socket
import ssl
import subprocess
import threading
import time
from collections import deque
from collections.abc import Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from imapclient import IMAPClient

_instances = itertools.count(1)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def make_certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "30",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    key.chmod(0o644)
    return cert, key


def _run_as() -> tuple[str, str, int, int]:
    if os.geteuid() == 0:
        user, group = "nobody", "nogroup"
        return user, group, pwd.getpwnam(user).pw_uid, grp.getgrnam(group).gr_gid
    entry = pwd.getpwuid(os.geteuid())
    return entry.pw_name, grp.getgrgid(os.getegid()).gr_name, entry.pw_uid, os.getegid()


_CONFIG = """
protocols = imap
listen = 127.0.0.1
base_dir = {dir}/run
state_dir = {dir}/state
instance_name = test-dovecot-{name}
log_path = {dir}/dovecot.log
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {user}
first_valid_uid = 1
first_valid_gid = 1
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {imap_port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {imaps_port}
    ssl = yes
  }}
}}
ssl = yes
ssl_cert = <{cert}
ssl_key = <{key}
ssl_dh = </usr/share/dovecot/dh.pem
disable_plaintext_auth = no
auth_mechanisms = {mechanisms}
auth_failure_delay = 0
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {dir}/users
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {dir}/users
}}
mail_location = maildir:~/Maildir
mail_fsync = never
namespace inbox {{
  inbox = yes
  separator = /
  mailbox Sent {{
    special_use = \\Sent
    auto = subscribe
  }}
  mailbox Trash {{
    special_use = \\Trash
    auto = subscribe
  }}
}}
protocol imap {{
  mail_max_userip_connections = 50
}}
"""


class Dovecot:
    """A throwaway Dovecot; each test gets its own user (and so its own mailbox)."""

    def __init__(
        self, folder: Path, cert: Path, key: Path, *, extra: str = "", mechanisms: str = "plain login"
    ) -> None:
        self.dir = folder
        self.dir.mkdir(parents=True, exist_ok=True)
        self.dir.chmod(0o755)
        self.user, self.group, self.uid, self.gid = _run_as()
        self.imap_port = free_port()
        self.imaps_port = free_port()
        self.users_file = self.dir / "users"
        self.users_file.write_text("")
        self.users_file.chmod(0o644)
        (self.dir / "mail").mkdir(exist_ok=True)
        (self.dir / "mail").chmod(0o755)
        self.config = self.dir / "dovecot.conf"
        self.config.write_text(
            _CONFIG.format(
                dir=self.dir,
                name=f"{os.getpid()}-{next(_instances)}",
                user=self.user,
                group=self.group,
                imap_port=self.imap_port,
                imaps_port=self.imaps_port,
                cert=cert,
                key=key,
                mechanisms=mechanisms,
            )
            + extra
        )
        self.process: subprocess.Popen[bytes] | None = None
        self._users = itertools.count(1)
        self._write_users()

    # -- life cycle
    def start(self) -> None:
        self.process = subprocess.Popen(
            ["dovecot", "-F", "-c", str(self.config)],
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                err = self.process.stderr.read().decode() if self.process.stderr else ""
                raise RuntimeError(f"dovecot exited: {err}\n{self.log()}")
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.imap_port), timeout=1) as sock,
            ):
                if sock.recv(100).startswith(b"* OK"):
                    return
            time.sleep(0.03)
        raise RuntimeError("dovecot did not answer\n" + self.log())

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)
        if self.process and self.process.stderr:
            self.process.stderr.close()
        self.process = None

    def kill(self) -> None:
        """Every Dovecot process dies at once, like a server that loses power."""
        assert self.process is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(5)
        if self.process.stderr:
            self.process.stderr.close()
        self.process = None

    def log(self) -> str:
        path = self.dir / "dovecot.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    # -- users and mail
    PASSWORD = "s3cret-Pässword"
    POOL = 100

    def _write_users(self) -> None:
        # All users up front: Dovecot notices a changed users file only by its mtime,
        # which has a granularity too coarse for tests adding users quickly.
        lines = []
        for n in range(1, self.POOL + 1):
            home = self.dir / "mail" / f"user{n}"
            home.mkdir(parents=True, exist_ok=True)
            os.chown(home, self.uid, self.gid)
            lines.append(f"user{n}:{{PLAIN}}{self.PASSWORD}:{self.uid}:{self.gid}::{home}::")
        self.users_file.write_text("\n".join(lines) + "\n")

    def add_user(self) -> tuple[str, str]:
        """A user whose mailbox no other test touches."""
        return f"user{next(self._users)}", self.PASSWORD

    def home(self, user: str) -> Path:
        return self.dir / "mail" / user

    def client(self, user: str, password: str) -> IMAPClient:
        client = IMAPClient("127.0.0.1", port=self.imap_port, ssl=False, timeout=20)
        try:
            client.plain_login(user, password)
        except BaseException:
            client.shutdown()
            raise
        return client


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes
    mail_options: list[str] = field(default_factory=list)


class RecordingHandler:
    """Keeps every accepted message; ``faults`` holds what the next DATA commands do."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.faults: deque[str] = deque()
        self.attempts = 0
        self.lock = threading.Lock()

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if address.startswith("unknown@"):
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.attempts += 1
            fault = self.faults.popleft() if self.faults else ""
        if fault == "4xx":
            return "451 4.3.0 Mail server temporarily overloaded, try again later"
        if fault == "5xx":
            return "554 5.7.1 Message rejected: content looks like spam"
        record = Received(
            envelope.mail_from,
            list(envelope.rcpt_tos),
            bytes(envelope.original_content or b""),
            list(envelope.mail_options),
        )
        with self.lock:
            self.received.append(record)
        if fault == "drop":
            # Accepted and queued, but the client never hears "250".
            server.transport.abort()
            return "250 OK (never seen)"
        return "250 OK queued"

    def messages_with(self, message_id: str) -> list[Received]:
        needle = f"Message-ID: {message_id}".lower().encode()
        return [r for r in self.received if needle in r.data.lower()]


class SmtpServer:
    def __init__(
        self,
        *,
        user: str,
        password: str,
        tls: ssl.SSLContext | None = None,
        mode: str = "none",
        size_limit: int | None = None,
    ) -> None:
        self.handler = RecordingHandler()
        self.port = free_port()
        self.user, self.password = user, password

        def authenticator(
            server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
        ) -> AuthResult:
            ok = (
                isinstance(auth_data, LoginPassword)
                and auth_data.login.decode() == self.user
                and auth_data.password.decode() == self.password
            )
            return AuthResult(success=ok, handled=False)

        kwargs: dict[str, Any] = {"authenticator": authenticator, "auth_require_tls": False}
        if size_limit is not None:
            kwargs["data_size_limit"] = size_limit  # advertised as SIZE in EHLO
        if mode == "ssl":
            kwargs["ssl_context"] = tls
        elif mode == "starttls":
            kwargs["tls_context"] = tls
            kwargs["require_starttls"] = True
            kwargs["auth_require_tls"] = True
        self.controller = Controller(
            self.handler, hostname="127.0.0.1", port=self.port, server_hostname="localhost", **kwargs
        )

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()


class SilentProxy:
    """Forwards TCP to ``target``; ``blackhole()`` makes open connections go quiet.

    Like a NAT box that dropped its table entry: no FIN, no RST, just silence.
    New connections after the blackhole are forwarded normally.
    """

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.port = int(self.listener.getsockname()[1])
        self.connections: list[dict[str, Any]] = []
        self.closed = False
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while not self.closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            conn: dict[str, Any] = {"silent": False, "sockets": (client, upstream)}
            self.connections.append(conn)
            for src, dst in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(src, dst, conn), daemon=True).start()

    @staticmethod
    def _pump(src: socket.socket, dst: socket.socket, conn: dict[str, Any]) -> None:
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                if not conn["silent"]:
                    dst.sendall(data)
        except OSError:
            pass
        finally:
            for sock in conn["sockets"]:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def blackhole(self) -> None:
        for conn in self.connections:
            conn["silent"] = True

    def close(self) -> None:
        self.closed = True
        with contextlib.suppress(OSError):
            self.listener.close()
        for conn in self.connections:
            for sock in conn["sockets"]:
                with contextlib.suppress(OSError):
                    sock.close()


def rmtree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


def make_message(
    n: int,
    *,
    sender: str = "Cliente {n} <cliente{n}@example.org>",
    to: str = "Assistenza <support@example.com>",
    subject: str | None = None,
    message_id: str | None = "<msg-{n}@example.org>",
    in_reply_to: str | None = None,
    references: str | None = None,
    body: str = "Buongiorno, il mio ordine {n} non è ancora arrivato.\n",
    extra_headers: str = "",
) -> bytes:
    """A plain customer message, numbered so tests can count exactly."""
    lines = [
        f"From: {sender.format(n=n)}",
        f"To: {to}",
        f"Subject: {subject if subject is not None else f'Ordine {n}'}",
        "Date: Tue, 24 Nov 2026 10:00:00 +0100",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: 8bit",
    ]
    if message_id:
        lines.append(f"Message-ID: {message_id.format(n=n)}")
    if in_reply_to:
        lines.append(f"In-Reply-To: {in_reply_to}")
    if references:
        lines.append(f"References: {references}")
    if extra_headers:
        lines.extend(extra_headers.strip().splitlines())
    return ("\r\n".join(lines) + "\r\n\r\n" + body.format(n=n).replace("\n", "\r\n")).encode()


def append_all(client: IMAPClient, folder: str, messages: list[bytes]) -> None:
    for raw in messages:
        client.append(folder, raw)


def settings_for(
    dovecot: Dovecot, user: str, smtp: SmtpServer | None = None, **overrides: Any
) -> dict[str, Any]:
    settings: dict[str, Any] = {
        "imap_host": "127.0.0.1",
        "imap_port": dovecot.imap_port,
        "imap_security": "none",
        "smtp_host": "127.0.0.1",
        "smtp_port": smtp.port if smtp else free_port(),
        "smtp_security": "none",
        "username": user,
        "address": "support@example.com",
        "display_name": "Assistenza Clienti",
    }
    settings.update(overrides)
    return settings


T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


async def collect(connector: Any, cursor: str | None) -> tuple[list[Any], str | None, list[Any]]:
    """Every item and the final cursor of one fetch, plus the progress reports."""
    items: list[Any] = []
    progress: list[Any] = []
    async for batch in connector.fetch(cursor):
        items.extend(batch.items)
        cursor = batch.cursor
        progress.append(batch.progress)
    return items, cursor, progress
