"""The release build: packaging/build-linux.sh freezes the app from a fresh clone and checks it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# A fresh build environment and PyInstaller's analysis: about two minutes on two quiet cores,
# seven on busy ones.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]


def _head() -> str:
    proc = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.skip("not a git checkout: the release build is made from a clone")
    return proc.stdout.strip()


def test_a_fresh_clone_builds_a_release_that_passes_its_smoke_test(tmp_path: Path) -> None:
    # The committed tree, not the working one: that is what anyone else would build.
    head = _head()
    clone = tmp_path / "unisono"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    subprocess.run(["git", "-C", str(clone), "checkout", "-q", "--detach", head], check=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INBOX_APP_", "QT_"))}
    env["PYTHON"] = sys.executable
    try:
        proc = subprocess.run(
            ["bash", "packaging/build-linux.sh"],
            cwd=clone,
            env=env,
            capture_output=True,
            text=True,
            timeout=1700,
        )
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
        assert "channels: fake email matrix telegram mastodon google_reviews" in proc.stdout
        assert "== built dist/inbox-app: " in proc.stdout
    finally:
        # The build environment and the frozen app take about a gigabyte.
        shutil.rmtree(clone, ignore_errors=True)
