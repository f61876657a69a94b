"""What an installed Unisono carries: every package, its migrations and its resources."""

from __future__ import annotations

import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_every_package_is_listed_for_installation() -> None:
    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]["packages"]
    )
    found = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for top in ("inbox_app", "connectors")
        for p in (ROOT / top).rglob("__init__.py")
    }
    assert found - listed == set(), "add these packages to [tool.setuptools] packages"


@pytest.mark.slow
def test_the_wheel_ships_resources_and_migrations(tmp_path: Path) -> None:
    proc = subprocess.run(  # -v: pip shows the build's warnings only then
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-v", "-w", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    # Installing prints no screenful of packaging warnings at a newcomer.
    assert "absent from the `packages` configuration" not in proc.stderr + proc.stdout
    wheel = next(tmp_path.glob("inbox_app-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "inbox_app/resources/demo/demo.json" in names
    assert "inbox_app/resources/icons/reply.svg" in names
    assert "inbox_app/resources/i18n/unisono_it.ts" in names
    assert "inbox_app/core/store/migrations/env.py" in names
    assert "inbox_app/core/store/migrations/script.py.mako" in names
    assert "inbox_app/resources/styles/dark.qss" in names
    assert any(n.startswith("inbox_app/core/store/migrations/versions/0001") for n in names)
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "inbox-app = inbox_app.cli:main" in text and "email = connectors.email:EmailConnector" in text


def test_one_application_id_everywhere() -> None:
    from inbox_app import APP_ID

    linux = ROOT / "packaging" / "linux"
    assert (linux / f"{APP_ID}.desktop").exists()
    assert f"<id>{APP_ID}</id>" in (linux / f"{APP_ID}.metainfo.xml").read_text("utf-8")
    assert f"app-id: {APP_ID}" in (linux / f"{APP_ID}.yml").read_text("utf-8")
