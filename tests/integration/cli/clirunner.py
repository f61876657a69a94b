"""Runs `inbox-app` as a newcomer's shell would, for the command-line tests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


class Cli:
    def __init__(self, tmp: Path) -> None:
        self.db = f"sqlite:///{tmp / 'inbox.db'}"
        self.env = {**os.environ, "INBOX_APP_DATABASE": self.db}

    def __call__(
        self, *args: str, stdin: str | None = None, ok: bool = True, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run(
            [sys.executable, "-m", "inbox_app.cli", *args],
            input=stdin,
            capture_output=True,
            text=True,
            env={**self.env, **(env or {})},
            timeout=120,
        )
        assert "Traceback" not in proc.stderr, proc.stderr
        if ok:
            assert proc.returncode == 0, proc.stderr
        return proc

    def json(self, *args: str):
        return json.loads(self(*args, "--json").stdout)
