"""A real Synapse homeserver for the Matrix tests and the Matrix benchmark.

Synapse pins its own Twisted and friends, so it lives in a venv of its own
(default ``~/.cache/inbox-app-tests/synapse-venv``, or ``$INBOX_APP_TEST_CACHE``),
never in the app's. The server runs on a free loopback port with SQLite, no
federation and no outbound network; users are registered through the
shared-secret admin API, exactly as an admin would script it.
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from connectors.matrix import MatrixConnector

SHARED_SECRET = "unisono-tests-" + secrets.token_hex(8)
PASSWORD = "correct horse battery staple"


def cache_dir() -> Path:
    return Path(os.environ.get("INBOX_APP_TEST_CACHE") or Path.home() / ".cache/inbox-app-tests")


def synapse_python() -> Path:
    """The venv's interpreter, installing matrix-synapse on first use (~15 s)."""
    venv = cache_dir() / "synapse-venv"
    python = venv / "bin" / "python"
    probe = [str(python), "-c", "import synapse.app.homeserver"]
    venv.parent.mkdir(parents=True, exist_ok=True)
    # Two test runs starting at once must not install into the same folder together.
    with (venv.parent / "synapse-venv.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if python.exists() and subprocess.run(probe, capture_output=True).returncode == 0:
            return python
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
        subprocess.run(
            [
                str(python),
                "-m",
                "pip",
                "install",
                "-q",
                "--disable-pip-version-check",
                "matrix-synapse",
            ],
            check=True,
        )
    return python


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class User:
    user_id: str
    password: str
    access_token: str


class Synapse:
    """One homeserver process; ``strict=True`` keeps Synapse's default rate limits."""

    def __init__(self, *, strict: bool = False, max_upload_size: str | None = None) -> None:
        self.python = synapse_python()
        # A throwaway database: on tmpfs its fsyncs cost nothing (sends twice as fast).
        shm = Path("/dev/shm")
        scratch = str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None
        self.folder = Path(tempfile.mkdtemp(prefix="inbox-app-synapse-", dir=scratch))
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.server_name = "localhost"
        self.process: subprocess.Popen[bytes] | None = None
        self._write_config(strict, max_upload_size)

    # -- configuration
    def _write_config(self, strict: bool, max_upload_size: str | None = None) -> None:
        folder = self.folder
        (folder / "log.yaml").write_text(
            json.dumps(
                {
                    "version": 1,
                    "formatters": {"plain": {"format": "%(asctime)s %(name)s %(levelname)s %(message)s"}},
                    "handlers": {
                        "file": {
                            "class": "logging.FileHandler",
                            "formatter": "plain",
                            "filename": str(folder / "homeserver.log"),
                        }
                    },
                    "root": {"level": "WARNING", "handlers": ["file"]},
                    "disable_existing_loggers": False,
                }
            )
        )
        generous = {"per_second": 10000, "burst_count": 100000}
        config: dict[str, Any] = {
            "server_name": self.server_name,
            "pid_file": str(folder / "homeserver.pid"),
            "listeners": [
                {
                    "port": self.port,
                    "bind_addresses": ["127.0.0.1"],
                    "type": "http",
                    "tls": False,
                    "x_forwarded": False,
                    "resources": [{"names": ["client"], "compress": False}],
                }
            ],
            "database": {"name": "sqlite3", "args": {"database": str(folder / "homeserver.db")}},
            "log_config": str(folder / "log.yaml"),
            "media_store_path": str(folder / "media"),
            "signing_key_path": str(folder / "signing.key"),
            "registration_shared_secret": SHARED_SECRET,
            "macaroon_secret_key": secrets.token_hex(16),
            "form_secret": secrets.token_hex(16),
            "report_stats": False,
            "enable_registration": False,
            "trusted_key_servers": [],
            "federation_domain_whitelist": [],
            "url_preview_enabled": False,
            "presence": {"enabled": False},
            "bcrypt_rounds": 4,  # password hashing at test speed
            "suppress_key_server_warning": True,
        }
        if not strict:
            for key in ("rc_message", "rc_registration", "rc_joins_per_room", "rc_invites"):
                config[key] = generous
            config["rc_login"] = {k: generous for k in ("address", "account", "failed_attempts")}
            config["rc_joins"] = {"local": generous, "remote": generous}
            config["rc_admin_redaction"] = generous
        if max_upload_size is not None:
            config["max_upload_size"] = max_upload_size
        (folder / "homeserver.yaml").write_text(json.dumps(config, indent=1))
        subprocess.run(
            [
                str(self.python),
                "-m",
                "synapse.app.homeserver",
                "-c",
                str(folder / "homeserver.yaml"),
                "--generate-keys",
            ],
            check=True,
            capture_output=True,
        )

    # -- process
    def start(self, timeout: float = 60.0) -> None:
        with (self.folder / "stdout.log").open("ab") as log:  # the child keeps its own copy
            self.process = subprocess.Popen(
                [
                    str(self.python),
                    "-m",
                    "synapse.app.homeserver",
                    "-c",
                    str(self.folder / "homeserver.yaml"),
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=self.folder,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    "Synapse exited at start: "
                    + (self.folder / "stdout.log").read_text(errors="replace")[-2000:]
                )
            try:
                if httpx.get(self.base_url + "/_matrix/client/versions", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"Synapse did not answer within {timeout} s")

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def destroy(self) -> None:
        """Stop the server and delete its database and media."""
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    def restart(self) -> None:
        self.stop()
        self.start()

    # -- users and rooms, as the customer's own client would do it
    def register(
        self,
        localpart: str,
        *,
        password: str = PASSWORD,
        admin: bool = False,
        displayname: str | None = None,
    ) -> User:
        url = self.base_url + "/_synapse/admin/v1/register"
        nonce = httpx.get(url, timeout=10).json()["nonce"]
        message = "\x00".join((nonce, localpart, password, "admin" if admin else "notadmin"))
        mac = hmac.new(SHARED_SECRET.encode(), message.encode(), hashlib.sha1)
        body: dict[str, Any] = {
            "nonce": nonce,
            "username": localpart,
            "password": password,
            "admin": admin,
            "mac": mac.hexdigest(),
        }
        if displayname:
            body["displayname"] = displayname
        reply = httpx.post(url, json=body, timeout=30)
        reply.raise_for_status()
        data = reply.json()
        return User(data["user_id"], password, data["access_token"])

    def client(self, user: User) -> CustomerClient:
        return CustomerClient(self.base_url, user)


class CustomerClient:
    """A minimal synchronous Matrix client playing the customer (or the admin)."""

    def __init__(self, base_url: str, user: User) -> None:
        self.user = user
        self.http = httpx.Client(
            base_url=base_url + "/_matrix/client/v3",
            headers={"Authorization": f"Bearer {user.access_token}"},
            timeout=30,
        )
        self._txn = 0

    def call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        reply = self.http.request(method, path, **kwargs)
        if reply.status_code >= 400:
            raise RuntimeError(f"{method} {path}: {reply.status_code} {reply.text}")
        return dict(reply.json())

    def create_room(
        self, *, invite: tuple[str, ...] = (), encrypted: bool = False, name: str | None = None
    ) -> str:
        body: dict[str, Any] = {"preset": "private_chat", "invite": list(invite), "is_direct": True}
        if name:
            body["name"] = name
        if encrypted:
            body["initial_state"] = [
                {
                    "type": "m.room.encryption",
                    "state_key": "",
                    "content": {"algorithm": "m.megolm.v1.aes-sha2"},
                }
            ]
        return str(self.call("POST", "/createRoom", json=body)["room_id"])

    def invite(self, room_id: str, user_id: str) -> None:
        self.call("POST", f"/rooms/{room_id}/invite", json={"user_id": user_id})

    def join(self, room_id: str) -> None:
        self.call("POST", f"/join/{room_id}", json={})

    def send(
        self,
        room_id: str,
        body: str | None = None,
        *,
        content: dict[str, Any] | None = None,
        event_type: str = "m.room.message",
    ) -> str:
        self._txn += 1
        payload = content if content is not None else {"msgtype": "m.text", "body": body}
        txn = f"c{time.monotonic_ns()}-{self._txn}"
        return str(self.call("PUT", f"/rooms/{room_id}/send/{event_type}/{txn}", json=payload)["event_id"])

    def edit(self, room_id: str, event_id: str, new_body: str) -> str:
        return self.send(
            room_id,
            content={
                "msgtype": "m.text",
                "body": "* " + new_body,
                "m.new_content": {"msgtype": "m.text", "body": new_body},
                "m.relates_to": {"rel_type": "m.replace", "event_id": event_id},
            },
        )

    def redact(self, room_id: str, event_id: str, reason: str | None = None) -> str:
        self._txn += 1
        body = {"reason": reason} if reason else {}
        return str(
            self.call("PUT", f"/rooms/{room_id}/redact/{event_id}/r{self._txn}", json=body)["event_id"]
        )

    def upload(self, data: bytes, content_type: str, filename: str) -> str:
        reply = self.http.post(
            self.http.base_url.copy_with(path="/_matrix/media/v3/upload"),
            content=data,
            params={"filename": filename},
            headers={"Content-Type": content_type},
        )
        reply.raise_for_status()
        return str(reply.json()["content_uri"])

    def messages_from(self, room_id: str, sender: str, limit: int = 200) -> list[dict[str, Any]]:
        """Every m.room.message by ``sender``, oldest first (what the customer reads)."""
        data = self.call("GET", f"/rooms/{room_id}/messages", params={"dir": "b", "limit": limit})
        return [e for e in reversed(data["chunk"]) if e["type"] == "m.room.message" and e["sender"] == sender]

    def sync_messages(
        self, since: str | None = None, timeout_ms: int = 0
    ) -> tuple[str, list[dict[str, Any]]]:
        params: dict[str, Any] = {"timeout": timeout_ms}
        if since:
            params["since"] = since
        data = self.call("GET", "/sync", params=params, timeout=timeout_ms / 1000 + 30)
        events = [
            dict(e, room_id=room_id)
            for room_id, room in data.get("rooms", {}).get("join", {}).items()
            for e in room.get("timeline", {}).get("events", [])
            if e["type"] == "m.room.message"
        ]
        return str(data["next_batch"]), events

    def set_ratelimit(self, user_id: str, per_second: int, burst: int) -> None:
        """Admin API: give one user tight limits so a test meets Synapse's real 429."""
        reply = self.http.post(
            self.http.base_url.copy_with(path=f"/_synapse/admin/v1/users/{user_id}/override_ratelimit"),
            json={"messages_per_second": per_second, "burst_count": burst},
        )
        reply.raise_for_status()

    def close(self) -> None:
        self.http.close()


@dataclass
class Accounts:
    """A support account and one customer on ``server``."""

    server: Synapse
    support: User
    customer: User
    customer_client: CustomerClient

    def connector(self, **settings: Any) -> MatrixConnector:
        secret = settings.pop("secret", self.support.password)
        return MatrixConnector(
            {"homeserver": self.server.base_url, "user_id": self.support.user_id, **settings},
            secret,
        )

    def direct_room(self) -> str:
        """A room the customer opens with the support account, as Element does for a DM."""
        return self.customer_client.create_room(invite=(self.support.user_id,))


_shared: Synapse | None = None


def ensure_synapse() -> Synapse:
    """The running homeserver of this test session (started on first use)."""
    global _shared
    if _shared is None:
        server = Synapse()
        server.start()
        _shared = server
    return _shared


def stop_synapse() -> None:
    global _shared
    if _shared is not None:
        _shared.destroy()
        _shared = None
