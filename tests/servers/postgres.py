"""A throwaway PostgreSQL server for the tests, started from the installed binaries."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import psycopg


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def find_bindir() -> Path:
    for env in ("INBOX_APP_PG_BINDIR",):
        if os.environ.get(env):
            return Path(os.environ[env])
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for folder in candidates:
        if Path(folder, "initdb").exists():
            return Path(folder)
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    raise RuntimeError(
        "PostgreSQL server binaries are missing: install them with "
        "'apt-get install postgresql' (Debian/Ubuntu) or set INBOX_APP_PG_BINDIR"
    )


class PostgresServer:
    def __init__(self, root: Path | None = None) -> None:
        # Not under pytest's temporary folders: those are private to root (0700)
        # and the server runs as the postgres user when the tests run as root.
        self._own_root = root is None
        self.root = Path(root) if root is not None else Path(tempfile.mkdtemp(prefix="inbox-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.bindir = find_bindir()
        self._as_root = os.geteuid() == 0

    def _run(self, *args: str) -> None:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self._as_root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        subprocess.run(cmd, check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        if self._as_root:
            # postgres refuses to run as root: the data folder belongs to the postgres user
            os.chmod(self.root, 0o755)
            self.data.mkdir(mode=0o700)
            shutil.chown(self.data, "postgres", "postgres")
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "--no-sync",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )
        self._opts = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.data} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        self.resume()

    def resume(self) -> None:
        """Start the server (again, after ``pause``) on the same port and data."""
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-w",
            "-t",
            "60",
            "-l",
            str(self.data / "log.txt"),
            "-o",
            self._opts,
            "start",
        )

    def pause(self) -> None:
        """Stop the server as an outage would, keeping its data for ``resume``."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        if self._own_root:
            shutil.rmtree(self.root, ignore_errors=True)

    def admin(self) -> psycopg.Connection:
        return psycopg.connect(
            f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres", autocommit=True
        )

    def create_database(self, name: str) -> None:
        with self.admin() as conn:
            conn.execute(f'CREATE DATABASE "{name}"')

    def drop_database(self, name: str) -> None:
        with self.admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def url(self, name: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"
