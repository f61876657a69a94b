"""Reading and changing the team-wide settings kept in the store; every change is audited."""

from __future__ import annotations

from dataclasses import asdict, fields

from sqlalchemy.orm import Session, sessionmaker

from inbox_app.core import audit
from inbox_app.core.store.settings import StoreSettings

_YES = ("true", "yes", "on", "1")
_NO = ("false", "no", "off", "0")


class SettingError(Exception):
    """A setting that does not exist, or a value it cannot take; the message says which."""


class SettingsService:
    def __init__(self, factory: sessionmaker[Session]) -> None:
        self._factory = factory

    def current(self) -> dict[str, object]:
        with self._factory() as session:
            return asdict(StoreSettings.load(session))

    @staticmethod
    def parse(key: str, text: str) -> object:
        """The value ``text`` stands for in setting ``key``: yes or no, a whole number, a word, or None."""
        types = {f.name: f.type for f in fields(StoreSettings)}
        if key not in types:
            raise SettingError(f"unknown setting {key!r}; known: {', '.join(types)}")
        if str(types[key]) in ("bool", "<class 'bool'>"):
            word = text.strip().lower()
            if word in _YES or word in _NO:
                return word in _YES
            raise SettingError(f"{key} takes true or false, not {text!r}")
        if "int" in str(types[key]):
            try:
                number = int(text)
            except ValueError:
                raise SettingError(f"{key} takes a whole number, not {text!r}")
            if number < 0:
                raise SettingError(f"{key} cannot be negative")
            if key == "risk_threshold" and number > 100:
                raise SettingError("risk_threshold is an at-risk score from 0 to 100")
            return number
        if text.lower() in ("", "none", "null"):
            return None
        return text

    def change(self, key: str, value: object, *, actor: str | None = None) -> None:
        with self._factory() as session, session.begin():
            StoreSettings.save(session, key, value)
            audit.record(session, actor, "setting.changed", "setting", None, key=key, value=value)
