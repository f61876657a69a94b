"""English and a complete Italian translation, chosen by INBOX_APP_LANG or the system locale."""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication

from inbox_app.paths import resources_dir
from inbox_app.ui.appearance import TsTranslator, install_translator, language

TS = resources_dir() / "i18n" / "unisono_it.ts"


def _sources(path: Path) -> set[tuple[str, str]]:
    root = ET.parse(path).getroot()
    return {
        (c.findtext("name") or "", m.findtext("source") or "")
        for c in root.iter("context")
        for m in c.iter("message")
        if (
            m.find("translation") is None or m.find("translation").get("type") not in ("vanished", "obsolete")
        )
    }


def test_every_ui_string_has_an_italian_translation(tmp_path: Path) -> None:
    lupdate = shutil.which("pyside6-lupdate", path=str(Path(sys.executable).parent))
    if lupdate is None:
        pytest.skip("pyside6-lupdate is not installed")
    ui = Path(__file__).resolve().parents[2] / "inbox_app" / "ui"
    fresh = tmp_path / "fresh.ts"
    files = [str(p) for p in sorted(ui.rglob("*.py"))]
    subprocess.run([lupdate, *files, "-ts", str(fresh)], check=True, capture_output=True)
    missing = _sources(fresh) - _sources(TS)
    assert not missing, f"strings without Italian translation: {sorted(missing)[:10]}"
    root = ET.parse(TS).getroot()
    unfinished = [
        m.findtext("source")
        for m in root.iter("message")
        if m.find("translation").get("type") == "unfinished" or not m.findtext("translation")
    ]
    assert not unfinished


def test_italian_is_chosen_from_the_environment(
    qapp, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # where the built .qm goes
    monkeypatch.setenv("INBOX_APP_LANG", "it_IT")
    assert language() == "it"
    try:
        assert install_translator(qapp) is not None
        assert QCoreApplication.translate("Views", "Mine") == "Miei"
        assert QCoreApplication.translate("Labels", "Resolved") == "Risolto"
        assert (
            QCoreApplication.translate("CaseActions", "Case #{id} is {who}'s since {when}.")
            == "Il caso #{id} è di {who} dalle {when}."
        )
    finally:
        install_translator(qapp, "en")
    assert QCoreApplication.translate("Views", "Mine") == "Mine"


def test_the_ts_file_works_without_lrelease(qapp) -> None:
    translator = TsTranslator(TS)
    assert translator.translate("MainWindow", "Reply") == "Rispondi"
    assert translator.translate("MainWindow", "no such text") == ""


def test_qts_own_buttons_speak_the_windows_language(qapp) -> None:
    from PySide6.QtWidgets import QDialogButtonBox

    from inbox_app.ui.appearance import install_translator

    def words() -> list[str]:
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close | QDialogButtonBox.StandardButton.Cancel)
        return sorted(b.text().replace("&", "") for b in box.buttons())

    install_translator(qapp, "it")
    try:
        assert words() == ["Annulla", "Chiudi"]
    finally:
        install_translator(qapp, "en")
    assert words() == ["Cancel", "Close"]
