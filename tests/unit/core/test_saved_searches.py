"""Saved searches: an agent's own views of the case list, by name, matching subject or customer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from inbox_app.app import Services
from inbox_app.core.read.saved_searches import SavedSearchError, SavedSearchService
from tests.unit.core.helpers import account, batch, fresh_store, item


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    svc = fresh_store(tmp_path)
    acc = account(svc)
    svc.ingest.store_batch(
        acc,
        batch(
            item("m1", "anna@example.it", name="Anna Verdi", subject="Rimborso ordine 4411"),
            item("m2", "luca@example.com", name="Luca Neri", subject="Delivery address", minutes=1),
            item("m3", "paolo@example.it", name="Paolo Rimbaud", subject="Fattura", minutes=2),
        ),
    )
    yield svc
    svc.close()


@pytest.fixture
def saved(services: Services) -> SavedSearchService:
    return SavedSearchService(services.factory)


@pytest.fixture
def agents(services: Services) -> tuple[int, int]:
    giulia = services.agents.add("Giulia Rossi", "giulia@example.com")
    marco = services.agents.add("Marco Bianchi", "marco@example.com")
    return giulia.id, marco.id


def _cases_of(services: Services, flt) -> set[str]:
    return {c.customer_name for c in services.queries.cases(flt)}


def test_each_agent_keeps_their_own_views_by_name(saved: SavedSearchService, agents: tuple[int, int]) -> None:
    giulia, marco = agents
    saved.save(giulia, "  Rimborsi  ", " rimb ")
    saved.save(giulia, "anna", "anna")
    saved.save(marco, "Rimborsi", "rimborso")
    mine = saved.list(giulia)
    assert [(s.name, s.query) for s in mine] == [("anna", "anna"), ("Rimborsi", "rimb")]
    assert [s.name for s in saved.list(marco)] == ["Rimborsi"]
    assert saved.list(None) == []
    local = saved.save(None, "Locale", "x")
    assert saved.list(None) == [local]


def test_names_are_unique_per_agent_and_never_empty(
    saved: SavedSearchService, agents: tuple[int, int]
) -> None:
    giulia, _ = agents
    saved.save(giulia, "Rimborsi", "rimb")
    with pytest.raises(SavedSearchError, match="already have a view named 'rimborsi'"):
        saved.save(giulia, "rimborsi", "altro")
    with pytest.raises(SavedSearchError, match="needs a name"):
        saved.save(giulia, "   ", "rimb")
    with pytest.raises(SavedSearchError, match="no search text"):
        saved.save(giulia, "Vuota", "  ")
    with pytest.raises(SavedSearchError, match="at most 200"):
        saved.save(giulia, "x" * 201, "rimb")
    assert [s.name for s in saved.list(giulia)] == ["Rimborsi"]


def test_a_view_lists_open_cases_matching_subject_or_customer(
    services: Services, saved: SavedSearchService, agents: tuple[int, int]
) -> None:
    view = saved.save(agents[0], "Rimborsi", "RIMB")
    # "Rimborso ordine 4411" by subject, Paolo Rimbaud by name
    assert _cases_of(services, view.filter) == {"Anna Verdi", "Paolo Rimbaud"}
    assert services.queries.count_cases(view.filter) == 2
    anna_case = next(c for c in services.queries.cases(view.filter) if c.customer_name == "Anna Verdi")
    services.cases.set_status(anna_case.id, "resolved")
    assert _cases_of(services, view.filter) == {"Paolo Rimbaud"}
    services.cases.set_status(anna_case.id, "pending")
    assert services.queries.count_cases(view.filter) == 2


def test_deleting_a_view(saved: SavedSearchService, agents: tuple[int, int]) -> None:
    giulia, _ = agents
    first = saved.save(giulia, "Rimborsi", "rimb")
    saved.save(giulia, "Anna", "anna")
    saved.delete(first.id)
    assert [s.name for s in saved.list(giulia)] == ["Anna"]
    with pytest.raises(SavedSearchError, match=f"no saved search with id {first.id}"):
        saved.delete(first.id)
    saved.save(giulia, "Rimborsi", "rimborso")  # the name is free again


def test_an_agents_views_go_with_the_agent(
    services: Services, saved: SavedSearchService, agents: tuple[int, int]
) -> None:
    from sqlalchemy import delete

    from inbox_app.core.store.models import Agent

    giulia, marco = agents
    saved.save(giulia, "Rimborsi", "rimb")
    saved.save(marco, "Rimborsi", "rimb")
    with services.factory() as s, s.begin():
        s.execute(delete(Agent).where(Agent.id == giulia))
    assert saved.list(giulia) == [] and len(saved.list(marco)) == 1
