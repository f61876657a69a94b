"""Rules the command line and the window share, decided once in the core: who acts, and what
a team setting may be set to."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from inbox_app.app import Services
from inbox_app.core.agents import acting_agent
from inbox_app.core.settings import SettingError, SettingsService
from tests.unit.core.helpers import fresh_store


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    svc = fresh_store(tmp_path)
    yield svc
    svc.close()


def test_the_agent_asked_for_acts_and_an_unknown_name_is_refused(services: Services) -> None:
    services.agents.add("Marco Bianchi", "marco@example.com")
    services.agents.add("Giulia Rossi", "giulia@example.com", role="admin")
    by_email = acting_agent(services.agents, services.engine, "marco@example.com", anyone=False)
    assert by_email.agent is not None and by_email.agent.name == "Marco Bianchi"
    assert by_email.refused is None
    unknown = acting_agent(services.agents, services.engine, "Nobody", anyone=True)
    assert unknown.agent is None and unknown.refused == "Nobody"  # never someone else instead


def test_without_a_name_the_window_takes_the_first_admin_and_the_command_line_nobody(
    services: Services,
) -> None:
    assert acting_agent(services.agents, services.engine, None, anyone=True).agent is None  # empty store
    services.agents.add("Anna Neri", "anna@example.com")
    services.agents.add("Luca Verdi", "luca@example.com", role="lead")
    lead = acting_agent(services.agents, services.engine, None, anyone=True)
    assert lead.agent is not None and lead.agent.name == "Luca Verdi"  # no admin: the first lead
    services.agents.add("Zoe Admin", "zoe@example.com", role="admin")
    window = acting_agent(services.agents, services.engine, None, anyone=True)
    assert window.agent is not None and window.agent.name == "Zoe Admin" and window.refused is None
    assert acting_agent(services.agents, services.engine, None, anyone=False).agent is None


def test_a_setting_takes_only_values_of_its_kind_and_each_change_is_audited(services: Services) -> None:
    from sqlalchemy import select

    from inbox_app.core.store.models import AuditEvent

    settings = SettingsService(services.factory)
    assert settings.parse("reopen_window_days", "3") == 3
    assert settings.parse("default_phone_region", "IT") == "IT"
    assert settings.parse("default_phone_region", "None") is None
    for key, text, words in (
        ("reopen_window_days", "tre", "takes a whole number"),
        ("reopen_window_days", "-1", "cannot be negative"),
        ("bogus", "1", "unknown setting 'bogus'"),
    ):
        with pytest.raises(SettingError, match=words):
            settings.parse(key, text)
    settings.change("reopen_window_days", 3, actor="Giulia Rossi")
    assert settings.current()["reopen_window_days"] == 3
    with services.factory() as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "setting.changed")).one()
    assert event.actor == "Giulia Rossi" and event.data == {"key": "reopen_window_days", "value": 3}
