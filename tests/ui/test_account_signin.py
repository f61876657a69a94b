"""Settings > Channel accounts: "Sign in with Google" for an email account whose sign-in is
OAuth 2, in English and Italian. The test plays the system browser (following the URL the
form would open, from another thread, so the window's loop keeps running); the form waits
without blocking, then says who signed in; Save keeps the grant in the keyring only. An
account whose sign-in was withdrawn says so in words and offers "Sign in again", which
mends it. Each step is rendered to a PNG to be looked at."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import httpx
import pytest

from connectors.oauth import Grant
from inbox_app.core.vocab import AccountStatus
from inbox_app.ui.dialogs.sign_in_row import SignInRow
from tests.emulators.oauth import OAuthEmulator
from tests.ui.test_account_form import assert_no_raw_key, open_new_account, shoot

WORDS = {
    "en": {
        "button": "Sign in with Google",
        "signed": "Signed in as support@example.com.",
        "again": "Sign in again",
        "withdrawn": "Google no longer accepts this account's sign-in. Press “Sign in again” to resume syncing.",
        "saved": "Signed in as support@example.com. Saved.",
        "test": "Connection failed: The sign-in was refused. Sign in again; if it keeps failing, check the "
        "client ID under More settings.",
    },
    "it": {
        "button": "Accedi con Google",
        "signed": "Accesso eseguito come support@example.com.",
        "again": "Accedi di nuovo",
        "withdrawn": "Google non accetta più l'accesso di questo account. Premi «Accedi di nuovo» per riprendere "
        "la sincronizzazione.",
        "saved": "Accesso eseguito come support@example.com. Salvato.",
        "test": "Connessione non riuscita: L'accesso è stato rifiutato. Accedi di nuovo; se continua a non "
        "riuscire, controlla l'ID client in Altre impostazioni.",
    },
}


@pytest.fixture
def provider(monkeypatch: pytest.MonkeyPatch) -> Iterator[OAuthEmulator]:
    server = OAuthEmulator()
    server.start()
    opened: list[str] = []

    def browser(url: str) -> bool:
        opened.append(url)
        threading.Thread(
            target=lambda: httpx.get(url, follow_redirects=True, timeout=10), daemon=True
        ).start()
        return True

    monkeypatch.setattr(SignInRow, "opener", staticmethod(browser))
    server.opened = opened  # type: ignore[attr-defined]
    yield server
    server.stop()


def gmail(provider: OAuthEmulator) -> dict[str, object]:
    return {
        "address": "support@example.com",
        "imap_host": "imap.gmail.com",
        "smtp_host": "smtp.gmail.com",
        "auth": "oauth2",
        "oauth_client_id": provider.client_id,
        "oauth_authorize_url": provider.authorize_url,
        "oauth_token_url": provider.token_url,
    }


def test_a_new_email_account_signs_in_with_google(
    make_window, qtbot, services, provider, lang, shots
) -> None:
    dialog, tab = open_new_account(make_window, qtbot, "email")
    form = tab.account_form
    tab.name.setText("gmail")
    form.fields["address"].setText("support@example.com")
    form.by_hand.click()
    assert not form.sign_in.isVisibleTo(dialog)  # a password account has no sign-in button
    form.more.click()
    for key, value in gmail(provider).items():
        form.set_value(key, value)
    form.fields["imap_host"].editingFinished.emit()
    assert form.sign_in.isVisibleTo(dialog)
    assert form.sign_in.button.text() == WORDS[lang]["button"]
    assert_no_raw_key(dialog)
    shoot(qtbot, dialog, shots / f"oauth-1-ask-{lang}.png")
    tab.save.click()  # not signed in yet: said, nothing saved
    assert "Sign in first" in tab.result.text() or "Prima accedi" in tab.result.text()
    form.sign_in.button.click()
    qtbot.waitUntil(lambda: tab.result.text() == WORDS[lang]["signed"], timeout=15000)
    assert provider.opened[0].startswith(provider.authorize_url + "?")  # type: ignore[attr-defined]
    shoot(qtbot, dialog, shots / f"oauth-2-signed-in-{lang}.png")
    tab.save.click()
    qtbot.waitUntil(lambda: tab.list.count() == 3, timeout=10000)
    saved = services.accounts.get("gmail")
    grant = Grant.from_secret(services.accounts.secret("gmail"))
    assert grant is not None and grant.refresh_token == provider.grants[-1].refresh_token
    assert grant.refresh_token not in repr(saved.settings)
    assert saved.settings["auth"] == "oauth2" and saved.settings["oauth_provider"] == "auto"


def test_a_withdrawn_sign_in_is_said_and_signing_in_again_mends_it(
    make_window,
    qtbot,
    services,
    provider,
    lang,
    shots,
) -> None:
    from inbox_app.ui.dialogs.settings import SettingsDialog

    old = Grant("at-old", "rt-old", expires_at=1, signed_in_at=1, identity="support@example.com")
    row = services.accounts.add("email", "gmail", gmail(provider), old.to_secret())
    services.accounts.set_status(
        row.id,
        AccountStatus.AUTH_ERROR,
        "credentials refused: Google no longer accepts this sign-in; sign in again",
    )
    window = make_window()
    dialog = SettingsDialog(window.ws, window)
    qtbot.addWidget(dialog)
    dialog.resize(900, 760)
    dialog.show()
    tab = dialog.tabs.widget(0)
    qtbot.waitUntil(lambda: tab.list.count() == 3)
    tab.list.setCurrentRow(next(i for i in range(3) if tab.list.item(i).text().startswith("gmail ·")))
    form = tab.account_form
    assert tab.result.text() == WORDS[lang]["withdrawn"]
    assert tab.sign_in_again.isVisibleTo(dialog) and tab.sign_in_again.text() == WORDS[lang]["again"]
    assert not form.sign_in.isVisibleTo(dialog)  # one "Sign in again", beside Save
    assert_no_raw_key(dialog)
    shoot(qtbot, dialog, shots / f"oauth-3-withdrawn-{lang}.png")
    tab.test.click()  # the expired token is refreshed first: the provider refuses the grant
    qtbot.waitUntil(lambda: WORDS[lang]["test"] in tab.result.text(), timeout=15000)
    assert "Google no longer accepts this sign-in; sign in again" in tab.result.text()
    tab.sign_in_again.click()
    qtbot.waitUntil(lambda: tab.result.text() == WORDS[lang]["saved"], timeout=15000)
    account = services.accounts.get("gmail")
    assert account.status == AccountStatus.IDLE and account.last_error is None
    grant = Grant.from_secret(services.accounts.secret("gmail"))
    assert grant is not None and grant.refresh_token == provider.grants[-1].refresh_token != "rt-old"
    assert not tab.sign_in_again.isVisibleTo(dialog)
    shoot(qtbot, dialog, shots / f"oauth-4-signed-in-again-{lang}.png")


def test_a_google_location_signs_in_and_is_picked_from_the_managers_list(
    make_window, qtbot, services, provider, lang, shots
) -> None:
    from tests.emulators.google_reviews import GoogleReviewsEmulator

    google = GoogleReviewsEmulator()
    google.start()
    try:
        second = google.add_location(
            "555", "777", title="Pizzeria Unisono", address=("Piazza Maggiore 2", "Bologna")
        )
        dialog, tab = open_new_account(make_window, qtbot, "google_reviews")
        form = tab.account_form
        tab.name.setText("trattoria")
        form.more.click()
        for key, value in {
            "client_id": google.client_id,
            "api_base": google.base_url,
            "token_url": google.token_url,
            "oauth_authorize_url": google.base_url + "/authorize",
            "accounts_api": google.base_url,
            "locations_api": google.base_url,
        }.items():
            form.set_value(key, value)
        form.secret.setText(google.client_secret)
        assert form.sign_in.button.text() == WORDS[lang]["button"]
        form.sign_in.button.click()
        qtbot.waitUntil(lambda: form.sign_in.choice.isVisibleTo(dialog), timeout=15000)
        assert tab.result.text() == WORDS[lang]["signed"].replace("support@", "owner@")
        choice = form.sign_in.choice
        assert [choice.itemText(i) for i in range(choice.count())] == [
            "Trattoria Unisono — Via Roma 1, Bologna",
            "Pizzeria Unisono — Piazza Maggiore 2, Bologna",
        ]
        assert form.values()["location"] == google.location  # the first, until another is picked
        choice.setCurrentIndex(1)
        assert form.values()["location"] == second.name
        tab.form_scroll.ensureWidgetVisible(form.sign_in)
        assert_no_raw_key(dialog)
        shoot(qtbot, dialog, shots / f"oauth-5-google-location-{lang}.png")
        tab.save.click()
        qtbot.waitUntil(lambda: tab.list.count() == 3, timeout=10000)
        assert services.accounts.get("trattoria").settings["location"] == second.name
        grant = Grant.from_secret(services.accounts.secret("trattoria"))
        assert grant is not None and grant.client_secret == google.client_secret
    finally:
        google.stop()
