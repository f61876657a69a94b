"""Routing: the team whose cases a channel account's new conversations open.

An admin names it with the account's other settings (``--set team=Vendite``, or the settings
window); it is kept by id beside the connector's own settings, so renaming the team keeps the
routing, and connectors never see it. Ingest reads it once per batch (:func:`routed_team`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inbox_app.core.approval_rules import ACCOUNT_KEYS as APPROVAL_KEYS
from inbox_app.core.store.models import Team

#: What an admin calls the setting.
TEAM = "team"
#: Where the account's stored settings keep it: the team's id.
TEAM_ID = "team_id"
_NONE = ("", "none", "-")


class RoutingError(ValueError):
    """No team of that name; the message says so."""


def connector_settings(stored: Mapping[str, Any]) -> dict[str, Any]:
    """The settings the account's connector reads: the stored ones without the routing and
    the approval rules (core/approval_rules.py), which are the app's."""
    return {k: v for k, v in stored.items() if k != TEAM_ID and k not in APPROVAL_KEYS}


def team_id_named(s: Session, name: object) -> int | None:
    """The id of the team called ``name`` (capitals aside); None for none, '' or '-'."""
    text = " ".join(str(name or "").split())
    if text.lower() in _NONE:
        return None
    found = s.scalar(select(Team.id).where(func.lower(Team.name) == text.lower()))
    if found is None:
        raise RoutingError(f"no team named {text!r} (see 'inbox-app teams list')")
    return int(found)


def stored(connector: Mapping[str, Any], team_id: int | None) -> dict[str, Any]:
    """What the account keeps: the connector's settings and, when there is one, the team."""
    return {**connector, TEAM_ID: team_id} if team_id is not None else dict(connector)


def team_of(s: Session, stored_settings: Mapping[str, Any]) -> tuple[int | None, str | None]:
    """The team (id, name) an account's stored settings route to; (None, None) when none is, or
    when the team was removed since."""
    team_id = stored_settings.get(TEAM_ID)
    if team_id is None:
        return None, None
    name = s.scalar(select(Team.name).where(Team.id == int(team_id)))
    return (int(team_id), name) if name is not None else (None, None)


def routed_team(s: Session, stored_settings: Mapping[str, Any]) -> int | None:
    """The team id new cases of this account get: one primary-key read, once per batch."""
    return team_of(s, stored_settings)[0]
