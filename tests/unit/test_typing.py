"""The code passes mypy with the settings of pyproject.toml: strict for the core, the sync
runtime, the connectors and the command line; function bodies checked for the window."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHECKED = ("inbox_app/core", "inbox_app/sync", "connectors", "inbox_app/cli", "inbox_app/ui")


@pytest.mark.slow
def test_core_sync_and_connectors_pass_mypy() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-incremental", *CHECKED],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=540,
    )
    output = result.stdout + result.stderr
    if result.returncode != 0:
        print(output)
    assert result.returncode == 0, f"mypy found problems:\n{output}"
    assert "Success" in result.stdout
