"""Fixtures shared by every test: throwaway stores on SQLite and on a real PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

# The app must never touch the tester's own keyring or data folder.
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")

from tests.conformance.suite import store  # noqa: E402,F401  (shared fixture)


@pytest.fixture(autouse=True)
def _private_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("INBOX_APP_DATA_DIR", str(home / "data" / "inbox_app"))
    monkeypatch.delenv("INBOX_APP_DATABASE", raising=False)
    monkeypatch.delenv("INBOX_APP_AGENT", raising=False)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[object]:
    """A PostgreSQL server of our own, from the installed binaries, on a loopback port."""
    from tests.servers.postgres import PostgresServer

    server = PostgresServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def own_server() -> Iterator[object]:
    """A PostgreSQL server of the test's own, with an empty database "inbox": for tests that
    stop and start it (``pause``/``resume``) under running windows and workers."""
    from tests.servers.postgres import PostgresServer

    server = PostgresServer()
    server.start()
    server.create_database("inbox")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def pg_url(postgres_server) -> Iterator[str]:
    """A fresh, empty database on the test server for one test."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    postgres_server.create_database(name)
    yield postgres_server.url(name)
    postgres_server.drop_database(name)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The same test on the embedded store and on a team store."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return request.getfixturevalue("pg_url")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # The GUI tests share one qasync loop for the whole session (it can never be
    # stopped); they run last so the plain-asyncio tests never meet it.
    items.sort(key=lambda item: "/tests/ui/" in str(item.path).replace("\\", "/"))
