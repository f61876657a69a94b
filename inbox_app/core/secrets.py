"""Secrets live in the OS keyring only: never in the database, a log line or an error."""

from __future__ import annotations

import logging
import os

logger = logging.getLogger(__name__)

SERVICE = "inbox_app"

NO_KEYRING = (
    "no usable keyring to keep the account's secret in. Unlock your desktop keyring "
    "(GNOME Keyring, KWallet, macOS Keychain, Windows Credential Locker), or choose a "
    "backend explicitly with PYTHON_KEYRING_BACKEND (for a headless worker, e.g. an "
    "encrypted file backend: pip install keyrings.cryptfile and set "
    "PYTHON_KEYRING_BACKEND=keyrings.cryptfile.cryptfile.CryptFileKeyring). "
    "Secrets are never stored in the database."
)


class SecretStoreError(Exception):
    """The keyring cannot be used; the message names the ways out."""


# keyring is imported on first use, in each method: a window that reads no secret
# starts without it (about 50 ms of imports).
class SecretStore:
    def __init__(self, service: str = SERVICE) -> None:
        self.service = service

    def _check(self) -> None:
        import keyring
        from keyring.backends import chainer, fail

        backend = keyring.get_keyring()
        if isinstance(backend, fail.Keyring):
            raise SecretStoreError(NO_KEYRING)
        if isinstance(backend, chainer.ChainerBackend) and not backend.backends:
            raise SecretStoreError(NO_KEYRING)
        module = type(backend).__module__
        if module.startswith("keyrings.alt") and not os.environ.get("PYTHON_KEYRING_BACKEND"):
            # keyrings.alt makes a plain file the default merely by being installed;
            # a secret goes there only when someone chose that backend on purpose.
            raise SecretStoreError(NO_KEYRING)

    def _key(self, account: str) -> str:
        # "name" holds the admin's secret; "name#token" a token a connector obtained with it.
        name, _, purpose = account.partition("#")
        return f"account:{name}" + (f":{purpose}" if purpose else "")

    def set(self, account: str, secret: str) -> None:
        self._check()
        import keyring
        import keyring.errors

        try:
            keyring.set_password(self.service, self._key(account), secret)
        except keyring.errors.KeyringError as exc:
            raise SecretStoreError(f"{NO_KEYRING} ({type(exc).__name__})")

    def get(self, account: str) -> str | None:
        self._check()
        import keyring
        import keyring.errors

        try:
            return keyring.get_password(self.service, self._key(account))
        except keyring.errors.KeyringError as exc:
            raise SecretStoreError(f"{NO_KEYRING} ({type(exc).__name__})")

    def delete(self, account: str) -> None:
        import keyring
        import keyring.errors

        try:
            self._check()
            keyring.delete_password(self.service, self._key(account))
        except keyring.errors.PasswordDeleteError:
            pass
        except (keyring.errors.KeyringError, SecretStoreError):
            logger.warning("could not remove the secret of account %s from the keyring", account)
