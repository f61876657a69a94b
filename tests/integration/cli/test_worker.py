"""`inbox-app sync`, the headless worker: live, crash-safe, stops cleanly."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from connectors.fake import FakeServer


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "inbox_app.cli", *args], env=env, capture_output=True, text=True, timeout=60
    )


def _wait(predicate, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError("condition not met in time")


def _timeline_count(env: dict[str, str]) -> int:
    customers = json.loads(_cli(env, "customers", "list", "--json").stdout)
    return sum(
        len(json.loads(_cli(env, "customers", "show", str(c["id"]), "--json").stdout)["timeline"])
        for c in customers
    )


@pytest.mark.slow
def test_worker_stores_new_messages_live_and_survives_a_kill(tmp_path: Path) -> None:
    env = {**os.environ, "INBOX_APP_DATABASE": f"sqlite:///{tmp_path / 'inbox.db'}"}
    server = FakeServer(tmp_path / "srv")
    assert (
        _cli(
            env, "accounts", "add", "fake", "live", "--set", f"path={server.root}", "--set", "batch_size=2"
        ).returncode
        == 0
    )
    log = tmp_path / "worker.log"

    def start() -> subprocess.Popen[bytes]:
        with log.open("ab") as out:  # the child keeps its own copy of the file
            return subprocess.Popen(
                [sys.executable, "-m", "inbox_app.cli", "sync"], env=env, stdout=out, stderr=out
            )

    worker = start()
    try:
        for i in range(5):
            server.deliver(id=f"w{i}", text=f"messaggio {i}", thread="t", **{"from": "eva@example.it"})
        _wait(lambda: _timeline_count(env) == 5)
        worker.send_signal(signal.SIGKILL)  # no goodbye: the store must still be whole
        worker.wait(timeout=10)
        for i in range(5, 9):
            server.deliver(id=f"w{i}", text=f"messaggio {i}", thread="t", **{"from": "eva@example.it"})
        worker = start()
        _wait(lambda: _timeline_count(env) == 9)
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=20) == 0
        assert "Traceback" not in log.read_text(encoding="utf-8")
        assert _timeline_count(env) == 9
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
