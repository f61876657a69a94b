"""Channel accounts: admin-configured mailboxes, chat, social and review accounts."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from connectors.base import ConnectorClass, SettingsError, validate_settings
from inbox_app.core import approval_rules, audit, routing
from inbox_app.core.clock import aware, utcnow
from inbox_app.core.customers.reach import PLAYS_ANY_CHANNEL
from inbox_app.core.events import AccountsChanged, EventBus
from inbox_app.core.secrets import SecretStore
from inbox_app.core.store.models import ChannelAccount, Message, QuarantineItem, Thread
from inbox_app.core.vocab import AccountStatus

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@+\-]{0,99}$")


class AccountError(Exception):
    """An account operation was refused; the message says why."""


_KEEP = object()  # the routing was not named: leave it as it is


def _routing(settings: Mapping[str, Any]) -> tuple[dict[str, Any], object]:
    """The connector's settings, and the team named for routing (or _KEEP when none was)."""
    rest = dict(settings)
    team = rest.pop(routing.TEAM, _KEEP)
    return rest, team


def _approval(settings: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The connector's settings, and the approval rules named (core/approval_rules.py)."""
    try:
        return approval_rules.split(settings)
    except approval_rules.RuleSettingError as exc:
        raise AccountError(str(exc))


def _check_name(name: str) -> None:
    if not _NAME.match(name):
        raise AccountError(
            f"account name {name!r} must start with a letter or digit and use only letters, digits and . _ - @ +"
        )


def _team_id(s: Session, name: object) -> int | None:
    try:
        return routing.team_id_named(s, name)
    except routing.RoutingError as exc:
        raise AccountError(str(exc))


@dataclass(frozen=True)
class AccountRow:
    id: int
    name: str
    kind: str
    channel: str
    enabled: bool
    status: str
    last_error: str | None
    last_sync_at: datetime | None
    settings: dict[str, Any]
    progress_done: int | None = None
    progress_total: int | None = None
    team_id: int | None = None  # the team new cases of this account belong to
    team: str | None = None
    # Which replies wait for a lead (core/approval_rules.py).
    approvals: approval_rules.AccountRules = approval_rules.AccountRules()

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "enabled": self.enabled,
            "status": self.status,
            "last_error": self.last_error,
            "last_sync_at": self.last_sync_at.isoformat() if self.last_sync_at else None,
            "channel": self.channel,
            "id": self.id,
            "team": self.team,
            "approve_stars_max": self.approvals.stars_max,
            "approve_public": self.approvals.public,
        }


def _row(a: ChannelAccount, s: Session) -> AccountRow:
    team_id, team = routing.team_of(s, a.settings)
    return AccountRow(
        a.id,
        a.name,
        a.kind,
        a.channel,
        a.enabled,
        a.status,
        a.last_error,
        aware(a.last_sync_at),
        routing.connector_settings(a.settings),
        a.progress_done,
        a.progress_total,
        team_id,
        team,
        approval_rules.of_account(a.settings),
    )


