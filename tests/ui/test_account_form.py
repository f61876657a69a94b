"""Settings > Channel accounts > New account, for each kind, in English and Italian: the
form speaks in words (no setting key anywhere), an email account is found from its address,
a Matrix homeserver from the Matrix ID, a Telegram bot named from its token. Each step is
rendered to a PNG (in INBOX_APP_SHOTS when set, else the test's folder) to be looked at."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from PySide6.QtWidgets import QAbstractButton, QComboBox, QLabel, QLineEdit, QWidget

from connectors.base import available_connectors
from inbox_app.paths import resources_dir
from inbox_app.ui.appearance import TsTranslator
from inbox_app.ui.dialogs.account_form import CONTEXT
from tests.emulators.telegram import DEFAULT_TOKEN, TelegramEmulator
from tests.servers.detect import DnsResponder, FileServer, LocalCA, config_xml, free_port

REGISTRY = available_connectors()
KEYS = {spec.key for cls in REGISTRY.values() for spec in cls.settings_schema}


@pytest.fixture
def net(tmp_path: Path, services, monkeypatch: pytest.MonkeyPatch):
    """A made-up mail domain and Matrix server on loopback, trusted through a test CA."""
    ca = LocalCA(tmp_path)
    https = FileServer(ca.server_context("autoconfig.example.test", "localhost"))
    ispdb = FileServer(None)
    dns = DnsResponder({("autoconfig.example.test", "A"): ["127.0.0.1"]})
    https.put(
        "autoconfig.example.test",
        "/mail/config-v1.1.xml",
        config_xml("imap.example.test", "smtp.example.test", smtp_port=587),
    )
    base = f"https://localhost:{https.port}"
    https.put("localhost", "/.well-known/matrix/client", json.dumps({"m.homeserver": {"base_url": base}}))
    https.put("localhost", "/_matrix/client/versions", json.dumps({"versions": ["v1.11"]}))
    ports = ",".join(f"{n}={free_port()}" for n in ("imaps", "imap", "submissions", "submission"))
    monkeypatch.setenv("INBOX_APP_DNS", dns.address)
    monkeypatch.setenv("INBOX_APP_DETECT_PORTS", f"https={https.port},{ports}")
    services.extra["tls"] = ca.client_context()
    from inbox_app.core.settings import SettingsService

    SettingsService(services.factory).change("ispdb_url", f"http://127.0.0.1:{ispdb.port}/v1.1/")
    yield https
    https.close()
    ispdb.close()
    dns.close()


def visible_texts(root: QWidget) -> list[str]:
    """Every text a person can see or hear in ``root``: labels, buttons, fields, choices,
    tooltips and accessible names."""
    texts: list[str] = []
    for w in [root, *root.findChildren(QWidget)]:
        if not w.isVisibleTo(root):
            continue
        texts += [w.toolTip(), w.accessibleName(), w.windowTitle()]
        if isinstance(w, QLabel | QAbstractButton):
            texts.append(w.text())
        if isinstance(w, QLineEdit):
            texts += [w.text(), w.placeholderText()]
        if isinstance(w, QComboBox):
            texts += [w.itemText(i) for i in range(w.count())]
    return [t for t in texts if t]


def assert_no_raw_key(root: QWidget) -> None:
    for text in visible_texts(root):
        for key in KEYS:
            bare = text.rstrip(" *")
            assert bare != key, f"the setting key {key!r} is shown as {text!r}"
            if "_" in key:
                assert not re.search(rf"\b{key}\b", text), f"the setting key {key!r} is shown in {text!r}"


def shoot(qtbot, dialog: QWidget, path: Path) -> None:
    """The dialog as the admin sees it, once pending layout work is done."""
    qtbot.wait(50)
    assert dialog.grab().save(str(path))


def open_new_account(make_window, qtbot, kind: str):
    from inbox_app.ui.dialogs.settings import SettingsDialog

    window = make_window()
    dialog = SettingsDialog(window.ws, window)
    qtbot.addWidget(dialog)
    dialog.resize(900, 760)
    dialog.show()
    tab = dialog.tabs.widget(0)
    qtbot.waitUntil(lambda: tab.list.count() == 2 and tab.kind.count() > 0)
    tab.new_button.click()
    tab.kind.setCurrentIndex(tab.kind.findData(kind))
    assert tab.account_form is not None and tab.account_form.kind == kind
    return dialog, tab


def test_every_connector_word_has_an_italian_translation() -> None:
    translator = TsTranslator(resources_dir() / "i18n" / "unisono_it.ts")
    missing = []
    for cls in REGISTRY.values():
        texts = [getattr(cls, "title", ""), getattr(cls, "secret_label", ""), getattr(cls, "secret_help", "")]
        for spec in cls.settings_schema:
            assert spec.label and spec.help, f"{cls.kind}.{spec.key} has no label or help"
            texts += [spec.label, spec.help, *(spec.choice_label(c) for c in spec.choices)]
        missing += [t for t in texts if t and not translator.translate(CONTEXT, t)]
    assert not missing, missing


def test_a_new_account_opens_on_email_and_the_testing_kind_only_in_a_test_store(
    make_window, qtbot, services
) -> None:
    dialog, tab = open_new_account(make_window, qtbot, "email")
    kinds = [tab.kind.itemData(i) for i in range(tab.kind.count())]
    assert kinds[0] == "email" and "fake" in kinds  # the UI tests' store is a test store
    from inbox_app.core.settings import SettingsService

    SettingsService(services.factory).change("testing_channels", False)
    assert "fake" not in services.setup.offered_kinds()
    assert set(services.setup.offered_kinds()) == set(REGISTRY) - {"fake"}


def test_new_email_account_found_from_its_address(make_window, qtbot, services, net, lang, shots) -> None:
    dialog, tab = open_new_account(make_window, qtbot, "email")
    form = tab.account_form
    # First only a name, the address and the password; the servers come after looking.
    assert not form.fields["imap_host"].isVisibleTo(dialog)
    assert form.fields["address"].isVisibleTo(dialog) and form.secret.isVisibleTo(dialog)
    tab.name.setText("assistenza")
    form.fields["display_name"].setText("Assistenza Unisono")
    form.fields["address"].setText("assistenza@example.test")
    form.secret.setText("s3cret")
    assert_no_raw_key(dialog)
    shoot(qtbot, dialog, shots / f"email-1-ask-{lang}.png")
    form.find_button.click()
    qtbot.waitUntil(lambda: form.fields["imap_host"].isVisibleTo(dialog), timeout=20000)
    found = form.found.text()
    assert ("autoconfig" not in found) and (
        "the domain's own mail configuration" in found
        if lang == "en"
        else "la configurazione di posta del dominio stesso" in found
    )
    values = form.values()
    assert (values["imap_host"], values["imap_port"], values["imap_security"]) == (
        "imap.example.test",
        993,
        "ssl",
    )
    assert (values["smtp_host"], values["smtp_port"], values["smtp_security"]) == (
        "smtp.example.test",
        587,
        "starttls",
    )
    # The port follows the security the admin picks, unless the admin typed one.
    security = form.fields["imap_security"]
    security.setCurrentIndex(security.findData("starttls"))
    assert form.fields["imap_port"].value() == 143
    security.setCurrentIndex(security.findData("ssl"))
    assert form.fields["imap_port"].value() == 993
    form.fields["imap_port"].setValue(1993)
    security.setCurrentIndex(security.findData("starttls"))
    assert form.fields["imap_port"].value() == 1993
    form.fields["imap_port"].setValue(993)
    security.setCurrentIndex(security.findData("ssl"))
    assert (security.currentText() == "SSL/TLS") and form.fields["imap_port"].value() == 993
    form.more.click()
    assert_no_raw_key(dialog)
    shoot(qtbot, dialog, shots / f"email-2-found-{lang}.png")
    tab.save.click()
    qtbot.waitUntil(lambda: tab.list.count() == 3)
    saved = services.accounts.get("assistenza").settings
    assert (saved["imap_host"], saved["smtp_port"], saved["address"]) == (
        "imap.example.test",
        587,
        "assistenza@example.test",
    )


def test_new_email_account_of_an_unknown_domain_is_filled_by_hand(
    make_window, qtbot, net, lang, shots
) -> None:
    dialog, tab = open_new_account(make_window, qtbot, "email")
    form = tab.account_form
    form.fields["address"].setText("ada@nowhere.test")
    form.find_button.click()
    qtbot.waitUntil(lambda: form.fields["imap_host"].isVisibleTo(dialog), timeout=30000)
    assert form.found.text().startswith(
        "Nothing was found for this account." if lang == "en" else "Non è stato trovato nulla"
    )
    assert form.fields["imap_host"].text() == "" and form.fields["imap_port"].value() == 993
    assert_no_raw_key(dialog)
    shoot(qtbot, dialog, shots / f"email-3-by-hand-{lang}.png")


def test_new_matrix_account_finds_its_homeserver(make_window, qtbot, net, lang, shots) -> None:
    dialog, tab = open_new_account(make_window, qtbot, "matrix")
    form = tab.account_form
    assert not form.fields["homeserver"].isVisibleTo(dialog)
    form.fields["user_id"].setText(f"@assistenza:localhost:{net.port}")
    form.find_button.click()
    qtbot.waitUntil(lambda: form.fields["homeserver"].isVisibleTo(dialog), timeout=20000)
    assert form.fields["homeserver"].text() == f"https://localhost:{net.port}"
    assert_no_raw_key(dialog)
    shoot(qtbot, dialog, shots / f"matrix-{lang}.png")


def test_new_telegram_account_names_its_bot_at_once(make_window, qtbot, lang, shots) -> None:
    emulator = TelegramEmulator()
    api = emulator.start()
    try:
        dialog, tab = open_new_account(make_window, qtbot, "telegram")
        form = tab.account_form
        form.fields["api_base"].setText(api)
        form.secret.setText(DEFAULT_TOKEN)
        form.secret.editingFinished.emit()
        bot = emulator.bot
        qtbot.waitUntil(lambda: f"@{bot['username']}" in form.identity.text(), timeout=15000)
        assert form.identity.text() == (
            f"This is @{bot['username']} ({bot['first_name']})."
            if lang == "en"
            else f"È @{bot['username']} ({bot['first_name']})."
        )
        assert_no_raw_key(dialog)
        shoot(qtbot, dialog, shots / f"telegram-{lang}.png")
        form.secret.setText("123:wrong")
        form.secret.editingFinished.emit()
        qtbot.waitUntil(lambda: "Telegram refused the bot token" in form.identity.text(), timeout=15000)
        assert form.identity.text().startswith(
            "Not accepted: The sign-in was refused."
            if lang == "en"
            else "Non accettato: L'accesso è stato rifiutato."
        )
    finally:
        emulator.stop()


@pytest.mark.parametrize("kind", ["mastodon", "google_reviews", "fake"])
def test_the_other_kinds_speak_in_words(make_window, qtbot, lang, shots, kind: str) -> None:
    dialog, tab = open_new_account(make_window, qtbot, kind)
    tab.account_form.more.click()
    assert_no_raw_key(dialog)
    labels = [w.text() for w in dialog.findChildren(QLabel) if w.isVisibleTo(dialog)]
    first = next(s for s in REGISTRY[kind].settings_schema if not s.advanced and s.type != "bool")
    expected = (
        first.label
        if lang == "en"
        else TsTranslator(resources_dir() / "i18n" / "unisono_it.ts").translate(CONTEXT, first.label)
    )
    assert any(t.rstrip(" *") == expected for t in labels), (expected, labels)
    shoot(qtbot, dialog, shots / f"{kind}-{lang}.png")


def test_test_connection_says_which_step_failed_and_what_to_try(make_window, qtbot, services, lang) -> None:
    from inbox_app.ui.dialogs.settings import SettingsDialog

    port = free_port()  # nothing listens there
    services.accounts.add(
        "email",
        "assistenza",
        {"address": "a@example.test", "imap_host": "127.0.0.1", "imap_security": "none", "imap_port": port},
        "pw",
    )
    window = make_window()
    dialog = SettingsDialog(window.ws, window)
    qtbot.addWidget(dialog)
    tab = dialog.tabs.widget(0)
    qtbot.waitUntil(lambda: tab.list.count() == 3)
    tab.list.setCurrentRow(next(i for i in range(3) if tab.list.item(i).text().startswith("assistenza ·")))
    assert tab.account_form.fields["imap_port"].value() == port
    tab.test.click()
    heading = (
        "The server did not accept a connection. Check the port and the security"
        if lang == "en"
        else "Il server non ha accettato la connessione. Controlla la porta e la sicurezza"
    )
    qtbot.waitUntil(lambda: heading in tab.result.text(), timeout=30000)
    assert_no_raw_key(dialog)
