"""The rooms stay apart: core and connectors never import Qt, connectors never the app."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_import_contracts_hold() -> None:
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    assert lint, "import-linter is part of the test extra"
    proc = subprocess.run([lint, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "broken" in proc.stdout and "0 broken" in proc.stdout


def test_no_module_reaches_for_a_global_application_object() -> None:
    offenders = []
    for path in [*ROOT.glob("inbox_app/core/**/*.py"), *ROOT.glob("connectors/**/*.py")]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and node.attr == "instance"
                and isinstance(node.value, ast.Name)
                and node.value.id in ("QApplication", "QCoreApplication")
            ):
                offenders.append(str(path))
    assert offenders == []


def test_no_secret_reaches_the_schema() -> None:
    from inbox_app.core.store.models import Base

    columns = {c.name for table in Base.metadata.tables.values() for c in table.columns}
    assert not {"password", "secret", "token", "access_token"} & columns
