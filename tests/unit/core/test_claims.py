"""Claims and moves on the embedded store: the services hold the acting agent to the rules
that team mode's database holds every agent's login to (tests/integration/roles/test_claims.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from inbox_app.app import Services
from inbox_app.core.claims import CaseHeld, MoveRefused, since_words
from inbox_app.core.settings import SettingsService
from tests.unit.core.helpers import account, batch, fresh_store, item


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    svc = fresh_store(tmp_path)
    svc.agents.add("Marco Bianchi", "marco@example.com")
    svc.agents.add("Sara Conti", "sara@example.com")
    svc.agents.add("Luca Verdi", "luca@example.com", role="lead")
    svc.ingest.store_batch(account(svc), batch(item("m1"), item("m2", "bruno@example.it")))
    yield svc
    svc.close()


def _case(services: Services, n: int = 0) -> int:
    return sorted(c.id for c in services.queries.cases())[n]


def test_an_agent_takes_a_free_case_and_is_refused_a_held_one_with_whose_and_since_when(
    services: Services,
) -> None:
    cases, case_id = services.cases, _case(services)
    cases.assign(case_id, "Marco Bianchi", actor="Marco Bianchi")
    cases.assign(case_id, "Marco Bianchi", actor="Marco Bianchi")  # already his: still fine
    with pytest.raises(CaseHeld) as held:
        cases.assign(case_id, "Sara Conti", actor="sara@example.com")
    assert held.value.holder == "Marco Bianchi" and held.value.since is not None
    assert str(held.value) == f"case {case_id} is Marco Bianchi's since {since_words(held.value.since)}"
    assert services.queries.case(case_id).assignee == "Marco Bianchi"
    # Giving it back is always allowed; then Sara may take it.
    with pytest.raises(CaseHeld):
        cases.assign(case_id, None, actor="Sara Conti")  # not hers to give back
    cases.assign(case_id, None, actor="Marco Bianchi")
    cases.assign(case_id, "Sara Conti", actor="Sara Conti")
    assert services.queries.case(case_id).assignee == "Sara Conti"


def test_moving_others_cases_is_for_leads_unless_agents_may_reassign(services: Services) -> None:
    cases, case_id, other = services.cases, _case(services), _case(services, 1)
    cases.assign(case_id, "Marco Bianchi", actor="Marco Bianchi")
    with pytest.raises(MoveRefused, match="only leads and admins"):
        cases.assign(other, "Marco Bianchi", actor="Sara Conti")  # a free case, to someone else
    with pytest.raises(MoveRefused, match=f"case {case_id} is Marco Bianchi's: only leads"):
        cases.assign(case_id, "Luca Verdi", actor="Sara Conti")
    cases.assign(case_id, "Sara Conti", actor="Luca Verdi")  # a lead moves it
    assert services.queries.case(case_id).assignee == "Sara Conti"
    SettingsService(services.factory).change("agents_may_reassign", True, actor="admin")
    cases.assign(case_id, "Marco Bianchi", actor="Sara Conti")
    cases.assign(case_id, "Sara Conti", actor="Sara Conti")
    assert services.queries.case(case_id).assignee == "Sara Conti"
    # No acting agent (the store's owner at the command line): not restricted.
    SettingsService(services.factory).change("agents_may_reassign", False, actor="admin")
    cases.assign(case_id, "Marco Bianchi", actor="cli:someone")
    assert services.queries.case(case_id).assignee == "Marco Bianchi"


def test_a_claim_undone_gives_the_case_back_and_the_date_shows_when_not_today(services: Services) -> None:
    cases, case_id = services.cases, _case(services)
    before = cases.assign(case_id, "Marco Bianchi", actor="Marco Bianchi")
    assert before == {"assignee_id": None}
    cases.restore(case_id, before, actor="Marco Bianchi")
    assert services.queries.case(case_id).assignee is None
    from datetime import datetime

    long_ago = datetime(2026, 1, 5, 9, 30).astimezone()
    assert since_words(long_ago) == "2026-01-05 09:30"
    assert len(since_words(datetime.now().astimezone())) == 5


def test_the_setting_takes_true_or_false() -> None:
    assert SettingsService.parse("agents_may_reassign", "true") is True
    assert SettingsService.parse("agents_may_reassign", "off") is False
    from inbox_app.core.settings import SettingError

    with pytest.raises(SettingError, match="takes true or false"):
        SettingsService.parse("agents_may_reassign", "maybe")