class AccountService:
    def __init__(
        self,
        factory: sessionmaker[Session],
        registry: Mapping[str, ConnectorClass],
        secrets: SecretStore,
        bus: EventBus | None = None,
    ) -> None:
        self._factory = factory
        self.registry = registry
        self.secrets = secrets
        self._bus = bus or EventBus()

    def connector_class(self, kind: str) -> ConnectorClass:
        try:
            return self.registry[kind]
        except KeyError:
            raise AccountError(
                f"unknown account kind {kind!r}; available: {', '.join(sorted(self.registry))}"
            )

    def add(
        self,
        kind: str,
        name: str,
        settings: Mapping[str, Any],
        secret: str | None = None,
        *,
        actor: str | None = None,
    ) -> AccountRow:
        cls, clean, team, rules = self._checked(kind, name, settings, secret)
        if cls.needs_secret and not secret:
            raise AccountError(f"the {kind} account needs a password or token: pass it with --secret-stdin")
        channel = clean.get("channel") if kind == PLAYS_ANY_CHANNEL else cls.channel
        with self._factory() as s, s.begin():
            if s.scalar(select(ChannelAccount.id).where(ChannelAccount.name == name)):
                raise AccountError(f"an account named {name!r} already exists")
            team_id = _team_id(s, team) if team is not _KEEP else None
            # Keyring first: if it refuses, nothing is half-created.
            if secret:
                self.secrets.set(name, secret)
            account = ChannelAccount(
                name=name,
                kind=kind,
                channel=channel,
                settings={**routing.stored(clean, team_id), **approval_rules.stored({}, rules)},
                enabled=True,
                status=AccountStatus.IDLE,
                created_at=utcnow(),
            )
            s.add(account)
            s.flush()
            audit.record(
                s,
                actor,
                "account.added",
                "channel_account",
                account.id,
                name=name,
                kind=kind,
                settings=clean,
                team_id=team_id,
            )
            row = _row(account, s)
        self._bus.publish(AccountsChanged((row.id,)))
        return row

    def check_new(self, kind: str, name: str, settings: Mapping[str, Any], *, partial: bool = False) -> None:
        """Refuse, in words, what :meth:`add` would refuse before any secret is involved:
        a sign-in in the browser is not asked for an account that could not be saved.
        ``partial``: only the name and each setting, for settings the sign-in completes."""
        if partial:
            _check_name(name)
            try:
                validate_settings(
                    self.connector_class(kind).settings_schema, _approval(_routing(settings)[0])[0]
                )
            except SettingsError as exc:
                raise AccountError(str(exc))
        else:
            self._checked(kind, name, settings, None)
        with self._factory() as s:
            if s.scalar(select(ChannelAccount.id).where(ChannelAccount.name == name)):
                raise AccountError(f"an account named {name!r} already exists")

    def _checked(
        self, kind: str, name: str, settings: Mapping[str, Any], secret: str | None
    ) -> tuple[ConnectorClass, dict[str, Any], object, dict[str, Any]]:
        cls = self.connector_class(kind)
        settings, team = _routing(settings)
        settings, rules = _approval(settings)
        _check_name(name)
        try:
            clean = validate_settings(cls.settings_schema, settings)
        except SettingsError as exc:
            raise AccountError(str(exc))
        try:
            # The connector's own checks (e.g. plain text only to this computer), no network.
            cls(clean, secret or "")
        except SettingsError as exc:
            raise AccountError(str(exc))
        return cls, clean, team, rules

    def update_settings(
        self, name: str, changes: Mapping[str, Any], secret: str | None = None, *, actor: str | None = None
    ) -> AccountRow:
        changes, team = _routing(changes)
        changes, rules = _approval(changes)
        with self._factory() as s, s.begin():
            account = self._get(s, name)
            cls = self.connector_class(account.kind)
            merged = {**routing.connector_settings(account.settings), **changes}
            try:
                clean = validate_settings(cls.settings_schema, merged)
                cls(clean, secret or "")
            except SettingsError as exc:
                raise AccountError(str(exc))
            kept = routing.routed_team(s, account.settings)
            team_id = kept if team is _KEEP else _team_id(s, team)
            if secret:
                self.secrets.set(name, secret)
                if account.status == AccountStatus.AUTH_ERROR:
                    # The refusal was of the old credentials; the next round tries the new ones.
                    account.status, account.last_error = AccountStatus.IDLE, None
            kept_rules = approval_rules.stored(account.settings, rules)
            account.settings = {**routing.stored(clean, team_id), **kept_rules}
            audit.record(
                s,
                actor,
                "account.changed",
                "channel_account",
                account.id,
                changed=sorted([*changes, *rules, *([routing.TEAM] if team is not _KEEP else [])]),
                secret_changed=bool(secret),
                **({"team_id": team_id} if team is not _KEEP else {}),
            )
            row = _row(account, s)
        self._bus.publish(AccountsChanged((row.id,)))
        return row

    def list(self) -> list[AccountRow]:
        with self._factory() as s:
            return [_row(a, s) for a in s.scalars(select(ChannelAccount).order_by(ChannelAccount.name))]

    def get(self, name: str) -> AccountRow:
        with self._factory() as s:
            return _row(self._get(s, name), s)

    def get_by_id(self, account_id: int) -> AccountRow:
        with self._factory() as s:
            account = s.get(ChannelAccount, account_id)
            if account is None:
                raise AccountError(f"no channel account with id {account_id}")
            return _row(account, s)

    def _get(self, s: Session, name: str) -> ChannelAccount:
        account = s.scalar(select(ChannelAccount).where(ChannelAccount.name == name))
        if account is None:
            raise AccountError(f"no channel account named {name!r}")
        return account

    def set_enabled(self, name: str, enabled: bool, *, actor: str | None = None) -> None:
        with self._factory() as s, s.begin():
            account = self._get(s, name)
            account.enabled = enabled
            audit.record(
                s, actor, "account.enabled" if enabled else "account.disabled", "channel_account", account.id
            )
            account_id = account.id
        self._bus.publish(AccountsChanged((account_id,)))

    def remove(self, name: str, *, actor: str | None = None) -> None:
        """Remove the account and its secret; its messages stay on the timelines."""
        with self._factory() as s, s.begin():
            account = self._get(s, name)
            account_id = account.id
            # Keep stored conversations readable; only the link to the account goes.
            s.execute(update(Message).where(Message.account_id == account_id).values(account_id=None))
            s.execute(update(Thread).where(Thread.account_id == account_id).values(account_id=None))
            s.execute(delete(QuarantineItem).where(QuarantineItem.account_id == account_id))
            s.delete(account)
            audit.record(s, actor, "account.removed", "channel_account", account_id, name=name)
        self.secrets.delete(name)
        self.secrets.delete(f"{name}#token")
        self._bus.publish(AccountsChanged((account_id,)))

    def secret(self, name: str) -> str | None:
        return self.secrets.get(name)

    def set_status(
        self, account_id: int, status: str, error: str | None = None, *, synced: bool = False
    ) -> None:
        values: dict[str, Any] = {"status": status, "last_error": error}
        if synced:
            values["last_sync_at"] = utcnow()
        with self._factory() as s, s.begin():
            s.execute(update(ChannelAccount).where(ChannelAccount.id == account_id).values(**values))
        self._bus.publish(AccountsChanged((account_id,), {account_id: status}))

    def cursor(self, account_id: int) -> str | None:
        with self._factory() as s:
            return s.scalar(select(ChannelAccount.cursor).where(ChannelAccount.id == account_id))
